import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REPO } from './support/fleet';
import { loadFleet } from '../generator/config/load-fleet';
import { poolFit, quotaFit, type InstanceCapacity } from '../generator/github/run-fit';
import type { ClusterSpec } from '../generator/model/cluster-spec';
import { gibibytes as gib } from '../generator/model/quantity';
import { INSTANCE_TABLE } from '../generator/model/vendor-files';
import { PLATFORM_MODULES } from '../platform';

const fleet = loadFleet(REPO, { moduleNames: PLATFORM_MODULES.map((m) => m.name) });
if (!fleet.ok) throw new Error('the example fleet does not load');
const prod = fleet.clusters.find((c) => c.spec.name === 'prod-use1')!.spec as ClusterSpec;
const team = (name: string) => prod.teams.find((t) => t.name === name)!;
const pool = (name: string) => prod.nodePools.find((p) => p.name === name)!;
const instances = (
  JSON.parse(readFileSync(INSTANCE_TABLE, 'utf-8')) as { instanceTypes: Record<string, InstanceCapacity> }
).instanceTypes;

describe('quotaFit', () => {
  it('sums the requests of every node against the team quota of cluster.yaml', () => {
    expect(
      quotaFit(team('llm-training'), { nodes: 2, gpu: 8, cpu: 96, memory: '1000Gi', instanceType: 'p5.48xlarge' }),
    ).toEqual({
      fits: true,
      reason: "192 of 1024 vCPU, 2000Gi of 8192Gi memory, 16 of 64 nvidia.com/gpu (team llm-training's quota)",
    });
    expect(quotaFit(team('llm-training'), { nodes: 16, gpu: 8 })).toEqual({
      fits: false,
      reason: "128 nvidia.com/gpu asked, more than the 64 of team llm-training's quota",
    });
    expect(quotaFit(team('llm-training'), { nodes: 1, neuron: 2 })).toEqual({
      fits: true,
      reason: "team llm-training's quota sets no limit on what it asks",
    });
    expect(quotaFit(team('inference'), { nodes: 1, neuron: 2 })).toEqual({
      fits: true,
      reason: "2 of 8 aws.amazon.com/neuron (team inference's quota)",
    });
  });
});

describe('poolFit', () => {
  it(
    'checks the instance type against the pool, the accelerators ' +
      'against the instance, the total against the limits',
    () => {
      expect(poolFit(pool('cuda-efa'), { nodes: 4, gpu: 8, instanceType: 'p5.48xlarge' }, instances)).toEqual({
        fits: true,
        reason: "32 of 64 nvidia.com/gpu (pool cuda-efa's limits)",
      });
      expect(poolFit(pool('cuda-efa'), { nodes: 1, gpu: 8, instanceType: 'g5.48xlarge' }, instances)).toEqual({
        fits: false,
        reason: 'pool cuda-efa launches types p5.48xlarge, p4d.24xlarge, not g5.48xlarge',
      });
      expect(poolFit(pool('cuda'), { nodes: 1, gpu: 8, instanceType: 'g5.12xlarge' }, instances)).toEqual({
        fits: false,
        reason: '8 nvidia.com/gpu per node, g5.12xlarge has 4',
      });
      expect(poolFit(pool('neuron'), { nodes: 8, neuron: 16, instanceType: 'trn1.32xlarge' }, instances)).toEqual({
        fits: false,
        reason: "128 aws.amazon.com/neuron asked, more than the 64 of pool neuron's limits",
      });
    },
  );

  it('reads memory quantities', () => {
    expect([gib('512Gi'), gib('1Ti'), gib('2048Mi')]).toEqual([512, 1024, 2]);
    expect(() => gib('lots')).toThrow('expected a memory quantity such as 64Gi, got "lots"');
  });
});
