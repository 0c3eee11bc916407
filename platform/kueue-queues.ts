import { usesEfa } from './karpenter-node-pools';
import {
  ClusterQueue,
  ClusterQueueSpecPreemptionReclaimWithinCohort,
  ClusterQueueSpecPreemptionWithinClusterQueue,
  ClusterQueueSpecQueueingStrategy,
  ClusterQueueSpecResourceGroupsFlavorsResourcesBorrowingLimit as BorrowingLimit,
  ClusterQueueSpecResourceGroupsFlavorsResourcesNominalQuota as NominalQuota,
  type ClusterQueueSpecResourceGroupsFlavors,
  type ClusterQueueSpecResourceGroupsFlavorsResources,
} from '../generator/imports/kueue-clusterqueue-kueue.x-k8s.io';
import { LocalQueue } from '../generator/imports/kueue-localqueue-kueue.x-k8s.io';
import { ResourceFlavor } from '../generator/imports/kueue-resourceflavor-kueue.x-k8s.io';
import { WorkloadPriorityClass } from '../generator/imports/kueue-workloadpriorityclass-kueue.x-k8s.io';
import type { InstanceType } from '../generator/instances/instance-table';
import type { ClusterSpec, NodePool, Team } from '../generator/model/cluster-spec';
import { LABELS, MANAGED_BY, type K8sObject } from '../generator/model/k8s-object';
import { EFA_RESOURCE, NODEPOOL_LABEL, poolTolerations } from '../generator/model/platform-names';
import { gibibytes } from '../generator/model/quantity';
import { poolInstanceTypes } from '../generator/platform/instance-types';
import { GPU_RESOURCE, NEURON_RESOURCE } from '../generator/teams/team-namespace';

/**
 * Kueue priorities of the teams' runs (`kueue.x-k8s.io/priority-class: <name>`); a team's default is its `priority`.
 */
export const PRIORITY_CLASSES = { low: 100, medium: 1000, high: 10000 } as const;

type Resource = 'cpu' | 'memory' | typeof GPU_RESOURCE | typeof NEURON_RESOURCE | typeof EFA_RESOURCE;

/**
 * The cluster's Kueue objects: a ResourceFlavor per Karpenter NodePool, a ClusterQueue per team in the
 * cluster's cohort, a LocalQueue in each team namespace, and the WorkloadPriorityClasses.
 *
 * Quotas: each pool's capacity (its NodePool limits, or what its instance types give for the limits it
 * has) is shared among the teams in proportion to their quotas, so that no pool gives out more than it has
 * and no team gets more than its quota in all; a team may borrow idle capacity in the cohort up to its quota. A team
 * without a quota for a resource has no guaranteed share but may borrow; a quota of 0 keeps it off that resource.
 */
export function kueueObjects(cluster: ClusterSpec): K8sObject[] {
  const labels = { [LABELS.managedBy]: MANAGED_BY, [LABELS.cluster]: cluster.name };
  const objects: K8sObject[] = [];
  for (const [name, value] of Object.entries(PRIORITY_CLASSES)) {
    objects.push(
      WorkloadPriorityClass.manifest({ metadata: { name, labels }, value, description: `${name} priority runs` }),
    );
  }
  for (const pool of cluster.nodePools) {
    objects.push(
      ResourceFlavor.manifest({
        metadata: { name: pool.name, labels },
        spec: {
          nodeLabels: { [NODEPOOL_LABEL]: pool.name },
          ...(pool.taints.length ? { tolerations: poolTolerations(pool) } : {}),
        },
      }),
    );
  }
  const covered = coveredResources(cluster.nodePools);
  const capacity = new Map(cluster.nodePools.map((pool) => [pool.name, poolCapacity(pool)]));
  for (const team of cluster.teams) {
    objects.push(
      ClusterQueue.manifest({
        metadata: { name: team.name, labels: { ...labels, [LABELS.team]: team.name } },
        spec: {
          cohortName: cluster.name,
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': team.namespace } },
          queueingStrategy: ClusterQueueSpecQueueingStrategy.BEST_EFFORT_FIFO,
          preemption: {
            reclaimWithinCohort: ClusterQueueSpecPreemptionReclaimWithinCohort.ANY,
            withinClusterQueue: ClusterQueueSpecPreemptionWithinClusterQueue.LOWER_PRIORITY,
          },
          resourceGroups: cluster.nodePools.length
            ? [
                {
                  coveredResources: covered,
                  flavors: cluster.nodePools.map((pool): ClusterQueueSpecResourceGroupsFlavors => ({
                    name: pool.name,
                    resources: covered.map((resource) => teamQuota(cluster, team, pool, resource, capacity)),
                  })),
                },
              ]
            : [],
        },
      }),
    );
    objects.push(
      LocalQueue.manifest({
        metadata: { name: team.name, namespace: team.namespace, labels: { ...labels, [LABELS.team]: team.name } },
        spec: { clusterQueue: team.name },
      }),
    );
  }
  return objects;
}

