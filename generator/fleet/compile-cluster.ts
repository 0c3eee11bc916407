import type { ClusterInput } from '../config/load-fleet';
import type { Problem } from '../config/problems';
import type { PlatformModule } from '../platform/module';
import { resolveModules, type EnabledModule } from '../platform/resolve-modules';
import type { K8sObject } from '../render/k8s-object';
import { teamNamespaceObjects } from '../teams/team-namespace';

/** Everything the generator decided for one cluster, before it is turned into text. */
export interface CompiledCluster {
  readonly input: ClusterInput;
  readonly modules: EnabledModule[];
  /** Rendered objects per folder, relative to the cluster's folder (`platform/teams`). */
  readonly folders: ReadonlyMap<string, K8sObject[]>;
  /** The input file a folder is generated from, when it is not cluster.yaml (a run's recipe). */
  readonly sources?: ReadonlyMap<string, string>;
}

export const TEAMS_FOLDER = 'platform/teams';

export function compileCluster(
  input: ClusterInput,
  catalog: readonly PlatformModule[],
): { ok: true; cluster: CompiledCluster } | { ok: false; problems: Problem[] } {
  const { spec, file } = input;
  const resolved = resolveModules(spec, file, catalog, input.lineOf);
  if (resolved.problems.length) return { ok: false, problems: resolved.problems };

  const folders = new Map<string, K8sObject[]>();
  folders.set(TEAMS_FOLDER, spec.teams.flatMap((team) => teamNamespaceObjects(spec, team)));
  return { ok: true, cluster: { input, modules: resolved.modules, folders } };
}
