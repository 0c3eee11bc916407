import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { OUTPUT_ROOTS } from '../generator/fleet/paths';
import { prepareRegenerate } from '../generator/fleet/regenerate';
import { LOCK_PATH } from '../generator/write/lock';
import { cleanupTemps, FLEET, notOutput, projectCopy, snapshotTree, tempDir, writeFile } from './support/fleet';

// the in-process plan below reads the instance table too (the spawned runs get it through their env)

afterAll(cleanupTemps);

const SYNTHETIC = 24;
/** Transaction files of the writer, ignored by git: not part of "the tree". */
const transient = notOutput;

/**
 * A large fleet: the examples plus synthetic copies of prod-use1; `variant` changes teams and quotas, and adds a
 * cluster (whose new folders are staged and moved whole).
 */
function writeFleet(root: string, variant: 'old' | 'new') {
  const prod = readFileSync(join(root, 'clusters/prod-use1/cluster.yaml'), 'utf-8');
  for (let i = 0; i < SYNTHETIC + (variant === 'new' ? 1 : 0); i++) {
    const name = `load-${String(i).padStart(2, '0')}`;
    let text = prod.replace('name: prod-use1', `name: ${name}`);
    if (variant === 'new') {
      text = text
        .replace('quotas: { cpu: 1024, memory: 8192Gi, gpu: 64 }', `quotas: { cpu: ${1000 + i}, memory: 8192Gi, gpu: 64 }`)
        .replace(/  - name: neuron-research\n    quotas: \{[^}]*\}\n/, '  - name: vision\n    quotas: { cpu: 64, gpu: 8 }\n');
    }
    writeFile(root, `clusters/${name}/cluster.yaml`, text);
  }
}

