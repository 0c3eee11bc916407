import { writeSync } from 'node:fs';

/**
 * Writes all of `text` to the open file `fd`. write(2) may write less than asked without an error when the disk
 * fills up (only the next write fails, with ENOSPC), and Node's writeSync returns that count: a file cut short
 * would otherwise pass for whole. The usual single write costs nothing more.
 */
export function writeAll(fd: number, text: string): void {
  const bytes = Buffer.byteLength(text);
  let written = writeSync(fd, text);
  if (written === bytes) return;
  const buffer = Buffer.from(text);
  while (written < bytes) written += writeSync(fd, buffer, written, bytes - written);
}
