import type { ClusterSpec, DatabaseKind } from './cluster-spec';
import type { HubFleet } from './fleet-hub';
import type { K8sObject } from './k8s-object';

/** An upstream Helm chart at a pinned version, installed by Argo CD from its repository. */
export interface HelmSource {
  readonly kind: 'helm';
  /** Chart repository URL (https://...) or OCI registry without the `oci://` scheme, as Argo CD wants it. */
  readonly repoURL: string;
  readonly chart: string;
  /** Exact chart version, never a range. */
  readonly version: string;
}

/** Upstream manifests in a git repository at a pinned tag, installed by Argo CD. */
export interface GitSource {
  readonly kind: 'git';
  readonly repoURL: string;
  readonly path: string;
  /** Exact tag or commit. */
  readonly ref: string;
}

export type ModuleSource = HelmSource | GitSource;

/** What a module's functions see of the cluster it is rendered for. */
export interface ModuleContext {
  readonly cluster: ClusterSpec;
  /** Names of the modules enabled on this cluster. */
  readonly enabled: ReadonlySet<string>;
  /** The override from `cluster.yaml` `modules.<name>.values` (merged over `values()` by the caller). */
  readonly overrides: Record<string, unknown>;
  /** On the fleet's hub (`argocd.role: hub`): the clusters its Argo CD manages, itself included. */
  readonly hubFleet?: HubFleet;
}

/** A kustomize patch Argo CD applies to a git source (`spec.source.kustomize.patches`). */
export interface KustomizePatch {
  readonly target: {
    readonly group?: string;
    readonly version?: string;
    readonly kind: string;
    readonly name?: string;
  };
  /** A strategic-merge or JSON 6902 patch, as YAML text. */
  readonly patch: string;
}

/**
 * Another module whose resources overlap this one's (the same CRD, the same DaemonSet's job).
 * With `resolvedBy`, both may run together because this module's values or patches step aside (the sentence
 * is shown in the cluster README); without it, turning both on is an error naming the two.
 */
export interface ModuleConflict {
  readonly module: string;
  readonly resolvedBy?: string;
}

/**
 * A problem a module finds in the cluster's settings: `field` is under `modules.<name>`, unless `path`
 * points elsewhere in cluster.yaml (`['nodePools', 2, 'instanceTypes', 0]`).
 */
export interface ModuleProblem {
  readonly field: string;
  readonly path?: readonly PropertyKey[];
  readonly message: string;
}

/** A named object a module's upstream install creates on the cluster: what rendered objects may refer to. */
export interface ProvidedObject {
  /** `group/version`, or `v1` for the core group. */
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** For namespaced kinds. */
  readonly namespace?: string;
  /**
   * Created by the running component, not rendered by its chart (Argo CD's server creates the `default` AppProject
   * when it starts): where upstream does it. `charts:check` lists it instead of looking for it in the render.
   */
  readonly createdAtRuntime?: string;
}

/**
 * A platform module: one component of the MLOps platform that a cluster turns on in its
 * `cluster.yaml` (`modules.<name>: true`) and that Argo CD installs. One file per module in `platform/`.
 */
export interface PlatformModule {
  /** Key under `modules:` in cluster.yaml, and the Application's name suffix. A DNS label. */
  readonly name: string;
  /** One line for the cluster README. */
  readonly description: string;
  /** Base modules are on unless a cluster turns them off. */
  readonly enabledByDefault: boolean;
  /** For a base module: the clusters it is not on by default for (Argo CD on a spoke, which the hub manages). */
  readonly notBaseOn?: (cluster: ClusterSpec) => boolean;
  /** Namespace the module installs into. */
  readonly namespace: string;
  /** Upstream source at a pinned version; absent when the generator renders everything itself. */
  readonly source?: ModuleSource;
  /**
   * Companion upstream sources synced in the same Application (a separate CRD chart, more kustomize paths),
   * at their own pinned versions. Argo CD applies CRDs before the objects of the same sync wave.
   */
  readonly extraSources?: readonly ModuleSource[];
  /** CRDs the module provides (`<plural>.<group>`). */
  readonly crds: readonly string[];
  /** Modules this one needs. */
  readonly needs: readonly string[];
  /**
   * What happens when a cluster turns this module on without one of its needs:
   * `error` refuses the cluster file, naming both modules; `enable` turns the need on and notes it in the cluster
   * README.
   */
  readonly onMissingNeed: 'error' | 'enable';
  readonly conflicts?: readonly ModuleConflict[];
  /** Install order (Argo CD sync wave): CRD providers before the modules that use their kinds. */
  readonly wave: number;
  /**
   * Sync with server-side apply: CRDs larger than the 256 KiB annotation client-side apply writes, and
   * fields shared with controllers.
   */
  readonly serverSideApply?: boolean;
  /** Helm values computed from the cluster spec; the cluster.yaml override is merged over them. Helm sources only. */
  readonly values?: (context: ModuleContext) => Record<string, unknown>;
  /** Kustomize patches for a git source, computed from the cluster spec. Git sources only. */
  readonly kustomizePatches?: (context: ModuleContext) => KustomizePatch[];
  /** Objects the project owns for this module (node pools, queues, storage), rendered one file each. */
  readonly manifests?: (context: ModuleContext) => K8sObject[];
  /**
   * The named objects the upstream install creates for the values it is given (`values`: the module's values with
   * the cluster's override merged over them): runtimes, storage classes, priority classes, service accounts,
   * namespaces, webhooks. The reference check lets rendered objects name them; `charts:check` renders the chart
   * with these values and proves each one is really there.
   */
  readonly provides?: (
    context: ModuleContext & { readonly values: Record<string, unknown> },
  ) => readonly ProvidedObject[];
  /**
   * For a module that runs a database: where it may run, the first the default. `modules.<name>.database` in
   * cluster.yaml chooses among them; a module without this field accepts no `database`.
   */
  readonly databases?: readonly DatabaseKind[];
  /** Checks of the cluster's settings that only this module can make (the frameworks Kueue integrates with). */
  readonly check?: (context: ModuleContext) => ModuleProblem[];
  /** Upstream documentation or release notes the version was taken from. */
  readonly docs: string;
}

/** The version a source is pinned at. */
export function sourceVersion(source: ModuleSource): string {
  return source.kind === 'helm' ? source.version : source.ref;
}

/** Where a module's database runs on a cluster: the cluster's choice, else the module's default; none without one. */
export function moduleDatabase(
  cluster: ClusterSpec,
  module: Pick<PlatformModule, 'name' | 'databases'>,
): DatabaseKind | undefined {
  if (!module.databases?.length) return undefined;
  const setting = cluster.modules[module.name];
  return (typeof setting === 'object' ? setting.database : undefined) ?? module.databases[0];
}
