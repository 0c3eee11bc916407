import { lstatSync } from 'node:fs';
import { dirname, join } from 'node:path';

// plain JavaScript, shared with the launcher (it runs before anything is compiled); its functions, typed
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a .cjs file, loaded as the launcher loads it
const { systemErrorCode, failedPath, failureLine } = require('./fs-failure.cjs') as {
  systemErrorCode(error: unknown): string | undefined;
  failedPath(error: unknown, root: string): string | undefined;
  failureLine(where: string, code: string): string;
};

/**
 * A regenerate stopped by the file system (a full disk, a permission, a read-only mount, a file where a folder
 * belongs): its message is the one line the regenerate ends with, naming the path and the cause; the entry points
 * print it without a stack trace.
 */
export class WriteError extends Error {
  override readonly name = 'WriteError';
}

/** What the message says about the tree, by whether the failure came before or after the commit point. */
const NOTHING_WRITTEN = 'nothing was written';
const HALF_DONE = 'the regenerate stopped after its commit point: fix this, then run "npx projen" again to finish it';

/**
 * `error` as a WriteError when it is a system error, naming `path` (relative to `root`; by default the path of the
 * failed call, or `fallback` for a call without one, such as a write to an open file); any other error, a bug, as
 * it is, with its stack. `committed`: it came after the commit point.
 */
export function asWriteError(
  error: unknown,
  root: string,
  options: { readonly path?: string; readonly fallback?: string; readonly committed?: boolean } = {},
): unknown {
  if (error instanceof WriteError) return error;
  const code = systemErrorCode(error);
  if (!code) return error;
  let where = options.path ?? failedPath(error, root) ?? options.fallback ?? '(a file being written)';
  // the kernel does not say which folder on the path is a file: the first one that is
  if (code === 'ENOTDIR') where = fileOnPath(root, where) ?? where;
  return new WriteError(`${failureLine(where, code)}; ${options.committed ? HALF_DONE : NOTHING_WRITTEN}`, {
    cause: error,
  });
}

/** A system error with `code` about `path`, as Node would throw it (for faults the writer finds itself). */
export function systemError(code: string, syscall: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${syscall} '${path}'`), { code, syscall, path });
}

function fileOnPath(root: string, path: string): string | undefined {
  for (let folder = path; folder !== '.' && folder !== dirname(folder); folder = dirname(folder)) {
    try {
      if (!lstatSync(join(root, folder)).isDirectory()) return folder;
    } catch {
      // missing, or below the file sought: look higher
    }
  }
  return undefined;
}
