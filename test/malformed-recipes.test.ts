import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatProblem, sortProblems } from '../generator/config/problems';
import { cleanupTemps, exampleInputs, projectCopy, regenerate, REPO, runProjen, snapshotTree, writeFile } from './support/fleet';

afterAll(cleanupTemps);

// the accelerator checks read the instance table from the shared folder, also from a temporary copy

const CORPUS = join(REPO, 'test', 'fixtures', 'malformed-recipes');

interface Case {
  readonly name: string;
  /** Where the file goes, relative to the repository (the folder is part of what is checked). */
  readonly target: string;
  readonly content: Buffer;
  readonly expected: string[];
}

const corpus: Case[] = readdirSync(CORPUS).sort().map((name) => ({
  name,
  target: readFileSync(join(CORPUS, name, 'target.txt'), 'utf-8').trim(),
  content: readFileSync(join(CORPUS, name, 'recipe.yaml')),
  expected: readFileSync(join(CORPUS, name, 'expected.txt'), 'utf-8').trim().split('\n'),
}));


describe('malformed recipes', () => {
  it('the corpus holds at least 20 cases', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(20);
  });

  it.each(corpus.map((c) => [c.name, c] as const))('%s: exactly the expected problems, and nothing written', (_name, c) => {
    const root = exampleInputs({ withRecipes: true });
    writeFile(root, c.target, c.content);
    const before = snapshotTree(root);
    const result = regenerate(root);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(sortProblems(result.problems).map(formatProblem)).toEqual(c.expected);
    expect(snapshotTree(root)).toEqual(before);
  });

  // one real `npx projen` with every case in place: all problems at once, a non-zero exit, an unchanged tree
  it('npx projen reports every case at once, exits non-zero and leaves the tree as it was', async () => {
    const root = projectCopy();
    for (const c of corpus) writeFile(root, c.target, c.content);
    const before = snapshotTree(root);
    const result = await runProjen(root);
    expect(result.code).not.toBe(0);
    const messages = result.stderr.split('\n').filter((line) => /^(recipes|apps)\//.test(line));
    const expected = corpus.flatMap((c) => c.expected);
    expect([...messages].sort()).toEqual([...expected].sort());
    expect(result.stderr).toContain('nothing was written');
    expect(result.stderr + result.stdout).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(snapshotTree(root)).toEqual(before);
  }, 60_000);
});
