import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { instanceTypes } from '../generator/instances/instance-table';
import {
  EXACT_SEARCH_MAX_REPLICAS,
  nodeCapacity,
  packingCost,
  packModels,
  type ModelDemand,
  type NodeCapacity,
  type Packing,
  type PackingOptions,
} from '../generator/workloads/packing';

const KEYS = ['cpu', 'memory', 'neuronCores', 'gpus'] as const;

function pack(models: readonly ModelDemand[], capacity: NodeCapacity, options?: PackingOptions): Packing {
  const result = packModels(models, capacity, options);
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('\n'));
  return result.packing;
}

/** Each node as the replicas on it, `name/index`. */
const layout = (packing: Packing) => packing.nodes.map((n) => n.replicas.map((r) => `${r.model}/${r.replica}`));

const need = (m: ModelDemand) => [m.cpu, m.memory, m.neuronCores ?? 0, m.gpus ?? 0];

/**
 * The fewest nodes, found by trying every partition of the replicas into nodes (each replica into every node so far
 * or a new one), cut only where a partial packing already has as many nodes as the best found: no bound, ordering or
 * symmetry of the module's search. For a handful of replicas.
 */
function bruteForceMinimum(models: readonly ModelDemand[], capacity: NodeCapacity, spread: boolean): number {
  const items = models.flatMap((m) => Array.from({ length: m.replicas }, () => m));
  const cap = KEYS.map((k) => capacity[k]);
  const nodes: { left: number[]; names: string[] }[] = [];
  let best = Infinity;
  const go = (i: number) => {
    if (nodes.length >= best) return;
    if (i === items.length) {
      best = nodes.length;
      return;
    }
    const n = need(items[i]);
    for (const node of [...nodes, undefined]) {
      const target = node ?? { left: [...cap], names: [] };
      if (n.some((x, k) => x > target.left[k]) || (spread && target.names.includes(items[i].name))) continue;
      if (!node) nodes.push(target);
      n.forEach((x, k) => (target.left[k] -= x));
      target.names.push(items[i].name);
      go(i + 1);
      target.names.pop();
      n.forEach((x, k) => (target.left[k] += x));
      if (!node) nodes.pop();
    }
  };
  go(0);
  return best;
}

/** Every replica placed once, every node within its capacity with `left` what remains, spread kept. */
function expectValid(packing: Packing, models: readonly ModelDemand[]) {
  const seen = packing.nodes.flatMap((n) => n.replicas.map((r) => `${r.model}/${r.replica}`)).sort();
  const expected = models.flatMap((m) => Array.from({ length: m.replicas }, (_, i) => `${m.name}/${i}`)).sort();
  expect(seen).toEqual(expected);
  const byName = new Map(models.map((m) => [m.name, m]));
  for (const node of packing.nodes) {
    expect(node.replicas.length).toBeGreaterThan(0);
    KEYS.forEach((key, k) => {
      const used = node.replicas.reduce((sum, r) => sum + need(byName.get(r.model)!)[k], 0);
      expect(node.left[key]).toBe(packing.capacity[key] - used);
      expect(node.left[key]).toBeGreaterThanOrEqual(0);
    });
    if (packing.spread) {
      const names = node.replicas.map((r) => r.model);
      expect(new Set(names).size).toBe(names.length);
    }
  }
  expect(packing.nodes.length).toBeGreaterThanOrEqual(packing.lowerBound);
  expect(packing.nodes.length).toBeLessThanOrEqual(packing.firstFitNodes);
}

/** A node of 1000 millicores and ample memory: the packing is one-dimensional in cpu. */
const CPU_ONLY: NodeCapacity = { instanceType: 'test.cpu', cpu: 1000, memory: 1_000_000, neuronCores: 0, gpus: 0 };

/**
 * A classic instance where first fit decreasing is not optimal: sizes .44, .44, .29, .29, .27, .27 of a node. It
 * puts the two .44 together (.88, no room for a .29 or a .27), the .29s and one .27 on a second node (.85) and the
 * last .27 on a third; two nodes of .44 + .29 + .27 = 1.00 hold them all, and the total 2.00 needs at least two.
 */
