import { hubApplicationSets } from './hub-objects';
import { Application, type ApplicationSpecSyncPolicyRetry } from '../imports/argocd-application-argoproj.io';
import { ApplicationSet, type ApplicationSetSpecGenerators } from '../imports/argocd-applicationset-argoproj.io';
import { AppProject } from '../imports/argocd-appproject-argoproj.io';
import { destination, IN_CLUSTER_SERVER, platformProject, teamProject, teamProjectPrefix } from '../model/argocd-names';
import type { ClusterSpec } from '../model/cluster-spec';
import type { ModuleDescriptor } from '../model/compiled-cluster';
import { LABEL_PREFIX, LABELS, MANAGED_BY, type K8sObject } from '../model/k8s-object';
import { poolTolerations } from '../model/platform-names';
import { MODULE_DESCRIPTOR, PLATFORM_FOLDER } from '../platform/compile-platform';
import { TEAM_RESOURCES } from '../teams/team-resources';

export const ARGOCD_FOLDER = 'argocd';
export const RUNS_FOLDER = 'workloads/runs';
export const SERVICES_FOLDER = 'workloads/services';

/** The label a RollingSync strategy selects on to roll a change out dev -> staging -> prod. */
export const ENV_LABEL = 'env';
const WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
const GENERATE_PATHS = 'argocd.argoproj.io/manifest-generate-paths';
const RETRY: ApplicationSpecSyncPolicyRetry = {
  limit: 10,
  backoff: { duration: '10s', factor: 2, maxDuration: '10m' },
};

/**
 * One `ignoreDifferences` entry of an Application (argo-cd v3.4.4 `ResourceIgnoreDifferences`): Argo CD removes
 * what it names from both the live and the desired object before it compares them
 * (util/argo/normalizers/diff_normalizer.go: a JSON pointer that does not resolve, or a jq path that fails, is
 * skipped), and with `RespectIgnoreDifferences=true` a sync copies those fields from the live object.
 */
export interface IgnoreDifference {
  readonly group: string;
  readonly kind: string;
  readonly jsonPointers?: string[];
  readonly jqPathExpressions?: string[];
  readonly managedFieldsManagers?: string[];
}

/**
 * The `manager` of the runtime patch Kueue owns on a TrainJob (kueue v0.19.2
 * pkg/controller/jobs/trainjob/trainjob_controller.go, `runtimePatchManagerName`).
 */
export const KUEUE_RUNTIME_PATCH_MANAGER = 'kueue.x-k8s.io/manager';

/**
 * The field manager of the HorizontalPodAutoscaler's writes: the HPA controller runs in kube-controller-manager and
 * sets `spec.replicas` through the `/scale` subresource without a field manager, so the API server names it after
 * the client's user agent, `kube-controller-manager/<version> ...`; for the built-in kinds the API server records
 * that ownership (managedFields entry with `subresource: scale`, kubernetes PR #98377).
 */
export const HPA_FIELD_MANAGER = 'kube-controller-manager';

/**
 * The pod templates of each run kind into which Kueue merges the admitting ResourceFlavor, as jq paths to the
 * PodTemplateSpec, with the module that serves the kind (none: built in). On admission Kueue's job reconciler
 * (kueue v0.19.2 pkg/controller/jobframework/reconciler.go `startJob`, `getPodSetsInfoFromStatus`) calls the kind's
 * `RunWithPodSetsInfo`, which runs `podset.Merge` (pkg/podset/podset.go) on each template: it adds the flavor's
 * `nodeLabels` to the node selector (a key the template already has with another value is an error, so a key the
 * generator renders is never changed), appends each flavor toleration the template does not already have (`Merge`,
 * "make sure we don't duplicate tolerations"), and adds the labels `kueue.x-k8s.io/podset`,
 * `kueue.x-k8s.io/local-queue-name`, `kueue.x-k8s.io/cluster-queue-name` and the annotation
 * `kueue.x-k8s.io/workload`. On eviction `RestorePodSetsInfo` puts the templates back as they were.
 */
