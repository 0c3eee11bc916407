import { KUBERNETES_VERSION } from '../model/vendor-files';

/**
 * Where each vendored schema comes from. A CRD is taken at the release its platform module pins (the chart's
 * version, or the git ref of a kustomize install), so objects are checked against the API the cluster will
 * serve; only the versions the generator emits are kept. `npx projen schemas:update` fetches them all again.
 */

/** The release a CRD is taken at: its platform module's pinned version (as a tag), or a fixed ref. */
export type CrdPin =
  | { readonly module: string; readonly tag: (version: string) => string }
  | { readonly ref: string; readonly why: string };

export interface CrdSource {
  /** `metadata.name` of the CustomResourceDefinition; the vendored file is `<name>.json`. */
  readonly name: string;
  /** GitHub `owner/name`. */
  readonly repository: string;
  /** The CRD's file in the repository. */
  readonly path: string;
  readonly pin: CrdPin;
  /** The served versions the generator emits: only these are vendored. */
  readonly versions: readonly string[];
  readonly license: string;
}

/** A whole file taken as it is (the Kubernetes definitions, the workflow schema). */
export interface FileSource {
  /** Path under `vendor/schemas/`. */
  readonly file: string;
  readonly repository: string;
  readonly path: string;
  readonly ref: string;
  readonly license: string;
}

/**
 * The Argo CD release the fleet runs: the app version of the argo-cd chart the argocd module pins (platform/argocd.ts).
 */
export const ARGOCD_RELEASE = 'v3.4.4';

const vTag = (version: string) => (version.startsWith('v') ? version : `v${version}`);
const argocd = { ref: ARGOCD_RELEASE, why: 'the Argo CD release the fleet targets' };
const kueue = { module: 'kueue', tag: vTag };
const kuberay = { module: 'kuberay', tag: vTag };
const karpenter = { module: 'karpenter', tag: vTag };
const trainer = { module: 'kubeflow-trainer', tag: vTag };

