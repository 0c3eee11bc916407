import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export interface Measure {
  readonly cpu: number;
  readonly wall: number;
  readonly rssMiB: number;
  readonly written?: number;
  /** What the command printed. */
  readonly stdout?: string;
}

/** Runs a command under GNU time: CPU (user + sys) and wall seconds, peak resident memory of the largest process. */
export function timed(cwd: string, command: string[], env: NodeJS.ProcessEnv = {}): Measure {
  const out = join(cwd, '.bench-time');
  const result = spawnSync('/usr/bin/time', ['-f', '%U %S %e %M', '-o', out, ...command], {
    cwd,
    // PROJEN_DISABLE_POST: the fleet links the repository's node_modules, which a post-synthesis install must not touch
    env: { ...process.env, CI: 'true', PROJEN_DISABLE_POST: 'true', ...env },
    encoding: 'utf-8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(`${command.join(' ')} failed in ${cwd}:\n${result.stderr}\n${result.stdout}`);
  }
  const [user, sys, wall, rss] = readFileSync(out, 'utf-8').trim().split('\n').pop()!.split(' ').map(Number);
  rmSync(out);
  return { cpu: user + sys, wall, rssMiB: rss / 1024, stdout: result.stdout };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
