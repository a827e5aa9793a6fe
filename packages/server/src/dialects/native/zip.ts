import { crc32 } from 'node:zlib';

/** One file of an archive: its path inside (forward slashes) and its bytes. */
export interface ZipEntry {
  readonly path: string;
  readonly data: Uint8Array;
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL = 0x06054b50;
const VERSION = 20; // 2.0: what a reader needs for stored entries and folders
const UTF8_NAMES = 0x0800; // general purpose bit 11: the names are UTF-8
const STORED = 0;
const MAX_32 = 0xffffffff;

/**
 * A zip archive (PKWARE APPNOTE 6.3.x, §4.3) of stored — not compressed — entries: the data
 * export's pictures and PDFs are compressed already, and stored entries need nothing beyond
 * a CRC-32. Without Zip64, so at most 65 535 entries and 4 GiB in all, which an export of one
 * person's files never nears; more is refused rather than written wrong.
 */
export function zipStored(entries: readonly ZipEntry[], modified: Date): Buffer {
  if (entries.length > 0xffff) throw new Error('too many entries for a zip without Zip64');
  const { time, date } = dosDateTime(modified);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.path, 'utf8');
    const crc = crc32(entry.data) >>> 0;
    const size = entry.data.byteLength;
    if (size > MAX_32 || offset > MAX_32) throw new Error('too large for a zip without Zip64');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_HEADER, 0);
    local.writeUInt16LE(VERSION, 4);
    local.writeUInt16LE(UTF8_NAMES, 6);
    local.writeUInt16LE(STORED, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(size, 18); // compressed size: stored, the same
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28); // no extra field
    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL_HEADER, 0);
    central.writeUInt16LE(VERSION, 4); // made by: MS-DOS attributes, version 2.0
    central.writeUInt16LE(VERSION, 6);
    central.writeUInt16LE(UTF8_NAMES, 8);
    central.writeUInt16LE(STORED, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(date, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(size, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    // extra field, comment, disk number, internal and external attributes: all 0 (bytes 30–41)
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, Buffer.from(entry.data.buffer, entry.data.byteOffset, entry.data.byteLength));
    centrals.push(central, name);
    offset += local.length + name.length + size;
  }
  const directory = Buffer.concat(centrals);
  if (offset > MAX_32) throw new Error('too large for a zip without Zip64');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL, 0);
  // this disk and the directory's disk: 0 (bytes 4–7)
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(0, 20); // no comment
  return Buffer.concat([...locals, directory, end]);
}

/** MS-DOS date and time (local fields, kept in UTC here), two-second precision, from 1980. */
function dosDateTime(d: Date): { time: number; date: number } {
  const year = Math.max(1980, d.getUTCFullYear());
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}
