/** The hand-written file of every cluster, by convention. */
export const CLUSTERS_DIR = 'clusters';
export const CLUSTER_FILE = 'cluster.yaml';

export function clusterFolder(name: string): string {
  return `${CLUSTERS_DIR}/${name}`;
}

/**
 * Where the units owned by an AWS account live, not by any cluster: `clusters/_accounts/<accountId>/`. Inside
 * clusters/ so that they include the same `clusters/root.hcl`, and named with `_`, which no cluster name (a DNS
 * label) can start with.
 */
export const ACCOUNTS_DIR = `${CLUSTERS_DIR}/_accounts`;

export function accountFolder(accountId: string): string {
  return `${ACCOUNTS_DIR}/${accountId}`;
}

/** Folders the generator writes into; it never writes or deletes anything outside them. */
export const OUTPUT_ROOTS = [CLUSTERS_DIR] as const;
