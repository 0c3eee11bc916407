import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { editDistance } from '../generator/config/problems';
import { didYouMean, didYouMeanSuffix } from '../generator/instances/did-you-mean';
import { instanceTable, instanceTypes, type InstanceTable } from '../generator/instances/instance-table';
import { clusterSpecSchema, type ClusterSpec } from '../generator/model/cluster-spec';
import { familiesOf, needsEfa, nodePoolInstanceProblems } from '../generator/platform/node-pool-instances';
import { usesEfa } from '../platform/karpenter-node-pools';

const REPO = join(__dirname, '..');
const types = [...instanceTypes().keys()];
const families = [...familiesOf(instanceTypes()).keys()];

/** prod-use1's cluster.yaml, parsed, with `edit` applied to its raw mapping first. */
function cluster(edit: (raw: Record<string, any>) => void = () => {}): ClusterSpec {
  const raw = parse(readFileSync(join(REPO, 'clusters/prod-use1/cluster.yaml'), 'utf-8'));
  edit(raw);
  return clusterSpecSchema.parse(raw);
}
const messages = (spec: ClusterSpec, table?: InstanceTable) =>
  nodePoolInstanceProblems(spec, table).map((p) => `${p.path!.join('.')}: ${p.message}`);

describe('did you mean', () => {
  it('finds a truncated instance type by its prefix, and a misspelt one by edit distance', () => {
    expect(didYouMean('trn2.48xl', types)).toEqual(['trn2.48xlarge']);
    expect(didYouMean('p5.48x', types)).toEqual(['p5.48xlarge']);
    expect(didYouMean('p5.48xlrage', types)).toEqual(['p5.48xlarge']); // two letters swapped: one edit
    expect(didYouMean('g6e.12xlarg', types)).toEqual(['g6e.12xlarge']);
    expect(didYouMean('m6i.2xlarge', types)).toEqual(['m6i.4xlarge', 'm6i.xlarge']); // ties all given
  });

  it('corrects a family by at most one edit when it is short, and leaves a name far from all alone', () => {
    expect(didYouMean('g6ee', families)).toEqual(['g6e']);
    expect(didYouMean('trn1m', families)).toEqual(['trn1', 'trn1n']);
    expect(didYouMean('p4dn', families)).toEqual(['g4dn', 'p4d', 'p4de']); // each one edit away
    expect(didYouMean('g7x', families)).toEqual([]);
    expect(didYouMean('h100.8xlarge', types)).toEqual([]);
    expect(didYouMeanSuffix('trn2.48xl', types)).toBe('; did you mean "trn2.48xlarge"?');
    expect(didYouMeanSuffix('g7x', families)).toBe('');
  });

  it('measures the optimal string alignment distance', () => {
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('p5', 'p5')).toBe(0);
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('g5', 'g6e')).toBe(2);
    expect(editDistance('trn2.48xl', 'trn2.48xlarge')).toBe(4);
  });
});

