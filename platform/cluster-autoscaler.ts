/** Kubernetes Cluster Autoscaler (AWS provider): scales managed node groups; an alternative to Karpenter. */
import type { PlatformModule } from '../generator/platform/module';

// Do not let it and Karpenter manage the same node groups.
export const clusterAutoscalerModule: PlatformModule = {
  name: 'cluster-autoscaler',
  description: 'Cluster Autoscaler scaling EKS managed node groups via ASG auto-discovery',
  enabledByDefault: false,
  namespace: 'kube-system',
  source: {
    kind: 'helm',
    repoURL: 'https://kubernetes.github.io/autoscaler',
    chart: 'cluster-autoscaler',
    version: '9.59.0', // cluster-autoscaler/charts/cluster-autoscaler/Chart.yaml, tag cluster-autoscaler-chart-9.59.0 (2026-07-21, app 1.35.0)
  },
  crds: [],
  needs: [],
  onMissingNeed: 'error',
  wave: 0,
  docs: 'https://github.com/kubernetes/autoscaler/releases/tag/cluster-autoscaler-chart-9.59.0',
};
