import type { ClusterSpec, Environment } from './cluster-spec';

/** The GitHub repository this fleet lives in, from `.projenrc.ts`. The OIDC trust policies accept only it. */
export interface GitHubSettings {
  readonly owner: string;
  readonly repository: string;
}

/** The GitHub environment that guards infrastructure applies of a cluster environment (prod can require reviewers). */
export function applyEnvironmentName(environment: Environment): string {
  return `infra-${environment}`;
}

/** IAM role assumed over OIDC by the plan job on pull requests: read-only. */
export function planRoleName(cluster: ClusterSpec): string {
  return `${cluster.name}-github-plan`;
}

/** IAM role assumed over OIDC by the apply job after merge, behind the cluster's GitHub environment. */
export function applyRoleName(cluster: ClusterSpec): string {
  return `${cluster.name}-github-apply`;
}

export function roleArn(cluster: ClusterSpec, roleName: string): string {
  return `arn:aws:iam::${cluster.aws.accountId}:role/${roleName}`;
}

/** `sub` claim of the plan job's token: any pull request of this repository. */
export function planSubject(github: GitHubSettings): string {
  return `repo:${github.owner}/${github.repository}:pull_request`;
}

/** `sub` claim of the apply job's token: a job running in the cluster environment's GitHub environment. */
export function applySubject(github: GitHubSettings, environment: Environment): string {
  return `repo:${github.owner}/${github.repository}:environment:${applyEnvironmentName(environment)}`;
}