export const KUEUE_POD_TEMPLATES: readonly {
  group: string;
  kind: string;
  module?: string;
  templates: readonly string[];
  source: string;
}[] = [
  {
    group: 'batch',
    kind: 'Job',
    templates: ['.spec.template'],
    source: 'pkg/controller/jobs/job/job_controller.go (Job.RunWithPodSetsInfo: one pod set)',
  },
  {
    group: 'kubeflow.org',
    kind: 'PyTorchJob',
    module: 'training-operator',
    templates: ['.spec.pytorchReplicaSpecs[]?.template'],
    source:
      'pkg/controller/jobs/kubeflow/kubeflowjob/kubeflowjob_controller.go ' +
      '(KubeflowJob.RunWithPodSetsInfo: Master, Worker)',
  },
  {
    group: 'kubeflow.org',
    kind: 'MPIJob',
    module: 'mpi-operator',
    templates: ['.spec.mpiReplicaSpecs[]?.template'],
    source: 'pkg/controller/jobs/mpijob/mpijob_controller.go (MPIJob.RunWithPodSetsInfo: Launcher, Worker)',
  },
  {
    group: 'ray.io',
    kind: 'RayJob',
    module: 'kuberay',
    templates: [
      '.spec.rayClusterSpec.headGroupSpec.template',
      '.spec.rayClusterSpec.workerGroupSpecs[]?.template',
      '.spec.submitterPodTemplate',
    ],
    source:
      'pkg/controller/jobs/rayjob/rayjob_controller.go (RayJob.RunWithPodSetsInfo: ' +
      'head and worker groups through raycluster/common.go ' +
      'UpdateRayClusterSpecToRunWithPodSetsInfo, and the submitter of the default K8sJobMode)',
  },
];

/**
 * What a run's Application ignores: exactly the changes that Kueue and the run's controllers make after creation
 * to what the generator renders, read from their sources at the versions the fleet pins, and nothing the
 * generator decides. Argo CD compares only what the rendered object holds (a three-way diff against the
 * last-applied configuration: gitops-engine/pkg/diff/diff.go `ThreeWayDiff`, `RemoveMapFields`): a field or map
 * key a controller adds that the generator never renders is no difference, while a list the generator renders is
 * compared whole, and so is a value it renders. The changes of that kind, per run kind:
 *
 * - **Job, PyTorchJob, MPIJob, RayJob** (Kueue v0.19.2, see `KUEUE_POD_TEMPLATES`): the tolerations of the
 *   admitting ResourceFlavor that Kueue appends to a pod template's tolerations, a list the generator renders. The
 *   jq paths select exactly the tolerations of this cluster's ResourceFlavors (kueue-queues.ts), so a toleration
 *   the recipe asks for is still compared (unless it is identical to a flavor's, when the two cannot be told
 *   apart); a cluster whose flavors tolerate nothing gets no such rule.
 * - **TrainJob** (Kueue v0.19.2 pkg/controller/jobs/trainjob/trainjob_webhook.go `Default` appends a runtime patch
 *   of its own, `manager: kueue.x-k8s.io/manager`, to `spec.runtimePatches` on creation; trainjob_controller.go
 *   `RunWithPodSetsInfo` fills it with the flavor's node labels, tolerations and Kueue's pod labels and annotations
 *   on admission and `RestorePodSetsInfo` empties it on eviction): that list item, selected by its manager. The
 *   generator's own patch (`manager: mlops-fleet.io/generator`) is still compared.
 *
 * Not ignored, because Argo CD never reports them: `spec.suspend` (`spec.runPolicy.suspend`), which Kueue's
 * webhooks set on creation and its reconciler flips, and which the generator never renders; the node selector keys,
 * pod labels and annotations Kueue adds (new keys, or a whole node selector where the generator renders none: where
 * it renders `karpenter.sh/nodepool`, Kueue admits the pod set only to the flavor with that very value, and Merge
 * refuses to change a key); the `time` that Kubeflow Trainer v2.3.0's defaulting
 * webhook (pkg/webhooks/trainjob_webhook.go) stamps on each runtime patch; the queue and priority labels, which
 * Kueue's webhooks default only when absent (jobframework/defaults.go) and the generator always renders. Nothing
 * else writes to these objects' spec: the controllers of Kubeflow Trainer v2.3.0
 * (pkg/controller/trainjob_controller.go), the training operator v1.9.4 (pkg/controller.v1/pytorch: defaults in memory,
 * status updates only), the MPI operator v0.8.0 (pkg/controller/mpi_job_controller.go) and KubeRay v1.7.0
 * (ray-operator/controllers/ray/ rayjob_controller.go: finalizers; its webhooks only validate) write status and
 * finalizers only. Kueue adds no scheduling gate (no Topology on the fleet's flavors) and no admission check updates
 * (the ClusterQueues have none). Partial admission (`kueue.x-k8s.io/job-min-parallelism`, which would let Kueue change
 * a Job's parallelism) and elastic jobs are never rendered. No JobSet or RayCluster is rendered either: a TrainJob's
 * JobSet and a RayJob's RayCluster are their controllers' children, which Argo CD does not compare with anything.
 */
