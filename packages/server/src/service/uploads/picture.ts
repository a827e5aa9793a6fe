import { createHash } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import type { Sharp, SharpOptions } from 'sharp';
import { ProfiledError } from '@profiled/core';

/** The square sizes every picture is stored in, px. */
export const PICTURE_SIZES = [64, 256, 512] as const;
/** The size the profile's `picture` field names. */
export const PICTURE_FIELD_SIZE = 256;
export const PICTURE_FORMATS = { webp: 'image/webp', jpg: 'image/jpeg' } as const;
export type PictureFormat = keyof typeof PICTURE_FORMATS;

/**
 * Raster formats taken as pictures, by the type sniffed from the bytes. HEIC is tried: the
 * sharp build decides whether it decodes (the prebuilt one has no HEVC decoder).
 */
const RASTER = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif', 'image/heic', 'image/heif']);

/** Where the square is cut from: a point of the image, each coordinate 0–1 (the centre by default). */
export interface FocalPoint {
  readonly x: number;
  readonly y: number;
}

export interface ProcessedFile {
  /** `256.webp`, `64.jpg`, … */
  readonly variant: string;
  readonly contentType: string;
  readonly data: Buffer;
  readonly hash: string;
}

export interface ProcessedPicture {
  /** The picture's name in its URLs: the SHA-256 of its 512 px WebP. */
  readonly key: string;
  readonly files: readonly ProcessedFile[];
}

// libvips is loaded with the first upload: a server nobody uploads to never maps it (some 30 MB resident).
let loaded: Promise<(input?: Uint8Array | Buffer, options?: SharpOptions) => Sharp> | undefined;
const loadSharp = () => (loaded ??= import('sharp').then((m) => m.default));

export const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/**
 * Turns uploaded bytes into the stored picture: sniffed (never trusting a name or a header),
 * refused before decoding when it has more than `maxPixels` pixels, decoded once, turned
 * upright from its EXIF orientation, converted to sRGB, cut square around the focal point,
 * and encoded again from bare pixels in every size as WebP and JPEG. Re-encoding from raw
 * pixels is what drops every metadata block (EXIF, GPS, XMP, ICC, comments): nothing of the
 * original file but its pixels reaches the output.
 */
export async function processPicture(bytes: Uint8Array, opts: { readonly maxPixels: number; readonly focus?: FocalPoint | undefined }): Promise<ProcessedPicture> {
  const sniffed = await fileTypeFromBuffer(bytes);
  if (!sniffed || !RASTER.has(sniffed.mime)) throw new ProfiledError('upload.unsupported_type');
  const sharp = await loadSharp();
  const input = { limitInputPixels: opts.maxPixels, failOn: 'truncated', pages: 1 } as const;
  const meta = await sharp(bytes, input).metadata().catch((err: unknown) => refused(err, sniffed.mime));
  if (!meta.width || !meta.height) throw new ProfiledError('upload.unreadable');
  if (meta.width * meta.height > opts.maxPixels) throw tooManyPixels(opts.maxPixels);
  // Orientations 5–8 turn the image a quarter: its upright width is the stored height.
  const [width, height] = (meta.orientation ?? 1) >= 5 ? [meta.height, meta.width] : [meta.width, meta.height];
  const side = Math.min(width, height);
  const focus = opts.focus ?? { x: 0.5, y: 0.5 };
  const left = clamp(Math.round(focus.x * width - side / 2), 0, width - side);
  const top = clamp(Math.round(focus.y * height - side / 2), 0, height - side);
  const largest = PICTURE_SIZES[PICTURE_SIZES.length - 1]!;
  // Scaled first, cut second: scaling down as the first step lets libvips decode a JPEG or
  // WebP at a fraction of its size (shrink-on-load) instead of holding every pixel of it.
  const scale = largest / side;
  const [scaledWidth, scaledHeight] = [Math.max(largest, Math.round(width * scale)), Math.max(largest, Math.round(height * scale))];
  const square = await sharp(bytes, input)
    .rotate()
    .resize(scaledWidth, scaledHeight, { fit: 'fill' })
    .extract({ left: clamp(Math.round(left * scale), 0, scaledWidth - largest), top: clamp(Math.round(top * scale), 0, scaledHeight - largest), width: largest, height: largest })
    .toColourspace('srgb')
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true })
    .catch((err: unknown) => refused(err, sniffed.mime));
  const files: ProcessedFile[] = [];
  for (const size of PICTURE_SIZES) {
    const pixels = () => sharp(square.data, { raw: { width: square.info.width, height: square.info.height, channels: 4 } }).resize(size, size);
    const webp = await pixels().webp({ quality: 82, effort: 4 }).toBuffer();
    // JPEG has no transparency: a transparent background becomes white.
    const jpg = await pixels().flatten({ background: '#ffffff' }).jpeg({ quality: 85, mozjpeg: true }).toBuffer();
    files.push({ variant: `${size}.webp`, contentType: PICTURE_FORMATS.webp, data: webp, hash: sha256(webp) });
    files.push({ variant: `${size}.jpg`, contentType: PICTURE_FORMATS.jpg, data: jpg, hash: sha256(jpg) });
  }
  return { key: files.find((f) => f.variant === `${largest}.webp`)!.hash, files };
}

const clamp = (n: number, min: number, max: number) => Math.min(Math.max(n, min), max);

const tooManyPixels = (max: number) => new ProfiledError('upload.too_many_pixels', { message: `The image has more than ${max.toLocaleString('en')} pixels; scale it down first.` });

/** A decoder's refusal in catalogue terms: too many pixels, a format this build cannot decode, or damaged bytes. */
function refused(err: unknown, mime: string): never {
  const message = err instanceof Error ? err.message : String(err);
  if (/pixel limit/i.test(message)) throw new ProfiledError('upload.too_many_pixels');
  if (mime === 'image/heic' || mime === 'image/heif') {
    throw new ProfiledError('upload.unsupported_type', { message: 'This server cannot decode HEIC images; send the picture as JPEG, PNG, WebP, GIF or AVIF.' });
  }
  throw new ProfiledError('upload.unreadable', { cause: err });
}
