// @ts-check
'use strict';
/**
 * Fault injection for the write-fault tests (test/write-faults.test.ts), loaded into every Node process of a
 * regenerate with NODE_OPTIONS="--require <this file>" (faultEnv in test/support/regenerate-process.ts). Nothing of it
 * is in the generator, which pays nothing for it: it replaces the file-system calls that change files with ones that
 * fail as the kernel would.
 *
 * FLEET_FS_FAULT is a JSON object:
 * - code: the error (ENOSPC, EACCES, EROFS...); path: a regular expression on the path of a call, relative to the
 *   working folder (a write to an open file has the path it was opened with); ops: the calls that count: open (for
 *   writing), write, mkdir, rename, rm, link, access (for writing), chmod; by default all of them, but for ENOSPC
 *   only those that take space (open, write, mkdir, link): a full disk still lets files be renamed and removed;
 * - skip: how many matching calls pass before the first fails; from there on every matching call fails, as on a full
 *   disk or a read-only mount (once: only that one). A failing write with ENOSPC first writes half of its bytes and
 *   returns the short count, as write(2) does when the disk fills up; a failing writeFileSync leaves what it wrote.
 * - replaceWithFolder / replaceWithFile: instead of failing, the first failing call turns that path (relative) into
 *   a folder or a file, as a person could meanwhile, and goes on.
 * - log: a file to append each matching call to (`<op> <path>`), to see which calls a fault can hit.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/**
 * @type {{ code?: string, path?: string, ops?: string[], skip?: number, once?: boolean, replaceWithFolder?: string,
 *   replaceWithFile?: string, log?: string }}
 */
const spec = JSON.parse(process.env.FLEET_FS_FAULT ?? '{}');
const pattern = new RegExp(spec.path ?? '');
const ops = spec.ops ?? (spec.code === 'ENOSPC' ? ['open', 'write', 'mkdir', 'link'] : undefined);
const original = { ...fs };
/** @type {Map<number, string>} */
const openPaths = new Map();
let seen = 0;
let failed = false;

const MESSAGES = { ENOSPC: 'no space left on device', EACCES: 'permission denied', EROFS: 'read-only file system', EIO: 'i/o error' };

/**
 * The error Node throws: a call on an open file (write) names no path.
 * @param {string} code @param {string} syscall @param {string} [file] @param {string} [dest]
 */
function systemError(code, syscall, file, dest) {
  const where = file === undefined ? '' : dest ? ` '${file}' -> '${dest}'` : ` '${file}'`;
  const error = new Error(`${code}: ${MESSAGES[/** @type {keyof MESSAGES} */ (code)] ?? 'fault'}, ${syscall}${where}`);
  const errno = -(os.constants.errno[/** @type {keyof typeof os.constants.errno} */ (code)] ?? 5);
  return Object.assign(error, { errno, code, syscall }, file === undefined ? {} : { path: file }, dest === undefined ? {} : { dest });
}

/**
 * Whether this call fails (or, with replace*, makes its change first): it counts when one of its paths matches.
 * @param {string} op @param {unknown[]} files
 */
function hit(op, ...files) {
  if (ops && !ops.includes(op)) return false;
  const relative = files
    .filter((file) => typeof file === 'string' || Buffer.isBuffer(file))
    .map((file) => path.relative(process.cwd(), path.resolve(String(file))).split(path.sep).join('/'))
    .find((file) => pattern.test(file));
  if (relative === undefined) return false;
  if (spec.log) original.appendFileSync(spec.log, `${op} ${relative}\n`);
  if (!spec.code && !spec.replaceWithFolder && !spec.replaceWithFile) return false;
  if (failed && spec.once) return false;
  if (seen++ < (spec.skip ?? 0)) return false;
  const first = !failed;
  failed = true;
  if (spec.replaceWithFolder || spec.replaceWithFile) {
    if (first) replace();
    return false;
  }
  return true;
}

