/** LeaderWorkerSet: leader/worker pod groups for multi-node inference (vLLM, SGLang) and training. */
import type { PlatformModule } from '../generator/model/platform-module';

export const lwsModule: PlatformModule = {
  name: 'lws',
  description: 'LeaderWorkerSet API for multi-host inference and training pod groups',
  enabledByDefault: false,
  namespace: 'lws-system',
  source: {
    kind: 'helm',
    repoURL: 'registry.k8s.io/lws/charts',
    chart: 'lws',
    version: '0.10.0', // release v0.10.0 (2026-08-11); installation docs use CHART_VERSION=0.10.0
  },
  crds: [
    'leaderworkersets.leaderworkerset.x-k8s.io',
    'disaggregatedsets.disaggregatedset.x-k8s.io',
    'disaggregatedsetrolescalers.disaggregatedset.x-k8s.io',
  ],
  needs: [],
  onMissingNeed: 'error',
  wave: 1,
  serverSideApply: true,
  docs: 'https://lws.sigs.k8s.io/docs/installation/',
};
