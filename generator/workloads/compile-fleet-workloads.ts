import { sharedDir } from '../checks/schema-registry';
import type { Problem } from '../config/problems';
import type { CompiledCluster } from '../fleet/compile-cluster';
import type { GeneratedFile } from '../fleet/generated-file';
import { INSTANCE_TABLE, loadInstanceTypes } from '../recipes/instance-types';
import { loadRecipes } from '../recipes/load-recipes';
import { RecipeCache } from '../recipes/recipe-cache';
import { compileWorkloads } from './compile-workloads';

export type FleetWorkloadsResult =
  | { ok: true; clusters: CompiledCluster[]; files: GeneratedFile[]; recipeCache?: GeneratedFile }
  | { ok: false; problems: Problem[] };

/** The workload stage of the pipeline: loads every recipe and compiles it into the cluster it names. */
export function compileFleetWorkloads(root: string, compiled: CompiledCluster[], readdir?: (dir: string) => string[]): FleetWorkloadsResult {
  // recipes that load are compiled even when others do not, so every problem is reported at once
  const cache = RecipeCache.load(root);
  const loaded = loadRecipes(root, readdir, cache);
  const problems: Problem[] = [...loaded.problems];
  const names = compiled.map((c) => c.input.spec.name);
  for (const input of loaded.recipes) {
    if (!names.includes(input.recipe.cluster)) {
      problems.push({
        file: input.file, line: input.lineOf(['cluster']), field: 'cluster',
        message: `cluster "${input.recipe.cluster}" does not exist (clusters: ${names.join(', ') || 'none'})`,
      });
    }
  }
  // the instance table is an input of every recipe (placement checks, cost estimates): required, so the
  // output never depends on whether it happens to be there
  const instanceTypes = loaded.recipes.length ? loadInstanceTypes(sharedDir(root)) : new Map();
  if (!instanceTypes) {
    return {
      ok: false,
      problems: [{ file: `../shared/${INSTANCE_TABLE}`, field: '', message: 'is missing; recipes are checked and costed against it (put ../shared beside the repository or set FLEET_SHARED_DIR)' }],
    };
  }
  const clusters: CompiledCluster[] = [];
  const files: GeneratedFile[] = [];
  for (const cluster of compiled) {
    const mine = loaded.recipes.filter((r) => r.recipe.cluster === cluster.input.spec.name);
    const result = compileWorkloads(cluster, mine, instanceTypes);
    if (result.ok) {
      clusters.push(result.cluster);
      files.push(...result.files);
    } else {
      problems.push(...result.problems);
    }
  }
  return problems.length ? { ok: false, problems } : { ok: true, clusters, files, recipeCache: cache.file() };
}