function coveredResources(pools: readonly NodePool[]): Resource[] {
  const out: Resource[] = ['cpu', 'memory'];
  if (pools.some((p) => p.kind === 'cuda' || p.kind === 'cuda-efa')) out.push(GPU_RESOURCE);
  if (pools.some((p) => p.kind === 'neuron')) out.push(NEURON_RESOURCE);
  if (pools.some(usesEfa)) out.push(EFA_RESOURCE);
  return out;
}

/**
 * Upper bound of each resource a pool can provide; Infinity when neither its limits nor its instance types bound it.
 */
export function poolCapacity(pool: NodePool): Record<Resource, number> {
  const types = poolInstanceTypes(pool).map(([, t]) => t);
  const accelerator = (t: InstanceType) =>
    pool.kind === 'neuron' ? t.neuronDevices : pool.kind === 'cpu' ? 0 : t.gpus;
  // the most of `what` per vCPU any of the pool's types offers bounds it by the CPU limit
  const perCpu = (what: (t: InstanceType) => number) => Math.max(0, ...types.map((t) => what(t) / t.vcpu));
  const cpu = pool.limits.cpu ?? Infinity;
  const memory =
    pool.limits.memory !== undefined ? gibibytes(pool.limits.memory) : cpu * (perCpu((t) => t.memoryGiB) || Infinity);
  const acceleratorLimit = pool.kind === 'neuron' ? pool.limits.neuron : pool.kind === 'cpu' ? 0 : pool.limits.gpu;
  const accelerators = acceleratorLimit ?? (types.length ? Math.floor(cpu * perCpu(accelerator)) : Infinity);
  const efaPerAccelerator = Math.max(0, ...types.map((t) => (accelerator(t) ? t.efaInterfaces / accelerator(t) : 0)));
  // 0 x Infinity (a zero limit and no instance data) is no capacity, not NaN
  const known = (n: number) => (Number.isNaN(n) ? 0 : n);
  return {
    cpu: cpu,
    memory: known(Math.floor(memory)),
    [GPU_RESOURCE]: pool.kind === 'cuda' || pool.kind === 'cuda-efa' ? known(accelerators) : 0,
    [NEURON_RESOURCE]: pool.kind === 'neuron' ? known(accelerators) : 0,
    [EFA_RESOURCE]: usesEfa(pool) ? known(Math.floor(accelerators * efaPerAccelerator)) : 0,
  } as Record<Resource, number>;
}

/** The resources a team's quota can name, with the name of the quota field. */
const QUOTA_FIELDS: readonly (readonly [Resource, 'cpu' | 'memory' | 'gpu' | 'neuron'])[] = [
  ['cpu', 'cpu'],
  ['memory', 'memory'],
  [GPU_RESOURCE as Resource, 'gpu'],
  [NEURON_RESOURCE as Resource, 'neuron'],
];

const QUOTA_UNITS = { cpu: ' CPUs', memory: 'Gi of memory', gpu: ' GPUs', neuron: ' Neuron devices' } as const;

