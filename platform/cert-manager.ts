/** cert-manager: issues webhook and TLS certificates for KServe, Slurm, Kubeflow and others. */
import type { PlatformModule } from '../generator/model/platform-module';

// Installed with `crds.enabled: true` (values below) so the chart owns its CRDs.
export const certManagerModule: PlatformModule = {
  name: 'cert-manager',
  description: 'cert-manager: X.509 certificates (Issuers, Certificates) for webhooks and ingress',
  enabledByDefault: true,
  namespace: 'cert-manager',
  source: {
    kind: 'helm',
    repoURL: 'quay.io/jetstack/charts',
    chart: 'cert-manager',
    // cert-manager/cert-manager release tag v1.21.1 (2026-07-29); jetstack chart versions carry the "v"
    version: 'v1.21.1',
  },
  crds: [
    'certificates.cert-manager.io',
    'certificaterequests.cert-manager.io',
    'issuers.cert-manager.io',
    'clusterissuers.cert-manager.io',
    'orders.acme.cert-manager.io',
    'challenges.acme.cert-manager.io',
  ],
  needs: [],
  onMissingNeed: 'error',
  wave: 0,
  values: () => ({ crds: { enabled: true } }),
  docs: 'https://github.com/cert-manager/cert-manager/releases/tag/v1.21.1',
};
