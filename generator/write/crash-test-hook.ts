import { appendFileSync } from 'node:fs';

/**
 * TEST-ONLY hook of the crash test (test/interrupted-regenerate.test.ts); never set in use, and then it costs
 * one comparison per step.
 * - FLEET_KILL_AT_STEP=n: the process kills itself (SIGKILL) at the n-th step boundary of its writes: a file
 *   staged, the journal written, the commit, a move, a delete, the lock taken...
 * - FLEET_STEP_LOG=file: each step boundary is appended to `file` as `<n> <name>`, so that the test can list the
 *   boundaries of a regenerate and knows the phase of each.
 */
const KILL_AT_STEP = Number(process.env.FLEET_KILL_AT_STEP ?? 0);
const STEP_LOG = process.env.FLEET_STEP_LOG;
const HOOKED = KILL_AT_STEP > 0 || STEP_LOG !== undefined;
let steps = 0;

/** The boundaries, by what was just done. */
export type StepName =
  | 'lock-candidate'
  | 'lock-taken'
  | 'lock-released'
  | 'recovering'
  | 'staged'
  | 'cache-in-place'
  | 'manifest-staged'
  | 'render-cache-staged'
  | 'journal-written'
  | 'commit'
  | 'moved'
  | 'deleted'
  | 'pruned'
  | 'manifest-in-place'
  | 'render-cache-in-place'
  | 'journal-removed'
  | 'staging-removed'
  | 'render-cache-written';

export function stepBoundary(name: StepName): void {
  if (!HOOKED) return;
  steps++;
  if (STEP_LOG !== undefined) appendFileSync(STEP_LOG, `${steps} ${name}\n`);
  if (steps === KILL_AT_STEP) process.kill(process.pid, 'SIGKILL');
}
