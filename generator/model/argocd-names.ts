import type { ClusterSpec } from './cluster-spec';

/** The API server address Argo CD calls its own cluster by. */
export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

/**
 * Names of the Argo CD objects of one cluster. In a hub Argo CD, many clusters share one `argocd`
 * namespace, so AppProjects carry the cluster's name (`prod-use1-platform`); on an in-cluster Argo CD they
 * are the fleet's conventions (`platform`, `team-<team>`). Applications and ApplicationSets always carry it.
 */
export function platformProject(cluster: ClusterSpec): string {
  return sharesArgocd(cluster) ? `${cluster.name}-platform` : 'platform';
}

/** The hub's Argo CD holds the objects of every cluster of the fleet, its own included. */
export function sharesArgocd(cluster: ClusterSpec): boolean {
  return cluster.argocd.role !== 'standalone';
}

/** The team AppProject's name as an ApplicationSet template writes it, the team taken from the path. */
export function teamProjectPrefix(cluster: ClusterSpec): string {
  return sharesArgocd(cluster) ? `${cluster.name}-team-` : 'team-';
}

export function teamProject(cluster: ClusterSpec, team: string): string {
  return `${teamProjectPrefix(cluster)}${team}`;
}

export function moduleApplication(cluster: ClusterSpec, module: string): string {
  return `${cluster.name}-${module}`;
}

/**
 * Where the cluster's Applications deploy: the hub addresses every cluster by the name of its cluster Secret,
 * itself included (its in-cluster Secret is named after it), so that one template serves the whole fleet.
 */
export function destination(cluster: ClusterSpec): { server: string } | { name: string } {
  return sharesArgocd(cluster) ? { name: cluster.name } : { server: IN_CLUSTER_SERVER };
}
