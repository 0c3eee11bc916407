import { didYouMeanSuffix } from '../instances/did-you-mean';
import { instanceTable, type InstanceTable, type InstanceType } from '../instances/instance-table';
import {
  DEFAULT_ARM64_FAMILIES,
  DEFAULT_INSTANCE_FAMILIES,
  defaultFamilies,
  type ClusterSpec,
  type NodePool,
} from '../model/cluster-spec';
import type { ModuleProblem } from '../model/platform-module';

/**
 * The node pools' instance types and families checked against the vendored instance table
 * (`vendor/data/ec2-instance-types.json`), every problem of every pool at once, each at its field:
 * - every `instanceTypes` entry is a type of the table, every `instanceFamilies` entry a family of one
 *   (a near miss gets a "did you mean");
 * - the types a pool may launch (its types, or the table's sizes of its families) fit its kind: `cuda` and
 *   `cuda-efa` need NVIDIA GPUs, `neuron` Neuron devices, `cpu` neither; `cuda-efa` needs EFA; a type that needs
 *   EFA to reach its bandwidth (see {@link needsEfa}) is refused in a `cuda` pool;
 * - they are offered in the cluster's `aws.region`, when the table records that region's offerings
 *   (`regionsCovered`; a region outside it is unknown, not unavailable).
 * A pool's default families (none written) are the generator's own: only checked to offer something in the region.
 */
export function nodePoolInstanceProblems(
  cluster: ClusterSpec,
  table: InstanceTable = instanceTable(),
): ModuleProblem[] {
  const families = familiesOf(table.types);
  const region = cluster.aws.region;
  const regionKnown = table.regionsCovered.includes(region);
  const problems: ModuleProblem[] = [];
  const add = (path: PropertyKey[], message: string) => problems.push({ field: '', path, message });

  cluster.nodePools.forEach((pool, i) => {
    pool.instanceTypes.forEach((name, j) => {
      const path = ['nodePools', i, 'instanceTypes', j];
      const type = table.types.get(name);
      if (!type) {
        add(
          path,
          `"${name}" is not an instance type the fleet knows ` +
            `(vendor/data/ec2-instance-types.json)` +
            (didYouMeanSuffix(name, table.types.keys()) || `; add it with "npx projen instances:update --add ${name}"`),
        );
        return;
      }
      const misfit = kindMisfit(pool, [[name, type]], families);
      if (misfit) {
        add(path, `expected an instance type ${misfit.wanted} for a ${pool.kind} pool, got "${name}"${misfit.hint}`);
      } else if (regionKnown && type.regions && !type.regions.includes(region)) {
        add(
          path,
          `expected an instance type offered in ${region} (aws.region), got "${name}"${offeredIn(type.regions)}`,
        );
      }
    });

    if (pool.instanceTypes.length > 0) return;
    if (isDefault(pool)) {
      // the kind's default families: refused only when none of them is offered in the region
      if (regionKnown && pool.instanceFamilies.every((f) => notOfferedIn(families.get(f), region))) {
        add(
          ['nodePools', i, 'kind'],
          `expected instanceFamilies or instanceTypes offered in ${region} (aws.region): none of the ` +
            `default families of a ${pool.kind} pool (${pool.instanceFamilies.join(', ')}) is offered there`,
        );
      }
      return;
    }
    pool.instanceFamilies.forEach((family, j) => {
      const path = ['nodePools', i, 'instanceFamilies', j];
      const sizes = families.get(family);
      if (!sizes) {
        // a default family the table has no size of: only its architecture is known
        const arch = DEFAULT_ARM64_FAMILIES.includes(family)
          ? 'arm64'
          : DEFAULT_FAMILY_NAMES.has(family)
            ? 'amd64'
            : undefined;
        if (arch && arch !== pool.architecture) {
          const misfit = architectureMisfit(pool, arch);
          add(
            path,
            `expected an instance family ${misfit.wanted} for a ${pool.kind} pool, got "${family}"${misfit.hint}`,
          );
        }
        if (arch) return;
        const known = [...new Set([...families.keys(), ...DEFAULT_FAMILY_NAMES])].sort();
        add(
          path,
          `"${family}" is not an instance family the fleet knows ` +
            `(${known.join(', ')})${didYouMeanSuffix(family, known)}`,
        );
        return;
      }
      const misfit = kindMisfit(pool, sizes, families);
      if (misfit) {
        add(
          path,
          `expected an instance family ${misfit.wanted} for a ${pool.kind} pool, got "${family}"${misfit.hint}`,
        );
      } else if (regionKnown && notOfferedIn(sizes, region)) {
        const where = [...new Set(sizes.flatMap(([, t]) => t.regions ?? []))].sort();
        add(path, `expected an instance family offered in ${region} (aws.region), got "${family}"${offeredIn(where)}`);
      }
    });
  });
  return problems;
}

const DEFAULT_FAMILY_NAMES = new Set([...Object.values(DEFAULT_INSTANCE_FAMILIES).flat(), ...DEFAULT_ARM64_FAMILIES]);

/** What a pool is told of instances of the other architecture (`found`). */
function architectureMisfit(pool: NodePool, found: 'amd64' | 'arm64'): { wanted: string; hint: string } {
  return pool.architecture === 'arm64'
    ? {
        wanted: 'of arm64 (AWS Graviton)',
        hint:
          ` (${found}): the pool's architecture is arm64; use a ` +
          `Graviton family such as ${DEFAULT_ARM64_FAMILIES.join(', ')}`,
      }
    : {
        wanted: 'of amd64 (x86-64)',
        hint: ` (${found}, AWS Graviton): set architecture: arm64 on a cpu pool to run Graviton nodes`,
      };
}

