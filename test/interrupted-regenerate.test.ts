import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTemps, notOutput, projectCopy, runProjen, snapshotTree, tempDir, writeFile } from './support/fleet';
import { runRegenerate, seededRandom, type RunResult } from './support/regenerate-process';
import { OUTPUT_ROOTS } from '../generator/model/paths';
import { LOCK_PATH } from '../generator/write/lock';

afterAll(cleanupTemps);

/**
 * The crash test. A real regenerate is killed with SIGKILL at its step boundaries (FLEET_KILL_AT_STEP, the writer's
 * test-only hook in generator/write/crash-test-hook.ts) and at random times (its whole process group), also while it
 * rolls an earlier killed regenerate forward, while a second regenerate contends for the lock, and while several
 * start at once after a kill. After each kill the next regenerate must exit 0 and leave the tree a clean regenerate
 * leaves, byte for byte: staging, journal, lock and temporary files gone.
 *
 * KILL_SEED sets the kill points (printed; the times of timed kills also depend on the machine); KILL_POINTS their
 * number; KILL_EVERY_STEP=1 adds a kill at every step boundary of a regenerate and of a roll-forward; KILL_ONLY=<i>
 * runs only the i-th kill; KILL_PARALLEL how many run at once.
 * docs/robustness.md has the long run.
 */
const SEED = Number(process.env.KILL_SEED ?? 20261204);
const POINTS = Number(process.env.KILL_POINTS ?? 24);
const EVERY_STEP = process.env.KILL_EVERY_STEP === '1';
const ONLY = process.env.KILL_ONLY === undefined ? undefined : Number(process.env.KILL_ONLY);
/** Trials at once: a trial waits on its processes about half of its time. */
const PARALLEL = Number(process.env.KILL_PARALLEL ?? 3);

const SYNTHETIC = 4;

/**
 * Left out of the comparison, as no two clean regenerates write them alike: the render cache and the launcher's stamp
 * record modification times. Everything else under the root counts, .projen/
 * included: a leftover lock, journal, staging or temporary file is a difference.
 */
const UNREPRODUCIBLE = (path: string) => /^\.projen\/fleet-(cache\.json|launch\.json)$/.test(path);
/** The writer's transaction files, which a kill may leave for the next regenerate. */
const TRANSIENT = /^\.projen\/(fleet-staging\/|fleet-journal\.json|fleet\.lock)|\.tmp$/;
/** A cache that may be put in place before the commit point (it is right for the old tree as for the new). */
const EARLY_CACHE = '.projen/fleet-recipes-cache.json';

/**
 * A fleet: the examples plus synthetic copies of prod-use1; `variant` changes teams and quotas (files rewritten and
 * deleted), and adds a cluster (whose new folders are staged and moved whole).
 */
function writeFleet(root: string, variant: 'old' | 'new') {
  const prod = readFileSync(join(root, 'clusters/prod-use1/cluster.yaml'), 'utf-8');
  for (let i = 0; i < SYNTHETIC + (variant === 'new' ? 1 : 0); i++) {
    const name = `load-${String(i).padStart(2, '0')}`;
    // standalone copies: prod-use1 is the fleet's one hub
    let text = prod.replace('name: prod-use1', `name: ${name}`).replace(/^ {2}role: hub.*\n/m, '');
    if (variant === 'new') {
      text = text
        .replace(
          'quotas: { cpu: 1024, memory: 8192Gi, gpu: 64 }',
          `quotas: { cpu: ${1000 + i}, memory: 8192Gi, gpu: 64 }`,
        )
        .replace(
          /  - name: neuron-research\n    quotas: \{[^}]*\}\n/,
          '  - name: vision\n    quotas: { cpu: 64, gpu: 8 }\n',
        );
    }
    writeFile(root, `clusters/${name}/cluster.yaml`, text);
  }
}

