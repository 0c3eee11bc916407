/**
 * The names the infrastructure and the platform manifests must agree on, computed in one place.
 * The Terragrunt units create AWS resources with these names; the platform modules (Karpenter,
 * the CSI drivers, the controllers) refer to the same names in their rendered values. Nothing is
 * copied by hand from a Terraform output into a manifest: a name is a pure function of cluster.yaml.
 *
 * IDs that AWS assigns (EFS and FSx file system IDs) cannot be computed; see STORAGE_ID_OUTPUTS.
 */
import type { ClusterSpec, NodePool } from '../config/cluster-spec';

/** The Karpenter discovery tag: on the private subnets and the node security group, value = the cluster name. */
export const KARPENTER_DISCOVERY_TAG = 'karpenter.sh/discovery';

/** Label of the nodes of the EKS managed node group that runs the system pods (Argo CD, Karpenter, CoreDNS). */
export const SYSTEM_NODE_LABEL = { key: 'mlops-fleet.io/node-role', value: 'system' } as const;

/** Service accounts that EKS Pod Identity binds to the AWS roles (namespace: the module's, from platform/). */
export const POD_IDENTITY_SERVICE_ACCOUNTS: Readonly<Record<string, string>> = {
  'ack-sagemaker': 'ack-sagemaker-controller',
  'aws-load-balancer-controller': 'aws-load-balancer-controller',
  'cluster-autoscaler': 'cluster-autoscaler',
  'ebs-csi-driver': 'ebs-csi-controller-sa',
  'efs-csi-driver': 'efs-csi-controller-sa',
  'external-dns': 'external-dns',
  'external-secrets': 'external-secrets',
  'fsx-csi-driver': 'fsx-csi-controller-sa',
  'karpenter': 'karpenter',
  'mlflow': 'mlflow',
};

/** The AWS partition of a region (ARNs differ in China and GovCloud). */
export function awsPartition(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** The S3 bucket holding the Terraform state of every cluster of one account and region. */
export function stateBucketName(cluster: ClusterSpec): string {
  return `tfstate-${cluster.aws.accountId}-${cluster.aws.region}`;
}

/**
 * The one availability zone a pool's nodes launch in, or undefined for any of the cluster's zones.
 * EFA pools default to the first zone: EFA traffic does not cross zones.
 */
export function poolAvailabilityZone(cluster: ClusterSpec, pool: NodePool): string | undefined {
  return pool.availabilityZone ?? (pool.kind === 'cuda-efa' ? cluster.aws.availabilityZones[0] : undefined);
}

/**
 * Tags that a pool's EC2NodeClass selects its subnets by. A single-zone pool selects only the private
 * subnet of its zone, which the network unit tags `karpenter.sh/discovery/<pool>` (as the seed tags
 * `karpenter.sh/discovery/neuron` and `/cudaefa`); every other pool selects all private subnets.
 */
export function poolSubnetSelectorTags(cluster: ClusterSpec, pool: NodePool): Record<string, string> {
  return poolAvailabilityZone(cluster, pool)
    ? { [`${KARPENTER_DISCOVERY_TAG}/${pool.name}`]: cluster.name }
    : { [KARPENTER_DISCOVERY_TAG]: cluster.name };
}

/** Tags that EC2NodeClasses select the node security group by. */
export function securityGroupSelectorTags(cluster: ClusterSpec): Record<string, string> {
  return { [KARPENTER_DISCOVERY_TAG]: cluster.name };
}

/** IAM role of the Karpenter controller (bound to its service account by EKS Pod Identity). */
export function karpenterControllerRoleName(cluster: ClusterSpec): string {
  return `${cluster.name}-karpenter`;
}

/** IAM role of the nodes Karpenter launches: the EC2NodeClass `spec.role`. */
export function karpenterNodeRoleName(cluster: ClusterSpec): string {
  return `${cluster.name}-karpenter-node`;
}

/** SQS queue of spot interruption and rebalance events: Karpenter's `settings.interruptionQueue`. */
export function karpenterInterruptionQueueName(cluster: ClusterSpec): string {
  return `${cluster.name}-karpenter`;
}

/** IAM role that EKS Pod Identity gives a platform module's service account. */
export function podIdentityRoleName(cluster: ClusterSpec, module: string): string {
  return `${cluster.name}-${module}`;
}

/** IAM role of the EKS control plane. */
export function eksClusterRoleName(cluster: ClusterSpec): string {
  return `${cluster.name}-eks-cluster`;
}

/** S3 bucket of MLflow's artifacts (bucket names are global: the account ID keeps it unique). */
export function mlflowArtifactBucketName(cluster: ClusterSpec): string {
  return `${cluster.name}-mlflow-artifacts-${cluster.aws.accountId}`;
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
  podIdentity: (module: string) => `pod-identity/${module}`,
  githubOidcProvider: 'github-oidc/provider',
  githubPlanRole: 'github-oidc/plan-role',
  githubApplyRole: 'github-oidc/apply-role',
} as const;

/**
 * Values AWS assigns when a storage unit is applied, which the storage manifests (PersistentVolumes
 * `pv-efs`, `pv-fsx`) need: the unit, and the Terraform output that carries each value.
 */
export const STORAGE_ID_OUTPUTS = {
  efs: { unit: INFRA_UNITS.efs, outputs: { fileSystemId: 'id', dnsName: 'dns_name' } },
  fsx: {
    unit: INFRA_UNITS.fsx,
    outputs: { fileSystemId: 'file_system_id', dnsName: 'file_system_dns_name', mountName: 'file_system_mount_name' },
  },
} as const;