describe('node pool instance checks', () => {
  it('pass the example cluster', () => {
    expect(messages(cluster())).toEqual([]);
  });

  it('the EFA rule: the P-family training types need EFA, g6e.48xlarge (a family with EFA-less sizes) does not', () => {
    const all = familiesOf(instanceTypes());
    const needing = [...instanceTypes()].filter(([n, t]) => needsEfa(n, t, all)).map(([n]) => n);
    expect(needing).toEqual([
      'p4d.24xlarge',
      'p4de.24xlarge',
      'p5.48xlarge',
      'p5e.48xlarge',
      'p5en.48xlarge',
      'p6-b200.48xlarge',
    ]);
  });

  it('refuses a p5 in a cuda pool, a CPU type in a neuron pool and a GPU type in a cpu pool, each at its field', () => {
    const spec = cluster((raw) => {
      raw.nodePools[1].instanceFamilies = undefined;
      raw.nodePools[1].instanceTypes = ['g5.xlarge', 'p5.48xlarge'];
      raw.nodePools[3].instanceTypes = ['m5.xlarge'];
      raw.nodePools[0].instanceTypes = ['g5.xlarge'];
    });
    expect(messages(spec)).toEqual([
      'nodePools.0.instanceTypes.0: expected an instance type without accelerators ' +
        'for a cpu pool, got "g5.xlarge" (1 NVIDIA GPU): use a cuda or cuda-efa pool',
      'nodePools.1.instanceTypes.1: expected an instance type that does not need EFA for ' +
        'a cuda pool, got "p5.48xlarge" (p5.48xlarge has 32 EFA interfaces: its network bandwidth ' +
        'is reached only over EFA, which a cuda pool does not attach): use kind cuda-efa',
      'nodePools.3.instanceTypes.0: expected an instance type with Neuron ' +
        'devices for a neuron pool, got "m5.xlarge" (no accelerator): use a cpu pool',
    ]);
  });

  it('refuses a cuda-efa pool of types without EFA', () => {
    const spec = cluster((raw) => {
      raw.nodePools[2].instanceTypes = ['g5.xlarge'];
    });
    expect(messages(spec)).toEqual([
      'nodePools.2.instanceTypes.0: expected an instance type with EFA for ' +
        'a cuda-efa pool, got "g5.xlarge" (no EFA interfaces): use a cuda pool',
    ]);
  });

  it(
    'refuses Trainium in eu-west-1 once the table records that region ' +
      '(after instances:update), and checks nothing in a region it does not',
    () => {
      const vendored = instanceTable();
      const euWest1 = new Set(types.filter((t) => !t.startsWith('trn')));
      const refreshed: InstanceTable = {
        ...vendored,
        regionsCovered: [...vendored.regionsCovered, 'eu-west-1'].sort(),
        types: new Map(
          [...vendored.types].map(([n, t]) => [
            n,
            {
              ...t,
              regions: euWest1.has(n)
                ? [...(t.regions ?? []), 'eu-west-1'].sort()
                : ['us-east-1', 'us-east-2', 'us-west-2'],
            },
          ]),
        ),
      };
      const inIreland = cluster((raw) => {
        raw.aws.region = 'eu-west-1';
        raw.aws.availabilityZones = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];
        raw.nodePools[2].availabilityZone = 'eu-west-1a';
        raw.nodePools[3].availabilityZone = 'eu-west-1b';
        raw.nodePools.push({ name: 'neuron-defaults', kind: 'neuron' }); // trn1, trn1n, trn2 and inf2: inf2 is offered
        raw.nodePools.push({ name: 'trainium', kind: 'neuron', instanceFamilies: ['trn1', 'trn2'] });
      });
      expect(messages(inIreland, refreshed)).toEqual([
        'nodePools.3.instanceTypes.0: expected an instance type offered in eu-west-1 ' +
          '(aws.region), got "trn1.32xlarge" (offered in us-east-1, us-east-2, us-west-2)',
        'nodePools.3.instanceTypes.1: expected an instance type offered in eu-west-1 ' +
          '(aws.region), got "trn1n.32xlarge" (offered in us-east-1, us-east-2, us-west-2)',
        'nodePools.7.instanceFamilies.0: expected an instance family offered in ' +
          'eu-west-1 (aws.region), got "trn1" (offered in us-east-1, us-east-2, us-west-2)',
        'nodePools.7.instanceFamilies.1: expected an instance family offered in ' +
          'eu-west-1 (aws.region), got "trn2" (offered in us-east-1, us-east-2, us-west-2)',
      ]);
      // the vendored table does not cover eu-west-1: unknown there, so not refused
      expect(vendored.regionsCovered).not.toContain('eu-west-1');
      expect(messages(inIreland)).toEqual([]);
    },
  );

  it('refuses a pool of default families none of which is offered in the region', () => {
    const table = instanceTable();
    const nowhere: InstanceTable = {
      ...table,
      types: new Map([...table.types].map(([n, t]) => [n, n.startsWith('g') ? { ...t, regions: ['us-west-2'] } : t])),
    };
    const spec = cluster((raw) => {
      raw.nodePools[1].instanceFamilies = undefined; // cuda defaults: g5, g6, g6e
    });
    expect(messages(spec, nowhere)).toEqual([
      'nodePools.1.kind: expected instanceFamilies or instanceTypes offered in us-east-1 ' +
        '(aws.region): none of the default families of a cuda pool (g5, g6, g6e) is offered there',
    ]);
  });

  it(
    'arm64 (Graviton) pools: Graviton types and families ' +
      'only, x86-64 ones refused, and Graviton refused elsewhere',
    () => {
      const spec = cluster((raw) => {
        // default families: all Graviton
        raw.nodePools.push({ name: 'graviton-default', kind: 'cpu', architecture: 'arm64' });
        raw.nodePools.push({
          name: 'graviton-types',
          kind: 'cpu',
          architecture: 'arm64',
          instanceTypes: ['m7g.xlarge', 'm6i.xlarge'],
        });
        raw.nodePools.push({
          name: 'graviton-families',
          kind: 'cpu',
          architecture: 'arm64',
          instanceFamilies: ['c7g', 'c6i'],
        });
        raw.nodePools[0].instanceFamilies = ['m6i', 'm7g'];
      });
      expect(messages(spec)).toEqual([
        'nodePools.0.instanceFamilies.1: expected an instance family of amd64 (x86-64) for a cpu pool, ' +
          'got "m7g" (arm64, AWS Graviton): set architecture: arm64 on a cpu pool to run Graviton nodes',
        'nodePools.7.instanceTypes.1: expected an instance type of arm64 (AWS ' +
          'Graviton) for a cpu pool, got "m6i.xlarge" (amd64): the pool\'s architecture ' +
          'is arm64; use a Graviton family such as m7g, c7g, r7g, m8g, c8g, r8g',
        'nodePools.8.instanceFamilies.1: expected an instance family of arm64 ' +
          '(AWS Graviton) for a cpu pool, got "c6i" (amd64): the pool\'s architecture ' +
          'is arm64; use a Graviton family such as m7g, c7g, r7g, m8g, c8g, r8g',
      ]);
      const graviton = spec.nodePools.find((p) => p.name === 'graviton-default')!;
      expect(graviton.instanceFamilies).toEqual(['m7g', 'c7g', 'r7g', 'm8g', 'c8g', 'r8g']);
      expect(graviton.taints).toEqual([{ key: 'mlops-fleet.io/arch', value: 'arm64', effect: 'NoSchedule' }]);
      // every default Graviton family is in the table, as arm64
      const all = familiesOf(instanceTypes());
      for (const family of graviton.instanceFamilies) {
        expect(all.get(family)?.every(([, t]) => t.architecture === 'arm64')).toBe(true);
      }
    },
  );

  it('a Neuron pool that passes launches only known types, so its EFA security-group selector stays', () => {
    const spec = cluster();
    const neuron = spec.nodePools.find((p) => p.kind === 'neuron')!;
    expect(usesEfa(neuron)).toBe(true);
    // the misspelling that used to drop the selector is now refused before anything is rendered
    const misspelt = cluster((raw) => {
      raw.nodePools[3].instanceTypes = ['trn2.48xl'];
    });
    expect(usesEfa(misspelt.nodePools[3])).toBe(false);
    expect(messages(misspelt)).toEqual([
      'nodePools.3.instanceTypes.0: "trn2.48xl" is not an instance type the fleet ' +
        'knows (vendor/data/ec2-instance-types.json); did you mean "trn2.48xlarge"?',
    ]);
  });
});