type Trial =
  /** killed at a step boundary, then (after the commit point) its roll-forward killed at one of its own */
  | { kind: 'step'; step: number; recoveryStep?: number }
  /** the whole process group killed after a delay */
  | { kind: 'timed'; delayMs: number; command: 'launcher' | 'npx' }
  /** killed at a step while a second regenerate, started a little later, contends for the lock (and is killed too) */
  | { kind: 'lock'; step: number; secondAfterMs: number; killSecondAfterMs?: number }
  /** killed at a step (its lock left behind), then three regenerates started at once */
  | { kind: 'stale-lock'; step: number }
  /** the projen synthesis path (`.projenrc.ts` changed), killed at a step of its fleet component */
  | { kind: 'full'; step: number };

/** Where a kill left the tree: as it was, staged only, committed (journal), or finished. */
type State = 'untouched' | 'staged' | 'committed' | 'finished';

interface Fixture {
  /** A project with the old fleet, regenerated: each trial starts from a copy, with the new inputs. */
  readonly base: string;
  /** The tree before the regenerate (the new inputs in it): what a kill before the commit point leaves. */
  readonly oldTree: Map<string, string>;
  /** The tree a clean regenerate leaves. */
  readonly newTree: Map<string, string>;
  /** The step boundaries of the regenerate, 1-based: names[n - 1]. */
  readonly steps: string[];
  readonly commitStep: number;
  /** How many step boundaries the next regenerate has when it rolls a committed one forward. */
  readonly recoverySteps: number;
  /** A clean regenerate's wall time. */
  readonly cleanMs: number;
}

const tree = (root: string) => snapshotTree(root, UNREPRODUCIBLE);

function copyOf(base: string): string {
  const root = tempDir('fleet-kill-');
  cpSync(base, root, { recursive: true, verbatimSymlinks: true });
  return root;
}

/** The list of step boundaries a run passed, from the hook's log. */
async function loggedSteps(root: string, env: NodeJS.ProcessEnv = {}): Promise<{ run: RunResult; steps: string[] }> {
  const log = join(tempDir('fleet-steps-'), 'steps');
  const run = await runRegenerate(root, { env: { FLEET_STEP_LOG: log, ...env } });
  const steps = existsSync(log)
    ? readFileSync(log, 'utf-8')
        .trim()
        .split('\n')
        .map((line) => line.split(' ')[1])
    : [];
  return { run, steps };
}

async function prepare(): Promise<Fixture> {
  const base = projectCopy();
  // the checks' bundles: not needed by a regenerate, a third of what each copy would copy
  for (const name of readdirSync(join(base, '.projen'))) {
    if (name.startsWith('fleet-cli-')) rmSync(join(base, '.projen', name));
  }
  writeFleet(base, 'old');
  // the first run is a projen synthesis: it also builds the launcher's bundle, so that the copies start fast
  const first = await runProjen(base);
  expect(first.code, first.stderr).toBe(0);
  const fast = await runRegenerate(base, { env: { DEBUG: 'true' } });
  expect(fast.stderr).toContain('regenerating the fleet without it');

  const reference = copyOf(base);
  writeFleet(reference, 'new');
  const oldTree = tree(reference);
  const started = Date.now();
  const clean = await runRegenerate(reference);
  const cleanMs = Date.now() - started;
  expect(clean.code, clean.stderr).toBe(0);
  const newTree = tree(reference);

  const probe = copyOf(base);
  writeFleet(probe, 'new');
  const { run, steps } = await loggedSteps(probe);
  expect(run.code, run.stderr).toBe(0);
  expect(tree(probe)).toEqual(newTree);
  const commitStep = steps.indexOf('commit') + 1;
  expect(commitStep).toBeGreaterThan(SYNTHETIC * 3);
  expect(steps.filter((s) => s === 'deleted').length).toBeGreaterThan(SYNTHETIC);

  // a regenerate killed just after its commit, and how many steps the next one takes to finish it
  const recovery = copyOf(base);
  writeFleet(recovery, 'new');
  expect((await runRegenerate(recovery, { env: { FLEET_KILL_AT_STEP: String(commitStep) } })).killed).toBe(true);
  const recovered = await loggedSteps(recovery);
  expect(recovered.run.code, recovered.run.stderr).toBe(0);
  expect(recovered.steps).toContain('recovering');
  for (const dir of [reference, probe, recovery]) rmSync(dir, { recursive: true, force: true });
  return { base, oldTree, newTree, steps, commitStep, recoverySteps: recovered.steps.length, cleanMs };
}

