/**
 * NVIDIA GPU Operator: driver, toolkit, device plugin, DCGM and GFD as one operator; an alternative to
 * nvidia-device-plugin.
 */
import type { PlatformModule } from '../generator/model/platform-module';

// Runs its own device plugin and DCGM exporter: when nvidia-device-plugin or dcgm-exporter is on too, the values
// below turn those operands off, so each runs once.
export const nvidiaGpuOperatorModule: PlatformModule = {
  name: 'nvidia-gpu-operator',
  description: 'NVIDIA GPU Operator (ClusterPolicy): full GPU software stack managed by an operator',
  enabledByDefault: false,
  namespace: 'gpu-operator',
  source: {
    kind: 'helm',
    repoURL: 'https://helm.ngc.nvidia.com/nvidia',
    chart: 'gpu-operator',
    version: 'v26.7.0', // NVIDIA/gpu-operator release tag v26.7.0 (2026-08-20); NGC chart versions carry the "v"
  },
  crds: [
    'clusterpolicies.nvidia.com',
    'nvidiadrivers.nvidia.com',
    'gpuclusters.nvidia.com',
    'computedomains.resource.nvidia.com',
    'nodefeatures.nfd.k8s-sigs.io', // from the bundled node-feature-discovery subchart
    'nodefeaturerules.nfd.k8s-sigs.io',
    'nodefeaturegroups.nfd.k8s-sigs.io',
  ],
  needs: [],
  onMissingNeed: 'error',
  wave: 1,
  conflicts: [
    {
      module: 'nvidia-device-plugin',
      resolvedBy: "the operator's own device plugin is off (devicePlugin.enabled: false)",
    },
    { module: 'dcgm-exporter', resolvedBy: "the operator's own DCGM exporter is off (dcgmExporter.enabled: false)" },
  ],
  serverSideApply: true,
  // The EKS AL2023 NVIDIA AMIs ship the driver and the container toolkit: the operator manages the rest.
  values: ({ enabled }) => ({
    driver: { enabled: false },
    toolkit: { enabled: false },
    devicePlugin: { enabled: !enabled.has('nvidia-device-plugin') },
    dcgmExporter: {
      enabled: !enabled.has('dcgm-exporter'),
      serviceMonitor: { enabled: enabled.has('kube-prometheus-stack') },
    },
    daemonsets: { tolerations: [{ operator: 'Exists' }] },
  }),
  docs: 'https://github.com/NVIDIA/gpu-operator/releases/tag/v26.7.0',
};
