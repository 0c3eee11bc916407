/**
 * Packing a set of small models onto one node pool's instance type: several models per node, so a set of models uses
 * whole instances instead of one instance a model.
 *
 * Method. Each replica is an item whose size is its request of cpu (millicores), memory (MiB), NeuronCores and GPUs,
 * and each node a bin of the instance type's allocatable amounts of the four (a multi-dimensional bin packing). The
 * replicas are placed by first fit decreasing: ordered by their dominant share (the largest fraction of any one
 * resource of a node they request), largest first, ties broken by model name and replica index so the same models
 * always give the same packing; each goes to the first node, in the order they were opened, where every resource
 * fits (and, with `spread`, that holds no replica of its model), else to a new node. The lower bound is the largest,
 * over the resources, of the total request divided by a node's allocatable, rounded up, and with `spread` at least the
 * replicas of the model that has the most. When first fit decreasing needs more nodes than that and there are at most
 * {@link EXACT_SEARCH_MAX_REPLICAS} replicas, a depth-first branch and bound search places the replicas in the same
 * order into each node they fit or one new node, cuts a branch once the nodes it has opened plus the nodes its
 * remaining requests need beyond the room left cannot beat the best packing found, and treats replicas of one model
 * and open nodes with the same room left as interchangeable. It stops at the lower bound or after
 * {@link SEARCH_LIMIT} steps; `optimal` says the node count was proven least (it equals the lower bound, or the search
 * ended without hitting its limit), not that a better packing exists when it is false.
 *
 * Out of scope: a model that shares one NeuronCore or GPU with another (fractional accelerators, the Neuron runtime's
 * or a GPU's time-slicing): a replica asks for whole NeuronCores or GPUs, as the device plugins hand them out. Node
 * overhead beyond the instance table's allocatable (DaemonSet pods) is the caller's to take off the capacity.
 */
import type { ServingProblem } from './serving-checks';
import { fieldPath } from '../config/problems';
import type { InstanceType } from '../instances/instance-table';
import { ACCELERATOR_RESOURCES, parseQuantity } from '../recipes/instance-types';

/** The replicas above which the exact search is not tried: first fit decreasing's packing is kept as it is. */
export const EXACT_SEARCH_MAX_REPLICAS = 24;
/** Steps (placements tried) the exact search may take before it keeps the best packing it has found. */
export const SEARCH_LIMIT = 200_000;

/** Amounts of the four resources a packing counts. */
export interface Resources {
  /** Millicores. */
  readonly cpu: number;
  /** MiB. */
  readonly memory: number;
  /** `aws.amazon.com/neuroncore`. */
  readonly neuronCores: number;
  /** `nvidia.com/gpu`. */
  readonly gpus: number;
}

/** What one node offers its pods: its allocatable amounts, and the instance type it is, for messages. */
export interface NodeCapacity extends Resources {
  readonly instanceType: string;
}

/** One model of the set: what each replica requests (measured), and how many replicas serve it. */
export interface ModelDemand {
  readonly name: string;
  readonly replicas: number;
  /** Millicores per replica. */
  readonly cpu: number;
  /** MiB per replica. */
  readonly memory: number;
  /** Whole NeuronCores per replica. */
  readonly neuronCores?: number;
  /** Whole GPUs per replica. */
  readonly gpus?: number;
}

export interface PackingOptions {
  /** Replicas of one model never share a node (default true): a node lost takes one replica of a model, not all. */
  readonly spread?: boolean;
  /** Where the models list is in its file, for the problems' paths (default `['models']`). */
  readonly at?: readonly PropertyKey[];
  /** Steps the exact search may take (default {@link SEARCH_LIMIT}). */
  readonly searchLimit?: number;
}

export interface PlacedReplica {
  readonly model: string;
  /** 0-based, as a StatefulSet numbers its pods. */
  readonly replica: number;
  /** Its dominant share: the largest fraction of one resource of the node it requests. */
  readonly share: number;
}

export interface PackedNode {
  /** Sorted by model name, then replica. */
  readonly replicas: readonly PlacedReplica[];
  /** The node's allocatable less what its replicas request. */
  readonly left: Resources;
}

export interface Packing {
  readonly capacity: NodeCapacity;
  readonly spread: boolean;
  readonly nodes: readonly PackedNode[];
  /** No packing uses fewer nodes (see the method at the top of this file). */
  readonly lowerBound: number;
  /** The node count is proven least: it equals the lower bound, or the exact search ended within its limit. */
  readonly optimal: boolean;
  /** Nodes first fit decreasing used, before the exact search. */
  readonly firstFitNodes: number;
  /** Steps the exact search took; 0 when it did not run. */
  readonly searchSteps: number;
}

