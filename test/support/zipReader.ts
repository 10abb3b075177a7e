import { inflateRawSync } from 'node:zlib';

/** One file of a ZIP archive, as its central directory describes it. */
export interface ZipEntry {
  name: string;
  data: Buffer;
  /** Unix permission bits from the external attributes (0 when the archive did not set them). */
  mode: number;
}

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * Reads a ZIP archive (stored or deflated entries, no ZIP64), written independently of
 * scripts/zipWriter.mjs so that it can catch that writer's mistakes: every entry's local header
 * must agree with the central directory, and every CRC and size must match the data.
 */
export function readZip(archive: Buffer): ZipEntry[] {
  const endAt = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endAt < 0 || endAt + 22 > archive.length) throw new Error('no end-of-central-directory record');
  const count = archive.readUInt16LE(endAt + 10);
  const directoryAt = archive.readUInt32LE(endAt + 16);
  if (directoryAt + archive.readUInt32LE(endAt + 12) !== endAt) throw new Error('central directory size or offset is wrong');
  const entries: ZipEntry[] = [];
  let at = directoryAt;
  for (let i = 0; i < count; i++) {
    if (archive.readUInt32LE(at) !== 0x02014b50) throw new Error(`entry ${i}: bad central directory signature`);
    const method = archive.readUInt16LE(at + 10);
    const crc = archive.readUInt32LE(at + 16);
    const compressedSize = archive.readUInt32LE(at + 20);
    const size = archive.readUInt32LE(at + 24);
    const nameLength = archive.readUInt16LE(at + 28);
    const skip = nameLength + archive.readUInt16LE(at + 30) + archive.readUInt16LE(at + 32);
    const mode = archive.readUInt32LE(at + 38) >>> 16;
    const localAt = archive.readUInt32LE(at + 42);
    const name = archive.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + skip;

    if (archive.readUInt32LE(localAt) !== 0x04034b50) throw new Error(`${name}: bad local header signature`);
    if (archive.readUInt32LE(localAt + 14) !== crc || archive.readUInt32LE(localAt + 18) !== compressedSize) {
      throw new Error(`${name}: local header and central directory disagree`);
    }
    const dataAt = localAt + 30 + archive.readUInt16LE(localAt + 26) + archive.readUInt16LE(localAt + 28);
    const raw = archive.subarray(dataAt, dataAt + compressedSize);
    const data = method === 8 ? inflateRawSync(raw) : method === 0 ? Buffer.from(raw) : undefined;
    if (data === undefined) throw new Error(`${name}: compression method ${method} is not supported`);
    if (data.length !== size || crc32(data) !== crc) throw new Error(`${name}: size or CRC-32 does not match the data`);
    entries.push({ name, data, mode });
  }
  return entries;
}
