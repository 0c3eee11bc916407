/** Kiali operator: service-mesh observability console for Istio (create a Kiali CR to deploy the server). */
import type { PlatformModule } from '../generator/model/platform-module';

export const kialiModule: PlatformModule = {
  name: 'kiali',
  description: 'Kiali operator and console for observing the Istio mesh',
  enabledByDefault: false,
  namespace: 'kiali-operator',
  source: {
    kind: 'helm',
    repoURL: 'https://kiali.org/helm-charts',
    chart: 'kiali-operator',
    version: '2.29.0', // kiali/helm-charts release tag v2.29.0 (2026-07-13); chart version is stamped at release
  },
  crds: ['kialis.kiali.io'],
  needs: ['istio'],
  onMissingNeed: 'error',
  wave: 2,
  values: () => ({ cr: { create: true, namespace: 'istio-system' } }),
  docs: 'https://kiali.io/docs/installation/installation-guide/install-with-helm/',
};