export function runIgnoreDifferences(cluster: ClusterSpec, enabled: ReadonlySet<string>): IgnoreDifference[] {
  if (!enabled.has('kueue')) return [];
  const entries: IgnoreDifference[] = [];
  const tolerations = flavorTolerations(cluster);
  if (tolerations.length) {
    const added = `select(${tolerations.map((t) => `. == ${t}`).join(' or ')})`;
    for (const kind of KUEUE_POD_TEMPLATES) {
      if (kind.module && !enabled.has(kind.module)) continue;
      entries.push({
        group: kind.group,
        kind: kind.kind,
        jqPathExpressions: kind.templates.map((t) => `${t}.spec.tolerations[]? | ${added}`),
      });
    }
  }
  if (enabled.has('kubeflow-trainer')) {
    entries.push({
      group: 'trainer.kubeflow.org',
      kind: 'TrainJob',
      jqPathExpressions: [
        `.spec.runtimePatches[]? | select(.manager == ${JSON.stringify(KUEUE_RUNTIME_PATCH_MANAGER)})`,
      ],
    });
  }
  return entries;
}

/**
 * What a service's Application ignores, with the same rule as `runIgnoreDifferences`:
 *
 * - **Deployment**: `spec.replicas` once an HorizontalPodAutoscaler has set it (triton.ts renders one when
 *   `maxReplicas > minReplicas`), as fields owned by `kube-controller-manager`. Argo CD removes from both sides only
 *   the fields that manager owns and that differ (util/argo/managedfields/managed_fields.go), so a Deployment no
 *   autoscaler scales still syncs the replicas the recipe asks for. Kueue's deployment webhook (kueue v0.19.2
 *   pkg/controller/jobs/deployment/deployment_webhook.go) adds only pod template labels and an annotation, keys the
 *   generator does not render (the queue and priority labels it copies are rendered with the same values).
 * - **LeaderWorkerSet**: `spec.replicas`, which the autoscaler sets through the custom resource's `/scale`
 *   subresource, whose ownership the API server does not record for custom resources (kubernetes issue #131892), so
 *   the field manager cannot tell an autoscaled LeaderWorkerSet from another: the rule ignores the replicas of
 *   every LeaderWorkerSet. Kueue's webhook (pkg/controller/jobs/leaderworkerset/leaderworkerset_webhook.go) adds pod
 *   template labels and annotations only, LWS v0.10.0's (pkg/webhooks/leaderworkerset_webhook.go) defaults fields
 *   the generator does not render, and Kueue admits its pods one by one, not through the object.
 * - **RayService, InferenceService**: nothing. KubeRay v1.7.0's controller writes finalizers and status
 *   (ray-operator/controllers/ray/rayservice_controller.go), nothing runs its autoscaler (`enableInTreeAutoscaling`
 *   is not rendered), and Kueue does not manage it (no queue label); KServe v0.20.0's defaulting webhook
 *   (pkg/apis/serving/v1beta1/inference_service_defaults.go) adds annotations, labels and fields the generator does
 *   not render (a `model` predictor gets no resource defaults), and its controller changes the spec only in memory.
 */
export function serviceIgnoreDifferences(enabled: ReadonlySet<string>): IgnoreDifference[] {
  return [
    { group: 'apps', kind: 'Deployment', managedFieldsManagers: [HPA_FIELD_MANAGER] },
    ...(enabled.has('lws')
      ? [{ group: 'leaderworkerset.x-k8s.io', kind: 'LeaderWorkerSet', jsonPointers: ['/spec/replicas'] }]
      : []),
  ];
}

/**
 * The distinct tolerations of the cluster's Kueue ResourceFlavors, as the JSON that Kueue copies into a pod
 * template (`podset.FromAssignment` appends `flavor.spec.tolerations` as they are), keys sorted; jq compares
 * objects whatever their key order.
 */
function flavorTolerations(cluster: ClusterSpec): string[] {
  const out = new Set<string>();
  for (const pool of cluster.nodePools) {
    for (const t of poolTolerations(pool)) {
      out.add(JSON.stringify(Object.fromEntries(Object.entries(t).sort(([a], [b]) => (a < b ? -1 : 1)))));
    }
  }
  return [...out];
}

