import { loadFleet } from '../../generator/config/load-fleet';
import { compileCluster, type CompiledCluster } from '../../generator/fleet/compile-cluster';
import { compileFleetWorkloads } from '../../generator/workloads/compile-fleet-workloads';
import { FLEET } from './fleet';

/**
 * Every object the generator serializes to YAML for the fleet at `root`, as the renderer receives it
 * (fleet/render-cluster.ts): the objects of each cluster folder, and its YAML documents.
 */
export function renderedObjects(root: string): unknown[] {
  const loaded = loadFleet(root, { moduleNames: FLEET.catalog.map((m) => m.name) });
  if (!loaded.ok) throw new Error(`the fleet at ${root} does not load: ${JSON.stringify(loaded.problems[0])}`);
  const compiled: CompiledCluster[] = loaded.clusters.map((input) => {
    const result = compileCluster(input, FLEET.catalog);
    if (!result.ok) throw new Error(`${input.spec.name} does not compile: ${JSON.stringify(result.problems[0])}`);
    return result.cluster;
  });
  const workloads = compileFleetWorkloads(root, compiled);
  if (!workloads.ok) throw new Error(`the workloads at ${root} do not compile: ${JSON.stringify(workloads.problems[0])}`);
  return workloads.clusters.flatMap((cluster) => [
    ...[...cluster.folders.values()].flat(),
    ...[...cluster.documents].filter(([path]) => !path.endsWith('.json')).map(([, data]) => data),
  ]);
}