function replace() {
  const target = /** @type {string} */ (spec.replaceWithFolder ?? spec.replaceWithFile);
  original.rmSync(target, { recursive: true, force: true });
  if (spec.replaceWithFolder) {
    original.mkdirSync(target, { recursive: true });
    original.writeFileSync(path.join(target, 'notes.txt'), 'a folder made meanwhile\n');
  } else {
    original.writeFileSync(target, 'a file made meanwhile\n');
  }
}

const code = () => /** @type {string} */ (spec.code);
/** Whether open flags ask for writing: 'w', 'a', 'r+'..., or O_WRONLY, O_RDWR. @param {unknown} flags */
const writes = (flags) => (typeof flags === 'string' ? /[wax+]/.test(flags) : typeof flags === 'number' && (flags & 3) !== 0);

fs.openSync = function openSync(file, flags, mode) {
  if (writes(flags) && hit('open', file)) throw systemError(code(), 'open', String(file));
  const fd = original.openSync(file, flags, mode);
  openPaths.set(fd, String(file));
  return fd;
};
fs.closeSync = function closeSync(fd) {
  openPaths.delete(fd);
  return original.closeSync(fd);
};
fs.writeSync = function writeSync(fd, data, ...rest) {
  const file = openPaths.get(fd);
  if (file === undefined || !hit('write', file)) return original.writeSync(fd, data, ...rest);
  const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const offset = typeof data === 'string' ? 0 : Number(rest[0] ?? 0);
  const length = typeof data === 'string' ? bytes.length : Number(rest[1] ?? bytes.length - offset);
  // the disk fills up during this write: half of it is written, and the next write fails
  if (code() === 'ENOSPC' && !shortWritten.has(fd) && length > 1) {
    shortWritten.add(fd);
    return original.writeSync(fd, bytes, offset, Math.floor(length / 2));
  }
  throw systemError(code(), 'write');
};
/** @type {Set<number>} */
const shortWritten = new Set();
fs.writeFileSync = function writeFileSync(file, data, options) {
  if (typeof file === 'number') file = openPaths.get(file) ?? file;
  if (typeof file === 'number' || !hit('write', file)) return original.writeFileSync(file, data, options);
  if (code() === 'ENOSPC') original.writeFileSync(file, String(data).slice(0, Math.floor(String(data).length / 2)));
  throw systemError(code(), 'open', String(file));
};
fs.appendFileSync = function appendFileSync(file, data, options) {
  if (typeof file !== 'number' && hit('write', file)) throw systemError(code(), 'open', String(file));
  return original.appendFileSync(file, data, options);
};
/** @type {[op: string, name: keyof typeof fs][]} */
const pathCalls = [['mkdir', 'mkdirSync'], ['rm', 'rmSync'], ['rm', 'unlinkSync'], ['rm', 'rmdirSync'], ['chmod', 'chmodSync']];
for (const [op, name] of pathCalls) {
  const call = /** @type {(...args: unknown[]) => unknown} */ (original[name]);
  /** @type {any} */ (fs)[name] = function (/** @type {unknown[]} */ ...args) {
    if (hit(op, args[0])) throw systemError(code(), op === 'rm' ? 'unlink' : op, String(args[0]));
    return call(...args);
  };
}
fs.renameSync = function renameSync(from, to) {
  if (hit('rename', to, from)) throw systemError(code(), 'rename', String(from), String(to));
  return original.renameSync(from, to);
};
fs.linkSync = function linkSync(existing, created) {
  if (hit('link', created)) throw systemError(code(), 'link', String(existing), String(created));
  return original.linkSync(existing, created);
};
fs.accessSync = function accessSync(file, mode) {
  if (mode !== undefined && (mode & fs.constants.W_OK) !== 0 && hit('access', file)) throw systemError(code(), 'access', String(file));
  return original.accessSync(file, mode);
};
