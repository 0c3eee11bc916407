/** Kubernetes Cluster Autoscaler (AWS provider): scales managed node groups; an alternative to Karpenter. */
import type { PlatformModule } from '../generator/model/platform-module';

// It and Karpenter may run together: it is scoped to the tagged (system) node groups, which Karpenter never manages.
export const clusterAutoscalerModule: PlatformModule = {
  name: 'cluster-autoscaler',
  description: 'Cluster Autoscaler scaling EKS managed node groups via ASG auto-discovery',
  enabledByDefault: false,
  namespace: 'kube-system',
  source: {
    kind: 'helm',
    repoURL: 'https://kubernetes.github.io/autoscaler',
    chart: 'cluster-autoscaler',
    // cluster-autoscaler/charts/cluster-autoscaler/Chart.yaml, tag cluster-autoscaler-chart-9.59.0 (2026-07-21, app
    // 1.35.0)
    version: '9.59.0',
  },
  crds: [],
  needs: [],
  onMissingNeed: 'error',
  wave: 0,
  conflicts: [
    {
      module: 'karpenter',
      resolvedBy:
        'it only discovers the Auto Scaling groups tagged k8s.io/cluster-autoscaler/<cluster> ' +
        '(the system node group); Karpenter nodes are in no Auto Scaling group',
    },
  ],
  values: ({ cluster }) => ({
    awsRegion: cluster.aws.region,
    autoDiscovery: {
      clusterName: cluster.name,
      tags: ['k8s.io/cluster-autoscaler/enabled', `k8s.io/cluster-autoscaler/${cluster.name}`],
    },
    extraArgs: { 'balance-similar-node-groups': true, 'skip-nodes-with-system-pods': false },
  }),
  docs: 'https://github.com/kubernetes/autoscaler/releases/tag/cluster-autoscaler-chart-9.59.0',
};
