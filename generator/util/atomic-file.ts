import { chmodSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes a file through a temporary file beside it and a rename: a reader sees the old file or the whole new one,
 * never half of it. The new file keeps the old one's permissions, or takes `mode`; a failed write leaves no
 * temporary file behind.
 */
export function writeFileAtomically(path: string, content: string | Uint8Array, mode?: number): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  let keep: number | undefined = mode;
  if (keep === undefined) {
    try {
      keep = statSync(path).mode & 0o777;
    } catch {
      keep = undefined;
    }
  }
  try {
    writeFileSync(temp, content);
    if (keep !== undefined) chmodSync(temp, keep);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
