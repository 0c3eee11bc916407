import { resolveModules } from './resolve-modules';
import type { ClusterInput } from '../model/compiled-cluster';
import type { FleetMember, HubFleet } from '../model/fleet-hub';
import type { PlatformModule } from '../model/platform-module';

/**
 * On the fleet's hub (`argocd.role: hub`), the clusters its Argo CD manages as its cluster Secrets describe them:
 * the hub first, then the spokes by name, each with the modules enabled on it; undefined on any other cluster.
 * A cluster whose modules do not resolve is reported by its own compile; here it counts with those it has.
 */
export function hubFleetFor(
  input: ClusterInput,
  fleet: readonly ClusterInput[],
  catalog: readonly PlatformModule[],
): HubFleet | undefined {
  if (input.spec.argocd.role !== 'hub') return undefined;
  const member = (c: ClusterInput, hub: boolean): FleetMember => ({
    name: c.spec.name,
    environment: c.spec.environment,
    region: c.spec.aws.region,
    accountId: c.spec.aws.accountId,
    hub,
    modules: resolveModules(c.spec, c.file, catalog, c.lineOf)
      .modules.map((m) => m.module.name)
      .sort(),
  });
  const spokes = fleet
    .filter((c) => c.spec.argocd.role === 'spoke')
    .sort((a, b) => (a.spec.name < b.spec.name ? -1 : 1))
    .map((c) => member(c, false));
  return { members: [member(input, true), ...spokes] };
}
