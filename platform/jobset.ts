/** JobSet: a group of Jobs run as one unit; the runtime under Kubeflow Trainer v2. */
import type { PlatformModule } from '../generator/model/platform-module';

export const jobsetModule: PlatformModule = {
  name: 'jobset',
  description: 'Kubernetes JobSet API for multi-Job distributed training workloads',
  enabledByDefault: false,
  namespace: 'jobset-system',
  source: {
    kind: 'helm',
    repoURL: 'registry.k8s.io/jobset/charts',
    chart: 'jobset',
    version: '0.12.0', // charts/jobset/Chart.yaml at tag v0.12.0 (2026-05-08), newest release
  },
  crds: ['jobsets.jobset.x-k8s.io'],
  needs: [],
  onMissingNeed: 'error',
  wave: 1,
  serverSideApply: true,
  docs: 'https://github.com/kubernetes-sigs/jobset/releases/tag/v0.12.0',
};