export const CRD_SOURCES: readonly CrdSource[] = [
  {
    name: 'applications.argoproj.io',
    repository: 'argoproj/argo-cd',
    path: 'manifests/crds/application-crd.yaml',
    pin: argocd,
    versions: ['v1alpha1'],
    license: 'Apache-2.0',
  },
  {
    name: 'applicationsets.argoproj.io',
    repository: 'argoproj/argo-cd',
    path: 'manifests/crds/applicationset-crd.yaml',
    pin: argocd,
    versions: ['v1alpha1'],
    license: 'Apache-2.0',
  },
  {
    name: 'appprojects.argoproj.io',
    repository: 'argoproj/argo-cd',
    path: 'manifests/crds/appproject-crd.yaml',
    pin: argocd,
    versions: ['v1alpha1'],
    license: 'Apache-2.0',
  },
  {
    name: 'nodepools.karpenter.sh',
    repository: 'aws/karpenter-provider-aws',
    path: 'pkg/apis/crds/karpenter.sh_nodepools.yaml',
    pin: karpenter,
    versions: ['v1'],
    license: 'Apache-2.0',
  },
  {
    name: 'ec2nodeclasses.karpenter.k8s.aws',
    repository: 'aws/karpenter-provider-aws',
    path: 'pkg/apis/crds/karpenter.k8s.aws_ec2nodeclasses.yaml',
    pin: karpenter,
    versions: ['v1'],
    license: 'Apache-2.0',
  },
  ...['clusterqueues', 'localqueues', 'resourceflavors', 'workloadpriorityclasses'].map((plural) => ({
    name: `${plural}.kueue.x-k8s.io`,
    repository: 'kubernetes-sigs/kueue',
    path: `config/components/crd/bases/kueue.x-k8s.io_${plural}.yaml`,
    pin: kueue,
    versions: ['v1beta2'],
    license: 'Apache-2.0',
  })),
  {
    name: 'trainjobs.trainer.kubeflow.org',
    repository: 'kubeflow/trainer',
    path: 'manifests/base/crds/trainer.kubeflow.org_trainjobs.yaml',
    pin: trainer,
    versions: ['v1alpha1'],
    license: 'Apache-2.0',
  },
  {
    name: 'clustertrainingruntimes.trainer.kubeflow.org',
    repository: 'kubeflow/trainer',
    path: 'manifests/base/crds/trainer.kubeflow.org_clustertrainingruntimes.yaml',
    pin: trainer,
    versions: ['v1alpha1'],
    license: 'Apache-2.0',
  },
  // the training operator (v1) and the MPI operator are kustomize installs: their module pins a git ref
  {
    name: 'pytorchjobs.kubeflow.org',
    repository: 'kubeflow/trainer',
    path: 'manifests/base/crds/kubeflow.org_pytorchjobs.yaml',
    pin: { module: 'training-operator', tag: vTag },
    versions: ['v1'],
    license: 'Apache-2.0',
  },
  {
    name: 'mpijobs.kubeflow.org',
    repository: 'kubeflow/mpi-operator',
    path: 'manifests/base/kubeflow.org_mpijobs.yaml',
    pin: { module: 'mpi-operator', tag: vTag },
    versions: ['v2beta1'],
    license: 'Apache-2.0',
  },
  {
    name: 'jobsets.jobset.x-k8s.io',
    repository: 'kubernetes-sigs/jobset',
    path: 'config/components/crd/bases/jobset.x-k8s.io_jobsets.yaml',
    pin: { module: 'jobset', tag: vTag },
    versions: ['v1alpha2'],
    license: 'Apache-2.0',
  },
  ...['rayclusters', 'rayjobs', 'rayservices'].map((plural) => ({
    name: `${plural}.ray.io`,
    repository: 'ray-project/kuberay',
    path: `ray-operator/config/crd/bases/ray.io_${plural}.yaml`,
    pin: kuberay,
    versions: ['v1'],
    license: 'Apache-2.0',
  })),
  {
    name: 'leaderworkersets.leaderworkerset.x-k8s.io',
    repository: 'kubernetes-sigs/lws',
    path: 'config/crd/bases/leaderworkerset.x-k8s.io_leaderworkersets.yaml',
    pin: { module: 'lws', tag: vTag },
    versions: ['v1'],
    license: 'Apache-2.0',
  },
  {
    name: 'inferenceservices.serving.kserve.io',
    repository: 'kserve/kserve',
    path: 'config/crd/full/serving.kserve.io_inferenceservices.yaml',
    pin: { module: 'kserve', tag: vTag },
    versions: ['v1beta1'],
    license: 'Apache-2.0',
  },
  {
    name: 'externalsecrets.external-secrets.io',
    repository: 'external-secrets/external-secrets',
    path: 'config/crds/bases/external-secrets.io_externalsecrets.yaml',
    pin: { module: 'external-secrets', tag: vTag },
    versions: ['v1'],
    license: 'Apache-2.0',
  },
  {
    name: 'secretstores.external-secrets.io',
    repository: 'external-secrets/external-secrets',
    path: 'config/crds/bases/external-secrets.io_secretstores.yaml',
    pin: { module: 'external-secrets', tag: vTag },
    versions: ['v1'],
    license: 'Apache-2.0',
  },
];

export const FILE_SOURCES: readonly FileSource[] = [
  // what `cdk8s import k8s@<version>` downloads; the definitions of every Kubernetes kind at that version
  {
    file: `kubernetes/${KUBERNETES_VERSION}/_definitions.json`,
    repository: 'cdk8s-team/cdk8s',
    path: `kubernetes-schemas/${KUBERNETES_VERSION}/_definitions.json`,
    ref: 'master',
    license: 'Apache-2.0',
  },
  {
    file: 'github-workflow.json',
    repository: 'SchemaStore/schemastore',
    path: 'src/schemas/json/github-workflow.json',
    ref: 'master',
    license: 'Apache-2.0',
  },
];
