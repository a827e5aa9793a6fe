import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

/**
 * Images for the upload tests, made here from pixels so every property a test checks (the
 * EXIF blocks, the orientation, where each colour is) is one the test put there.
 */

export const RED = { r: 220, g: 30, b: 30 };
export const BLUE = { r: 30, g: 30, b: 220 };
export const GREEN = { r: 30, g: 200, b: 30 };
type Rgb = typeof RED;

/** A `width` × `height` image of vertical bands of these colours, left to right, raw RGB. */
export async function bands(width: number, height: number, colours: readonly Rgb[]) {
  const data = Buffer.alloc(width * height * 3);
  for (let x = 0; x < width; x++) {
    const c = colours[Math.min(colours.length - 1, Math.floor((x * colours.length) / width))]!;
    for (let y = 0; y < height; y++) data.set([c.r, c.g, c.b], (y * width + x) * 3);
  }
  return sharp(data, { raw: { width, height, channels: 3 } });
}

/** A phone photo: camera make and model, GPS coordinates, an XMP packet, stored on its side (EXIF orientation 6: turn 90° clockwise to view). */
export async function phoneJpeg(): Promise<Buffer> {
  // Stored 300 × 200, red on the left and blue on the right: upright, red is at the top.
  const image = await bands(300, 200, [RED, BLUE]);
  return image
    .withExif({
      IFD0: { Make: 'SnoopCam', Model: 'Tracker 3000', Software: 'LeakyFirmware 1.0' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 2600/100', GPSLongitudeRef: 'W', GPSLongitude: '0/1 7/1 3900/100' },
    })
    .withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Secret Photographer</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>')
    .withMetadata({ orientation: 6 })
    .jpeg()
    .toBuffer();
}

/** Whether an EXIF block has a GPS directory (its pointer tag 0x8825, in either byte order). */
export const hasGpsDirectory = (exif: Buffer) => exif.includes(Buffer.from([0x25, 0x88])) || exif.includes(Buffer.from([0x88, 0x25]));

/** One small image in each raster format the upload takes. */
export async function everyFormat(): Promise<Record<string, Buffer>> {
  // A colour of this call's own, so no two tests' pictures are the same files.
  const own = { r: Math.floor(Math.random() * 256), g: Math.floor(Math.random() * 256), b: Math.floor(Math.random() * 256) };
  const base = async () => bands(120, 80, [RED, own, BLUE]);
  return {
    jpeg: await (await base()).jpeg().toBuffer(),
    png: await (await base()).png().toBuffer(),
    webp: await (await base()).webp().toBuffer(),
    gif: await (await base()).gif().toBuffer(),
    avif: await (await base()).avif().toBuffer(),
  };
}

const chunk = (type: string, data: Buffer) => {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body) >>> 0, 8 + data.length);
  return out;
};

/**
 * A decompression bomb: a valid 30 000 × 30 000 one-bit PNG of about 100 KB that decodes to
 * 900 million pixels (2.7 GB as RGB).
 */
export function pngBomb(side = 30_000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, filter 0, no interlace
  const rowBytes = 1 + Math.ceil(side / 8);
  const idat = deflateSync(Buffer.alloc(rowBytes * side), { level: 9 });
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

export const SVG = Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(document.domain)</script><rect width="10" height="10"/></svg>');
export const HTML = Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>');
/** A file that is a PDF to a PDF reader (it starts %PDF and ends %%EOF) and a page to a browser that sniffs. */
export const PDF_HTML_POLYGLOT = Buffer.from('%PDF-1.4\n<html><body><script>alert(document.domain)</script></body></html>\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
/** A minimal well-formed PDF. */
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\nxref\n0 3\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \ntrailer << /Size 3 /Root 1 0 R >>\nstartxref\n110\n%%EOF\n');
/** The start of an HEIC file (an ISO BMFF `ftyp` box of brand heic): sniffed as HEIC, which the prebuilt sharp cannot decode. */
export const HEIC_HEADER = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic', 'latin1'), Buffer.from([0, 0, 0, 0]), Buffer.from('mif1heic', 'latin1'), Buffer.alloc(64)]);

/** The colour of one pixel of an encoded image. */
export async function pixel(image: Buffer, x: number, y: number): Promise<Rgb> {
  const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return { r: data[at]!, g: data[at + 1]!, b: data[at + 2]! };
}

/** Whether a colour is near another (lossy encoders move colours a little). */
export const near = (a: Rgb, b: Rgb) => Math.abs(a.r - b.r) + Math.abs(a.g - b.g) + Math.abs(a.b - b.b) < 90;