export type PackingResult = { ok: true; packing: Packing } | { ok: false; problems: ServingProblem[] };

/** The resources in the order of the vectors below; the accelerators' names are the device plugins'. */
const RESOURCES: readonly {
  readonly key: keyof Resources;
  /** What a request counts, for "expected a whole number of ...". */
  readonly unit: string;
  /** A request as the messages write it. */
  readonly need: (n: number) => string;
  /** An allocatable amount as the messages write it. */
  readonly has: (n: number) => string;
}[] = [
  { key: 'cpu', unit: 'millicores', need: (n) => `${n}m cpu`, has: (n) => `${n}m` },
  { key: 'memory', unit: 'MiB', need: (n) => `${n} MiB memory`, has: (n) => `${n} MiB` },
  accelerator('neuronCores', 'aws.amazon.com/neuroncore'),
  accelerator('gpus', 'nvidia.com/gpu'),
];

function accelerator(key: 'neuronCores' | 'gpus', resource: string): (typeof RESOURCES)[number] {
  const what = ACCELERATOR_RESOURCES.find((r) => r.resource === resource)!.what;
  const count = (n: number) => `${n} ${n === 1 ? what.replace(/s$/, '') : what}`;
  return { key, unit: what, need: (n) => `${count(n)} (${resource})`, has: (n) => String(n) };
}

/**
 * A node of `name`, from the instance table: cpu and memory are the table's `karpenterAllocatableAL2023` (Karpenter's
 * allocatable for AL2023 nodes: capacity less kube-reserved and the eviction threshold), NeuronCores and GPUs the
 * instance's own counts (the device plugins advertise all of them), read through the facts placement.ts checks pods
 * against (`ACCELERATOR_RESOURCES`). Throws when the entry has no allocatable: the vendored table is broken.
 */
export function nodeCapacity(name: string, type: InstanceType): NodeCapacity {
  const allocatable = type.karpenterAllocatableAL2023;
  const cpu = allocatable ? Math.round(parseQuantity(allocatable.cpu) * 1000) : NaN;
  const memory = allocatable ? Math.floor(parseQuantity(allocatable.memory) / 2 ** 20) : NaN;
  if (!Number.isFinite(cpu) || !Number.isFinite(memory)) {
    throw new Error(
      `the instance table has no karpenterAllocatableAL2023 cpu and memory for ${name}; ` +
        `refresh it with "npx projen instances:update"`,
    );
  }
  const fact = (resource: string) => type[ACCELERATOR_RESOURCES.find((r) => r.resource === resource)!.fact];
  return {
    instanceType: name,
    cpu,
    memory,
    neuronCores: fact('aws.amazon.com/neuroncore'),
    gpus: fact('nvidia.com/gpu'),
  };
}

/** A replica to place: its model (by its rank in name order), index, request vector and dominant share. */
interface Item {
  readonly model: number;
  readonly replica: number;
  readonly need: readonly number[];
  readonly share: number;
}

/**
 * Packs the replicas of `models` onto nodes of `capacity` (the method is at the top of this file). Refuses, as
 * problems at the models' fields, a model listed twice, a count that is not a whole number (replicas at least 1), a
 * model that requests nothing, and a replica that no empty node holds.
 */
export function packModels(
  models: readonly ModelDemand[],
  capacity: NodeCapacity,
  options: PackingOptions = {},
): PackingResult {
  const spread = options.spread ?? true;
  const problems = modelProblems(models, capacity, options.at ?? ['models']);
  if (problems.length) return { ok: false, problems };

  const cap = RESOURCES.map((r) => capacity[r.key]);
  const sorted = [...models].sort((a, b) => compare(a.name, b.name));
  const items: Item[] = [];
  sorted.forEach((m, model) => {
    const need = vector(m);
    const share = Math.max(...need.map((n, k) => (cap[k] > 0 ? n / cap[k] : 0)));
    for (let replica = 0; replica < m.replicas; replica++) items.push({ model, replica, need, share });
  });
  items.sort((a, b) => b.share - a.share || a.model - b.model || a.replica - b.replica);

  const totals = cap.map((_, k) => items.reduce((sum, item) => sum + item.need[k], 0));
  const lowerBound = Math.max(
    0,
    ...totals.map((total, k) => (cap[k] > 0 ? Math.ceil(total / cap[k]) : 0)),
    ...sorted.map((m) => (spread ? m.replicas : 1)),
  );

  let assignment = firstFitDecreasing(items, cap, spread);
  const firstFitNodes = assignment.reduce((most, j) => Math.max(most, j + 1), 0);
  let nodeCount = firstFitNodes;
  let optimal = nodeCount === lowerBound;
  let searchSteps = 0;
  if (!optimal && items.length <= EXACT_SEARCH_MAX_REPLICAS) {
    const found = branchAndBound(items, cap, spread, nodeCount, lowerBound, options.searchLimit ?? SEARCH_LIMIT);
    searchSteps = found.steps;
    if (found.assignment) {
      assignment = found.assignment;
      nodeCount = found.nodes;
    }
    optimal = found.complete || nodeCount === lowerBound;
  }

  const nodes = Array.from({ length: nodeCount }, () => ({ replicas: [] as PlacedReplica[], left: [...cap] }));
  items.forEach((item, i) => {
    const node = nodes[assignment[i]];
    node.replicas.push({ model: sorted[item.model].name, replica: item.replica, share: item.share });
    item.need.forEach((n, k) => (node.left[k] -= n));
  });
  return {
    ok: true,
    packing: {
      capacity,
      spread,
      nodes: nodes.map((node) => ({
        replicas: node.replicas.sort((a, b) => compare(a.model, b.model) || a.replica - b.replica),
        left: resources(node.left),
      })),
      lowerBound,
      optimal,
      firstFitNodes,
      searchSteps,
    },
  };
}