/** The table's types by family (the part of the name before the dot), in the table's order. */
export function familiesOf(types: ReadonlyMap<string, InstanceType>): Map<string, [string, InstanceType][]> {
  const families = new Map<string, [string, InstanceType][]>();
  for (const [name, type] of types) {
    const family = name.slice(0, name.indexOf('.'));
    families.set(family, [...(families.get(family) ?? []), [name, type]]);
  }
  return families;
}

/**
 * A GPU type that needs EFA to reach its network bandwidth: at least 4 EFA interfaces, in a family whose every
 * size in the table has them. These are the multi-node training types (p4d, p4de: 4 x 100 Gbps; p5, p5e: 32;
 * p5en: 16; p6-b200: 8): their bandwidth is spread over several network cards with one EFA each, and GPUDirect RDMA
 * runs only over EFA; without it NCCL falls back to TCP on the primary interface. g6e.48xlarge (4 EFA) is the one
 * large size of a family made for single-node inference (its other sizes have no EFA), so it stays allowed in a
 * cuda pool. Trainium types need no rule here: a neuron pool attaches EFA whenever its types support it.
 */
export function needsEfa(
  name: string,
  type: InstanceType,
  families: ReadonlyMap<string, [string, InstanceType][]>,
): boolean {
  if (type.gpus === 0 || type.efaInterfaces < 4) return false;
  const sizes = families.get(name.slice(0, name.indexOf('.'))) ?? [[name, type]];
  return sizes.every(([, t]) => t.efaInterfaces >= 4);
}

/** What a pool's kind wants that these types (one type, or a family's sizes) lack, or undefined when they fit. */
function kindMisfit(
  pool: NodePool,
  types: readonly [string, InstanceType][],
  families: ReadonlyMap<string, [string, InstanceType][]>,
): { wanted: string; hint: string } | undefined {
  // one type: its counts ("8 NVIDIA GPUs"); a family: what its sizes have
  const has = (t: InstanceType) => {
    const [count, what] =
      t.gpus > 0
        ? [t.gpus, 'NVIDIA GPUs']
        : t.neuronDevices > 0
          ? [t.neuronDevices, 'Neuron devices']
          : [0, 'no accelerator'];
    return types.length === 1 && count > 0 ? `${count} ${count === 1 ? what.replace(/s$/, '') : what}` : what;
  };
  const kindFor = (t: InstanceType) => (t.gpus > 0 ? 'a cuda or cuda-efa' : t.neuronDevices > 0 ? 'a neuron' : 'a cpu');
  const otherArch = types.find(([, t]) => (t.architecture ?? 'amd64') !== pool.architecture);
  if (otherArch) return architectureMisfit(pool, otherArch[1].architecture ?? 'amd64');
  switch (pool.kind) {
    case 'cpu': {
      const accelerated = types.find(([, t]) => t.gpus > 0 || t.neuronDevices > 0);
      return accelerated
        ? { wanted: 'without accelerators', hint: ` (${has(accelerated[1])}): use ${kindFor(accelerated[1])} pool` }
        : undefined;
    }
    case 'neuron': {
      const lacking = types.find(([, t]) => t.neuronDevices === 0);
      return lacking
        ? { wanted: 'with Neuron devices', hint: ` (${has(lacking[1])}): use ${kindFor(lacking[1])} pool` }
        : undefined;
    }
    case 'cuda':
    case 'cuda-efa': {
      const lacking = types.find(([, t]) => t.gpus === 0);
      if (lacking) {
        return { wanted: 'with NVIDIA GPUs', hint: ` (${has(lacking[1])}): use ${kindFor(lacking[1])} pool` };
      }
      if (pool.kind === 'cuda-efa') {
        // a family fits when some size has EFA: the cuda-efa NodePool keeps only the 100 Gbps+ sizes
        return types.some(([, t]) => t.efaInterfaces > 0)
          ? undefined
          : { wanted: 'with EFA', hint: ' (no EFA interfaces): use a cuda pool' };
      }
      const efa = types.find(([n, t]) => needsEfa(n, t, families));
      return efa
        ? {
            wanted: 'that does not need EFA',
            hint:
              ` (${efa[0]} has ${efa[1].efaInterfaces} EFA interfaces: its network bandwidth ` +
              `is reached only over EFA, which a cuda pool does not attach): use kind cuda-efa`,
          }
        : undefined;
    }
  }
  return undefined;
}

/** True when every size is known not to be offered in the region (a size of unknown offerings may be). */
function notOfferedIn(sizes: readonly [string, InstanceType][] | undefined, region: string): boolean {
  if (!sizes || sizes.length === 0) return false;
  return sizes.every(([, t]) => Array.isArray(t.regions) && !t.regions.includes(region));
}

function offeredIn(regions: readonly string[]): string {
  return regions.length
    ? ` (offered in ${regions.join(', ')})`
    : ' (offered in none of the regions the instance table covers)';
}

/** The pool's families are its kind's defaults (none written; a list equal to the defaults counts as them). */
function isDefault(pool: NodePool): boolean {
  const defaults = defaultFamilies(pool.kind, pool.architecture);
  return (
    pool.instanceFamilies === defaults ||
    (pool.instanceFamilies.length === defaults.length && pool.instanceFamilies.every((f, k) => f === defaults[k]))
  );
}
