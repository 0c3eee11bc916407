import { FLEET } from './fleet';
import { loadFleet } from '../../generator/config/load-fleet';
import { loadImages } from '../../generator/config/load-images';
import { compileCluster } from '../../generator/fleet/compile-cluster';
import type { CompiledCluster } from '../../generator/model/compiled-cluster';
import { compileWorkloads } from '../../generator/workloads/compile-workloads';
import { loadFleetRecipes } from '../../generator/workloads/fleet-recipes';

/** Every cluster of the fleet at `root` as the renderer receives it: its platform, runs and services compiled. */
export function compiledClusters(root: string): CompiledCluster[] {
  const loaded = loadFleet(root, { moduleNames: FLEET.catalog.map((m) => m.name) });
  if (!loaded.ok) throw new Error(`the fleet at ${root} does not load: ${JSON.stringify(loaded.problems[0])}`);
  const recipes = loadFleetRecipes(
    root,
    loaded.clusters.map((c) => c.spec.name),
  );
  if (!recipes.ok || recipes.problems.length) {
    throw new Error(`the recipes at ${root} do not load: ${JSON.stringify(recipes.problems[0])}`);
  }
  const images = loadImages(root, {
    github: FLEET.github,
    fleetAccounts: loaded.clusters.map((c) => c.spec.aws.accountId),
  });
  if (!images.ok) throw new Error(`the images at ${root} do not load: ${JSON.stringify(images.problems[0])}`);
  return loaded.clusters.map((input) => {
    const platform = compileCluster(input, FLEET.catalog, loaded.clusters);
    if (!platform.ok) throw new Error(`${input.spec.name} does not compile: ${JSON.stringify(platform.problems[0])}`);
    const workloads = compileWorkloads(
      platform.cluster,
      recipes.takeRecipesOf(input.spec.name),
      recipes.instanceTypes,
      undefined,
      images.catalog,
    );
    if (!workloads.ok) {
      throw new Error(`the workloads of ${input.spec.name} do not compile: ${JSON.stringify(workloads.problems[0])}`);
    }
    return workloads.cluster;
  });
}

/**
 * Every object the generator serializes to YAML for the fleet at `root`, as the renderer receives it
 * (render/render-cluster.ts): the objects of each cluster folder, and its YAML documents.
 */
export function renderedObjects(root: string): unknown[] {
  return compiledClusters(root).flatMap((cluster) => [
    ...[...cluster.folders.values()].flat(),
    ...[...cluster.documents].filter(([path]) => !path.endsWith('.json')).map(([, data]) => data),
  ]);
}
