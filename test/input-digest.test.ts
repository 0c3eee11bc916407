import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join, relative } from 'node:path';
import { GENERATOR_DIR } from '../generator/generator-dir';
import { afterAll, describe, expect, it } from 'vitest';
import { inputsDigest } from '../generator/fleet/input-digest';
import { cleanupTemps, exampleInputs, regenerate, writeFile } from './support/fleet';

afterAll(cleanupTemps);

const RECIPE = 'recipes/llm-training/gpt2-wikicorpus-preprocess.yaml';

describe('inputsDigest', () => {
  it('takes a file\'s digest from the last regenerate while its stat is the same, and trusts no stat taken just after a change', async () => {
    const root = exampleInputs({ withRecipes: true });
    const first = inputsDigest(root);
    expect(first.files.get(RECIPE)).toMatch(/^[\w-]{27}$/);
    // copied just now: read, and not recorded, as it could change again within the file system clock's tick
    expect([...first.sources.keys()].filter((path) => path.startsWith('recipes/'))).toEqual([]);
    // the generator's files, unchanged for long, are recorded (by their path from the root)
    expect(first.sources.has(relative(root, join(GENERATOR_DIR, 'templates/cluster-readme.md.hbs')))).toBe(true);

    await sleep(2100);
    const settled = inputsDigest(root, first.sources);
    expect(settled.fleet).toBe(first.fleet);
    expect(settled.sourcesChanged).toBe(true);
    expect(settled.sources.get(RECIPE)?.[4]).toBe(first.files.get(RECIPE));

    // a recorded digest is used as long as the stat matches: the file is not read (a forged digest shows)
    const forged = new Map(settled.sources);
    forged.set(RECIPE, [...settled.sources.get(RECIPE)!.slice(0, 4), 'forged'] as never);
    const trusted = inputsDigest(root, forged);
    expect(trusted.files.get(RECIPE)).toBe('forged');
    expect(trusted.fleet).not.toBe(settled.fleet);
    expect(trusted.sourcesChanged).toBe(false);

    // once the file changes, its stat does: read again, and the change is in the digest
    writeFile(root, RECIPE, readFileSync(join(root, RECIPE), 'utf-8').replace(/image: (\S+)/, 'image: $1-edited'));
    const edited = inputsDigest(root, forged);
    expect(edited.files.get(RECIPE)).not.toBe('forged');
    expect(edited.files.get(RECIPE)).not.toBe(first.files.get(RECIPE));
    expect(edited.fleet).not.toBe(settled.fleet);
    expect(edited.sources.has(RECIPE)).toBe(false);
  });

  it('covers the cluster specs, not the generated files beside them', () => {
    const root = exampleInputs({ withRecipes: true });
    const before = inputsDigest(root).fleet;
    expect(regenerate(root).ok).toBe(true);
    expect(inputsDigest(root).fleet).toBe(before);
    writeFile(root, 'clusters/dev-usw2/cluster.yaml', `${readFileSync(join(root, 'clusters/dev-usw2/cluster.yaml'), 'utf-8')}# edited\n`);
    expect(inputsDigest(root).fleet).not.toBe(before);
  });
});
