/**
 * Kubeflow platform from kubeflow/manifests: central dashboard, notebooks, pipelines, Katib, profiles, tensorboards.
 */
import type { PlatformModule } from '../generator/model/platform-module';

/** kubeflow/manifests at the pinned release: the same tag for every path. */
const MANIFESTS = 'https://github.com/kubeflow/manifests';
const RELEASE = '26.03';
const kubeflowPath = (path: string) => ({ kind: 'git' as const, repoURL: MANIFESTS, path, ref: RELEASE });

// The upstream `example` kustomization also installs cert-manager, Istio, Knative, KServe, Trainer and Spark; those
// are separate modules here (or left out), so the Application takes the example's other paths one by one, each an
// Argo CD source at the same tag. Istio's oauth2-proxy authentication is set in istio.ts's values.
export const kubeflowPlatformModule: PlatformModule = {
  name: 'kubeflow-platform',
  description: 'Kubeflow platform: central dashboard, notebooks, pipelines, Katib, profiles and tensorboards',
  enabledByDefault: false,
  namespace: 'kubeflow',
  source: {
    kind: 'git',
    repoURL: 'https://github.com/kubeflow/manifests',
    path: 'common/kubeflow-namespace/base',
    ref: RELEASE, // newest release tag (2026-03-21); kubeflow/manifests moved from v1.x to YY.MM releases after v1.11.0
  },
  // example/kustomization.yaml at 26.03, without cert-manager, Istio, Knative, KServe, Trainer and Spark
  extraSources: [
    'common/kubeflow-roles/base',
    'common/istio/kubeflow-istio-resources/base',
    'common/oauth2-proxy/overlays/m2m-dex-only',
    'common/dex/overlays/oauth2-proxy',
    'applications/pipeline/overlays',
    'applications/katib/upstream/installs/katib-with-kubeflow',
    'applications/centraldashboard/overlays/oauth2-proxy',
    'applications/admission-webhook/upstream/overlays/cert-manager',
    'applications/jupyter/jupyter-web-app/upstream/overlays/istio',
    'applications/jupyter/notebook-controller/upstream/overlays/kubeflow',
    'applications/profiles/pss',
    'applications/pvcviewer-controller/upstream/base',
    'applications/volumes-web-app/upstream/overlays/istio',
    'applications/tensorboard/tensorboard-controller/upstream/overlays/kubeflow',
    'applications/tensorboard/tensorboards-web-app/upstream/overlays/istio',
  ].map(kubeflowPath),
  crds: [
    'notebooks.kubeflow.org',
    'profiles.kubeflow.org',
    'poddefaults.kubeflow.org',
    'pvcviewers.kubeflow.org',
    'experiments.kubeflow.org',
    'suggestions.kubeflow.org',
    'trials.kubeflow.org',
    'scheduledworkflows.kubeflow.org',
    'viewers.kubeflow.org',
    'pipelines.pipelines.kubeflow.org',
    'pipelineversions.pipelines.kubeflow.org',
    'tensorboards.tensorboard.kubeflow.org',
  ],
  needs: ['cert-manager', 'istio'],
  onMissingNeed: 'error',
  wave: 3,
  serverSideApply: true,
  docs: 'https://github.com/kubeflow/manifests/tree/26.03#readme',
};