/** A quota the pools cannot honour: at `path` in cluster.yaml. */
export interface QuotaProblem {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/**
 * The rule for quotas, applied in the open: a team's quota is a guarantee (its ClusterQueue's nominal quota), so
 * the teams' quotas of a resource together may not exceed what the cluster's pools can ever hold (their limits, or
 * what their instance types give under their CPU limits). A team may still borrow what the cohort has idle. Pools
 * without a bound (no limits, no known types) are not checked. One problem per team over it, naming both numbers.
 */
export function quotaProblems(cluster: ClusterSpec): QuotaProblem[] {
  const problems: QuotaProblem[] = [];
  const capacities = cluster.nodePools.map((pool) => poolCapacity(pool));
  for (const [resource, field] of QUOTA_FIELDS) {
    const total = capacities.reduce((sum, c) => sum + c[resource], 0);
    if (!Number.isFinite(total)) continue;
    const asked = cluster.teams.map((team) => teamAmount(team, resource) ?? 0);
    const sum = asked.reduce((a, b) => a + b, 0);
    if (sum <= total) continue;
    const amount = (n: number) => `${n}${QUOTA_UNITS[field]}`;
    const others = cluster.teams.length > 1 ? ` (all teams together: ${amount(sum)})` : '';
    cluster.teams.forEach((team, i) => {
      if (!asked[i]) return;
      problems.push({
        path: ['teams', i, 'quotas', field],
        message:
          `team ${team.name} is guaranteed ${amount(asked[i])}${others}, ` +
          `but the node pools hold at most ${amount(total)}: ` +
          "lower the quotas (a team may borrow idle capacity beyond its quota) or raise the pools' limits",
      });
    });
  }
  return problems;
}

interface Share {
  readonly nominal: number;
  /** Undefined: may borrow whatever the cohort has idle. */
  readonly borrowing: number | undefined;
}

function teamQuota(
  cluster: ClusterSpec,
  team: Team,
  pool: NodePool,
  resource: Resource,
  capacity: Map<string, Record<Resource, number>>,
): ClusterQueueSpecResourceGroupsFlavorsResources {
  const { nominal, borrowing } = teamShare(cluster, team, pool, resource, capacity);
  const format = (n: number) => (resource === 'memory' ? `${n}Gi` : String(n));
  return {
    name: resource,
    nominalQuota: NominalQuota.fromString(format(nominal)),
    ...(borrowing === undefined ? {} : { borrowingLimit: BorrowingLimit.fromString(format(borrowing)) }),
  };
}

function teamShare(
  cluster: ClusterSpec,
  team: Team,
  pool: NodePool,
  resource: Resource,
  capacity: Map<string, Record<Resource, number>>,
): Share {
  const cap = capacity.get(pool.name)![resource];
  if (resource === EFA_RESOURCE) {
    // EFA interfaces come with the accelerators: the same share of the pool as the team's accelerators
    const accelerator = pool.kind === 'neuron' ? NEURON_RESOURCE : GPU_RESOURCE;
    const share = teamShare(cluster, team, pool, accelerator, capacity);
    const acceleratorCap = capacity.get(pool.name)![accelerator];
    if (!Number.isFinite(cap) || !Number.isFinite(acceleratorCap) || acceleratorCap === 0) {
      return { nominal: 0, borrowing: share.borrowing === 0 ? 0 : undefined };
    }
    const nominal = Math.floor((cap * share.nominal) / acceleratorCap);
    return { nominal, borrowing: share.borrowing === 0 ? 0 : cap - nominal };
  }
  const own = teamAmount(team, resource);
  if (cap === 0 || own === 0) return { nominal: 0, borrowing: 0 };
  if (own === undefined) return { nominal: 0, borrowing: undefined };
  // split so that neither a team's shares add up to more than its quota, nor a pool's to more than the pool:
  // n(team, pool) = quota(team) * capacity(pool) / max(sum of capacities, sum of quotas)
  const capacities = [...capacity.values()].map((c) => c[resource]).filter((c) => c > 0);
  const quotas = cluster.teams.reduce((sum, t) => sum + (teamAmount(t, resource) ?? 0), 0);
  const nominal = capacities.every(Number.isFinite)
    ? Math.floor(
        (own * cap) /
          Math.max(
            capacities.reduce((a, b) => a + b, 0),
            quotas,
          ),
      )
    : Math.floor(own / capacities.length); // some pool is unbounded: the team's quota spread over the pools
  return { nominal, borrowing: Math.max(0, own - nominal) };
}

function teamAmount(team: Team, resource: Resource): number | undefined {
  switch (resource) {
    case 'cpu':
      return team.quotas.cpu;
    case 'memory':
      return team.quotas.memory === undefined ? undefined : Math.floor(gibibytes(team.quotas.memory));
    case GPU_RESOURCE:
      return team.quotas.gpu;
    case NEURON_RESOURCE:
      return team.quotas.neuron;
    default:
      return undefined;
  }
}
