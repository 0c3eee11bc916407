import { ENVIRONMENTS, type Environment } from './cluster-spec';

/**
 * A cluster the hub's Argo CD manages, as its cluster Secret in the hub's `argocd` namespace describes it: the
 * hub itself (in-cluster) and every spoke. The labels follow gitops-bridge's cluster Secrets (`environment`,
 * `cluster_name`, `aws_region`, `aws_account_id`, one `enable_<module>: "true"` per enabled module), which the
 * hub's ApplicationSets select on.
 */
export interface FleetMember {
  readonly name: string;
  readonly environment: Environment;
  readonly region: string;
  readonly accountId: string;
  /** The hub itself is reached in-cluster, without AWS credentials. */
  readonly hub: boolean;
  /** Names of the platform modules enabled on it, sorted. */
  readonly modules: readonly string[];
}

/** What the hub's Argo CD module sees of the fleet: every member, the hub first, then the spokes by name. */
export interface HubFleet {
  readonly members: readonly FleetMember[];
}

export const CLUSTER_SECRET_TYPE_LABEL = 'argocd.argoproj.io/secret-type';
/** The label every cluster Secret of the fleet carries, so the hub's cluster generators select only the fleet. */
export const FLEET_MEMBER_LABEL = 'mlops-fleet.io/fleet-member';
export const MEMBER_LABELS = {
  environment: 'environment',
  cluster: 'cluster_name',
  region: 'aws_region',
  account: 'aws_account_id',
} as const;

/** `enable_<module>`: gitops-bridge's label for an addon turned on (dashes become underscores, as it spells them). */
export function moduleEnabledLabel(module: string): string {
  return `enable_${module.replace(/-/g, '_')}`;
}

/** The cluster Secret of a member, in the hub's Argo CD namespace. */
export function clusterSecretName(member: string): string {
  return `cluster-${member}`;
}

/** The role in a spoke's account that the hub's Argo CD assumes to reach the spoke (an EKS access entry). */
export function hubAccessRoleName(spoke: string): string {
  return `${spoke}-argocd-hub`;
}

export function partitionOfRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

export function hubAccessRoleArn(spoke: { name: string; accountId: string; region: string }): string {
  return `arn:${partitionOfRegion(spoke.region)}:iam::${spoke.accountId}:role/${hubAccessRoleName(spoke.name)}`;
}

/**
 * The SSM parameters (in the spoke's account and region) where the spoke's access unit writes the two values the
 * generator cannot know, the EKS API endpoint and its certificate authority; the hub's cluster Secret reads them.
 */
export function spokeConnectionParameter(spoke: string, field: 'server' | 'ca-data'): string {
  return `/eks-mlops-fleet/${spoke}/argocd-hub/${field}`;
}

/** The rollout order of a change that reaches several environments: each step waits for the previous one. */
export const ROLLOUT_STEPS: readonly Environment[] = ENVIRONMENTS;

/** One controller shard per this many clusters (Argo CD's high-availability guide: shard when one is not enough). */
export const CLUSTERS_PER_CONTROLLER_SHARD = 10;

export function controllerShards(clusters: number): number {
  return Math.max(1, Math.ceil(clusters / CLUSTERS_PER_CONTROLLER_SHARD));
}
