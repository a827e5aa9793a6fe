import type { PictureFormat } from './picture.ts';

/** File names in URLs: a picture `{key}-{size}.{webp|jpg}`, a résumé `{key}.pdf`; keys are SHA-256 hex. */
export const PICTURE_FILE = /^([0-9a-f]{64})-(\d{1,4})\.(webp|jpg)$/;
export const RESUME_FILE = /^([0-9a-f]{64})\.pdf$/;

/** The absolute URLs of uploaded files under the public base URL (PUBLIC_URL). */
export function uploadPaths(base: string) {
  const root = base.replace(/\/+$/, '');
  return {
    picture: (key: string, size: number, format: PictureFormat) => `${root}/pictures/${key}-${size}.${format}`,
    resume: (key: string) => `${root}/resumes/${key}.pdf`,
  };
}
