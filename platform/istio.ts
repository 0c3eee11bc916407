/** Istio service mesh (istiod control plane); ingress and mTLS for Kubeflow and Kiali. */
import type { PlatformModule } from '../generator/model/platform-module';

// Upstream installs two charts at the same version from this repository: `base` (the CRDs below) before `istiod`.
// `base` is an extra source of the same Application; Argo CD applies CRDs first. Keep both versions equal.
export const istioModule: PlatformModule = {
  name: 'istio',
  description: 'Istio service mesh control plane (istiod) with its networking and security CRDs',
  enabledByDefault: false,
  namespace: 'istio-system',
  source: {
    kind: 'helm',
    repoURL: 'https://istio-release.storage.googleapis.com/charts',
    chart: 'istiod',
    version: '1.30.3', // istio/istio release tag 1.30.3 (2026-07-16), newest stable; 1.31 is still rc
  },
  crds: [
    'destinationrules.networking.istio.io',
    'envoyfilters.networking.istio.io',
    'gateways.networking.istio.io',
    'proxyconfigs.networking.istio.io',
    'serviceentries.networking.istio.io',
    'sidecars.networking.istio.io',
    'virtualservices.networking.istio.io',
    'workloadentries.networking.istio.io',
    'workloadgroups.networking.istio.io',
    'authorizationpolicies.security.istio.io',
    'peerauthentications.security.istio.io',
    'requestauthentications.security.istio.io',
    'telemetries.telemetry.istio.io',
    'wasmplugins.extensions.istio.io',
    'trafficextensions.extensions.istio.io',
  ],
  needs: [],
  onMissingNeed: 'error',
  wave: 1,
  extraSources: [
    { kind: 'helm', repoURL: 'https://istio-release.storage.googleapis.com/charts', chart: 'base', version: '1.30.3' },
  ],
  serverSideApply: true,
  // with the Kubeflow platform, istiod sends authentication to its oauth2-proxy (kubeflow/manifests' istio-install
  // overlay)
  values: ({ enabled }) =>
    enabled.has('kubeflow-platform')
      ? {
          meshConfig: {
            extensionProviders: [
              {
                name: 'oauth2-proxy',
                envoyExtAuthzHttp: {
                  service: 'oauth2-proxy.oauth2-proxy.svc.cluster.local',
                  port: 80,
                  headersToDownstreamOnDeny: ['content-type', 'set-cookie'],
                  headersToUpstreamOnAllow: [
                    'authorization',
                    'path',
                    'x-auth-request-email',
                    'x-auth-request-groups',
                    'x-auth-request-user',
                  ],
                  includeRequestHeadersInCheck: ['authorization', 'cookie'],
                },
              },
            ],
          },
        }
      : {},
  docs: 'https://github.com/istio/istio/releases/tag/1.30.3',
};
