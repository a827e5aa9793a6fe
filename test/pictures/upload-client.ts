import type { TestServer } from '../support/server.ts';

export interface BinaryResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly bytes: Buffer;
  /** The body as JSON, when it is. */
  readonly json: any;
}

/** Sends bytes as the body (with this content type), or as the multipart part `file`. */
export async function upload(server: TestServer, path: string, opts: { token?: string; bytes: Buffer; contentType?: string; multipart?: { filename: string; type?: string; fields?: Record<string, string> }; method?: string; query?: string }): Promise<BinaryResponse> {
  const headers: Record<string, string> = {};
  if (opts.token) headers['authorization'] = `Bearer ${opts.token}`;
  let body: BodyInit;
  if (opts.multipart) {
    const form = new FormData();
    for (const [k, v] of Object.entries(opts.multipart.fields ?? {})) form.append(k, v);
    form.append('file', new Blob([new Uint8Array(opts.bytes)], { type: opts.multipart.type ?? 'application/octet-stream' }), opts.multipart.filename);
    body = form;
  } else {
    headers['content-type'] = opts.contentType ?? 'application/octet-stream';
    body = new Uint8Array(opts.bytes);
  }
  const res = await fetch(`${server.url}${path}${opts.query ?? ''}`, { method: opts.method ?? 'PUT', headers, body });
  return read(res);
}

/** GET (or HEAD) of a file's path, with a token and headers when given. */
export async function fetchFile(server: TestServer, pathOrUrl: string, opts: { token?: string; headers?: Record<string, string>; method?: string } = {}): Promise<BinaryResponse> {
  const path = pathOrUrl.replace(/^https?:\/\/[^/]+/, '');
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers['authorization'] = `Bearer ${opts.token}`;
  return read(await fetch(`${server.url}${path}`, { method: opts.method ?? 'GET', headers }));
}

async function read(res: Response): Promise<BinaryResponse> {
  const bytes = Buffer.from(await res.arrayBuffer());
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, bytes, json };
}

/** The path of one size and format of the picture whose 256 px JPEG `url` names. */
export const variantOf = (url: string, size: number, format: 'webp' | 'jpg') => url.replace(/^https?:\/\/[^/]+/, '').replace(/-256\.jpg$/, `-${size}.${format}`);
