/** Determined AI: distributed training, hyperparameter search and experiment tracking platform. */
import type { PlatformModule } from '../generator/model/platform-module';

// Upstream has had no release since 0.38.1 (March 2025); treat as unmaintained.
export const determinedModule: PlatformModule = {
  name: 'determined',
  description: 'Determined AI master and database for distributed training and hyperparameter search',
  enabledByDefault: false,
  namespace: 'determined',
  source: {
    kind: 'helm',
    repoURL: 'https://helm.determined.ai/',
    chart: 'determined',
    version: '0.38.1', // newest release tag v0.38.1 (2025-03-19); chart version is stamped with the release version
  },
  crds: [],
  needs: [],
  onMissingNeed: 'error',
  wave: 3,
  docs: 'https://docs.determined.ai/latest/setup-cluster/k8s/install-on-kubernetes.html',
};
