/** The vendored CRD files (under `<shared>/schemas/crds`) of the kinds the workload renderers emit. */
export const WORKLOAD_CRD_FILES = [
  'kubeflow-trainer-v2/trainjobs.trainer.kubeflow.org.yaml',
  'kubeflow-training-operator-v1/pytorchjobs.kubeflow.org.yaml',
  'mpi-operator/mpijobs.kubeflow.org.yaml',
  'kuberay/rayjobs.ray.io.yaml',
  'kuberay/rayservices.ray.io.yaml',
  'lws/leaderworkersets.leaderworkerset.x-k8s.io.yaml',
  'kserve/inferenceservices.serving.kserve.io.yaml',
] as const;
