import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import { ProfiledError } from '@profiled/core';
import type { FastifyInstance } from 'fastify';

/** Media types whose bodies are text: JSON of any flavour, form-encoded, text/*. */
const TEXT_BODY = /^\s*(?:application\/(?:[\w.+-]+\+)?json|application\/x-www-form-urlencoded|text\/)/i;

/** Where the first malformed sequence of `bytes` begins, and why (RFC 3629 §4; Python's wording). */
export function firstInvalidUtf8(bytes: Uint8Array): { offset: number; byte: number; reason: string } | undefined {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    // The sequence length and the range of the second byte (overlongs and surrogates excluded).
    const [length, lo, hi] =
      b >= 0xc2 && b <= 0xdf ? [2, 0x80, 0xbf]
      : b === 0xe0 ? [3, 0xa0, 0xbf]
      : b === 0xed ? [3, 0x80, 0x9f]
      : b >= 0xe1 && b <= 0xef ? [3, 0x80, 0xbf]
      : b === 0xf0 ? [4, 0x90, 0xbf]
      : b === 0xf4 ? [4, 0x80, 0x8f]
      : b >= 0xf1 && b <= 0xf3 ? [4, 0x80, 0xbf]
      : [0, 0, 0];
    if (length === 0) return { offset: i, byte: b, reason: 'invalid start byte' };
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k];
      if (c === undefined) return { offset: i, byte: b, reason: 'unexpected end of data' };
      if (k === 1 ? c < lo || c > hi : c < 0x80 || c > 0xbf) return { offset: i, byte: b, reason: 'invalid continuation byte' };
    }
    i += length;
  }
  return undefined;
}

/** The bytes a form-encoded body stands for: each `%XX` as its byte (RFC 3986 §2.1). */
function percentDecoded(body: Buffer): Buffer {
  if (!body.includes(0x25)) return body;
  const out = Buffer.allocUnsafe(body.length);
  let n = 0;
  for (let i = 0; i < body.length; i++) {
    const b = body[i]!;
    const hex = b === 0x25 ? body.toString('latin1', i + 1, i + 3) : '';
    if (/^[0-9a-f]{2}$/i.test(hex)) {
      out[n++] = Number.parseInt(hex, 16);
      i += 2;
    } else out[n++] = b;
  }
  return out.subarray(0, n);
}

/** Passes a body through unchanged and fails it at its end when its bytes are not UTF-8. */
class Utf8Check extends Transform {
  private readonly chunks: Buffer[] = [];
  receivedEncodedLength?: number;

  /** Form values are percent-encoded bytes: `%FF` decodes to U+FFFD as surely as a raw 0xFF. */
  constructor(source: { receivedEncodedLength?: number }, private readonly form: boolean) {
    super();
    // Fastify's body limit reads this of a replaced payload stream (compressed bodies).
    if (source.receivedEncodedLength !== undefined) this.receivedEncodedLength = source.receivedEncodedLength;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.chunks.push(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    if (isUtf8(body) && (!this.form || isUtf8(percentDecoded(body)))) return done();
    const at = firstInvalidUtf8(isUtf8(body) ? percentDecoded(body) : body);
    const where = at ? ` (byte 0x${at.byte.toString(16).padStart(2, '0')} at offset ${at.offset}${isUtf8(body) ? ' once percent-decoded' : ''}: ${at.reason})` : '';
    done(new ProfiledError('request.invalid_encoding', { message: `The request body is not valid UTF-8${where}.` }));
  }
}

/**
 * Refuses a text body (JSON, form-encoded, text/*) whose bytes are not UTF-8, before any
 * parser decodes it: decoding would put U+FFFD where the bytes were, and the store would keep
 * a value nobody sent. Every content-type parser of every scope reads through this check.
 * Binary bodies are not text and pass untouched, and so does any body of a route that takes
 * bytes whatever they are labelled (`config.rawBytes`: uploads, whose bytes are sniffed; `curl
 * --data-binary` labels a photo form-encoded).
 */
export function refuseInvalidUtf8(server: FastifyInstance): void {
  server.addHook('preParsing', (request, _reply, payload, done) => {
    if (request.routeOptions.config.rawBytes === true) return done(null, payload);
    const type = request.headers['content-type'];
    if (typeof type !== 'string' || !TEXT_BODY.test(type)) return done(null, payload);
    const check = new Utf8Check(payload as { receivedEncodedLength?: number }, /x-www-form-urlencoded/i.test(type));
    payload.once('error', (err) => check.destroy(err));
    // A route that refuses the type (415) never reads the body: its verdict then has no reader,
    // and an unheard stream error would end the process.
    check.on('error', () => {});
    done(null, payload.pipe(check));
  });
}
