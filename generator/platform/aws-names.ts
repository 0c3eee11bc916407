/**
 * Names and tags the cluster's AWS infrastructure (the Terragrunt units) must create, so that the
 * manifests rendered here find them without anyone copying IDs by hand. Both sides read them from here.
 */

/** Tag on the cluster's private subnets and node security group that Karpenter selects by. */
export const DISCOVERY_TAG = 'karpenter.sh/discovery';

/**
 * Tag on the one subnet (the pool's AZ) of a single-AZ pool, and on the extra security group of an EFA
 * pool (all traffic allowed to and from itself, as EFA needs): `karpenter.sh/discovery/<pool>: <cluster>`.
 */
export function poolDiscoveryTag(pool: string): string {
  return `${DISCOVERY_TAG}/${pool}`;
}

/** IAM role of the nodes Karpenter launches (terraform-aws-modules/eks karpenter: node_iam_role_name, no prefix). */
export function karpenterNodeRole(cluster: string): string {
  return `KarpenterNode-${cluster}`;
}

/** SQS queue of EC2 interruption events (the karpenter module's default queue name). */
export function karpenterInterruptionQueue(cluster: string): string {
  return `Karpenter-${cluster}`;
}

/**
 * SSM parameters the storage unit writes after it creates the file systems; the in-cluster binder Job
 * reads them to create the static PersistentVolumes (file system IDs are only known after apply).
 */
export function storageParameter(
  cluster: string,
  system: 'efs' | 'fsx',
  field: 'file-system-id' | 'dns-name' | 'mount-name',
): string {
  return `/eks-mlops-fleet/${cluster}/storage/${system}/${field}`;
}

/**
 * Service account (namespace kube-system) of a file system's binder Job; the IAM unit gives it a pod
 * identity allowed `ssm:GetParameter` on `/eks-mlops-fleet/<cluster>/storage/*`.
 */
export function storageBinderServiceAccount(system: 'efs' | 'fsx'): string {
  return `${system}-pv-binder`;
}

/** S3 bucket of MLflow's artifacts (bucket names are global: the account ID makes it unique). */
export function mlflowArtifactBucket(cluster: { name: string; aws: { accountId: string } }): string {
  return `${cluster.name}-${cluster.aws.accountId}-mlflow`;
}

/** Service account of the MLflow server (namespace mlflow); the IAM unit gives it a pod identity on that bucket. */
export const MLFLOW_SERVICE_ACCOUNT = 'mlflow';
