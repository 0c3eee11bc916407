/** kube-prometheus-stack: Prometheus Operator, Prometheus, Alertmanager, Grafana and the monitoring.coreos.com CRDs. */
import type { PlatformModule } from '../generator/model/platform-module';

// Its CRDs are too large for client-side apply: synced with ServerSideApply=true.
export const kubePrometheusStackModule: PlatformModule = {
  name: 'kube-prometheus-stack',
  description: 'Prometheus Operator, Prometheus, Alertmanager and Grafana for cluster and GPU/Neuron metrics',
  enabledByDefault: true,
  namespace: 'monitoring',
  source: {
    kind: 'helm',
    repoURL: 'ghcr.io/prometheus-community/charts',
    chart: 'kube-prometheus-stack',
    version: '88.5.3', // charts/kube-prometheus-stack/Chart.yaml, tag kube-prometheus-stack-88.5.3 (2026-08-21)
  },
  crds: [
    'alertmanagerconfigs.monitoring.coreos.com',
    'alertmanagers.monitoring.coreos.com',
    'podmonitors.monitoring.coreos.com',
    'probes.monitoring.coreos.com',
    'prometheusagents.monitoring.coreos.com',
    'prometheuses.monitoring.coreos.com',
    'prometheusrules.monitoring.coreos.com',
    'scrapeconfigs.monitoring.coreos.com',
    'servicemonitors.monitoring.coreos.com',
    'thanosrulers.monitoring.coreos.com',
  ],
  needs: [],
  onMissingNeed: 'error',
  wave: 0,
  serverSideApply: true,
  // pick up the ServiceMonitors of every module (DCGM, Kueue, KubeRay), not only the chart's own
  values: () => ({
    prometheus: {
      prometheusSpec: { serviceMonitorSelectorNilUsesHelmValues: false, podMonitorSelectorNilUsesHelmValues: false },
    },
  }),
  docs: 'https://github.com/prometheus-community/helm-charts/releases/tag/kube-prometheus-stack-88.5.3',
};
