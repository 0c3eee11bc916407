/** Kueue: job queueing, quotas and fair sharing for batch/training workloads (JobSet, TrainJob, RayJob, MPIJob...). */
import { parse, stringify } from 'yaml';
import { kueueObjects, quotaProblems } from './kueue-queues';
import type { ModuleContext, PlatformModule } from '../generator/model/platform-module';

/**
 * Kueue's job integrations (in the order of the chart's default configuration) and the module that installs
 * each framework; undefined for the Kubernetes kinds themselves.
 */
const INTEGRATIONS: Record<string, string | undefined> = {
  'batch/job': undefined,
  // Kueue's MPIJob integration is for kubeflow.org/v2beta1, the MPI operator's version
  'kubeflow.org/mpijob': 'mpi-operator',
  'ray.io/rayjob': 'kuberay',
  'ray.io/rayservice': 'kuberay',
  'ray.io/raycluster': 'kuberay',
  'jobset.x-k8s.io/jobset': 'jobset',
  'kubeflow.org/paddlejob': 'training-operator',
  'kubeflow.org/pytorchjob': 'training-operator',
  'kubeflow.org/tfjob': 'training-operator',
  'kubeflow.org/xgboostjob': 'training-operator',
  'kubeflow.org/jaxjob': 'training-operator',
  'trainer.kubeflow.org/trainjob': 'kubeflow-trainer',
  pod: undefined,
  deployment: undefined,
  statefulset: undefined,
  'leaderworkerset.x-k8s.io/leaderworkerset': 'lws',
};
const CONFIG_KEY = 'managerConfig.controllerManagerConfigYaml';

/** The frameworks of the installed modules: Kueue refuses to start on an integration whose CRD is missing. */
function frameworks({ enabled }: ModuleContext): string[] {
  return Object.entries(INTEGRATIONS)
    .filter(([, module]) => module === undefined || enabled.has(module))
    .map(([f]) => f);
}

/** The frameworks a cluster.yaml override of Kueue's configuration lists, if it replaces it. */
function overriddenFrameworks(overrides: Record<string, unknown>): unknown[] | undefined {
  const config = (overrides.managerConfig as Record<string, unknown> | undefined)?.controllerManagerConfigYaml;
  if (typeof config !== 'string') return undefined;
  const parsed = parse(config) as { integrations?: { frameworks?: unknown } } | null;
  const list = parsed?.integrations?.frameworks;
  return Array.isArray(list) ? list : undefined;
}

// Integrations for frameworks that are not installed are an error naming the framework's module (check below).
export const kueueModule: PlatformModule = {
  name: 'kueue',
  description: 'Kueue job queueing with ClusterQueues, quotas and topology-aware scheduling',
  enabledByDefault: false,
  namespace: 'kueue-system',
  source: {
    kind: 'helm',
    repoURL: 'registry.k8s.io/kueue/charts',
    chart: 'kueue',
    version: '0.19.2', // charts/kueue/Chart.yaml at tag v0.19.2 (2026-08-20)
  },
  crds: [
    'admissionchecks.kueue.x-k8s.io',
    'clusterqueues.kueue.x-k8s.io',
    'cohorts.kueue.x-k8s.io',
    'localqueues.kueue.x-k8s.io',
    'multikueueclusters.kueue.x-k8s.io',
    'multikueueconfigs.kueue.x-k8s.io',
    'provisioningrequestconfigs.kueue.x-k8s.io',
    'resourceflavors.kueue.x-k8s.io',
    'topologies.kueue.x-k8s.io',
    'workloadpriorityclasses.kueue.x-k8s.io',
    'workloads.kueue.x-k8s.io',
  ],
  needs: [],
  onMissingNeed: 'error',
  wave: 2,
  serverSideApply: true,
  // the chart's default configuration (charts/kueue/values.yaml at v0.19.2), with the integrations of this cluster
  values: (context) => ({
    enablePrometheus: context.enabled.has('kube-prometheus-stack'),
    managerConfig: {
      controllerManagerConfigYaml: stringify({
        apiVersion: 'config.kueue.x-k8s.io/v1beta2',
        kind: 'Configuration',
        health: { healthProbeBindAddress: ':8081' },
        metrics: { bindAddress: ':8443' },
        webhook: { port: 9443 },
        leaderElection: { leaderElect: true, resourceName: 'c1f6bfd2.kueue.x-k8s.io' },
        controller: {
          groupKindConcurrency: {
            'Job.batch': 5,
            Pod: 5,
            'Workload.kueue.x-k8s.io': 10,
            'LocalQueue.kueue.x-k8s.io': 5,
            'ClusterQueue.kueue.x-k8s.io': 5,
            'ResourceFlavor.kueue.x-k8s.io': 1,
          },
        },
        clientConnection: { qps: 300, burst: 500 },
        // distributed training is all or nothing: a job whose pods do not all start in time gives its quota back
        // (config v1beta2: the section's presence turns it on)
        waitForPodsReady: {
          timeout: '10m',
          blockAdmission: false,
          requeuingStrategy: { timestamp: 'Eviction', backoffLimitCount: 5 },
        },
        integrations: { frameworks: frameworks(context) },
      }),
    },
  }),
  // ResourceFlavors per NodePool, ClusterQueues per team, LocalQueues, WorkloadPriorityClasses (kueue-queues.ts)
  manifests: ({ cluster }) => kueueObjects(cluster),
  check: ({ cluster, enabled, overrides }) => {
    // the overridden config text is one YAML string; its line is the best place to point at
    const configPath = ['modules', 'kueue', 'values', ...CONFIG_KEY.split('.')];
    return [
      ...quotaProblems(cluster).map((p) => ({ field: '', path: p.path, message: p.message })),
      ...(overriddenFrameworks(overrides) ?? []).flatMap((framework) => {
        const module = INTEGRATIONS[String(framework)];
        if (!(String(framework) in INTEGRATIONS)) {
          return [
            {
              field: '',
              path: configPath,
              message:
                `Kueue integration "${String(framework)}" is not one this fleet ` +
                `knows; expected one of ${Object.keys(INTEGRATIONS).join(', ')}`,
            },
          ];
        }
        return module && !enabled.has(module)
          ? [
              {
                field: '',
                path: configPath,
                message:
                  `Kueue integration "${String(framework)}" needs module "${module}", which is off on this ` +
                  `cluster; turn on "${module}" (modules.${module}: true) or remove the integration from "kueue"`,
              },
            ]
          : [];
      }),
    ];
  },
  docs: 'https://github.com/kubernetes-sigs/kueue/releases/tag/v0.19.2',
};