function modelProblems(models: readonly ModelDemand[], capacity: NodeCapacity, at: readonly PropertyKey[]) {
  const problems: ServingProblem[] = [];
  const add = (i: number, key: string, message: string) => {
    const path = [...at, i, key];
    problems.push({ path, field: fieldPath(path), message });
  };
  const seen = new Map<string, number>();
  models.forEach((m, i) => {
    const first = seen.get(m.name);
    if (first !== undefined) {
      add(
        i,
        'name',
        `model "${m.name}" is listed twice (${fieldPath([...at, first])} and ${fieldPath([...at, i])}); ` +
          'list each model once, with its replicas',
      );
    }
    seen.set(m.name, first ?? i);
    if (!Number.isInteger(m.replicas) || m.replicas < 1) {
      add(i, 'replicas', `model "${m.name}" has ${m.replicas} replicas; expected a whole number, at least 1`);
    }
    const need = vector(m);
    let valid = true;
    RESOURCES.forEach((r, k) => {
      if (Number.isInteger(need[k]) && need[k] >= 0) return;
      valid = false;
      const sharing = k >= 2 ? ': sharing a NeuronCore or GPU between replicas is not supported' : '';
      add(i, r.key, `model "${m.name}" asks for ${need[k]} ${r.key}; expected a whole number of ${r.unit}${sharing}`);
    });
    if (!valid) return;
    if (need.every((n) => n === 0)) {
      add(i, 'cpu', `model "${m.name}" requests no cpu, memory, NeuronCores or GPUs; give what a replica needs`);
      return;
    }
    // an instance type is read out letter by letter: an inf2, an m7g, a g5, a trn1
    const a = /^[aefhilmnorsx]/i.test(capacity.instanceType) ? 'an' : 'a';
    RESOURCES.forEach((r, k) => {
      if (need[k] <= capacity[r.key]) return;
      add(
        i,
        r.key,
        `model "${m.name}" needs ${r.need(need[k])} per replica; ` +
          `${a} ${capacity.instanceType} node has ${r.has(capacity[r.key])} allocatable`,
      );
    });
  });
  return problems;
}

/** Node index of each item, nodes numbered in the order they were opened. */
function firstFitDecreasing(items: readonly Item[], cap: readonly number[], spread: boolean): number[] {
  const nodes: { left: number[]; models: Set<number> }[] = [];
  return items.map((item) => {
    let j = nodes.findIndex((node) => fits(node.left, item.need) && !(spread && node.models.has(item.model)));
    if (j < 0) {
      j = nodes.length;
      nodes.push({ left: [...cap], models: new Set() });
    }
    nodes[j].models.add(item.model);
    item.need.forEach((n, k) => (nodes[j].left[k] -= n));
    return j;
  });
}

/**
 * Depth-first search for a packing of fewer than `upper` nodes. Items go in their first-fit order, where the replicas
 * of a model come one after another. Replica r+1 of a model goes to a node after replica r's (at or after it without
 * spread): that drops the orderings of identical replicas, and with spread it is the rule itself, since no node from
 * there on holds the model. So no open node it may go to holds a model still to come or its own (with spread), and of
 * the open nodes with the same room only the first is tried. A new node is opened only while the count stays below
 * the best. `complete` is false when the search stopped at its step limit.
 */