function runRegenerate(root: string, env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    const child = spawn(join(root, 'node_modules/.bin/tsx'), ['.projenrc.ts'], { cwd: root, env: { ...process.env, CI: 'true', ...env } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe('an interrupted regenerate', () => {
  // the old tree, the inputs of the new one, and the new tree as an uninterrupted run writes it
  const base = projectCopy();
  writeFleet(base, 'old');

  it('leaves every file whole and the old tree before the commit point; the next run finishes the new tree', async () => {
    expect((await runRegenerate(base)).code).toBe(0);
    const oldTree = snapshotTree(base, transient);

    const reference = tempDir();
    cpSync(base, reference, { recursive: true, verbatimSymlinks: true });
    writeFleet(reference, 'new');
    const newInputs = snapshotTree(reference, transient);
    expect((await runRegenerate(reference)).code).toBe(0);
    const newTree = snapshotTree(reference, transient);

    // with the new inputs: how many steps the transition takes
    const probe = tempDir();
    cpSync(base, probe, { recursive: true, verbatimSymlinks: true });
    writeFleet(probe, 'new');
    const plan = prepareRegenerate({ root: probe, ...FLEET, dryRun: true });
    if (!plan.ok) throw new Error(`new fleet is invalid: ${plan.problems.slice(0, 3).map((p) => `${p.file}:${p.line}: ${p.field}: ${p.message}`).join('; ')}`);
    // steps: each file staged, the journal written and committed, each move (a file or a new folder), each delete
    const writes = plan.plan.toWrite.length;
    const moves = plan.plan.moves.length;
    const deletes = plan.plan.toDelete.length;
    const commitStep = writes + 2;
    const totalSteps = writes + 2 + moves + deletes;
    expect(writes).toBeGreaterThan(SYNTHETIC * 3);
    expect(deletes).toBeGreaterThan(SYNTHETIC);
    const folderMoves = plan.plan.moves.filter(([, target]) => target.startsWith(`clusters/load-${SYNTHETIC}/`) && !/\.\w+$/.test(target));
    expect(folderMoves.length).toBeGreaterThan(1);
    expect(moves).toBeLessThan(writes);

    const killPoints = [...new Set([1, writes, writes + 1, commitStep, commitStep + 1, ...Array.from({ length: 7 }, (_, i) => Math.round(((i + 1) * totalSteps) / 8)), totalSteps - 1])].sort((a, b) => a - b);
    const outcomes: string[] = [];
    for (const step of killPoints) {
      const root = tempDir();
      cpSync(base, root, { recursive: true, verbatimSymlinks: true });
      writeFleet(root, 'new');
      const killed = await runRegenerate(root, { FLEET_KILL_AT_STEP: String(step) });
      // tsx runs .projenrc.ts in a child process and passes its death on as exit code 128 + 9
      expect(killed.signal === 'SIGKILL' || killed.code === 137, `step ${step}: ${JSON.stringify(killed)}`).toBe(true);

      const after = snapshotTree(root, transient);
      for (const [path, content] of after) {
        const candidates = [oldTree.get(path), newTree.get(path), newInputs.get(path)];
        expect(candidates.includes(content), `step ${step}: ${path} is neither its old nor its new version`).toBe(true);
      }
      if (step < commitStep) {
        // before the commit point nothing visible changed but the inputs
        const expectedOld = new Map(oldTree);
        for (const [path, content] of newInputs) if (path.endsWith('cluster.yaml')) expectedOld.set(path, content);
        expect(after, `step ${step}`).toEqual(new Map([...expectedOld.entries()].sort(([a], [b]) => (a < b ? -1 : 1))));
      }
      const next = await runRegenerate(root);
      expect(next.code, next.stderr).toBe(0);
      expect(snapshotTree(root, transient), `step ${step}`).toEqual(newTree);
      expect(existsSync(join(root, '.projen/fleet-staging'))).toBe(false);
      expect(existsSync(join(root, '.projen/fleet-journal.json'))).toBe(false);
      outcomes.push(`${step}:${step < commitStep ? 'old' : 'rolled-forward'}`);
    }
    console.log(`kill points (${writes} writes, ${moves} moves, ${deletes} deletes, commit at step ${commitStep}): ${outcomes.join(' ')}`);
    expect(killPoints.length).toBeGreaterThanOrEqual(12);
  }, 300_000);

  it('a second regenerate started while one runs stops with a clear message and writes nothing', async () => {
    const root = tempDir();
    cpSync(base, root, { recursive: true, verbatimSymlinks: true });
    writeFleet(root, 'new');
    // a live holder: this test's own process
    writeFile(root, LOCK_PATH, JSON.stringify({ pid: process.pid, started: '2026-11-23T07:00:00.000Z' }));
    const before = snapshotTree(root);
    const second = await runRegenerate(root);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`${LOCK_PATH}: another regenerate is running (pid ${process.pid}, started 2026-11-23T07:00:00.000Z); wait for it to finish`);
    expect(snapshotTree(root)).toEqual(before);

    // a lock left by a killed run is taken over
    const dead = await promisify(execFile)('sh', ['-c', 'echo $$']);
    writeFile(root, LOCK_PATH, JSON.stringify({ pid: Number(dead.stdout.trim()), started: 'earlier' }));
    const third = await runRegenerate(root);
    expect(third.code, third.stderr).toBe(0);
    expect(existsSync(join(root, LOCK_PATH))).toBe(false);
  }, 120_000);

  it('two regenerates started at once do not interleave', async () => {
    const root = tempDir();
    cpSync(base, root, { recursive: true, verbatimSymlinks: true });
    rmSync(join(root, 'clusters/load-00'), { recursive: true });
    writeFleet(root, 'new');
    const [a, b] = await Promise.all([runRegenerate(root), runRegenerate(root)]);
    for (const r of [a, b]) if (r.code !== 0) expect(r.stderr).toContain('another regenerate is running');
    expect([a.code, b.code]).toContain(0);
    const again = await runRegenerate(root);
    expect(again.code).toBe(0);
    const settled = snapshotTree(root, transient);
    expect(await runRegenerate(root)).toMatchObject({ code: 0 });
    expect(snapshotTree(root, transient)).toEqual(settled);
    expect(OUTPUT_ROOTS).toContain('clusters');
  }, 120_000);
});
