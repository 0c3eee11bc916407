/**
 * Kubeflow Training Operator v1: PyTorchJob, TFJob, MPIJob and friends; the legacy alternative to Kubeflow Trainer v2.
 */
import type { PlatformModule } from '../generator/model/platform-module';

/** The v1 job kinds it runs (its `--enable-scheme` values); MPIJob goes to the MPI operator when that is on. */
const SCHEMES = ['pytorchjob', 'tfjob', 'xgboostjob', 'paddlejob', 'jaxjob', 'mpijob'];

// v1 has no Helm chart: Argo CD builds the standalone kustomize overlay. It also defines mpijobs.kubeflow.org (v1),
// as the MPI operator does (v2beta1): when mpi-operator is on too, the patches below drop v1's MPIJob CRD and scheme.
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
    'pytorchjobs.kubeflow.org',
    'tfjobs.kubeflow.org',
    'mpijobs.kubeflow.org',
    'xgboostjobs.kubeflow.org',
    'paddlejobs.kubeflow.org',
    'jaxjobs.kubeflow.org',
  ],
  needs: [],
  onMissingNeed: 'error',
  conflicts: [
    {
      module: 'mpi-operator',
      resolvedBy:
        'its v1 MPIJob CRD and scheme are left out (kustomize patches), so the MPI operator owns mpijobs.kubeflow.org',
    },
  ],
  wave: 2,
  serverSideApply: true,
  kustomizePatches: ({ enabled }) => [
    // the Kubeflow platform owns the `kubeflow` namespace: one Application per object
    ...(enabled.has('kubeflow-platform')
      ? [
          {
            target: { version: 'v1', kind: 'Namespace', name: 'kubeflow' },
            patch: ['$patch: delete', 'apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: kubeflow', ''].join(
              '\n',
            ),
          },
        ]
      : []),
    ...(enabled.has('mpi-operator')
      ? [
          {
            target: {
              group: 'apiextensions.k8s.io',
              version: 'v1',
              kind: 'CustomResourceDefinition',
              name: 'mpijobs.kubeflow.org',
            },
            patch: [
              '$patch: delete',
              'apiVersion: apiextensions.k8s.io/v1',
              'kind: CustomResourceDefinition',
              'metadata:',
              '  name: mpijobs.kubeflow.org',
              '',
            ].join('\n'),
          },
          {
            target: { group: 'apps', version: 'v1', kind: 'Deployment', name: 'training-operator' },
            patch: [
              '- op: add',
              '  path: /spec/template/spec/containers/0/args',
              `  value: [${SCHEMES.filter((s) => s !== 'mpijob')
                .map((s) => `"--enable-scheme=${s}"`)
                .join(', ')}]`,
              '',
            ].join('\n'),
          },
        ]
      : []),
  ],
  docs: 'https://github.com/kubeflow/trainer/releases/tag/v1.9.4',
};
