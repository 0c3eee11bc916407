/** Kubeflow MPI Operator: MPIJob (kubeflow.org/v2beta1) for Horovod/NCCL/Neuron MPI-style training. */
import type { PlatformModule } from '../generator/model/platform-module';

// No Helm chart upstream: Argo CD builds the standalone kustomize overlay. Shares mpijobs.kubeflow.org with
// training-operator (v1), which steps aside when both are on (see training-operator.ts).
export const mpiOperatorModule: PlatformModule = {
  name: 'mpi-operator',
  description: 'Kubeflow MPI Operator (MPIJob v2beta1) for MPI-launched distributed training',
  enabledByDefault: false,
  namespace: 'mpi-operator',
  source: {
    kind: 'git',
    repoURL: 'https://github.com/kubeflow/mpi-operator',
    path: 'manifests/overlays/standalone',
    ref: 'v0.8.0', // newest release tag of kubeflow/mpi-operator (2026-02-18)
  },
  crds: ['mpijobs.kubeflow.org'],
  needs: [],
  onMissingNeed: 'error',
  wave: 2,
  serverSideApply: true,
  docs: 'https://github.com/kubeflow/mpi-operator/releases/tag/v0.8.0',
};
