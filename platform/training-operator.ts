/** Kubeflow Training Operator v1: PyTorchJob, TFJob, MPIJob and friends; the legacy alternative to Kubeflow Trainer v2. */
import type { PlatformModule } from '../generator/platform/module';

// v1 has no Helm chart: Argo CD builds the standalone kustomize overlay. It also defines mpijobs.kubeflow.org,
// so do not enable it together with mpi-operator.
export const trainingOperatorModule: PlatformModule = {
  name: 'training-operator',
  description: 'Kubeflow Training Operator v1 (PyTorchJob, TFJob, MPIJob, ...), legacy alternative to kubeflow-trainer',
  enabledByDefault: false,
  namespace: 'kubeflow',
  source: {
    kind: 'git',
    repoURL: 'https://github.com/kubeflow/trainer',
    path: 'manifests/overlays/standalone',
    ref: 'v1.9.4', // newest v1 maintenance tag in kubeflow/trainer (2026-08-18)
  },
  crds: [
    'pytorchjobs.kubeflow.org', 'tfjobs.kubeflow.org', 'mpijobs.kubeflow.org',
    'xgboostjobs.kubeflow.org', 'paddlejobs.kubeflow.org', 'jaxjobs.kubeflow.org',
  ],
  needs: [],
  onMissingNeed: 'error',
  wave: 2,
  docs: 'https://github.com/kubeflow/trainer/releases/tag/v1.9.4',
};
