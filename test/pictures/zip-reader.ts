import { crc32 } from 'node:zlib';

/**
 * Reads a zip archive of stored entries the way a reader does, from its end: the
 * end-of-central-directory record, every central directory entry, and the local header and
 * data each points at, checking that both headers agree and every CRC-32 holds.
 */
export function readStoredZip(zip: Buffer): Map<string, Buffer> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0 || end + 22 !== zip.length) throw new Error('no end-of-central-directory record at the end');
  const count = zip.readUInt16LE(end + 10);
  const directorySize = zip.readUInt32LE(end + 12);
  let at = zip.readUInt32LE(end + 16);
  if (at + directorySize !== end) throw new Error('the central directory does not end where the end record begins');
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`entry ${i}: no central header`);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const skip = nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    if (method !== 0) throw new Error(`${name}: not stored`);
    if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error(`${name}: no local header`);
    if (zip.readUInt32LE(local + 14) !== crc || zip.readUInt32LE(local + 22) !== size) throw new Error(`${name}: the headers disagree`);
    const localName = zip.subarray(local + 30, local + 30 + zip.readUInt16LE(local + 26)).toString('utf8');
    if (localName !== name) throw new Error(`${name}: the local header names ${localName}`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    if ((crc32(data) >>> 0) !== crc) throw new Error(`${name}: CRC-32 mismatch`);
    files.set(name, data);
    at += 46 + skip;
  }
  return files;
}