/**
 * The Argo CD objects of one cluster, all in `clusters/<c>/argocd/`: the root Application (applied once by
 * hand; it then syncs this folder, itself included), the AppProjects, and the ApplicationSets that turn the
 * cluster's folders into Applications.
 */
export function argocdObjects(cluster: ClusterSpec, descriptors: readonly ModuleDescriptor[]): K8sObject[] {
  const enabled = new Set(descriptors.map((d) => d.module));
  const { role } = cluster.argocd;
  return [
    // a spoke's root Application is generated on the hub (hub-objects.ts), which syncs this folder
    ...(role === 'spoke' ? [] : [rootApplication(cluster)]),
    platformAppProject(cluster, descriptors),
    ...cluster.teams.map((team) => teamAppProject(cluster, team.name, team.namespace)),
    // the hub's fleet ApplicationSet makes the platform Applications of every cluster it manages, its own included
    ...(role === 'standalone' ? [platformApplicationSet(cluster)] : []),
    ...(role === 'hub' ? hubApplicationSets(cluster) : []),
    // one git generator per team: without teams there is nothing to generate
    ...(cluster.teams.length
      ? [workloadApplicationSet(cluster, 'runs', enabled), workloadApplicationSet(cluster, 'services', enabled)]
      : []),
  ];
}

function labels(cluster: ClusterSpec): Record<string, string> {
  return { [LABELS.managedBy]: MANAGED_BY, [LABELS.cluster]: cluster.name, [ENV_LABEL]: cluster.environment };
}

function clusterPath(cluster: ClusterSpec, folder: string): string {
  return `clusters/${cluster.name}/${folder}`;
}

export function rootApplication(cluster: ClusterSpec): K8sObject {
  return Application.manifest({
    metadata: { name: `${cluster.name}-root`, namespace: cluster.argocd.namespace, labels: labels(cluster) },
    spec: {
      project: 'default',
      source: {
        repoUrl: cluster.argocd.repoURL,
        targetRevision: cluster.argocd.targetRevision,
        path: clusterPath(cluster, ARGOCD_FOLDER),
        directory: { recurse: false },
      },
      // the ApplicationSets and AppProjects live beside Argo CD itself, also in a hub
      destination: { server: IN_CLUSTER_SERVER, namespace: cluster.argocd.namespace },
      syncPolicy: { automated: { prune: true, selfHeal: true }, retry: RETRY },
    },
  });
}

function platformAppProject(cluster: ClusterSpec, descriptors: readonly ModuleDescriptor[]): K8sObject {
  const repos = new Set<string>([cluster.argocd.repoURL]);
  for (const d of descriptors) for (const s of d.sources) repos.add(String(s.repoURL));
  return AppProject.manifest({
    metadata: { name: platformProject(cluster), namespace: cluster.argocd.namespace, labels: labels(cluster) },
    spec: {
      description: `Platform modules of ${cluster.name}: cluster-wide, any namespace`,
      sourceRepos: [...repos].sort(),
      destinations: [{ ...destination(cluster), namespace: '*' }],
      clusterResourceWhitelist: [{ group: '*', kind: '*' }],
    },
  });
}

/**
 * A team may deploy only the workload kinds (the generator's policy list), only into its namespace, from this
 * repository only: a hand-written file in a run folder cannot add RBAC, quotas, queues or network policies, nor
 * anything cluster-scoped. The blacklist repeats the kinds that matter most, should the whitelist ever widen.
 */
