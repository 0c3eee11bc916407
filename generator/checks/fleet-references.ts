import { isManifestPath } from './check-manifests';
import { checkReferences, type RenderedObject } from './check-references';
import { checkClusterSecrets } from './cluster-secrets';
import { parseManifest } from './parse-manifest';
import type { SchemaRegistry } from './schema-registry';
import { loadFleet } from '../config/load-fleet';
import type { Problem } from '../config/problems';
import { markerInput } from '../model/marker';
import type { PlatformModule } from '../model/platform-module';
import { moduleValues } from '../platform/compile-platform';
import { hubFleetFor } from '../platform/hub-fleet';
import { resolveModules } from '../platform/resolve-modules';

/**
 * The reference check of every cluster of the fleet at `root`, on its generated files as committed: each
 * cluster's objects, with the modules its spec enables and what they provide for their values.
 */
export function checkFleetReferences(
  root: string,
  files: readonly { path: string; content: string }[],
  catalog: readonly PlatformModule[],
  registry: SchemaRegistry,
): Problem[] {
  const fleet = loadFleet(root, { moduleNames: catalog.map((m) => m.name) });
  if (!fleet.ok) return fleet.problems;
  const problems: Problem[] = [];
  for (const cluster of fleet.clusters) {
    const { spec, file } = cluster;
    const hubFleet = hubFleetFor(cluster, fleet.clusters, catalog);
    const resolved = resolveModules(spec, file, catalog);
    problems.push(...resolved.problems);
    const enabled = new Set(resolved.modules.map((m) => m.module.name));
    const modules = resolved.modules.map(({ module, values: overrides }) => ({
      module,
      overrides,
      values: moduleValues(module, { cluster: spec, enabled, overrides, ...(hubFleet ? { hubFleet } : {}) }),
    }));
    const objects: RenderedObject[] = [];
    for (const generated of files) {
      if (
        !generated.path.startsWith(`clusters/${spec.name}/`) ||
        !generated.path.endsWith('.yaml') ||
        !isManifestPath(generated.path)
      ) {
        continue;
      }
      const input = markerInput(generated.content);
      for (const object of parseManifest(generated.content).objects) {
        objects.push({ file: generated.path, object: object as RenderedObject['object'], input });
      }
    }
    problems.push(...checkReferences({ cluster: spec, modules, catalog, objects, registry }));
    // on the hub, its cluster Secrets: what Argo CD reads of them, and the fleet they must describe
    if (hubFleet) problems.push(...checkClusterSecrets(objects, hubFleet));
  }
  return problems;
}
