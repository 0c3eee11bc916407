/** NVIDIA GPU Operator: driver, toolkit, device plugin, DCGM and GFD as one operator; an alternative to nvidia-device-plugin. */
import type { PlatformModule } from '../generator/platform/module';

// Runs its own device plugin and DCGM exporter: turn off nvidia-device-plugin (and dcgm-exporter) when this is on,
// or disable those operands in the ClusterPolicy.
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
  docs: 'https://github.com/NVIDIA/gpu-operator/releases/tag/v26.7.0',
};
