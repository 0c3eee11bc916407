import { ARGOCD_FOLDER, argocdObjects } from '../argocd/argocd-objects';
import type { Problem } from '../config/problems';
import type { ClusterInput, CompiledCluster } from '../model/compiled-cluster';
import type { PlatformModule } from '../model/platform-module';
import { compilePlatform, PLATFORM_FOLDER, TEAMS_MODULE } from '../platform/compile-platform';
import { hubFleetFor } from '../platform/hub-fleet';
import { resolveModules } from '../platform/resolve-modules';

export const TEAMS_FOLDER = `${PLATFORM_FOLDER}/${TEAMS_MODULE}`;

/**
 * Compiles one cluster. `fleet` is every cluster of the fleet (this one among them): the hub's Argo CD module
 * renders a cluster Secret for each cluster it manages, labelled with the modules enabled there.
 */
export function compileCluster(
  input: ClusterInput,
  catalog: readonly PlatformModule[],
  fleet: readonly ClusterInput[] = [input],
): { ok: true; cluster: CompiledCluster } | { ok: false; problems: Problem[] } {
  const { spec, file } = input;
  const resolved = resolveModules(spec, file, catalog, input.lineOf);
  if (resolved.problems.length) return { ok: false, problems: resolved.problems };

  const hubFleet = hubFleetFor(input, fleet, catalog);
  const platform = compilePlatform(spec, file, resolved.modules, input.lineOf, hubFleet);
  if (!platform.ok) return platform;
  const folders = new Map(platform.platform.folders);
  folders.set(ARGOCD_FOLDER, argocdObjects(spec, platform.platform.descriptors));
  return {
    ok: true,
    cluster: {
      input,
      modules: resolved.modules,
      folders,
      documents: platform.platform.documents,
      applications: platform.platform.descriptors,
    },
  };
}
