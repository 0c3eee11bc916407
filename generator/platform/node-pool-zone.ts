import type { ClusterSpec, NodePool } from '../model/cluster-spec';

/**
 * The single AZ a pool's nodes are placed in, or undefined for any of the cluster's AZs. EFA and Neuron
 * pools default to the cluster's first AZ: collective traffic between nodes wants them close together.
 */
export function poolZone(cluster: ClusterSpec, pool: NodePool): string | undefined {
  if (pool.availabilityZone) return pool.availabilityZone;
  return pool.kind === 'cuda-efa' || pool.kind === 'neuron' ? cluster.aws.availabilityZones[0] : undefined;
}
