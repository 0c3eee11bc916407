import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Whether the run died of SIGKILL: its own (the test hook), or the test's kill of its process group. */
  readonly killed: boolean;
}

/**
 * The regenerate as users run it, in `root`: `npx projen` (its bin, as runProjen runs it), or the default task's own
 * command, the launcher (`node generator/projen/launcher.cjs tsx .projenrc.ts`, with the PATH the task sets), which
 * skips projen's CLI in front of it. It runs in a process group of its own, so that `killAfterMs` can kill the whole
 * of it (SIGKILL), as a closed terminal or a stopped CI job does.
 */
export function runRegenerate(
  root: string,
  options: { command?: 'launcher' | 'npx'; env?: NodeJS.ProcessEnv; killAfterMs?: number } = {},
): Promise<RunResult> {
  const bin = join(root, 'node_modules/.bin');
  const [file, args] =
    options.command === 'npx'
      ? [join(bin, 'projen'), []]
      : [process.execPath, ['generator/projen/launcher.cjs', 'tsx', '.projenrc.ts']];
  // as runProjen: no colours, and no install after a synthesis (the copy links node_modules)
  const env = {
    ...process.env,
    CI: 'true',
    NO_COLOR: '1',
    PROJEN_DISABLE_POST: 'true',
    PATH: `${bin}:${process.env.PATH}`,
  };
  Object.assign(env, options.env);
  const child = spawn(file, args, { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const timer =
    options.killAfterMs === undefined ? undefined : setTimeout(() => killGroup(child.pid!), options.killAfterMs);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // the group may outlive its leader (a full synthesis's children): none may go on writing after the kill
      if (options.killAfterMs !== undefined) killGroup(child.pid!);
      // a child killed under projen's task runner or tsx is passed on as exit code 128 + 9
      resolve({ code, signal, stdout, stderr, killed: signal === 'SIGKILL' || code === 137 });
    });
  });
}

function killGroup(pid: number) {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ended already
  }
}

/** What test/support/fs-faults.cjs reads: which calls fail, and how. */
export interface FaultSpec {
  readonly code?: string;
  readonly path?: string;
  readonly ops?: readonly ('open' | 'write' | 'mkdir' | 'rename' | 'rm' | 'link' | 'access' | 'chmod')[];
  readonly skip?: number;
  readonly once?: boolean;
  readonly replaceWithFolder?: string;
  readonly replaceWithFile?: string;
  readonly log?: string;
}

/** The environment that loads the fault injection into every Node process of a regenerate. */
export function faultEnv(spec: FaultSpec): NodeJS.ProcessEnv {
  return { NODE_OPTIONS: `--require ${join(__dirname, 'fs-faults.cjs')}`, FLEET_FS_FAULT: JSON.stringify(spec) };
}

/** A small seeded generator (mulberry32): the same seed, the same kill points. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
