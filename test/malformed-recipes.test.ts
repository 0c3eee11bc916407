import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  cleanupTemps,
  exampleInputs,
  projectCopy,
  regenerate,
  REPO,
  runProjen,
  snapshotTree,
  writeFile,
} from './support/fleet';
import { formatProblem, sortProblems } from '../generator/config/problems';

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

const corpus: Case[] = readdirSync(CORPUS)
  .sort()
  .map((name) => ({
    name,
    target: readFileSync(join(CORPUS, name, 'target.txt'), 'utf-8').trim(),
    content: readFileSync(join(CORPUS, name, 'recipe.yaml')),
    expected: readFileSync(join(CORPUS, name, 'expected.txt'), 'utf-8')
      .trim()
      .split('\n'),
  }));

describe('malformed recipes', () => {
  it('the corpus holds at least 20 cases', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(20);
  });

  it.each(corpus.map((c) => [c.name, c] as const))(
    '%s: exactly the expected problems, and nothing written',
    (_name, c) => {
      const root = exampleInputs({ withRecipes: true });
      writeFile(root, c.target, c.content);
      const before = snapshotTree(root);
      const result = regenerate(root);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(sortProblems(result.problems).map(formatProblem)).toEqual(c.expected);
      expect(snapshotTree(root)).toEqual(before);
    },
  );

  it('a faulty cluster spec does not hide the problems of the recipes, nor of the other clusters', () => {
    const root = exampleInputs({ withRecipes: true });
    const staging = readFileSync(join(root, 'clusters/staging-usw2/cluster.yaml'), 'utf-8');
    writeFile(
      root,
      'clusters/staging-usw2/cluster.yaml',
      staging.replace('environment: staging', 'environment: stagin'),
    );
    const dev = readFileSync(join(root, 'clusters/dev-usw2/cluster.yaml'), 'utf-8');
    writeFile(root, 'clusters/dev-usw2/cluster.yaml', `${dev}unknownField: 1\n`);
    const typo = corpus.find((c) => c.name === 'typo-in-key')!;
    writeFile(root, typo.target, typo.content);
    // aimed at the faulty cluster: checked once its cluster is fixed, not reported as a cluster that does not exist
    const moduleOff = corpus.find((c) => c.name === 'module-off-on-cluster')!;
    writeFile(root, moduleOff.target, moduleOff.content);
    const before = snapshotTree(root);
    const result = regenerate(root);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const messages = sortProblems(result.problems).map(formatProblem);
    expect(messages).toHaveLength(3);
    expect(messages[0]).toMatch(/^clusters\/dev-usw2\/cluster\.yaml:\d+: unknownField: unknown key/);
    expect(messages[1]).toMatch(
      /^clusters\/staging-usw2\/cluster\.yaml:\d+: environment: expected one of .*got "stagin"$/,
    );
    expect(messages[2]).toBe(typo.expected[0]);
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