const FFD_TRAP: ModelDemand[] = [
  { name: 'a', replicas: 2, cpu: 440, memory: 1 },
  { name: 'b', replicas: 2, cpu: 290, memory: 1 },
  { name: 'c', replicas: 2, cpu: 270, memory: 1 },
];

describe('packModels: first fit decreasing and the exact search', () => {
  it('finds the two-node packing first fit decreasing misses, and proves it', () => {
    const packing = pack(FFD_TRAP, CPU_ONLY, { spread: false });
    expect(packing.firstFitNodes).toBe(3);
    expect(packing.lowerBound).toBe(2);
    expect(packing.nodes.length).toBe(2);
    expect(packing.optimal).toBe(true);
    expect(packing.searchSteps).toBeGreaterThan(0);
    expect(layout(packing)).toEqual([
      ['a/0', 'b/0', 'c/0'],
      ['a/1', 'b/1', 'c/1'],
    ]);
    expect(packing.nodes.map((n) => n.left.cpu)).toEqual([0, 0]);
    expect(bruteForceMinimum(FFD_TRAP, CPU_ONLY, false)).toBe(2);
    expectValid(packing, FFD_TRAP);
  });

  it('does the same with six models of one replica each', () => {
    const single = FFD_TRAP.flatMap((m) => [0, 1].map((i) => ({ ...m, name: `${m.name}${i}`, replicas: 1 })));
    const packing = pack(single, CPU_ONLY);
    expect([packing.firstFitNodes, packing.nodes.length, packing.optimal]).toEqual([3, 2, true]);
    expect(bruteForceMinimum(single, CPU_ONLY, true)).toBe(2);
  });

  it('without spread, finds an optimum where replicas of one model share a node', () => {
    // .4, .4, .3, .3, .3, .3: first fit decreasing .8, then .9 and a last .3 alone; two nodes of .4 + .3 + .3
    const models: ModelDemand[] = [
      { name: 'a', replicas: 2, cpu: 400, memory: 1 },
      { name: 'b', replicas: 4, cpu: 300, memory: 1 },
    ];
    const packing = pack(models, CPU_ONLY, { spread: false });
    expect([packing.firstFitNodes, packing.nodes.length, packing.optimal]).toEqual([3, 2, true]);
    expect(layout(packing)).toEqual([
      ['a/0', 'b/0', 'b/1'],
      ['a/1', 'b/2', 'b/3'],
    ]);
    expect(bruteForceMinimum(models, CPU_ONLY, false)).toBe(2);
  });

  it('tries every node a replica fits, not only the first', () => {
    // a node of 8 cpu, 1 MiB, 2 NeuronCores; by dominant share b (the memory), a (7/8 cpu), then d and f (1 core each)
    const capacity: NodeCapacity = { instanceType: 'test.node', cpu: 8, memory: 1, neuronCores: 2, gpus: 0 };
    const models: ModelDemand[] = [
      { name: 'a', replicas: 1, cpu: 7, memory: 0 },
      { name: 'b', replicas: 1, cpu: 2, memory: 1, neuronCores: 1 },
      { name: 'd', replicas: 3, cpu: 1, memory: 0, neuronCores: 1 },
      { name: 'f', replicas: 3, cpu: 2, memory: 0, neuronCores: 1 },
    ];
    const packing = pack(models, capacity);
    // 7 NeuronCores need 4 nodes; first fit puts d/0 beside b, where f/0 needed its core, and uses 5
    expect([packing.lowerBound, packing.firstFitNodes, packing.nodes.length, packing.optimal]).toEqual([4, 5, 4, true]);
    expect(layout(packing)).toEqual([
      ['b/0', 'f/0'],
      ['a/0', 'd/0'],
      ['d/1', 'f/1'],
      ['d/2', 'f/2'],
    ]);
    expect(bruteForceMinimum(models, capacity, true)).toBe(4);
    expectValid(packing, models);
  });

  it('with spread, first fit decreasing already finds two nodes here (the .44s may not share one)', () => {
    const packing = pack(FFD_TRAP, CPU_ONLY);
    expect([packing.firstFitNodes, packing.nodes.length, packing.searchSteps, packing.optimal]).toEqual([
      2,
      2,
      0,
      true,
    ]);
  });

  it('proves an optimum above the lower bound: three replicas of .6 need three nodes, not ceil(1.8) = 2', () => {
    const models = ['x', 'y', 'z'].map((name) => ({ name, replicas: 1, cpu: 600, memory: 1 }));
    const packing = pack(models, CPU_ONLY);
    expect([packing.lowerBound, packing.firstFitNodes, packing.nodes.length, packing.optimal]).toEqual([2, 3, 3, true]);
    expect(packing.searchSteps).toBeGreaterThan(0);
  });

  it('keeps the best packing found when the search hits its limit, and says it is not proven', () => {
    const packing = pack(FFD_TRAP, CPU_ONLY, { spread: false, searchLimit: 1 });
    expect([packing.firstFitNodes, packing.nodes.length, packing.optimal]).toEqual([3, 3, false]);
    expectValid(packing, FFD_TRAP);
  });

  it(`searches up to ${EXACT_SEARCH_MAX_REPLICAS} replicas`, () => {
    // eight of each: .44 pairs on four nodes, the .29s 3 + 3 + 2, the .27s 1 + 3 + 3 + 1: ten; eight of .44 + .29 + .27
    const eight = FFD_TRAP.map((m) => ({ ...m, replicas: 8 }));
    const packing = pack(eight, CPU_ONLY, { spread: false });
    expect([packing.lowerBound, packing.firstFitNodes, packing.nodes.length, packing.optimal]).toEqual([
      8,
      10,
      8,
      true,
    ]);
    expect(layout(packing)).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => [`a/${i}`, `b/${i}`, `c/${i}`]));
  });

  it(`does not search above ${EXACT_SEARCH_MAX_REPLICAS} replicas`, () => {
    // nine of each: .44 pair up on four nodes (.88) and one (.44); the .29s go .44 + .29 (.73), 3 + 3 + 2 on three
    // more; the .27s: .73 + .27 (1.00), .58 + .27 (.85), 3 + 3 on two more, the last alone: 11 nodes, the bound 9
    const nine = FFD_TRAP.map((m) => ({ ...m, replicas: 9 }));
    const packing = pack(nine, CPU_ONLY, { spread: false });
    expect([packing.lowerBound, packing.firstFitNodes, packing.nodes.length]).toEqual([9, 11, 11]);
    expect([packing.searchSteps, packing.optimal]).toEqual([0, false]);
    expectValid(packing, nine);
  });
});

