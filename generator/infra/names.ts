/**
 * The names of the AWS resources the infrastructure creates, computed in one place from cluster.yaml.
 * Names the platform manifests refer to (Karpenter's node role and queue, discovery tags, the MLflow
 * bucket, the SSM parameters holding file system IDs, the binder service accounts) come from
 * generator/platform/aws-names.ts, which the platform modules use too; this file adds the names only the
 * Terragrunt units need, and the service accounts that EKS Pod Identity binds roles to.
 */
import type { ClusterSpec } from '../model/cluster-spec';
import { MLFLOW_SERVICE_ACCOUNT, storageBinderServiceAccount } from '../platform/aws-names';

export {
  databaseBinderServiceAccount,
  databaseInstanceName,
  databaseParameter,
  dataPlatformBucket,
  DETERMINED_SERVICE_ACCOUNTS,
  DISCOVERY_TAG,
  PACHYDERM_SERVICE_ACCOUNTS,
  karpenterInterruptionQueue,
  karpenterNodeRole,
  mlflowArtifactBucket,
  poolDiscoveryTag,
  storageParameter,
} from '../platform/aws-names';
export { poolZone } from '../platform/node-pool-zone';

/** Label of the nodes of the EKS managed node group that runs the system pods (Argo CD, Karpenter, CoreDNS). */
export const SYSTEM_NODE_LABEL = { key: 'mlops-fleet.io/node-role', value: 'system' } as const;

/**
 * Service accounts that EKS Pod Identity binds the AWS roles to (namespace: the module's, from platform/;
 * the binders run in kube-system). The charts' default names, except where the module's values set one.
 */
export const POD_IDENTITY_SERVICE_ACCOUNTS: Readonly<Record<string, string>> = {
  'ack-sagemaker': 'ack-sagemaker-controller',
  // on the hub; the unit also binds argocd-server (units/argocd-hub.ts ARGOCD_SERVICE_ACCOUNTS)
  argocd: 'argocd-application-controller',
  'aws-load-balancer-controller': 'aws-load-balancer-controller',
  'cluster-autoscaler': 'cluster-autoscaler',
  'ebs-csi-driver': 'ebs-csi-controller-sa',
  'efs-csi-driver': 'efs-csi-controller-sa',
  'efs-pv-binder': storageBinderServiceAccount('efs'),
  'external-dns': 'external-dns',
  'external-secrets': 'external-secrets',
  'fsx-csi-driver': 'fsx-csi-controller-sa',
  'fsx-pv-binder': storageBinderServiceAccount('fsx'),
  karpenter: 'karpenter',
  mlflow: MLFLOW_SERVICE_ACCOUNT,
};

/** The AWS partition of a region (ARNs differ in China and GovCloud). */
export function awsPartition(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** The S3 bucket holding the Terraform state of every cluster of one account and region. */
export function stateBucketName(cluster: ClusterSpec): string {
  return stateBucketOf(cluster.aws.accountId, cluster.aws.region);
}

export function stateBucketOf(accountId: string, region: string): string {
  return `tfstate-${accountId}-${region}`;
}

/**
 * The region of an account's own units. IAM is global, so the region only places their state (and the
 * provider's API calls): fixed per partition, the region of IAM's control plane, so that it never depends on
 * which clusters the account has.
 */
export function accountRegion(partition: string): string {
  return partition === 'aws-cn' ? 'cn-north-1' : partition === 'aws-us-gov' ? 'us-gov-west-1' : 'us-east-1';
}

/** The bucket holding the state of an account's own units (see accountRegion). */
export function accountStateBucket(accountId: string, partition: string): string {
  return stateBucketOf(accountId, accountRegion(partition));
}

/** IAM role of the Karpenter controller (bound to its service account by EKS Pod Identity). */
export function karpenterControllerRoleName(cluster: ClusterSpec): string {
  return `KarpenterController-${cluster.name}`;
}

/** IAM role that EKS Pod Identity gives a platform module's (or a binder's) service account. */
export function podIdentityRoleName(cluster: ClusterSpec, owner: string): string {
  return `${cluster.name}-${owner}`;
}

/** IAM role of the EKS control plane. */
export function eksClusterRoleName(cluster: ClusterSpec): string {
  return `${cluster.name}-eks-cluster`;
}

export function efsName(cluster: ClusterSpec): string {
  return `${cluster.name}-efs`;
}

export function fsxName(cluster: ClusterSpec): string {
  return `${cluster.name}-fsx`;
}

export function roleArnOf(cluster: ClusterSpec, roleName: string): string {
  return `arn:${awsPartition(cluster.aws.region)}:iam::${cluster.aws.accountId}:role/${roleName}`;
}

/** Folders of the Terragrunt units under `clusters/<c>/infra/`. */
export const INFRA_UNITS = {
  network: 'network',
  eks: 'eks',
  karpenter: 'karpenter',
  efs: 'storage/efs',
  fsx: 'storage/fsx',
  mlflowArtifacts: 'storage/mlflow-artifacts',
  /** The bucket of a data platform module (pachyderm, determined). */
  dataBucket: (module: string) => `storage/${module}-data`,
  /** An IAM role that service accounts assume through IRSA (the cluster's OIDC provider). */
  irsaRole: (owner: string) => `irsa/${owner}`,
  /** The RDS instance of a module with `database: rds`. */
  database: (module: string) => `database/${module}`,
  podIdentity: (owner: string) => `pod-identity/${owner}`,
  githubPlanRole: 'github-oidc/plan-role',
  githubApplyRole: 'github-oidc/apply-role',
  /** On a spoke: the role the hub's Argo CD assumes, its access entry, the endpoint and CA in SSM. */
  argocdHubAccess: 'argocd-hub-access',
} as const;

/**
 * Folders of the units under `clusters/_accounts/<accountId>/`: what exists once per AWS account (or once per
 * account and region), owned by the account so that adding or removing a cluster never moves it.
 */
export const ACCOUNT_UNITS = {
  githubOidcProvider: 'github-oidc-provider',
  /** In the registry's account only (images/registry.yaml). */
  ecr: (image: string) => `ecr/${image}`,
  imagePushRole: 'github-oidc/image-push-role',
} as const;

/**
 * Values AWS assigns when a storage unit is applied: the unit writes each to the SSM parameter
 * `storageParameter(cluster, system, field)`, from the resource of the pinned module that holds it.
 */
export const STORAGE_PARAMETERS = {
  efs: { 'file-system-id': 'aws_efs_file_system.this[0].id' },
  fsx: {
    'file-system-id': 'aws_fsx_lustre_file_system.this[0].id',
    'dns-name': 'aws_fsx_lustre_file_system.this[0].dns_name',
    'mount-name': 'aws_fsx_lustre_file_system.this[0].mount_name',
  },
} as const;
