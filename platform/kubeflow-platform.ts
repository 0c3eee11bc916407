/** Kubeflow platform from kubeflow/manifests: central dashboard, notebooks, pipelines, Katib, profiles, tensorboards. */
import type { PlatformModule } from '../generator/platform/module';

// The upstream `example` kustomization also installs cert-manager, Istio, Dex/oauth2-proxy, Knative, KServe and Trainer;
// where those are separate modules here, the generator must render a kustomization that drops them.
export const kubeflowPlatformModule: PlatformModule = {
  name: 'kubeflow-platform',
  description: 'Kubeflow platform: central dashboard, notebooks, pipelines, Katib, profiles and tensorboards',
  enabledByDefault: false,
  namespace: 'kubeflow',
  source: {
    kind: 'git',
    repoURL: 'https://github.com/kubeflow/manifests',
    path: 'example',
    ref: '26.03', // newest release tag (2026-03-21); kubeflow/manifests moved from v1.x to YY.MM releases after v1.11.0
  },
  crds: [
    'notebooks.kubeflow.org', 'profiles.kubeflow.org', 'poddefaults.kubeflow.org', 'pvcviewers.kubeflow.org',
    'experiments.kubeflow.org', 'suggestions.kubeflow.org', 'trials.kubeflow.org',
    'scheduledworkflows.kubeflow.org', 'viewers.kubeflow.org', 'pipelines.pipelines.kubeflow.org',
    'pipelineversions.pipelines.kubeflow.org', 'tensorboards.tensorboard.kubeflow.org',
  ],
  needs: ['cert-manager', 'istio'],
  onMissingNeed: 'error',
  wave: 3,
  docs: 'https://github.com/kubeflow/manifests/tree/26.03#readme',
};