function teamAppProject(cluster: ClusterSpec, team: string, namespace: string): K8sObject {
  return AppProject.manifest({
    metadata: {
      name: teamProject(cluster, team),
      namespace: cluster.argocd.namespace,
      labels: { ...labels(cluster), [LABELS.team]: team },
    },
    spec: {
      description: `Runs and services of team ${team} on ${cluster.name}: namespace ${namespace} only`,
      sourceRepos: [cluster.argocd.repoURL],
      destinations: [{ ...destination(cluster), namespace }],
      clusterResourceWhitelist: [],
      namespaceResourceWhitelist: TEAM_RESOURCES.map((r) => ({ ...r })),
      namespaceResourceBlacklist: [
        { group: '', kind: 'ResourceQuota' },
        { group: '', kind: 'LimitRange' },
        { group: '', kind: 'ServiceAccount' },
        { group: 'kueue.x-k8s.io', kind: 'LocalQueue' },
        { group: 'rbac.authorization.k8s.io', kind: 'Role' },
        { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' },
        { group: 'networking.k8s.io', kind: 'NetworkPolicy' },
      ],
    },
  });
}

/** One Application per module folder, from its descriptor: the combinatorics are done by the generator. */
function platformApplicationSet(cluster: ClusterSpec): K8sObject {
  return ApplicationSet.manifest({
    metadata: { name: `${cluster.name}-platform`, namespace: cluster.argocd.namespace, labels: labels(cluster) },
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: [
        {
          git: {
            repoUrl: cluster.argocd.repoURL,
            revision: cluster.argocd.targetRevision,
            files: [{ path: clusterPath(cluster, `${PLATFORM_FOLDER}/*/${MODULE_DESCRIPTOR}`) }],
          },
        },
      ],
      // removing a module's folder deletes its Application, never what the module runs (CRDs and their objects)
      syncPolicy: { preserveResourcesOnDeletion: true },
      template: {
        metadata: {
          name: '{{ .application }}',
          labels: {
            ...labels(cluster),
            [`${LABEL_PREFIX}/module`]: '{{ .module }}',
            [`${LABEL_PREFIX}/wave`]: '{{ .wave }}',
          },
          annotations: { [WAVE_ANNOTATION]: '{{ .wave }}', [GENERATE_PATHS]: '/{{ .path.path }}' },
        },
        spec: {
          project: platformProject(cluster),
          destination: { ...destination(cluster), namespace: '{{ .namespace }}' },
          syncPolicy: { automated: { prune: true, selfHeal: true }, retry: RETRY },
        },
      },
      templatePatch: [
        'spec:',
        '  sources: {{ toJson .sources }}',
        '  syncPolicy:',
        '    syncOptions: {{ toJson .syncOptions }}',
        '',
      ].join('\n'),
    },
  });
}

/**
 * One Application per run folder (`workloads/runs/<team>/<run>`) or service folder, in the team's project.
 * Runs sync automatically with prune but without self-heal, so a finished (or garbage-collected) job is never
 * started again; services heal. One git generator per team carries the team's namespace.
 */
function workloadApplicationSet(
  cluster: ClusterSpec,
  kind: 'runs' | 'services',
  enabled: ReadonlySet<string>,
): K8sObject {
  const folder = kind === 'runs' ? RUNS_FOLDER : SERVICES_FOLDER;
  const team = '{{ index .path.segments 4 }}';
  return ApplicationSet.manifest({
    metadata: { name: `${cluster.name}-${kind}`, namespace: cluster.argocd.namespace, labels: labels(cluster) },
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: cluster.teams.map((t): ApplicationSetSpecGenerators => ({
        git: {
          repoUrl: cluster.argocd.repoURL,
          revision: cluster.argocd.targetRevision,
          directories: [{ path: clusterPath(cluster, `${folder}/${t.name}/*`) }],
          values: { namespace: t.namespace },
        },
      })),
      syncPolicy: { preserveResourcesOnDeletion: false },
      template: {
        metadata: {
          name: `${cluster.name}-${team}-{{ .path.basename }}`,
          labels: {
            ...labels(cluster),
            [LABELS.team]: team,
            [`${LABEL_PREFIX}/workload`]: kind === 'runs' ? 'run' : 'service',
          },
          annotations: { [GENERATE_PATHS]: '/{{ .path.path }}' },
          // deleting a run's or service's folder deletes what it ran
          finalizers: ['resources-finalizer.argocd.argoproj.io'],
        },
        spec: {
          project: `${teamProjectPrefix(cluster)}${team}`,
          source: {
            repoUrl: cluster.argocd.repoURL,
            targetRevision: cluster.argocd.targetRevision,
            path: '{{ .path.path }}',
          },
          destination: { ...destination(cluster), namespace: '{{ .values.namespace }}' },
          syncPolicy: {
            automated: { prune: true, selfHeal: kind === 'services' },
            syncOptions: ['RespectIgnoreDifferences=true'],
            retry: RETRY,
          },
          // what Kueue, the controllers and the autoscaler change after creation (see runIgnoreDifferences)
          ...nonEmpty(
            'ignoreDifferences',
            kind === 'runs' ? runIgnoreDifferences(cluster, enabled) : serviceIgnoreDifferences(enabled),
          ),
        },
      },
    },
  });
}

function nonEmpty<K extends string, T>(key: K, list: T[]): { [P in K]?: T[] } {
  return (list.length ? { [key]: list } : {}) as { [P in K]?: T[] };
}