describe('packModels: spread', () => {
  const small: ModelDemand[] = [
    { name: 'a', replicas: 3, cpu: 100, memory: 100 },
    { name: 'b', replicas: 2, cpu: 100, memory: 100 },
  ];

  it('puts replicas of one model on different nodes, adding nodes for them', () => {
    const packing = pack(small, CPU_ONLY);
    expect(packing.lowerBound).toBe(3);
    expect(layout(packing)).toEqual([['a/0', 'b/0'], ['a/1', 'b/1'], ['a/2']]);
    expect(packing.optimal).toBe(true);
  });

  it('lets them share a node with spread: false', () => {
    const packing = pack(small, CPU_ONLY, { spread: false });
    expect(packing.lowerBound).toBe(1);
    expect(layout(packing)).toEqual([['a/0', 'a/1', 'a/2', 'b/0', 'b/1']]);
  });
});

describe('packModels: refusals', () => {
  const inf2 = nodeCapacity('inf2.xlarge', instanceTypes().get('inf2.xlarge')!);
  const g5 = nodeCapacity('g5.xlarge', instanceTypes().get('g5.xlarge')!);
  const refusals = (models: ModelDemand[], capacity: NodeCapacity, options?: PackingOptions) => {
    const result = packModels(models, capacity, options);
    if (result.ok) throw new Error('expected problems');
    return result.problems.map((p) => `${p.field}: ${p.message}`);
  };

  it('refuses a replica no node holds, naming the model, the resource, its need and the allocatable', () => {
    expect(refusals([{ name: 'bert-large', replicas: 2, cpu: 2000, memory: 40960, neuronCores: 1 }], inf2)).toEqual([
      'models[0].memory: model "bert-large" needs 40960 MiB memory per replica; ' +
        'an inf2.xlarge node has 14162 MiB allocatable',
    ]);
    expect(
      refusals(
        [
          { name: 'ok', replicas: 1, cpu: 100, memory: 100 },
          { name: 'llama', replicas: 1, cpu: 5000, memory: 1024, neuronCores: 4, gpus: 1 },
        ],
        inf2,
      ),
    ).toEqual([
      'models[1].cpu: model "llama" needs 5000m cpu per replica; an inf2.xlarge node has 3920m allocatable',
      'models[1].neuronCores: model "llama" needs 4 NeuronCores (aws.amazon.com/neuroncore) per replica; ' +
        'an inf2.xlarge node has 2 allocatable',
      'models[1].gpus: model "llama" needs 1 GPU (nvidia.com/gpu) per replica; an inf2.xlarge node has 0 allocatable',
    ]);
    expect(
      refusals([{ name: 'sd', replicas: 1, cpu: 100, memory: 100, gpus: 2 }], g5, { at: ['spec', 'models'] }),
    ).toEqual([
      'spec.models[0].gpus: model "sd" needs 2 GPUs (nvidia.com/gpu) per replica; a g5.xlarge node has 1 allocatable',
    ]);
  });

  it('refuses fewer than one replica, a model listed twice, part of an accelerator, and no request at all', () => {
    expect(
      refusals(
        [
          { name: 'a', replicas: 0, cpu: 100, memory: 100 },
          { name: 'b', replicas: 1.5, cpu: 100, memory: 100 },
          { name: 'a', replicas: 1, cpu: 100, memory: 100 },
          { name: 'c', replicas: 1, cpu: 100, memory: 100, neuronCores: 0.5 },
          { name: 'd', replicas: 1, cpu: 0, memory: 0 },
          { name: 'e', replicas: 1, cpu: -1, memory: 100 },
        ],
        inf2,
      ),
    ).toEqual([
      'models[0].replicas: model "a" has 0 replicas; expected a whole number, at least 1',
      'models[1].replicas: model "b" has 1.5 replicas; expected a whole number, at least 1',
      'models[2].name: model "a" is listed twice (models[0] and models[2]); list each model once, with its replicas',
      'models[3].neuronCores: model "c" asks for 0.5 neuronCores; expected a whole number of NeuronCores: ' +
        'sharing a NeuronCore or GPU between replicas is not supported',
      'models[4].cpu: model "d" requests no cpu, memory, NeuronCores or GPUs; give what a replica needs',
      'models[5].cpu: model "e" asks for -1 cpu; expected a whole number of millicores',
    ]);
  });

  it('gives the problems the path of the field, for the caller to find its line', () => {
    const result = packModels([{ name: 'a', replicas: 0, cpu: 1, memory: 1 }], inf2);
    expect(result.ok ? [] : result.problems).toEqual([
      {
        path: ['models', 0, 'replicas'],
        field: 'models[0].replicas',
        message: 'model "a" has 0 replicas; expected a whole number, at least 1',
      },
    ]);
  });
});

