import { linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stepBoundary } from './crash-test-hook';
import { asWriteError } from './write-error';

export const LOCK_PATH = '.projen/fleet.lock';

export type LockResult = { ok: true; release: () => void } | { ok: false; message: string };

/**
 * Takes the regenerate lock, so that two regenerates started at once cannot interleave their writes.
 * A lock left by a process that no longer runs (killed) is taken over. A file-system failure (a full disk, a
 * read-only checkout) throws a WriteError: nothing was written yet.
 */
export function acquireLock(root: string): LockResult {
  const path = join(root, LOCK_PATH);
  // the lock appears with its content or not at all: written aside, then hard-linked into place
  const candidate = `${path}.${process.pid}`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(candidate, JSON.stringify({ pid: process.pid, started: new Date().toISOString() }));
    stepBoundary('lock-candidate');
    const result = take(path, candidate);
    if (result.ok) removeLeftovers(dirname(path));
    return result;
  } catch (error) {
    throw asWriteError(error, root, { path: LOCK_PATH });
  } finally {
    removeQuietly(candidate);
  }
}

function take(path: string, candidate: string): LockResult {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      linkSync(candidate, path);
      stepBoundary('lock-taken');
      return { ok: true, release: releaser(path) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readHolder(path);
    if (holder === undefined) continue; // released meanwhile
    if (
      holder.pid !== undefined &&
      holder.pid !== process.pid &&
      isRunning(holder.pid, Date.parse(holder.started ?? ''))
    ) {
      const wait = 'wait for it to finish, then run "npx projen" again';
      return {
        ok: false,
        message: `another regenerate is running (pid ${holder.pid}, started ${holder.started}); ${wait}`,
      };
    }
    takeOver(path, holder.text);
  }
  return { ok: false, message: `could not take the lock ${LOCK_PATH}; remove it if no regenerate is running` };
}

/** Removes the lock when the regenerate ends, or when its process exits first; one that cannot be removed is stale. */
function releaser(path: string): () => void {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    removeQuietly(path);
    process.removeListener('exit', release);
    stepBoundary('lock-released');
  };
  process.on('exit', release);
  return release;
}

/**
 * Removes a stale lock (`staleText`: its process is gone). Two regenerates may find the same stale lock at once, and
 * the first may have taken the lock by the time the second removes "the stale one": so the lock is moved aside
 * (only one can move a given file), then checked, and put back if it is not the stale lock. A third regenerate
 * starting in the microseconds the lock is aside could still take it too.
 */
function takeOver(path: string, staleText: string) {
  const aside = `${path}.${process.pid}.stale`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // another took it over first
    throw error;
  }
  try {
    if (readFileSync(aside, 'utf-8') !== staleText) linkSync(aside, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    removeQuietly(aside);
  }
}

/** The holder recorded in the lock; its text alone when it is not one (garbage: stale); undefined when it is gone. */
function readHolder(path: string): { pid?: number; started?: string; text: string } | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf-8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as { pid?: unknown; started?: unknown };
    if (typeof parsed.pid === 'number') return { pid: parsed.pid, started: String(parsed.started), text };
  } catch {
    // garbage
  }
  return { text };
}

/**
 * Whether the process `pid` runs, the one that wrote its lock or file at `since` (ms; NaN: unknown). kill(pid, 0)
 * finds any process of that pid; on Linux, /proc also tells two that do not count: a zombie (a process killed
 * together with its parent, as when a whole `npx projen` is killed, stays one until init reaps it, which some inits
 * of containers and VMs do late), and a process that started after `since` (the pid reused since the writer died).
 */
function isRunning(pid: number, since = NaN): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  const proc = procStat(pid);
  // the writer started before it wrote; /proc/stat's boot time is in whole seconds: a second's margin
  return !proc || (proc.state !== 'Z' && !(proc.startedMs > since + 1000));
}

/** A process's state and start time (ms since the epoch), from Linux's /proc; undefined elsewhere. */
function procStat(pid: number): { state: string; startedMs: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf-8');
    // after the command's name, which may hold parentheses and spaces: state (field 3), ..., starttime (field 22)
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const bootSeconds = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf-8'))?.[1]);
    // starttime counts clock ticks since boot; USER_HZ is 100 on Linux
    return { state: fields[0], startedMs: bootSeconds * 1000 + Number(fields[19]) * 10 };
  } catch {
    return undefined;
  }
}

/**
 * What killed regenerates and launchers leave in `.projen/`: lock candidates and locks moved aside
 * (`fleet.lock.<pid>`, `fleet.lock.<pid>.stale`), temporary files of atomic writes (`fleet-<name>.<pid>.tmp`).
 * Only those of processes that no longer run; by the holder of the lock, so none is being taken over.
 */
const LEFTOVER = /^fleet\.lock\.(\d+)(?:\.stale)?$|^fleet-[\w.-]+\.(\d+)\.tmp$/;

function removeLeftovers(dir: string) {
  try {
    for (const name of readdirSync(dir)) {
      const match = LEFTOVER.exec(name);
      const pid = Number(match?.[1] ?? match?.[2]);
      if (match && pid !== process.pid && !isRunning(pid)) rmSync(join(dir, name), { force: true });
    }
  } catch {
    // litter only: it can wait for the next regenerate
  }
}

function removeQuietly(path: string) {
  try {
    rmSync(path, { force: true });
  } catch {
    // a stale lock or candidate is taken over or removed by the next regenerate
  }
}
