/** KServe: InferenceService model serving (standard/raw-deployment mode), webhooks certified by cert-manager. */
import type { PlatformModule } from '../generator/model/platform-module';

// Upstream splits KServe into two charts at the same version: `kserve-crd` (the CRDs below) is an extra source of
// the same Application, and Argo CD applies CRDs before the objects of the same wave. Keep both versions equal.
export const kserveModule: PlatformModule = {
  name: 'kserve',
  description: 'KServe model serving (InferenceService, ServingRuntime, InferenceGraph)',
  enabledByDefault: false,
  namespace: 'kserve',
  source: {
    kind: 'helm',
    repoURL: 'ghcr.io/kserve/charts',
    chart: 'kserve-resources',
    // charts/kserve-resources/Chart.yaml at tag v0.20.0 (2026-08-06); KServe chart versions carry the "v"
    version: 'v0.20.0',
  },
  crds: [
    'inferenceservices.serving.kserve.io',
    'servingruntimes.serving.kserve.io',
    'clusterservingruntimes.serving.kserve.io',
    'clusterstoragecontainers.serving.kserve.io',
    'inferencegraphs.serving.kserve.io',
    'trainedmodels.serving.kserve.io',
  ],
  needs: ['cert-manager'],
  onMissingNeed: 'error',
  wave: 3,
  extraSources: [{ kind: 'helm', repoURL: 'ghcr.io/kserve/charts', chart: 'kserve-crd', version: 'v0.20.0' }],
  serverSideApply: true,
  // Standard mode (plain Deployments; "RawDeployment" is its deprecated name since v0.20): no Knative
  values: () => ({ kserve: { controller: { deploymentMode: 'Standard' } } }),
  docs: 'https://github.com/kserve/kserve/releases/tag/v0.20.0',
};