/**
 * The trials of a run, drawn from the seed so that KILL_SEED reproduces them (KILL_ONLY picks one): the boundaries
 * around the commit point and both ends, one trial of each other kind, then random ones of every kind.
 */
function drawTrials(fixture: Fixture): Trial[] {
  const random = seededRandom(SEED);
  const pick = (n: number) => 1 + Math.floor(random() * n);
  const total = fixture.steps.length;
  const step = (at: number, killRollForward: boolean): Trial => ({
    kind: 'step',
    step: at,
    recoveryStep: at >= fixture.commitStep && killRollForward ? pick(fixture.recoverySteps) : undefined,
  });
  const timed = (command: 'launcher' | 'npx'): Trial => ({
    kind: 'timed',
    delayMs: Math.round(random() * fixture.cleanMs * 1.2),
    command,
  });
  const lock = (killSecond: boolean): Trial => ({
    kind: 'lock',
    step: pick(total),
    secondAfterMs: Math.round(random() * fixture.cleanMs),
    killSecondAfterMs: killSecond ? Math.round(random() * fixture.cleanMs) : undefined,
  });
  const trials: Trial[] = [];
  if (EVERY_STEP) {
    for (let at = 1; at <= total; at++) trials.push(step(at, false));
    // and every boundary of the roll-forward of a regenerate killed at its commit point
    for (let at = 1; at <= fixture.recoverySteps; at++) {
      trials.push({ kind: 'step', step: fixture.commitStep, recoveryStep: at });
    }
  }
  for (const at of new Set([1, fixture.commitStep - 1, fixture.commitStep, fixture.commitStep + 1, total])) {
    trials.push(step(at, true));
  }
  trials.push(timed('launcher'), timed('npx'), lock(false), lock(true));
  trials.push({ kind: 'stale-lock', step: pick(total) }, { kind: 'full', step: pick(total) });
  while (trials.length < POINTS + (EVERY_STEP ? total + fixture.recoverySteps : 0)) {
    const r = random();
    if (r < 0.45) trials.push(step(pick(total), random() < 0.6));
    else if (r < 0.7) trials.push(timed(random() < 0.25 ? 'npx' : 'launcher'));
    else if (r < 0.85) trials.push(lock(random() < 0.4));
    else if (r < 0.97) trials.push({ kind: 'stale-lock', step: pick(total) });
    else trials.push({ kind: 'full', step: pick(total) });
  }
  return trials;
}

function stateOf(root: string, fixture: Fixture): State {
  if (existsSync(join(root, '.projen/fleet-journal.json'))) return 'committed';
  const now = tree(root);
  // finished: killed after the roll-forward removed the journal, maybe before it removed the staging
  if ([...fixture.newTree].every(([path, content]) => now.get(path) === content)) return 'finished';
  return existsSync(join(root, '.projen/fleet-staging')) ? 'staged' : 'untouched';
}

/** A run that was not killed: it succeeded, or refused because another held the lock, and said nothing else. */
function expectFinishedOrLockRefused(run: RunResult, what: string) {
  if (run.killed) return;
  const said = run.stderr.split('\n').filter((line) => line && !line.startsWith('👾'));
  if (run.code === 0) expect(said, what).toEqual([]);
  else expect(said[0], `${what}: ${run.stderr}`).toMatch(/^\.projen\/fleet\.lock: another regenerate is running/);
}