describe('packModels: determinism', () => {
  const models: ModelDemand[] = [
    { name: 'resnet', replicas: 3, cpu: 900, memory: 3000, gpus: 1 },
    { name: 'bert', replicas: 2, cpu: 1200, memory: 2000 },
    { name: 'tiny', replicas: 4, cpu: 300, memory: 300 },
    // the same dominant share as bert (.3 of cpu): the name decides
    { name: 'albert', replicas: 2, cpu: 1200, memory: 500 },
  ];
  const capacity: NodeCapacity = { instanceType: 'test.gpu', cpu: 4000, memory: 16000, neuronCores: 0, gpus: 2 };

  it('gives the same packing for the same models, in any order', () => {
    const first = pack(models, capacity);
    expectValid(first, models);
    expect(pack(models, capacity)).toEqual(first);
    fc.assert(
      fc.property(
        fc.shuffledSubarray(models, { minLength: models.length, maxLength: models.length }),
        fc.boolean(),
        (shuffled, spread) => {
          expect(pack(shuffled, capacity, { spread })).toEqual(pack(models, capacity, { spread }));
        },
      ),
      { seed: 20260720, numRuns: 50 },
    );
  });
});

describe('packModels on inf2.xlarge (vendored instance table)', () => {
  const inf2 = instanceTypes().get('inf2.xlarge')!;
  const capacity = nodeCapacity('inf2.xlarge', inf2);
  const price = inf2.onDemandUsdPerHour!['us-east-1']!;
  const models: ModelDemand[] = [
    { name: 'bert-base', replicas: 6, cpu: 1000, memory: 2048, neuronCores: 1 },
    { name: 'distilbert', replicas: 4, cpu: 500, memory: 1024 },
  ];
  // dominant shares: bert-base 1 of 2 NeuronCores; distilbert 500 of 3920 millicores
  const bert = 0.5;
  const distil = 500 / 3920;

  it('reads the allocatable cpu and memory, NeuronCores and GPUs of the table', () => {
    expect(capacity).toEqual({ instanceType: 'inf2.xlarge', cpu: 3920, memory: 14162, neuronCores: 2, gpus: 0 });
    expect(price).toBe(0.7582);
  });

  it('with spread, one bert-base a node: six nodes, the distilberts beside the first four', () => {
    const packing = pack(models, capacity);
    // bound: NeuronCores 6/2 = 3, cpu 8000/3920 -> 3, memory 16384/14162 -> 2, spread: 6 replicas of bert-base
    expect([packing.lowerBound, packing.nodes.length, packing.optimal]).toEqual([6, 6, true]);
    expect(layout(packing)).toEqual([
      ['bert-base/0', 'distilbert/0'],
      ['bert-base/1', 'distilbert/1'],
      ['bert-base/2', 'distilbert/2'],
      ['bert-base/3', 'distilbert/3'],
      ['bert-base/4'],
      ['bert-base/5'],
    ]);
    expect(packing.nodes[0].left).toEqual({ cpu: 2420, memory: 11090, neuronCores: 1, gpus: 0 });
    expect(packing.nodes[0].replicas.map((r) => r.share)).toEqual([bert, distil]);
    expectValid(packing, models);

    const cost = packingCost(packing, price);
    expect(cost.nodes).toBe(6);
    expect(cost.usdPerHour).toBeCloseTo(6 * 0.7582, 10);
    expect(cost.onePerNode).toEqual({ nodes: 10, usdPerHour: 10 * 0.7582 });
    const shared = 0.7582 / (bert + distil);
    expect(cost.models.map((m) => m.model)).toEqual(['bert-base', 'distilbert']);
    expect(cost.models[0].usdPerHour).toBeCloseTo(4 * bert * shared + 2 * 0.7582, 10);
    expect(cost.models[1].usdPerHour).toBeCloseTo(4 * distil * shared, 10);
    expect(cost.models.map((m) => [m.replicas, m.onePerNodeUsdPerHour])).toEqual([
      [6, 6 * 0.7582],
      [4, 4 * 0.7582],
    ]);
    expect(cost.models[0].usdPerHour + cost.models[1].usdPerHour).toBeCloseTo(cost.usdPerHour, 10);
  });

  it('without spread, two bert-base a node: three nodes, the distilberts where cpu is left', () => {
    const packing = pack(models, capacity, { spread: false });
    // bert-bases fill each node's two NeuronCores; 2000m + 3 x 500m = 3500m of 3920m, a fourth would be 4000m
    expect([packing.lowerBound, packing.nodes.length, packing.optimal]).toEqual([3, 3, true]);
    expect(layout(packing)).toEqual([
      ['bert-base/0', 'bert-base/1', 'distilbert/0', 'distilbert/1', 'distilbert/2'],
      ['bert-base/2', 'bert-base/3', 'distilbert/3'],
      ['bert-base/4', 'bert-base/5'],
    ]);
    expect(packing.nodes.map((n) => n.left)).toEqual([
      { cpu: 420, memory: 14162 - 4096 - 3072, neuronCores: 0, gpus: 0 },
      { cpu: 1420, memory: 14162 - 4096 - 1024, neuronCores: 0, gpus: 0 },
      { cpu: 1920, memory: 14162 - 4096, neuronCores: 0, gpus: 0 },
    ]);
    const cost = packingCost(packing, price);
    expect([cost.nodes, cost.onePerNode.nodes]).toEqual([3, 10]);
    expect(cost.usdPerHour).toBeCloseTo(3 * 0.7582, 10);
    const first = 0.7582 / (2 * bert + 3 * distil);
    const second = 0.7582 / (2 * bert + distil);
    expect(cost.models[0].usdPerHour).toBeCloseTo(2 * bert * first + 2 * bert * second + 0.7582, 10);
    expect(cost.models[1].usdPerHour).toBeCloseTo(3 * distil * first + distil * second, 10);
  });

  it('refuses a table entry without allocatable', () => {
    const { karpenterAllocatableAL2023: _, ...bare } = inf2 as unknown as Record<string, unknown>;
    expect(() => nodeCapacity('inf2.xlarge', bare as unknown as typeof inf2)).toThrow(
      'the instance table has no karpenterAllocatableAL2023 cpu and memory for inf2.xlarge',
    );
  });
});

