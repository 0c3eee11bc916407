import type { ClusterSpec } from '../config/cluster-spec';

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
  /** The override from `cluster.yaml` `modules.<name>.values`, already merged by the caller. */
  readonly overrides: Record<string, unknown>;
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
  /** Namespace the module installs into. */
  readonly namespace: string;
  /** Upstream source at a pinned version; absent when the generator renders everything itself. */
  readonly source?: ModuleSource;
  /** CRDs the module provides (`<plural>.<group>`). */
  readonly crds: readonly string[];
  /** Modules this one needs. */
  readonly needs: readonly string[];
  /**
   * What happens when a cluster turns this module on without one of its needs:
   * `error` refuses the cluster file, naming both modules; `enable` turns the need on and notes it in the cluster README.
   */
  readonly onMissingNeed: 'error' | 'enable';
  /** Install order (Argo CD sync wave): CRD providers before the modules that use their kinds. */
  readonly wave: number;
  /** Upstream documentation or release notes the version was taken from. */
  readonly docs: string;
}
