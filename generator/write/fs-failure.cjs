// @ts-check
'use strict';
/**
 * A failed file-system call as a person reads it, in one line: `<path>: <cause in plain words> (<code>)`. Shared
 * by the writer (write-error.ts) and the launcher (projen/launcher.cjs), which is plain JavaScript: it runs before
 * anything is compiled.
 */
const path = require('node:path');

/** @type {Record<string, string>} */
const CAUSES = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'is a file, not a folder',
  ENOENT: 'no such file or folder',
  EEXIST: 'already exists',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EIO: 'input/output error of the device',
  EBUSY: 'in use',
  ENAMETOOLONG: 'name too long',
  EXDEV: 'on another file system',
};

/**
 * The code of a Node system error (ENOSPC, EACCES...); undefined for any other error, which is a bug and keeps
 * its stack.
 * @param {unknown} error
 * @returns {string | undefined}
 */
function systemErrorCode(error) {
  if (!error || typeof error !== 'object') return undefined;
  const { code, syscall } = /** @type {{ code?: unknown, syscall?: unknown }} */ (error);
  if (typeof syscall !== 'string' || typeof code !== 'string') return undefined;
  if (code === 'ERR_FS_EISDIR') return 'EISDIR'; // rmSync of a folder
  return /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

/**
 * The path a system error concerns, relative to `root` when it lies under it: for a rename its destination (the
 * place in the tree), else its path, a temporary file of an atomic write (`<file>[.<pid>].tmp`) named by the file it
 * was to become; undefined when the call had none (a write to an open file).
 * @param {unknown} error
 * @param {string} root
 * @returns {string | undefined}
 */
function failedPath(error, root) {
  const e = /** @type {{ path?: unknown, dest?: unknown, info?: { path?: unknown } }} */ (error);
  const found = [e.dest, e.path, e.info?.path].find((p) => typeof p === 'string');
  if (typeof found !== 'string') return undefined;
  const file = found.replace(/(\.\d+)?\.tmp$/, '');
  const inside = path.relative(root, path.resolve(root, file));
  return inside && !inside.startsWith('..') && !path.isAbsolute(inside) ? inside.split(path.sep).join('/') : file;
}

/**
 * `<where>: <cause> (<code>)`.
 * @param {string} where
 * @param {string} code
 */
function failureLine(where, code) {
  return `${where}: ${CAUSES[code] ?? 'system error'} (${code})`;
}

module.exports = { systemErrorCode, failedPath, failureLine };
