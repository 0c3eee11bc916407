import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const LOCK_PATH = '.projen/fleet.lock';

export type LockResult = { ok: true; release: () => void } | { ok: false; message: string };

/**
 * Takes the regenerate lock, so that two regenerates started at once cannot interleave their writes.
 * A lock left by a process that no longer runs (killed) is taken over.
 */
export function acquireLock(root: string): LockResult {
  const path = join(root, LOCK_PATH);
  mkdirSync(dirname(path), { recursive: true });
  // the lock appears with its content or not at all: written aside, then hard-linked into place
  const candidate = `${path}.${process.pid}`;
  writeFileSync(candidate, JSON.stringify({ pid: process.pid, started: new Date().toISOString() }));
  try {
    return take(path, candidate);
  } finally {
    rmSync(candidate, { force: true });
  }
}

function take(path: string, candidate: string): LockResult {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      linkSync(candidate, path);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        rmSync(path, { force: true });
        process.removeListener('exit', release);
      };
      process.on('exit', release);
      return { ok: true, release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(path);
      if (holder && isRunning(holder.pid) && holder.pid !== process.pid) {
        return {
          ok: false,
          message: `another regenerate is running (pid ${holder.pid}, started ${holder.started}); wait for it to finish, then run "npx projen" again`,
        };
      }
      // stale: its process is gone (killed). Taking it over has a small race if two runs start at that
      // very moment after a crash; the second would then find the first's lock on its next attempt.
      rmSync(path, { force: true });
    }
  }
  return { ok: false, message: `could not take the lock ${LOCK_PATH}; remove it if no regenerate is running` };
}

function readHolder(path: string): { pid: number; started: string } | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf-8')) as { pid?: unknown; started?: unknown };
    return typeof parsed.pid === 'number' ? { pid: parsed.pid, started: String(parsed.started) } : undefined;
  } catch {
    return undefined; // being written, or garbage: treat as stale
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