/**
 * Right after a kill: every file whole (its old or its new version), and before the commit point the tree as it was.
 */
function expectConsistentAfterKill(root: string, fixture: Fixture, what: string): State {
  const state = stateOf(root, fixture);
  const now = snapshotTree(root, (path) => UNREPRODUCIBLE(path) || TRANSIENT.test(path));
  for (const [path, content] of now) {
    const whole = content === fixture.oldTree.get(path) || content === fixture.newTree.get(path);
    expect(whole, `${what}: ${path} is neither its old nor its new version`).toBe(true);
  }
  if (state === 'untouched' || state === 'staged') {
    const asItWas = (t: Map<string, string>) =>
      new Map([...t].filter(([path]) => !TRANSIENT.test(path) && path !== EARLY_CACHE));
    expect(asItWas(now), `${what}: killed before the commit point (${state}), the tree changed`).toEqual(
      asItWas(fixture.oldTree),
    );
  }
  return state;
}

/** The next regenerate (not killed) finishes the work: exit 0, the clean tree byte for byte, nothing left behind. */
async function expectNextRegenerateClean(root: string, fixture: Fixture, what: string) {
  const next = await runRegenerate(root);
  expect(next.code, `${what}: ${next.stderr}`).toBe(0);
  expect(
    next.stderr.split('\n').filter((line) => line && !line.startsWith('👾')),
    what,
  ).toEqual([]);
  expect(tree(root), what).toEqual(fixture.newTree);
}

async function runTrial(trial: Trial, fixture: Fixture, what: string): Promise<State> {
  const root = copyOf(fixture.base);
  writeFleet(root, 'new');
  let state: State;
  switch (trial.kind) {
    case 'step': {
      const killed = await runRegenerate(root, { env: { FLEET_KILL_AT_STEP: String(trial.step) } });
      expect(killed.killed, `${what}: ${JSON.stringify(killed)}`).toBe(true);
      state = expectConsistentAfterKill(root, fixture, what);
      if (trial.recoveryStep !== undefined) {
        const again = await runRegenerate(root, { env: { FLEET_KILL_AT_STEP: String(trial.recoveryStep) } });
        expectFinishedOrLockRefused(again, what);
        if (again.killed) {
          expectConsistentAfterKill(root, fixture, `${what}, then its roll-forward at step ${trial.recoveryStep}`);
        }
      }
      break;
    }
    case 'timed': {
      const run = await runRegenerate(root, { command: trial.command, killAfterMs: trial.delayMs });
      expectFinishedOrLockRefused(run, what);
      state = expectConsistentAfterKill(root, fixture, what);
      break;
    }
    case 'lock': {
      const first = runRegenerate(root, { env: { FLEET_KILL_AT_STEP: String(trial.step) } });
      await new Promise((resolve) => setTimeout(resolve, trial.secondAfterMs));
      const second = runRegenerate(root, { killAfterMs: trial.killSecondAfterMs });
      const [a, b] = await Promise.all([first, second]);
      expectFinishedOrLockRefused(a, `${what} (the first)`);
      expectFinishedOrLockRefused(b, `${what} (the second)`);
      state = expectConsistentAfterKill(root, fixture, what);
      break;
    }
    case 'stale-lock': {
      expect((await runRegenerate(root, { env: { FLEET_KILL_AT_STEP: String(trial.step) } })).killed, what).toBe(true);
      state = expectConsistentAfterKill(root, fixture, what);
      const all = await Promise.all([runRegenerate(root), runRegenerate(root), runRegenerate(root)]);
      all.forEach((run, i) => expectFinishedOrLockRefused(run, `${what} (run ${i + 1} of 3)`));
      expect(
        all.map((run) => run.code),
        what,
      ).toContain(0);
      // none of them was killed and one finished: the tree is already the clean one, unless two interleaved
      expect(tree(root), `${what}: after three regenerates at once`).toEqual(fixture.newTree);
      break;
    }
    case 'full': {
      rmSync(join(root, '.projen/fleet-launch.json'));
      const killed = await runRegenerate(root, { env: { FLEET_KILL_AT_STEP: String(trial.step) } });
      expect(killed.killed, `${what}: ${JSON.stringify(killed)}`).toBe(true);
      state = expectConsistentAfterKill(root, fixture, what);
      break;
    }
  }
  await expectNextRegenerateClean(root, fixture, what);
  rmSync(root, { recursive: true, force: true });
  return state;
}

