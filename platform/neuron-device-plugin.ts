/** AWS Neuron Helm chart: Neuron device plugin plus the Neuron scheduler extension for Trainium/Inferentia nodes. */
import type { PlatformModule } from '../generator/model/platform-module';

export const neuronDevicePluginModule: PlatformModule = {
  name: 'neuron-device-plugin',
  description: 'AWS Neuron device plugin and scheduler extension exposing aws.amazon.com/neuron(core) on Trn/Inf nodes',
  enabledByDefault: true,
  namespace: 'kube-system',
  source: {
    kind: 'helm',
    repoURL: 'public.ecr.aws/neuron',
    chart: 'neuron-helm-chart',
    version: '1.10.0', // aws-neuron/neuron-helm-charts GitHub release 1.10.0 (2026-08-19); 1.9.0 = Neuron SDK 2.31.0
  },
  // The optional UltraServer operator and DRA driver (off by default) bring their own CRDs.
  crds: [],
  needs: [],
  onMissingNeed: 'error',
  wave: 1,
  // The Neuron scheduler extension places pods on contiguous Neuron devices. Its chart default pins it to
  // `node-role.kubernetes.io/master` nodes, which EKS does not have: null removes that selector (Helm's rule).
  values: () => ({ scheduler: { enabled: true, nodeSelector: { 'node-role.kubernetes.io/master': null } } }),
  docs: 'https://github.com/aws-neuron/neuron-helm-charts/releases',
};
