import type { ClusterSpec } from '../config/cluster-spec';
import { Application } from '../imports/argocd-application-argoproj.io';
import { ApplicationSet } from '../imports/argocd-applicationset-argoproj.io';
import { AppProject } from '../imports/argocd-appproject-argoproj.io';
import { TEAM_RESOURCES } from '../checks/workload-policy';
import { MODULE_DESCRIPTOR, PLATFORM_FOLDER, type ModuleDescriptor } from '../platform/compile-platform';
import { LABEL_PREFIX, LABELS, MANAGED_BY, type K8sObject } from '../render/k8s-object';
import { destination, IN_CLUSTER_SERVER, platformProject, teamProject, teamProjectPrefix } from './names';

export const ARGOCD_FOLDER = 'argocd';
export const RUNS_FOLDER = 'workloads/runs';
export const SERVICES_FOLDER = 'workloads/services';

/** The label a RollingSync strategy selects on to roll a change out dev -> staging -> prod. */
export const ENV_LABEL = 'env';
const WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
const GENERATE_PATHS = 'argocd.argoproj.io/manifest-generate-paths';
const RETRY = { limit: 10, backoff: { duration: '10s', factor: 2, maxDuration: '10m' } };

/**
 * Fields Kueue changes on the jobs it manages: it suspends them until admitted, then injects the flavor's
 * node selector and tolerations, and may default the queue and priority labels. A run's Application ignores
 * them, so a sync never fights Kueue (nor resumes a job Kueue holds).
 */
export const KUEUE_MANAGED_FIELDS = [
  {
    group: 'batch',
    kind: 'Job',
    jsonPointers: ['/spec/suspend', '/spec/parallelism'],
    jqPathExpressions: ['.spec.template.spec.nodeSelector', '.spec.template.spec.tolerations'],
  },
  {
    group: 'jobset.x-k8s.io',
    kind: 'JobSet',
    jsonPointers: ['/spec/suspend'],
    jqPathExpressions: ['.spec.replicatedJobs[].template.spec.template.spec.nodeSelector', '.spec.replicatedJobs[].template.spec.template.spec.tolerations'],
  },
  { group: 'trainer.kubeflow.org', kind: 'TrainJob', jsonPointers: ['/spec/suspend'] },
  {
    group: 'kubeflow.org',
    kind: 'MPIJob',
    jsonPointers: ['/spec/runPolicy/suspend'],
    jqPathExpressions: ['.spec.mpiReplicaSpecs[].template.spec.nodeSelector', '.spec.mpiReplicaSpecs[].template.spec.tolerations'],
  },
  {
    group: 'kubeflow.org',
    kind: 'PyTorchJob',
    jsonPointers: ['/spec/runPolicy/suspend'],
    jqPathExpressions: ['.spec.pytorchReplicaSpecs[].template.spec.nodeSelector', '.spec.pytorchReplicaSpecs[].template.spec.tolerations'],
  },
  {
    group: 'ray.io',
    kind: 'RayJob',
    jsonPointers: ['/spec/suspend'],
    jqPathExpressions: ['.spec.rayClusterSpec.workerGroupSpecs[].template.spec.nodeSelector', '.spec.rayClusterSpec.workerGroupSpecs[].template.spec.tolerations'],
  },
  { group: 'ray.io', kind: 'RayCluster', jsonPointers: ['/spec/suspend'] },
  {
    group: '*',
    kind: '*',
    jqPathExpressions: ['.metadata.labels["kueue.x-k8s.io/queue-name"]', '.metadata.labels["kueue.x-k8s.io/priority-class"]'],
  },
];

/**
 * The Argo CD objects of one cluster, all in `clusters/<c>/argocd/`: the root Application (applied once by
 * hand; it then syncs this folder, itself included), the AppProjects, and the ApplicationSets that turn the
 * cluster's folders into Applications.
 */
export function argocdObjects(cluster: ClusterSpec, descriptors: readonly ModuleDescriptor[]): K8sObject[] {
  return [
    rootApplication(cluster),
    platformAppProject(cluster, descriptors),
    ...cluster.teams.map((team) => teamAppProject(cluster, team.name, team.namespace)),
    platformApplicationSet(cluster),
    // one git generator per team: without teams there is nothing to generate
    ...(cluster.teams.length ? [workloadApplicationSet(cluster, 'runs'), workloadApplicationSet(cluster, 'services')] : []),
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
    metadata: { name: teamProject(cluster, team), namespace: cluster.argocd.namespace, labels: { ...labels(cluster), [LABELS.team]: team } },
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
          labels: { ...labels(cluster), [`${LABEL_PREFIX}/module`]: '{{ .module }}', [`${LABEL_PREFIX}/wave`]: '{{ .wave }}' },
          annotations: { [WAVE_ANNOTATION]: '{{ .wave }}', [GENERATE_PATHS]: '/{{ .path.path }}' },
        },
        spec: {
          project: platformProject(cluster),
          destination: { ...destination(cluster), namespace: '{{ .namespace }}' },
          syncPolicy: { automated: { prune: true, selfHeal: true }, retry: RETRY },
        },
      },
      templatePatch: ['spec:', '  sources: {{ toJson .sources }}', '  syncPolicy:', '    syncOptions: {{ toJson .syncOptions }}', ''].join('\n'),
    },
  });
}

/**
 * One Application per run folder (`workloads/runs/<team>/<run>`) or service folder, in the team's project.
 * Runs sync automatically with prune but without self-heal, so a finished (or garbage-collected) job is never
 * started again; services heal. One git generator per team carries the team's namespace.
 */
function workloadApplicationSet(cluster: ClusterSpec, kind: 'runs' | 'services'): K8sObject {
  const folder = kind === 'runs' ? RUNS_FOLDER : SERVICES_FOLDER;
  const team = '{{ index .path.segments 4 }}';
  return ApplicationSet.manifest({
    metadata: { name: `${cluster.name}-${kind}`, namespace: cluster.argocd.namespace, labels: labels(cluster) },
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: cluster.teams.map((t) => ({
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
          labels: { ...labels(cluster), [LABELS.team]: team, [`${LABEL_PREFIX}/workload`]: kind === 'runs' ? 'run' : 'service' },
          annotations: { [GENERATE_PATHS]: '/{{ .path.path }}' },
          // deleting a run's or service's folder deletes what it ran
          finalizers: ['resources-finalizer.argocd.argoproj.io'],
        },
        spec: {
          project: `${teamProjectPrefix(cluster)}${team}`,
          source: { repoUrl: cluster.argocd.repoURL, targetRevision: cluster.argocd.targetRevision, path: '{{ .path.path }}' },
          destination: { ...destination(cluster), namespace: '{{ .values.namespace }}' },
          syncPolicy: {
            automated: { prune: true, selfHeal: kind === 'services' },
            syncOptions: ['RespectIgnoreDifferences=true'],
            retry: RETRY,
          },
          ...(kind === 'runs' ? { ignoreDifferences: KUEUE_MANAGED_FIELDS } : { ignoreDifferences: [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }] }),
        },
      },
    },
  });
}
