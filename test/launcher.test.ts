import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTemps, notOutput, projectCopy, REPO, runProjen, snapshotTree, writeFile } from './support/fleet';

afterAll(cleanupTemps);

const FULL = /running the projen synthesis/;
const FAST = /nothing projen reads changed: regenerating the fleet without it/;

/** `npx projen --debug`: the launcher says which path it took. */
async function regenerate(root: string) {
  const result = await runProjen(root, { DEBUG: 'true' });
  return { ...result, path: FAST.test(result.stderr) ? 'fast' : FULL.test(result.stderr) ? 'full' : 'unknown' };
}

/** The tree as committed: everything but the generator's caches and the launcher's bundle and stamp. */
const committed = (root: string) => snapshotTree(root, notOutput);

describe('the default task (generator/projen/launcher.cjs)', () => {
  it('runs the projen synthesis once, then regenerates without it, to the same tree', async () => {
    const root = projectCopy();
    rmSync(join(root, '.projen/fleet-launch.json'), { force: true });
    const first = await regenerate(root);
    expect(first.code, first.stderr).toBe(0);
    expect(first.path).toBe('full');
    const afterFull = committed(root);

    const second = await regenerate(root);
    expect(second.code, second.stderr).toBe(0);
    expect(second.path).toBe('fast');
    expect(committed(root)).toEqual(afterFull);

    // the fast path regenerates: a removed generated file comes back, byte for byte
    const readme = 'clusters/prod-use1/README.md';
    rmSync(join(root, readme));
    const third = await regenerate(root);
    expect(third.path).toBe('fast');
    expect(third.stdout).toContain('fleet: 1 written, 0 deleted');
    expect(committed(root)).toEqual(afterFull);
    expect(readFileSync(join(root, readme), 'utf-8')).toBe(readFileSync(join(REPO, readme), 'utf-8'));
  });

  it('runs the synthesis again when .projenrc.ts, a projen file or the bundle changed', async () => {
    const root = projectCopy();
    expect((await regenerate(root)).code).toBe(0);
    expect((await regenerate(root)).path).toBe('fast');

    // .projenrc.ts: the new pull request template is written
    const projenrc = readFileSync(join(root, '.projenrc.ts'), 'utf-8');
    writeFileSync(
      join(root, '.projenrc.ts'),
      projenrc.replace("'## What this changes'", "'## What this pull request changes'"),
    );
    const edited = await regenerate(root);
    expect(edited.path).toBe('full');
    expect(readFileSync(join(root, '.github/pull_request_template.md'), 'utf-8')).toContain(
      '## What this pull request changes',
    );
    expect((await regenerate(root)).path).toBe('fast');

    // a hand-edited projen file is put back, as projen always does
    const tsconfig = readFileSync(join(root, 'tsconfig.json'), 'utf-8');
    chmodSync(join(root, 'tsconfig.json'), 0o644);
    writeFileSync(join(root, 'tsconfig.json'), tsconfig.replace('"strict": true', '"strict": false'));
    expect((await regenerate(root)).path).toBe('full');
    expect(readFileSync(join(root, 'tsconfig.json'), 'utf-8')).toBe(tsconfig);

    // the bundle gone or tampered with: rebuilt by a synthesis
    rmSync(join(root, '.projen/fleet-regenerate.cjs'));
    expect((await regenerate(root)).path).toBe('full');
    writeFile(root, '.projen/fleet-regenerate.cjs', 'process.exit(3)');
    const tampered = await regenerate(root);
    expect(tampered.code).toBe(0);
    expect(tampered.path).toBe('full');
  });

  it('a touched but unchanged input (a checkout) keeps the fast path', async () => {
    const root = projectCopy();
    expect((await regenerate(root)).code).toBe(0);
    writeFileSync(join(root, '.projenrc.ts'), readFileSync(join(root, '.projenrc.ts')));
    expect((await regenerate(root)).path).toBe('fast');
  });

  it('refuses bad input the same way on both paths, and leaves the tree as it was', async () => {
    const root = projectCopy();
    expect((await regenerate(root)).code).toBe(0);
    const spec = 'clusters/dev-usw2/cluster.yaml';
    writeFile(
      root,
      spec,
      readFileSync(join(REPO, spec), 'utf-8').replace(/kubernetesVersion: .*/, 'kubernetesVersion: "1.2x"'),
    );
    const before = snapshotTree(root);
    const fast = await regenerate(root);
    expect(fast.path).toBe('fast');
    expect(snapshotTree(root)).toEqual(before);

    rmSync(join(root, '.projen/fleet-launch.json'));
    const full = await regenerate(root);
    expect(full.path).toBe('full');
    for (const result of [fast, full]) {
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^clusters\/dev-usw2\/cluster\.yaml:\d+: kubernetesVersion: /m);
      expect(result.stderr).toContain('1 problem found; nothing was written.');
      expect(result.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    }
    const problems = (text: string) =>
      text
        .split('\n')
        .filter((line) => line.startsWith('clusters/'))
        .join('\n');
    expect(problems(fast.stderr)).toBe(problems(full.stderr));
  });
});
