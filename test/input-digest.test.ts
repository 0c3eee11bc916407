import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTemps, exampleInputs, notOutput, regenerate, snapshotTree, writeFile } from './support/fleet';
import { inputsDigest, sourceDigest } from '../generator/config/input-digest';
import { GENERATOR_DIR } from '../generator/model/generator-dir';

afterAll(cleanupTemps);

const RECIPE = 'recipes/llm-training/gpt2-wikicorpus-preprocess.yaml';

describe('inputsDigest', () => {
  it(
    "takes a file's digest from the last regenerate while its stat " +
      'is the same, and trusts no stat taken just after a change',
    async () => {
      const root = exampleInputs({ withRecipes: true });
      const first = inputsDigest(root);
      // copied just now: read, and not recorded, as it could change again within the file system clock's tick
      expect([...first.sources.keys()].filter((path) => path.startsWith('recipes/'))).toEqual([]);
      // the generator's files, unchanged for long, are recorded (by their path from the root)
      expect(first.sources.has(relative(root, join(GENERATOR_DIR, 'templates/cluster-readme.md.hbs')))).toBe(true);

      await sleep(2100);
      const settled = inputsDigest(root, first.sources);
      expect(settled.fleet).toBe(first.fleet);
      expect(settled.sourcesChanged).toBe(true);
      expect(sourceDigest(settled.sources, RECIPE)).toMatch(/^[\w-]{27}$/);

      // a recorded digest is used as long as the stat matches: the file is not read (a forged digest shows)
      const forged = new Map(settled.sources);
      forged.set(RECIPE, settled.sources.get(RECIPE)!.replace(/ .*$/, ' forged'));
      const trusted = inputsDigest(root, forged);
      expect(sourceDigest(trusted.sources, RECIPE)).toBe('forged');
      expect(trusted.fleet).not.toBe(settled.fleet);
      expect(trusted.sourcesChanged).toBe(false);

      // once the file changes, its stat does: read again, and the change is in the digest
      writeFile(root, RECIPE, readFileSync(join(root, RECIPE), 'utf-8').replace(/image: (\S+)/, 'image: $1-edited'));
      const edited = inputsDigest(root, forged);
      expect(edited.fleet).not.toBe(settled.fleet);
      expect(edited.fleet).not.toBe(trusted.fleet);
      // read, and not recorded (changed just now)
      expect(edited.sources.has(RECIPE)).toBe(false);
    },
  );

  it('ignores recorded sources of the wrong shape in a damaged render cache', () => {
    const root = exampleInputs({ withRecipes: true });
    expect(regenerate(root).ok).toBe(true);
    const before = snapshotTree(root, notOutput);
    const cacheFile = join(root, '.projen/fleet-cache.json');
    const cache = JSON.parse(readFileSync(cacheFile, 'utf-8')) as { sources: Record<string, unknown> };
    expect(Object.keys(cache.sources).length).toBeGreaterThan(0);
    for (const [i, path] of Object.keys(cache.sources).entries()) cache.sources[path] = [null, 1, {}, 'x'][i % 4];
    writeFile(root, '.projen/fleet-cache.json', JSON.stringify(cache));
    writeFile(root, RECIPE, readFileSync(join(root, RECIPE), 'utf-8').replace(/image: (\S+)/, 'image: $1-edited'));
    expect(regenerate(root).ok).toBe(true);
    const fresh = exampleInputs({ withRecipes: true });
    writeFile(fresh, RECIPE, readFileSync(join(root, RECIPE), 'utf-8'));
    expect(regenerate(fresh).ok).toBe(true);
    expect(snapshotTree(root, notOutput)).toEqual(snapshotTree(fresh, notOutput));
    expect(snapshotTree(root, notOutput)).not.toEqual(before);
  });

  it('covers the cluster specs, not the generated files beside them', () => {
    const root = exampleInputs({ withRecipes: true });
    const before = inputsDigest(root).fleet;
    expect(regenerate(root).ok).toBe(true);
    expect(inputsDigest(root).fleet).toBe(before);
    writeFile(
      root,
      'clusters/dev-usw2/cluster.yaml',
      `${readFileSync(join(root, 'clusters/dev-usw2/cluster.yaml'), 'utf-8')}# edited\n`,
    );
    expect(inputsDigest(root).fleet).not.toBe(before);
  });
});
