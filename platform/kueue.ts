/** Kueue: job queueing, quotas and fair sharing for batch/training workloads (JobSet, TrainJob, RayJob, MPIJob...). */
import type { PlatformModule } from '../generator/platform/module';

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
    'admissionchecks.kueue.x-k8s.io', 'clusterqueues.kueue.x-k8s.io', 'cohorts.kueue.x-k8s.io',
    'localqueues.kueue.x-k8s.io', 'multikueueclusters.kueue.x-k8s.io', 'multikueueconfigs.kueue.x-k8s.io',
    'provisioningrequestconfigs.kueue.x-k8s.io', 'resourceflavors.kueue.x-k8s.io', 'topologies.kueue.x-k8s.io',
    'workloadpriorityclasses.kueue.x-k8s.io', 'workloads.kueue.x-k8s.io',
  ],
  needs: [],
  onMissingNeed: 'error',
  wave: 2,
  docs: 'https://github.com/kubernetes-sigs/kueue/releases/tag/v0.19.2',
};
