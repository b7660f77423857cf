/**
 * The names and uncompressed sizes of a zip archive's entries (.docx and .xlsx are zip files), read
 * from its central directory without inflating anything — so an oversized or bomb-like document
 * is refused before a library starts on it.
 */
export interface ZipEntry {
  name: string;
  size: number;
}

/** null when `buf` is not a readable zip archive. Sizes stored as ZIP64 read as Infinity. */
export function zipEntries(buf: Buffer): ZipEntry[] | null {
  // End of central directory: 22 bytes plus a comment of at most 65,535.
  const floor = Math.max(0, buf.length - 22 - 65_535);
  let eocd = -1;
  for (let i = buf.length - 22; i >= floor; i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let k = 0; k < count; k++) {
    if (at + 46 > buf.length || buf.readUInt32LE(at) !== 0x02014b50) return entries.length ? entries : null;
    const size = buf.readUInt32LE(at + 24);
    const nameLength = buf.readUInt16LE(at + 28);
    const extra = buf.readUInt16LE(at + 30);
    const comment = buf.readUInt16LE(at + 32);
    entries.push({ name: buf.toString('utf8', at + 46, at + 46 + nameLength), size: size === 0xffffffff ? Infinity : size });
    at += 46 + nameLength + extra + comment;
  }
  return entries;
}
