import type { ClusterSpec } from './cluster-spec';

/** The API server address Argo CD calls its own cluster by. */
export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

/**
 * Names of the Argo CD objects of one cluster. In a hub Argo CD, many clusters share one `argocd`
 * namespace, so AppProjects carry the cluster's name (`prod-use1-platform`); on an in-cluster Argo CD they
 * are the fleet's conventions (`platform`, `team-<team>`). Applications and ApplicationSets always carry it.
 */
export function platformProject(cluster: ClusterSpec): string {
  return cluster.argocd.destination === 'hub' ? `${cluster.name}-platform` : 'platform';
}

/** The team AppProject's name as an ApplicationSet template writes it, the team taken from the path. */
export function teamProjectPrefix(cluster: ClusterSpec): string {
  return cluster.argocd.destination === 'hub' ? `${cluster.name}-team-` : 'team-';
}

export function teamProject(cluster: ClusterSpec, team: string): string {
  return `${teamProjectPrefix(cluster)}${team}`;
}

export function moduleApplication(cluster: ClusterSpec, module: string): string {
  return `${cluster.name}-${module}`;
}

/** Where the cluster's Applications deploy: the hub addresses a registered cluster by its name. */
export function destination(cluster: ClusterSpec): { server: string } | { name: string } {
  return cluster.argocd.destination === 'hub' ? { name: cluster.name } : { server: IN_CLUSTER_SERVER };
}
