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

/** S3 bucket of a data platform module's objects: Pachyderm's versioned data, Determined's checkpoints. */
export function dataPlatformBucket(
  cluster: { name: string; aws: { accountId: string } },
  module: 'pachyderm' | 'determined',
): string {
  return `${cluster.name}-${cluster.aws.accountId}-${module}`;
}

/**
 * Service accounts of the pachyderm chart 2.11.6 (values.yaml `pachd.serviceAccount.name` and
 * `pachd.worker.serviceAccount.name`): pachd and pachw run as the first, the pipeline workers pachd starts as the
 * second. Both read and write the bucket.
 */
export const PACHYDERM_SERVICE_ACCOUNTS = { pachd: 'pachyderm', worker: 'pachyderm-worker' } as const;

/**
 * Service accounts of Determined: the master's, `determined-master-<release>` in the determined chart 0.38.1
 * (templates/master-permissions.yaml; the release is the module's name), and the one the fleet creates for the task
 * pods (trials, checkpoint GC, notebooks), named in the master's default pod specs.
 */
export const DETERMINED_SERVICE_ACCOUNTS = { master: 'determined-master-determined', task: 'determined-task' } as const;

/**
 * IAM role a module's service accounts assume through IRSA (their SDKs predate EKS Pod Identity): `<cluster>-<owner>`,
 * like the pod identity roles, so the chart values can carry its ARN before the role exists.
 */
export function irsaRoleArn(cluster: { name: string; aws: { accountId: string; region: string } }, owner: string) {
  const { region, accountId } = cluster.aws;
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return `arn:${partition}:iam::${accountId}:role/${cluster.name}-${owner}`;
}

/** The service account annotation by which the EKS pod identity webhook gives a pod an IRSA role. */
export const IRSA_ROLE_ANNOTATION = 'eks.amazonaws.com/role-arn';

/** The RDS instance of a module's database (`database: rds`): `<cluster>-<module>`. */
export function databaseInstanceName(cluster: { name: string }, module: string): string {
  return `${cluster.name}-${module}`;
}

/**
 * SSM parameters the RDS unit writes once the instance exists: its address and the ARN of the secret in which RDS
 * keeps the master password. The database binder Job reads them (both are known only after apply).
 */
export function databaseParameter(cluster: string, module: string, field: 'address' | 'secret-arn'): string {
  return `/eks-mlops-fleet/${cluster}/database/${module}/${field}`;
}

/** Service account (namespace: the module's) of a module's database binder Job; an IRSA role lets it read the above. */
export function databaseBinderServiceAccount(module: string): string {
  return `${module}-database-binder`;
}
