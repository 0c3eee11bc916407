import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { REPO, writeFile } from './fleet';
import type { RecipeBody } from '../../generator/recipes/recipe-schema';
import { importSeedRecipe } from '../../generator/recipes/seed-import';
import { pathProblems } from '../../generator/workloads/path-policy';

/** The seed recipes of the five seed projects, as vendored for the tests. */
export const SEED = join(REPO, 'test', 'fixtures', 'seed-recipes');
/** Where the seed leaves `image` empty (the user's own build), the import is given one, as a user would. */
export const BUILT_IMAGE = '111122223333.dkr.ecr.us-west-2.amazonaws.com/seed-built:latest';
/** The two fixture clusters (test/fixtures/recipe-corpus/clusters) every seed is imported for. */
export const CORPUS_CLUSTERS = ['corpus-v2', 'corpus-v1'] as const;
/** The team the seeds are imported for. */
export const CORPUS_TEAM = 'ml';

export interface ImportedSeed {
  readonly seed: string;
  /** `a<index>` on corpus-v2, `b<index>` on corpus-v1. */
  readonly name: string;
  readonly kind: string;
  readonly role: 'run' | 'service';
  readonly text: string;
}

export interface SeedCorpus {
  /** Every seed file, relative to SEED. */
  readonly files: readonly string[];
  readonly imported: readonly ImportedSeed[];
  /** Seeds refused (counted once, on the first cluster), by reason. */
  readonly refused: ReadonlyMap<string, readonly string[]>;
}

export function seedFiles(dir = SEED): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? seedFiles(path) : entry.endsWith('.yaml') ? [relative(SEED, path)] : [];
    });
}

/**
 * Imports every seed recipe for both fixture clusters into `root` (recipes/ml/, apps/ml/), as `import:recipe` would.
 * A seed that the path policy refuses as written (it writes where every team reads, such as the Mask R-CNN seed's
 * COCO download into /fsx/data/) is refused with that reason and not written: `import:recipe` would refuse it too.
 */
export function importSeedCorpus(root: string): SeedCorpus {
  const files = seedFiles();
  const imported: ImportedSeed[] = [];
  const refused = new Map<string, string[]>();
  const refuse = (reason: string, seed: string) => refused.set(reason, [...(refused.get(reason) ?? []), seed]);
  files.forEach((seed, i) => {
    const text = readFileSync(join(SEED, seed), 'utf-8');
    CORPUS_CLUSTERS.forEach((cluster, c) => {
      const name = `${c === 0 ? 'a' : 'b'}${String(i).padStart(3, '0')}`;
      const result = importSeedRecipe(seed, text, { team: CORPUS_TEAM, cluster, name, image: BUILT_IMAGE });
      if (!result.ok) {
        if (c === 0) refuse(result.reason, seed);
        return;
      }
      const paths = pathProblems(parse(result.text) as RecipeBody, CORPUS_TEAM);
      if (paths.length) {
        if (c === 0) refuse(`path policy: ${paths[0].field}: ${paths[0].message}`, seed);
        return;
      }
      writeFile(root, `${result.role === 'service' ? 'apps' : 'recipes'}/${CORPUS_TEAM}/${name}.yaml`, result.text);
      imported.push({ seed, name, kind: result.kind, role: result.role, text: result.text });
    });
  });
  return { files, imported, refused };
}
