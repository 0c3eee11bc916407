import { createHash } from 'node:crypto';
import type { Problem } from '../config/problems';
import {
  instanceTypes as readInstanceTypes,
  InstanceTableMissing,
  type InstanceType,
} from '../instances/instance-table';
import { forEachRecipe, type RecipeInput } from '../recipes/load-recipes';
import { RecipeCache, type JsonText } from '../recipes/recipe-cache';

/**
 * A recipe as given to its cluster, with the digest of its file and text: equal digests (and code), the same workloads.
 */
export type TakenRecipe = RecipeInput & { readonly digest: string };

/**
 * Every recipe, loaded and grouped by the cluster it names; `problems` holds those of the recipes that did not load.
 */
export interface FleetRecipes {
  readonly ok: true;
  readonly problems: Problem[];
  /**
   * The recipes aimed at a cluster, given once: a fleet's recipes are held as text, not objects, and a
   * cluster's texts are let go when its recipes are taken.
   */
  takeRecipesOf(cluster: string): TakenRecipe[];
  /**
   * A digest of the recipes aimed at a cluster (before they are taken): equal when they would compile to the same
   * workloads.
   */
  digestOf(cluster: string): string;
  readonly instanceTypes: ReadonlyMap<string, InstanceType>;
}

/**
 * The first half of the workload stage: loads every recipe under recipes/ and apps/ and checks the cluster it
 * names. `cacheOut`: where to write the recipe cache as this regenerate makes it; `fileDigest`: a recipe file's
 * content digest, when the caller read it already (both: see RecipeCache).
 */
export function loadFleetRecipes(
  root: string,
  clusterNames: readonly string[],
  readdir?: (dir: string) => string[],
  cacheOut?: string,
  fileDigest?: (file: string) => string | undefined,
): FleetRecipes | { ok: false; problems: Problem[] } {
  // recipes that load are compiled even when others do not, so every problem is reported at once
  const cache = RecipeCache.load(root, cacheOut, fileDigest);
  const byCluster = new Map<string, { json: JsonText; digest: string; lineOf: RecipeInput['lineOf'] }[]>(
    clusterNames.map((name) => [name, []]),
  );
  let loaded = 0;
  const unknownCluster: Problem[] = [];
  const loadProblems = forEachRecipe(root, readdir, cache, (input, faulty) => {
    loaded++;
    const mine = byCluster.get(input.recipe.cluster);
    if (!mine) {
      unknownCluster.push(unknownClusterProblem(input, clusterNames));
      return;
    }
    if (faulty) {
      // salvaged from a file with problems, only to be checked further (the regenerate is refused): not cached,
      // and with a digest no kept folder has, so that it is checked
      const { lineOf: _lineOf, ...data } = input;
      mine.push({ json: JSON.stringify(data), digest: '', lineOf: input.lineOf });
      return;
    }
    // every valid recipe loaded is in the cache, looked up or remembered, as the JSON text kept here
    const { digest, json } = cache.entryOf(input.file)!;
    mine.push({
      json,
      digest: createHash('sha1').update(input.file).update('\0').update(digest).digest('base64url'),
      lineOf: input.lineOf,
    });
  });
  cache.end();
  const table = loaded ? recipeInstanceTypes() : { ok: true as const, types: new Map<string, InstanceType>() };
  if (!table.ok) return table;
  const instanceTypes = table.types;
  const problems = [...loadProblems, ...unknownCluster];
  const takeRecipesOf = (cluster: string) => {
    const waiting = byCluster.get(cluster) ?? [];
    const texts = cache.readJson(waiting.map((recipe) => recipe.json));
    const recipes = waiting.map(({ digest, lineOf }, i) => ({
      ...(JSON.parse(texts[i]) as Omit<RecipeInput, 'lineOf'>),
      lineOf,
      digest,
    }));
    byCluster.delete(cluster);
    return recipes;
  };
  // in the order recipeFiles lists them (sorted), each by its file and the digest of its text
  const digestOf = (cluster: string) => {
    const hash = createHash('sha1');
    for (const { digest } of byCluster.get(cluster) ?? []) hash.update(digest).update('\0');
    return hash.digest('base64url');
  };
  return { ok: true, problems, takeRecipesOf, digestOf, instanceTypes };
}

/** A recipe that names a cluster the fleet does not have. */
export function unknownClusterProblem(input: RecipeInput, clusterNames: readonly string[]): Problem {
  return {
    file: input.file,
    line: input.lineOf(['cluster']),
    field: 'cluster',
    message: `cluster "${input.recipe.cluster}" does not exist (clusters: ${clusterNames.join(', ') || 'none'})`,
  };
}

/**
 * The instance table, an input of every recipe (placement checks, cost estimates); a missing or broken table is
 * a broken checkout, reported as a problem rather than a stack trace.
 */
export function recipeInstanceTypes():
  { ok: true; types: ReadonlyMap<string, InstanceType> } | { ok: false; problems: Problem[] } {
  try {
    return { ok: true, types: readInstanceTypes() };
  } catch (error) {
    if (!(error instanceof InstanceTableMissing)) throw error;
    return { ok: false, problems: [{ file: error.path, field: '', message: error.detail }] };
  }
}
