/**
 * NVIDIA k8s-device-plugin: advertises nvidia.com/gpu on GPU nodes (the lightweight alternative to the GPU Operator).
 */
import type { PlatformModule } from '../generator/model/platform-module';

export const nvidiaDevicePluginModule: PlatformModule = {
  name: 'nvidia-device-plugin',
  description: 'NVIDIA device plugin DaemonSet exposing nvidia.com/gpu on GPU nodes (EKS AMIs ship the driver)',
  enabledByDefault: true,
  namespace: 'nvidia-device-plugin',
  source: {
    kind: 'helm',
    repoURL: 'https://nvidia.github.io/k8s-device-plugin',
    chart: 'nvidia-device-plugin',
    version: '0.20.0', // deployments/helm/nvidia-device-plugin/Chart.yaml at tag v0.20.0 (2026-08-19)
  },
  crds: [],
  needs: [],
  onMissingNeed: 'error',
  wave: 1,
  // EKS nodes carry no NFD labels: select GPU nodes by Karpenter's label, and tolerate the GPU and EFA taints
  values: () => ({
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            {
              matchExpressions: [
                { key: 'karpenter.k8s.aws/instance-gpu-manufacturer', operator: 'In', values: ['nvidia'] },
              ],
            },
          ],
        },
      },
    },
    tolerations: [{ operator: 'Exists' }],
  }),
  docs: 'https://github.com/NVIDIA/k8s-device-plugin/releases/tag/v0.20.0',
};
