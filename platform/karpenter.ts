/** Karpenter: just-in-time node provisioning for EKS (NodePools, EC2NodeClasses); the chart ships its CRDs. */
import { karpenterNodePoolObjects, nodePoolProblems } from './karpenter-node-pools';
import type { PlatformModule } from '../generator/model/platform-module';
import { karpenterInterruptionQueue } from '../generator/platform/aws-names';

export const karpenterModule: PlatformModule = {
  name: 'karpenter',
  description: 'Karpenter controller: provisions EC2 capacity (GPU, Neuron, EFA) from NodePools and EC2NodeClasses',
  enabledByDefault: true,
  namespace: 'kube-system',
  source: {
    kind: 'helm',
    repoURL: 'public.ecr.aws/karpenter',
    chart: 'karpenter',
    version: '1.14.1', // charts/karpenter/Chart.yaml at tag v1.14.1 of aws/karpenter-provider-aws (2026-08-20)
  },
  crds: [
    'nodepools.karpenter.sh',
    'nodeclaims.karpenter.sh',
    'nodeoverlays.karpenter.sh',
    'ec2nodeclasses.karpenter.k8s.aws',
    'capacitybuffers.autoscaling.x-k8s.io',
  ],
  needs: [],
  onMissingNeed: 'error',
  wave: 0,
  serverSideApply: true,
  values: ({ cluster }) => ({
    settings: { clusterName: cluster.name, interruptionQueue: karpenterInterruptionQueue(cluster.name) },
  }),
  // the NodePools and EC2NodeClasses of the cluster's node pools (karpenter-node-pools.ts)
  manifests: ({ cluster, enabled }) => karpenterNodePoolObjects(cluster, enabled),
  check: ({ cluster }) => nodePoolProblems(cluster),
  docs: 'https://github.com/aws/karpenter-provider-aws/releases/tag/v1.14.1',
};
