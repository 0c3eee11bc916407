import type { ClusterSpec } from './cluster-spec';
import type { K8sObject } from './k8s-object';
import type { PlatformModule } from './platform-module';

/** A cluster spec as loaded from `clusters/<name>/cluster.yaml` (config/load-fleet.ts). */
export interface ClusterInput {
  readonly spec: ClusterSpec;
  /** `clusters/<name>/cluster.yaml`, relative to the repository root. */
  readonly file: string;
  /** Line of a field path in the file, for problems found by later stages. */
  readonly lineOf: (path: readonly PropertyKey[]) => number | undefined;
}

/** A module as it runs on one cluster. */
export interface EnabledModule {
  readonly module: PlatformModule;
  /** The chart or git version in use: the cluster's override, or the catalog's pin. */
  readonly version: string | undefined;
  readonly values: Record<string, unknown>;
  /** Why it is on: a base module, turned on in cluster.yaml, or needed by another module. */
  readonly reason: string;
  /** How it shares the cluster with a conflicting module that is on too. */
  readonly notes: string[];
}

/** The Argo CD Application of one module, as the ApplicationSet generates it from the module's descriptor. */
export interface ModuleDescriptor {
  readonly module: string;
  readonly application: string;
  readonly namespace: string;
  /** Sync wave, as text: it is also a label value. */
  readonly wave: string;
  /** The upstream pin, for people and label selectors: `chart@version` or `repo//path@ref`. */
  readonly upstream: string;
  /** The Application's `spec.sources`, exactly. */
  readonly sources: Record<string, unknown>[];
  readonly syncOptions: string[];
}

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
  /** The packed model sets served on the cluster (apps of kind `packed-models`), by app name. */
  readonly packedSets?: readonly PackedSetSummary[];
}

/** What a packed set of models needs and costs, against one replica a node; prices are on-demand, per hour. */
export interface PackedSetSummary {
  readonly app: string;
  readonly team: string;
  readonly instanceType: string;
  readonly nodes: number;
  /** No packing needs fewer nodes; `optimal`: the node count is proven least. */
  readonly lowerBound: number;
  readonly optimal: boolean;
  /** The models on each node, in node order. */
  readonly nodeModels: readonly (readonly string[])[];
  /** Undefined where the instance table has no price in the cluster's region. */
  readonly usdPerHour?: number;
  readonly onePerNode: { readonly nodes: number; readonly usdPerHour?: number };
  readonly models: readonly {
    readonly name: string;
    readonly replicas: number;
    readonly usdPerHour?: number;
    readonly onePerNodeUsdPerHour?: number;
  }[];
}