describe('packModels: properties', () => {
  /** A node of small amounts, so that few replicas fill it, and models that each fit an empty node. */
  const instance = fc
    .record({
      cpu: fc.integer({ min: 1, max: 12 }),
      memory: fc.integer({ min: 1, max: 12 }),
      neuronCores: fc.integer({ min: 0, max: 4 }),
      gpus: fc.integer({ min: 0, max: 2 }),
    })
    .chain((capacity) =>
      fc.record({
        capacity: fc.constant({ instanceType: 'test.node', ...capacity }),
        models: fc.uniqueArray(
          fc.record({
            name: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
            replicas: fc.integer({ min: 1, max: 4 }),
            cpu: fc.integer({ min: 1, max: capacity.cpu }),
            memory: fc.integer({ min: 0, max: capacity.memory }),
            neuronCores: fc.integer({ min: 0, max: capacity.neuronCores }),
            gpus: fc.integer({ min: 0, max: capacity.gpus }),
          }),
          { minLength: 1, maxLength: 6, selector: (m) => m.name },
        ),
        spread: fc.boolean(),
      }),
    );

  it('respects capacity and spread, never beats the lower bound, and its cost adds up', () => {
    fc.assert(
      fc.property(instance, ({ capacity, models, spread }) => {
        const packing = pack(models, capacity, { spread });
        expectValid(packing, models);
        const cost = packingCost(packing, 2);
        expect(cost.models.reduce((sum, m) => sum + m.usdPerHour, 0)).toBeCloseTo(cost.usdPerHour, 9);
      }),
      { seed: 1, numRuns: 300 },
    );
  });

  it('finds the optimum a brute force finds, and says so, for up to 8 replicas', () => {
    fc.assert(
      fc.property(
        instance.filter(({ models }) => models.reduce((sum, m) => sum + m.replicas, 0) <= 8),
        ({ capacity, models, spread }) => {
          const packing = pack(models, capacity, { spread });
          expect(packing.nodes.length).toBe(bruteForceMinimum(models, capacity, spread));
          expect(packing.optimal).toBe(true);
        },
      ),
      { seed: 2, numRuns: 300 },
    );
  });
});
