import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTemps, REPO, tempDir } from './support/fleet';

afterAll(cleanupTemps);

/** The repository's files as git lists them (tracked and new, not ignored), with their current content. */
function repositoryFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: REPO,
    encoding: 'utf-8',
  });
  return out.split('\0').filter((file) => file && existsSync(join(REPO, file)));
}

/** Every file under `dir`, `.git` included, by path from `dir`. */
function listTree(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.name === 'node_modules') return [];
    return entry.isDirectory() ? listTree(path, base) : [path.slice(base.length + 1)];
  });
}

/** The test files that build a projen project: the ones that could take the current folder as their outdir. */
function projectBuildingTests(): string[] {
  return readdirSync(join(REPO, 'test'))
    .filter((name) => name.endsWith('.test.ts') && name !== 'checkout-under-tmp.test.ts')
    .filter((name) => /new \w+\.\w*Project\(|Testing\.synth/.test(readFileSync(join(REPO, 'test', name), 'utf-8')))
    .map((name) => `test/${name}`);
}

describe('a checkout under the temporary folder', () => {
  it('survives `npm test` of the tests that build projen projects: every file and .git are still there', () => {
    const tests = projectBuildingTests();
    expect(tests.length).toBeGreaterThan(0);

    const checkout = join(tempDir('checkout-'), 'eks-mlops-fleet');
    mkdirSync(checkout);
    for (const file of repositoryFiles()) {
      mkdirSync(dirname(join(checkout, file)), { recursive: true });
      cpSync(join(REPO, file), join(checkout, file));
    }
    const git = (...args: string[]) => execFileSync('git', args, { cwd: checkout, stdio: 'pipe' });
    git('init', '-q');
    git('add', '-A');
    git('-c', 'user.name=test', '-c', 'user.email=test@example.com', 'commit', '-q', '-m', 'checkout');
    symlinkSync(join(REPO, 'node_modules'), join(checkout, 'node_modules'));
    const before = listTree(checkout).sort();
    expect(before).toContain('.git/HEAD');

    const run = spawnSync('npm', ['test', '--', ...tests], {
      cwd: checkout,
      encoding: 'utf-8',
      env: { ...process.env, CI: 'true', NO_COLOR: '1' },
    });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);

    expect(listTree(checkout).sort()).toEqual(before);
    expect(
      execFileSync('git', ['status', '--porcelain', '--', '.', ':!node_modules'], { cwd: checkout, encoding: 'utf-8' }),
    ).toBe('');
  }, 300_000);
});
