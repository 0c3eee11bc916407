/** ExternalDNS: publishes Route 53 records for Services, Ingresses and Gateways. */
import type { PlatformModule } from '../generator/model/platform-module';

export const externalDnsModule: PlatformModule = {
  name: 'external-dns',
  description: 'ExternalDNS syncing Service/Ingress/Gateway hostnames to Route 53',
  enabledByDefault: false,
  namespace: 'external-dns',
  source: {
    kind: 'helm',
    repoURL: 'https://kubernetes-sigs.github.io/external-dns/',
    chart: 'external-dns',
    // tag external-dns-helm-chart-1.21.1 (2026-04-30, app 0.21.0); app v0.22.0 has no chart release yet
    version: '1.21.1',
  },
  crds: ['dnsendpoints.externaldns.k8s.io', 'dnsrecords.externaldns.k8s.io'],
  needs: [],
  onMissingNeed: 'error',
  wave: 1,
  values: ({ cluster }) => ({
    provider: { name: 'aws' },
    txtOwnerId: cluster.name,
    policy: 'upsert-only',
    env: [{ name: 'AWS_DEFAULT_REGION', value: cluster.aws.region }],
  }),
  docs: 'https://github.com/kubernetes-sigs/external-dns/releases/tag/external-dns-helm-chart-1.21.1',
};