function describeTrial(trial: Trial, fixture: Fixture): string {
  const at = (step: number) => `step ${step} (${fixture.steps[step - 1] ?? 'past the end'})`;
  switch (trial.kind) {
    case 'step': {
      const recovery = trial.recoveryStep === undefined ? '' : `, its roll-forward at step ${trial.recoveryStep}`;
      return `killed at ${at(trial.step)}${recovery}`;
    }
    case 'timed':
      return (
        `${trial.command === 'npx' ? 'npx projen' : 'the launcher'} ` +
        `killed (process group) after ${trial.delayMs} ms`
      );
    case 'lock':
      const killed = trial.killSecondAfterMs === undefined ? '' : ` (killed after ${trial.killSecondAfterMs} ms)`;
      return `killed at ${at(trial.step)} while a second started after ${trial.secondAfterMs} ms${killed}`;
    case 'stale-lock':
      return `killed at ${at(trial.step)}, then three at once`;
    case 'full':
      return `the projen synthesis killed at ${at(trial.step)}`;
  }
}

describe(
  `an interrupted regenerate (KILL_SEED=${SEED} ` + `KILL_POINTS=${POINTS}${EVERY_STEP ? ' KILL_EVERY_STEP=1' : ''})`,
  () => {
    let prepared: Promise<Fixture> | undefined;
    /** The fleet, its trees and steps, made once for the tests of this file. */
    const fixtureOnce = () => (prepared ??= prepare());
    /** A copy of the old fleet, regenerated, with the new inputs. */
    const newInputs = async () => {
      const root = copyOf((await fixtureOnce()).base);
      writeFleet(root, 'new');
      return root;
    };

    it(
      'finishes, whole and byte for byte, at the next regenerate, wherever it was killed',
      async () => {
        const started = Date.now();
        const fixture = await fixtureOnce();
        const preparedMs = Date.now() - started;
        const trials = drawTrials(fixture);
        const chosen =
          ONLY === undefined ? trials.map((trial, i) => [i, trial] as const) : [[ONLY, trials[ONLY]] as const];
        const tally = new Map<string, number>();
        const count = (key: string) => tally.set(key, (tally.get(key) ?? 0) + 1);
        let next = 0;
        const worker = async () => {
          while (next < chosen.length) {
            const [i, trial] = chosen[next++];
            const what = `KILL_SEED=${SEED} KILL_POINTS=${POINTS} KILL_ONLY=${i}: ${describeTrial(trial, fixture)}`;
            const state = await runTrial(trial, fixture, what);
            count(`${trial.kind}${trial.kind === 'timed' ? `/${trial.command}` : ''}`);
            count(`left ${state}`);
            if (trial.kind === 'step' && trial.recoveryStep !== undefined) count('roll-forward killed too');
          }
        };
        await Promise.all(Array.from({ length: PARALLEL }, worker));
        const counts = [...tally].map(([key, n]) => `${key} ${n}`).join(', ');
        console.log(
          `crash test, KILL_SEED=${SEED}: ${chosen.length} kills of a ` +
            `regenerate of ${fixture.steps.length} steps (commit at step ` +
            (`${fixture.commitStep}, roll-forward ${fixture.recoverySteps} ` +
              `steps, clean ${fixture.cleanMs} ms, fixture ${preparedMs} ms, `) +
            `kills ${Date.now() - started - preparedMs} ms): ${counts}; every next regenerate clean`,
        );
        expect(chosen.length).toBeGreaterThan(0);
      },
      120_000 + (POINTS + (EVERY_STEP ? 500 : 0)) * 5_000,
    );

    it('a second regenerate started while one runs stops with a clear message and writes nothing', async () => {
      const root = await newInputs();
      // a live holder: this test's own process, which started before it took the lock
      const started = new Date().toISOString();
      writeFile(root, LOCK_PATH, JSON.stringify({ pid: process.pid, started }));
      const before = snapshotTree(root);
      const second = await runRegenerate(root);
      expect(second.code).toBe(1);
      const message =
        `${LOCK_PATH}: another regenerate is running ` +
        `(pid ${process.pid}, started ${started}); wait for it to finish`;
      expect(second.stderr).toContain(message);
      expect(snapshotTree(root)).toEqual(before);

      // a lock left by a killed run is taken over
      const dead = await promisify(execFile)('sh', ['-c', 'echo $$']);
      writeFile(root, LOCK_PATH, JSON.stringify({ pid: Number(dead.stdout.trim()), started: 'earlier' }));
      const third = await runRegenerate(root);
      expect(third.code, third.stderr).toBe(0);
      expect(existsSync(join(root, LOCK_PATH))).toBe(false);
    }, 120_000);

    // Linux tells when a process started
    it.runIf(existsSync('/proc/self/stat'))(
      'a lock whose pid belongs to a process started after it (reused) is taken over',
      async () => {
        const root = await newInputs();
        // this test's process started after that time: it cannot have written the lock
        writeFile(root, LOCK_PATH, JSON.stringify({ pid: process.pid, started: '2026-01-01T07:00:00.000Z' }));
        const next = await runRegenerate(root);
        expect(next.code, next.stderr).toBe(0);
        expect(existsSync(join(root, LOCK_PATH))).toBe(false);
      },
      120_000,
    );

    it('a lock whose holder was killed with its parent (a zombie until init reaps it) is taken over', async () => {
      const root = await newInputs();
      // a process group killed whole: the orphan waits, a zombie, for an init that may reap late (containers, VMs)
      const orphan = await new Promise<number>((resolve) => {
        const group = spawn('sh', ['-c', 'sleep 30 & echo $!; wait'], { detached: true });
        group.stdout.once('data', (d: Buffer) => {
          process.kill(-group.pid!, 'SIGKILL');
          resolve(Number(String(d).trim()));
        });
      });
      writeFile(root, LOCK_PATH, JSON.stringify({ pid: orphan, started: 'earlier' }));
      writeFile(root, `.projen/fleet.lock.${orphan}`, 'a candidate left by the killed run');
      const next = await runRegenerate(root);
      expect(next.code, next.stderr).toBe(0);
      expect(existsSync(join(root, LOCK_PATH))).toBe(false);
      expect(
        existsSync(join(root, `.projen/fleet.lock.${orphan}`)),
        'the candidate the killed run left is removed',
      ).toBe(false);
    }, 120_000);

    it('two regenerates started at once do not interleave', async () => {
      const root = await newInputs();
      rmSync(join(root, 'clusters/load-00'), { recursive: true });
      writeFleet(root, 'new');
      const [a, b] = await Promise.all([runRegenerate(root), runRegenerate(root)]);
      for (const r of [a, b]) if (r.code !== 0) expect(r.stderr).toContain('another regenerate is running');
      expect([a.code, b.code]).toContain(0);
      const again = await runRegenerate(root);
      expect(again.code).toBe(0);
      const settled = snapshotTree(root, notOutput);
      expect(await runRegenerate(root)).toMatchObject({ code: 0 });
      expect(snapshotTree(root, notOutput)).toEqual(settled);
      expect(OUTPUT_ROOTS).toContain('clusters');
    }, 120_000);
  },
);
