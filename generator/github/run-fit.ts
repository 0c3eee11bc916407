import type { Fit } from './run-preview';
import type { NodePool, Team } from '../model/cluster-spec';
import { gibibytes as gib } from '../model/quantity';

/** What a run asks for: its nodes and what each node's pods request. */
export interface RunDemand {
  readonly nodes: number;
  /** vCPUs requested per node. */
  readonly cpu?: number;
  /** Memory requested per node, as a Kubernetes quantity (`64Gi`). */
  readonly memory?: string;
  /** `nvidia.com/gpu` per node. */
  readonly gpu?: number;
  /** `aws.amazon.com/neuron` per node. */
  readonly neuron?: number;
  /** The node type it asks for, if any. */
  readonly instanceType?: string | null;
}

/** Accelerators of an instance type (`vendor/data/ec2-instance-types.json`: gpus, neuronDevices). */
export interface InstanceCapacity {
  readonly vcpu: number;
  readonly memoryGiB: number;
  readonly gpus: number;
  readonly neuronDevices: number;
}

const RESOURCES = [
  { key: 'cpu', label: 'vCPU' },
  { key: 'memory', label: 'memory' },
  { key: 'gpu', label: 'nvidia.com/gpu' },
  { key: 'neuron', label: 'aws.amazon.com/neuron' },
] as const;

/** Whether the run's total requests fit the team's quotas (a quota not set is no limit). */
export function quotaFit(team: Team, demand: RunDemand): Fit {
  return compare(`team ${team.name}'s quota`, team.quotas, demand);
}

/**
 * Whether the run fits the node pool: its total within the pool's limits, its instance type one the pool may
 * launch, and each node's accelerators within what one instance of that type has.
 */
export function poolFit(
  pool: NodePool,
  demand: RunDemand,
  instanceTypes: Readonly<Record<string, InstanceCapacity>>,
): Fit {
  const type = demand.instanceType;
  if (type) {
    const allowed = pool.instanceTypes.length
      ? pool.instanceTypes.includes(type)
      : pool.instanceFamilies.includes(type.split('.')[0]);
    if (!allowed) {
      const offer = pool.instanceTypes.length
        ? `types ${pool.instanceTypes.join(', ')}`
        : `families ${pool.instanceFamilies.join(', ')}`;
      return { fits: false, reason: `pool ${pool.name} launches ${offer}, not ${type}` };
    }
    const capacity = instanceTypes[type];
    if (capacity) {
      if ((demand.gpu ?? 0) > capacity.gpus) {
        return { fits: false, reason: `${demand.gpu} nvidia.com/gpu per node, ${type} has ${capacity.gpus}` };
      }
      if ((demand.neuron ?? 0) > capacity.neuronDevices) {
        return {
          fits: false,
          reason: `${demand.neuron} aws.amazon.com/neuron per node, ${type} has ${capacity.neuronDevices}`,
        };
      }
      if ((demand.cpu ?? 0) > capacity.vcpu) {
        return { fits: false, reason: `${demand.cpu} vCPU per node, ${type} has ${capacity.vcpu}` };
      }
    }
  }
  return compare(`pool ${pool.name}'s limits`, pool.limits, demand);
}

function compare(what: string, limits: Team['quotas'], demand: RunDemand): Fit {
  const parts: string[] = [];
  for (const { key, label } of RESOURCES) {
    const perNode = key === 'memory' ? (demand.memory ? gib(demand.memory) : undefined) : demand[key];
    if (!perNode) continue;
    const total = perNode * demand.nodes;
    const limit = limits[key];
    if (limit === undefined) continue;
    const limitValue = typeof limit === 'string' ? gib(limit) : limit;
    const show = (v: number) => (key === 'memory' ? `${round(v)}Gi` : String(round(v)));
    if (total > limitValue) {
      return { fits: false, reason: `${show(total)} ${label} asked, more than the ${show(limitValue)} of ${what}` };
    }
    parts.push(`${show(total)} of ${show(limitValue)} ${label}`);
  }
  return {
    fits: true,
    reason: parts.length ? `${parts.join(', ')} (${what})` : `${what} sets no limit on what it asks`,
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