function branchAndBound(
  items: readonly Item[],
  cap: readonly number[],
  spread: boolean,
  upper: number,
  lowerBound: number,
  limit: number,
): { assignment?: number[]; nodes: number; steps: number; complete: boolean } {
  const n = items.length;
  const dims = cap.length;
  // what the items from i on request in total, and how many replicas of item i's model are still to place
  const rest = Array.from({ length: n + 1 }, () => new Array<number>(dims).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let k = 0; k < dims; k++) rest[i][k] = rest[i + 1][k] + items[i].need[k];
  const toPlace = items.map((item, i) => items.slice(i).filter((other) => other.model === item.model).length);

  const left: number[][] = [];
  const placed = new Array<number>(dims).fill(0);
  const at = new Array<number>(n).fill(-1);
  let best = upper;
  let bestAssignment: number[] | undefined;
  let steps = 0;
  let stopped = false;

  const search = (i: number): void => {
    if (++steps > limit) {
      stopped = true;
      return;
    }
    const open = left.length;
    if (i === n) {
      best = open;
      bestAssignment = [...at];
      return;
    }
    let more = 0;
    for (let k = 0; k < dims; k++) {
      const short = rest[i][k] - (open * cap[k] - placed[k]);
      if (short > 0) more = Math.max(more, Math.ceil(short / cap[k]));
    }
    const item = items[i];
    const previous = i > 0 && items[i - 1].model === item.model ? at[i - 1] : -1;
    const start = previous < 0 ? 0 : spread ? previous + 1 : previous;
    if (spread) more = Math.max(more, toPlace[i] - (open - start));
    if (open + more >= best) return;

    const place = (j: number) => {
      at[i] = j;
      for (let k = 0; k < dims; k++) {
        left[j][k] -= item.need[k];
        placed[k] += item.need[k];
      }
      search(i + 1);
      for (let k = 0; k < dims; k++) {
        left[j][k] += item.need[k];
        placed[k] -= item.need[k];
      }
      at[i] = -1;
    };
    const tried = new Set<string>();
    for (let j = start; j < open; j++) {
      const key = left[j].join(',');
      if (!fits(left[j], item.need) || tried.has(key)) continue;
      tried.add(key);
      place(j);
      if (stopped || best === lowerBound) return;
    }
    if (open + 1 < best) {
      left.push([...cap]);
      place(open);
      left.pop();
    }
  };
  search(0);
  return { assignment: bestAssignment, nodes: best, steps, complete: !stopped };
}

function fits(left: readonly number[], need: readonly number[]): boolean {
  return need.every((n, k) => n <= left[k]);
}

function vector(m: ModelDemand): number[] {
  return [m.cpu, m.memory, m.neuronCores ?? 0, m.gpus ?? 0];
}

function resources(v: readonly number[]): Resources {
  return { cpu: v[0], memory: v[1], neuronCores: v[2], gpus: v[3] };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface ModelCost {
  readonly model: string;
  readonly replicas: number;
  /** Its part of the packed nodes' cost. */
  readonly usdPerHour: number;
  /** Its replicas on a node each. */
  readonly onePerNodeUsdPerHour: number;
}

export interface PackingCost {
  readonly nodes: number;
  readonly usdPerHour: number;
  /** The set with each replica on a node of its own: one node a replica. */
  readonly onePerNode: { readonly nodes: number; readonly usdPerHour: number };
  /** By model name. */
  readonly models: readonly ModelCost[];
}

/**
 * What the packed set costs at `usdPerHour` a node (the instance's on-demand price), against one replica a node. A
 * node's price is split among its replicas in proportion to their dominant shares, so the room no replica uses is
 * paid by the replicas beside it in the measure they hold the node, and the models' parts add up to the set's cost.
 */
export function packingCost(packing: Packing, usdPerHour: number): PackingCost {
  const byModel = new Map<string, { replicas: number; usdPerHour: number }>();
  for (const node of packing.nodes) {
    const shares = node.replicas.reduce((sum, r) => sum + r.share, 0);
    for (const r of node.replicas) {
      const model = byModel.get(r.model) ?? { replicas: 0, usdPerHour: 0 };
      model.replicas += 1;
      model.usdPerHour += (usdPerHour * r.share) / shares;
      byModel.set(r.model, model);
    }
  }
  const replicas = [...byModel.values()].reduce((sum, m) => sum + m.replicas, 0);
  return {
    nodes: packing.nodes.length,
    usdPerHour: packing.nodes.length * usdPerHour,
    onePerNode: { nodes: replicas, usdPerHour: replicas * usdPerHour },
    models: [...byModel.entries()]
      .sort(([a], [b]) => compare(a, b))
      .map(([model, m]) => ({
        model,
        replicas: m.replicas,
        usdPerHour: m.usdPerHour,
        onePerNodeUsdPerHour: m.replicas * usdPerHour,
      })),
  };
}
