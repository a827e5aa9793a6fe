import { fileTypeFromBuffer } from 'file-type';
import { ProfiledError } from '@profiled/core';

// A PDF ends with %%EOF, give or take trailing whitespace and junk some writers append.
const EOF_MARKER = Buffer.from('%%EOF');
const TAIL_BYTES = 1024;

/**
 * Accepts a résumé only if its bytes are a PDF (sniffed, whatever it is called) and whole:
 * a file cut short has no end-of-file marker near its end. The bytes are stored as sent —
 * what keeps a PDF that is also something else harmless is how it is served (as an
 * attachment, sandboxed, never sniffed).
 */
export async function checkResume(bytes: Uint8Array): Promise<void> {
  const sniffed = await fileTypeFromBuffer(bytes);
  if (sniffed?.mime !== 'application/pdf') throw new ProfiledError('upload.unsupported_type', { message: 'A résumé must be a PDF file (read from its bytes, whatever its name or content type).' });
  const tail = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).subarray(Math.max(0, bytes.byteLength - TAIL_BYTES));
  if (!tail.includes(EOF_MARKER)) throw new ProfiledError('upload.unreadable', { message: 'The PDF is truncated: it has no end-of-file marker.' });
}
