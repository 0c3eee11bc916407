/** AWS EFA device plugin: exposes vpc.amazonaws.com/efa on EFA-capable instances for NCCL/Neuron collectives. */
import type { PlatformModule } from '../generator/model/platform-module';

export const efaDevicePluginModule: PlatformModule = {
  name: 'efa-device-plugin',
  description: 'AWS EFA Kubernetes device plugin exposing vpc.amazonaws.com/efa on p4d/p5/trn1/trn2 nodes',
  enabledByDefault: true,
  namespace: 'kube-system',
  source: {
    kind: 'helm',
    repoURL: 'https://aws.github.io/eks-charts',
    chart: 'aws-efa-k8s-device-plugin',
    // stable/aws-efa-k8s-device-plugin/Chart.yaml on aws/eks-charts master (2026-08-03); the seed pins v0.5.29
    version: 'v0.5.30',
  },
  crds: [],
  needs: [],
  onMissingNeed: 'error',
  wave: 1,
  values: () => ({ tolerations: [{ operator: 'Exists' }] }),
  docs: 'https://github.com/aws/eks-charts/tree/master/stable/aws-efa-k8s-device-plugin',
};
