/** NVIDIA DCGM exporter: per-GPU utilisation, memory, power and XID metrics for Prometheus. */
import type { PlatformModule } from '../generator/model/platform-module';

// With nvidia-gpu-operator on too, the operator's own DCGM exporter is turned off (nvidia-gpu-operator.ts): one
// exporter.
export const dcgmExporterModule: PlatformModule = {
  name: 'dcgm-exporter',
  description: 'NVIDIA DCGM exporter publishing GPU metrics to Prometheus',
  enabledByDefault: false,
  namespace: 'dcgm-exporter',
  source: {
    kind: 'helm',
    repoURL: 'https://nvidia.github.io/dcgm-exporter/helm-charts',
    chart: 'dcgm-exporter',
    version: '4.8.2', // deployment/Chart.yaml at tag 4.5.3-4.8.2 (DCGM 4.5.3, exporter 4.8.2; 2026-05-06)
  },
  crds: [],
  // The chart creates a ServiceMonitor by default; kube-prometheus-stack is a base module, so turning it
  // back on only restores the default and is safe.
  needs: ['kube-prometheus-stack'],
  onMissingNeed: 'enable',
  wave: 1,
  values: ({ enabled }) => ({
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
    serviceMonitor: { enabled: enabled.has('kube-prometheus-stack') },
  }),
  docs: 'https://github.com/NVIDIA/dcgm-exporter/releases/tag/4.5.3-4.8.2',
};
