/** metrics-server: resource metrics API (kubectl top, HPA). */
import type { PlatformModule } from '../generator/model/platform-module';

export const metricsServerModule: PlatformModule = {
  name: 'metrics-server',
  description: 'Kubernetes metrics-server for the resource metrics API (kubectl top, HPA)',
  enabledByDefault: true,
  namespace: 'kube-system',
  source: {
    kind: 'helm',
    repoURL: 'https://kubernetes-sigs.github.io/metrics-server/',
    chart: 'metrics-server',
    // tag metrics-server-helm-chart-3.13.1 (2026-06-11, app 0.8.1); app v0.9.0 has no chart release yet
    version: '3.13.1',
  },
  crds: [],
  needs: [],
  onMissingNeed: 'error',
  wave: 0,
  docs: 'https://github.com/kubernetes-sigs/metrics-server/releases/tag/metrics-server-helm-chart-3.13.1',
};
