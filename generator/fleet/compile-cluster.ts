import { ARGOCD_FOLDER, argocdObjects } from '../argocd/argocd-objects';
import type { ClusterInput } from '../config/load-fleet';
import type { Problem } from '../config/problems';
import { compilePlatform, PLATFORM_FOLDER, TEAMS_MODULE, type ModuleDescriptor } from '../platform/compile-platform';
import type { PlatformModule } from '../platform/module';
import { resolveModules, type EnabledModule } from '../platform/resolve-modules';
import type { K8sObject } from '../render/k8s-object';

/** Everything the generator decided for one cluster, before it is turned into text. */
export interface CompiledCluster {
  readonly input: ClusterInput;
  readonly modules: EnabledModule[];
  /** Rendered objects per folder, relative to the cluster's folder (`platform/teams`). */
  readonly folders: ReadonlyMap<string, K8sObject[]>;
  /** Other generated data files (Helm values, module descriptors), by path relative to the cluster's folder. */
  readonly documents: ReadonlyMap<string, unknown>;
  /** The platform Applications Argo CD will generate, one per module folder. */
  readonly applications: readonly ModuleDescriptor[];
  /** The input file a folder is generated from, when it is not cluster.yaml (a run's recipe). */
  readonly sources?: ReadonlyMap<string, string>;
  /** Folders the writer kept as the last regenerate made them (not rendered again), with their number of files. */
  readonly kept?: ReadonlyMap<string, number>;
}

export const TEAMS_FOLDER = `${PLATFORM_FOLDER}/${TEAMS_MODULE}`;

export function compileCluster(
  input: ClusterInput,
  catalog: readonly PlatformModule[],
): { ok: true; cluster: CompiledCluster } | { ok: false; problems: Problem[] } {
  const { spec, file } = input;
  const resolved = resolveModules(spec, file, catalog, input.lineOf);
  if (resolved.problems.length) return { ok: false, problems: resolved.problems };

  const platform = compilePlatform(spec, file, resolved.modules, input.lineOf);
  if (!platform.ok) return platform;
  const folders = new Map(platform.platform.folders);
  folders.set(ARGOCD_FOLDER, argocdObjects(spec, platform.platform.descriptors));
  return {
    ok: true,
    cluster: { input, modules: resolved.modules, folders, documents: platform.platform.documents, applications: platform.platform.descriptors },
  };
}
