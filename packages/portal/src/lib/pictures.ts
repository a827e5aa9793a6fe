import { accessToken, authorisedFetch, refresh } from './session.ts';

/** Profiled's own picture URLs: `/pictures/{hash}-{size}.{webp|jpg}`; the profile's field names the 256 px JPEG. */
const OURS = /^(?:https?:\/\/[^/]+)?(\/pictures\/[0-9a-f]{64})-256\.jpg$/;
export type PictureSize = 64 | 256 | 512;

/**
 * Where to load a picture from at about `size` pixels: one of ours by its path on this origin
 * (the server that serves the portal serves the files), with its WebP beside the JPEG; an
 * outside picture as it is, if https (the CSP takes no other); none otherwise.
 */
export function pictureSources(url: string | null | undefined, size: PictureSize): { jpg: string; webp?: string } | undefined {
  if (!url) return undefined;
  const ours = OURS.exec(url);
  if (ours) return { jpg: `${ours[1]}-${size}.jpg`, webp: `${ours[1]}-${size}.webp` };
  return /^https:\/\//i.test(url) ? { jpg: url } : undefined;
}

/** Whether the URL is a picture uploaded here (so it may need the token: a profile not listed shows it only to its owner). */
export const isOwnUpload = (url: string | null | undefined) => Boolean(url && OURS.test(url));

/** One of our picture paths fetched with the token, as an object URL for an <img> (the caller revokes it). */
export async function fetchPicture(path: string): Promise<string> {
  const res = await authorisedFetch(path);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return URL.createObjectURL(await res.blob());
}

export interface UploadOptions {
  /** Where the square is cut from, each 0–1. */
  readonly focus?: { readonly x: number; readonly y: number };
  /** Told the share of the file sent so far, 0–1. */
  readonly onProgress?: (sent: number) => void;
}

/**
 * PUTs the file as the body of `/v1/me/picture`: XMLHttpRequest, as fetch reports no upload
 * progress. An expired token is renewed once. Resolves with the profile; rejects with the
 * server's explanation.
 */
export async function uploadPicture(file: Blob, opts: UploadOptions = {}): Promise<{ picture: string | null }> {
  const query = opts.focus ? `?x=${opts.focus.x.toFixed(3)}&y=${opts.focus.y.toFixed(3)}` : '';
  const send = () =>
    new Promise<{ status: number; body: unknown }>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('PUT', `/v1/me/picture${query}`);
      const token = accessToken();
      if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
      xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
      xhr.responseType = 'json';
      xhr.upload.onprogress = (e) => e.lengthComputable && opts.onProgress?.(e.loaded / e.total);
      xhr.onload = () => resolve({ status: xhr.status, body: xhr.response });
      xhr.onerror = () => reject(new Error('The upload did not reach the server. Check the file (10 MB at most) and your connection, then try again.'));
      xhr.send(file);
    });
  let res = await send();
  if (res.status === 401 && (await refresh())) res = await send();
  if (res.status !== 200) throw new Error((res.body as { detail?: string } | null)?.detail ?? `The photo was not saved (HTTP ${res.status}).`);
  return res.body as { picture: string | null };
}

export async function removePicture(): Promise<void> {
  const res = await authorisedFetch('/v1/me/picture', { method: 'DELETE' });
  if (!res.ok) throw new Error(((await res.json().catch(() => undefined)) as { detail?: string } | undefined)?.detail ?? `HTTP ${res.status}`);
}
