import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { contains, isAligned, overlaps, parseCidr } from './cidr';
import { didYouMean, type Problem } from './problems';
import { validateSource } from './validate';
import { readYamlFile, type YamlSource } from './yaml-source';
import { clusterSpecSchema, type ClusterSpec } from '../model/cluster-spec';
import type { ClusterInput } from '../model/compiled-cluster';
import { partitionOfRegion } from '../model/fleet-hub';
import { CLUSTER_FILE, CLUSTERS_DIR } from '../model/paths';

export interface LoadFleetOptions {
  /** Names of the platform modules that exist, for `modules:` keys. */
  readonly moduleNames: readonly string[];
  /** Directory listing, replaceable so tests can prove the output does not depend on it. */
  readonly readdir?: (dir: string) => string[];
}

/**
 * Every cluster, or every problem; with the problems, the clusters that did load and the name of every cluster
 * folder, so that a caller can go on checking what does not depend on the faulty specs (the recipes).
 */
export type LoadFleetResult =
  | { ok: true; clusters: ClusterInput[] }
  | { ok: false; problems: Problem[]; clusters?: ClusterInput[]; folders?: string[] };

/** Namespaces a team may not take: they belong to Kubernetes, Argo CD or the platform. */
const RESERVED_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

/**
 * Loads every `clusters/<name>/cluster.yaml` under `root`, validates each against the cluster spec
 * and the cross-field rules, and returns the clusters sorted by name, or every problem found.
 * Cluster names are unique because each must equal its folder's name.
 */
export function loadFleet(root: string, options: LoadFleetOptions): LoadFleetResult {
  const readdir = options.readdir ?? ((dir: string) => readdirSync(dir));
  const clustersDir = join(root, CLUSTERS_DIR);
  const problems: Problem[] = [];
  const clusters: ClusterInput[] = [];
  const folders = existsSync(clustersDir)
    ? readdir(clustersDir).filter((entry) => existsSync(join(clustersDir, entry, CLUSTER_FILE)))
    : [];
  for (const folder of [...folders].sort()) {
    if (lstatSync(join(clustersDir, folder)).isSymbolicLink()) {
      problems.push({
        file: `${CLUSTERS_DIR}/${folder}`,
        field: '',
        message: 'is a symbolic link; a cluster folder must be a plain folder inside the repository',
      });
      continue;
    }
    const file = `${CLUSTERS_DIR}/${folder}/${CLUSTER_FILE}`;
    const read = readYamlFile(join(root, file), file, { expected: CLUSTER_FILE_EXPECTED });
    const loaded = read.ok ? loadClusterSource(read.source, folder, options.moduleNames) : read;
    if (loaded.ok) clusters.push(loaded.cluster);
    else problems.push(...loaded.problems);
  }
  // the fleet's Argo CD roles are judged only when every spec loaded: a hub whose file is faulty is not missing
  if (!problems.length) problems.push(...checkHub(clusters));
  return problems.length ? { ok: false, problems, clusters, folders: [...folders].sort() } : { ok: true, clusters };
}

/**
 * One hub per fleet, and every spoke has it: the hub's ApplicationSets select the spokes by their cluster
 * Secrets and read this repository, and its Argo CD reaches each spoke through a role of the spoke's account
 * that trusts the hub's role, which IAM allows only within one partition.
 */
export function checkHub(clusters: readonly ClusterInput[]): Problem[] {
  const problems: Problem[] = [];
  const at = (c: ClusterInput, path: PropertyKey[], message: string) =>
    problems.push({ file: c.file, line: c.lineOf(path), field: path.join('.'), message });
  const hubs = clusters.filter((c) => c.spec.argocd.role === 'hub');
  const hub = hubs[0];
  for (const extra of hubs.slice(1)) {
    at(extra, ['argocd', 'role'], `one hub per fleet: ${hub.spec.name} (${hub.file}) is the hub already`);
  }
  const hubArgocd = hub?.spec.modules.argocd;
  if (hub && (hubArgocd === false || (typeof hubArgocd === 'object' && !hubArgocd.enabled))) {
    at(hub, ['modules', 'argocd'], 'the hub runs the Argo CD of the fleet: remove modules.argocd: false');
  }
  for (const spoke of clusters.filter((c) => c.spec.argocd.role === 'spoke')) {
    const where = spoke.lineOf(['argocd', 'role']) !== undefined ? 'role' : 'destination';
    if (!hub) {
      at(
        spoke,
        ['argocd', where],
        'a spoke needs a hub: set argocd.role: hub on the cluster whose Argo CD manages the fleet',
      );
      continue;
    }
    const [spokePartition, hubPartition] = [
      partitionOfRegion(spoke.spec.aws.region),
      partitionOfRegion(hub.spec.aws.region),
    ];
    if (spokePartition !== hubPartition) {
      at(
        spoke,
        ['aws', 'region'],
        `is in partition ${spokePartition}, the hub ${hub.spec.name} in ${hubPartition}: the hub's Argo CD ` +
          'reaches a spoke through a role of its account that trusts the hub, which IAM allows only within a partition',
      );
    }
    if (spoke.spec.argocd.repoURL !== hub.spec.argocd.repoURL) {
      at(
        spoke,
        ['argocd', 'repoURL'],
        `expected ${hub.spec.argocd.repoURL}, the hub's repository: the hub's ApplicationSets read every ` +
          "spoke's folders from it",
      );
    }
    if (spoke.spec.argocd.namespace !== hub.spec.argocd.namespace) {
      at(
        spoke,
        ['argocd', 'namespace'],
        `expected ${hub.spec.argocd.namespace}, the namespace of the hub's Argo CD, where the spoke's ` +
          'Argo CD objects are applied',
      );
    }
  }
  return problems;
}

export const CLUSTER_FILE_EXPECTED = 'a cluster spec mapping (name, environment, aws, ...)';

/** Validates one parsed cluster file that sits in `clusters/<folder>/`: the schema, then the cross-field rules. */
export function loadClusterSource(
  source: YamlSource,
  folder: string,
  moduleNames: readonly string[],
): { ok: true; cluster: ClusterInput } | { ok: false; problems: Problem[] } {
  const validated = validateSource(source, clusterSpecSchema);
  if (!validated.ok) return validated;
  const problems = checkCluster(validated.value, folder, source, moduleNames);
  if (problems.length) return { ok: false, problems };
  return { ok: true, cluster: { spec: validated.value, file: source.file, lineOf: source.lineOf } };
}

/** Rules that relate fields to each other, which the schema alone cannot say. */
function checkCluster(
  spec: ClusterSpec,
  folder: string,
  source: YamlSource,
  moduleNames: readonly string[],
): Problem[] {
  const problems: Problem[] = [];
  const at = (path: PropertyKey[], field: string, message: string) =>
    problems.push({ file: source.file, line: source.lineOf(path), field, message });

  if (spec.name !== folder) {
    at(['name'], 'name', `expected "${folder}", the name of the cluster's folder, got "${spec.name}"`);
  }

  const azs = spec.aws.availabilityZones;
  azs.forEach((az, i) => {
    if (!az.startsWith(spec.aws.region)) {
      at(
        ['aws', 'availabilityZones', i],
        `aws.availabilityZones[${i}]`,
        `expected an availability zone of ${spec.aws.region}, got "${az}"`,
      );
    }
    if (azs.indexOf(az) !== i) {
      at(['aws', 'availabilityZones', i], `aws.availabilityZones[${i}]`, `"${az}" is listed twice`);
    }
  });

  problems.push(...checkNetwork(spec, source));

  uniqueNames(
    spec.nodePools.map((p) => p.name),
    'nodePools',
    'node pool name',
    at,
  );
  spec.nodePools.forEach((pool, i) => {
    if (pool.architecture === 'arm64' && pool.kind !== 'cpu') {
      at(
        ['nodePools', i, 'architecture'],
        `nodePools[${i}].architecture`,
        `expected amd64 for a ${pool.kind} pool, got "arm64": arm64 (AWS ` +
          `Graviton) pools are cpu pools; the GPU and Neuron pools are x86-64`,
      );
    }
    if (pool.availabilityZone && !azs.includes(pool.availabilityZone)) {
      at(
        ['nodePools', i, 'availabilityZone'],
        `nodePools[${i}].availabilityZone`,
        `expected one of the cluster's availability zones (${azs.join(', ')}), got "${pool.availabilityZone}"`,
      );
    }
  });

  const fsxZone = spec.storage.fsx?.availabilityZone;
  if (fsxZone && !azs.includes(fsxZone)) {
    at(
      ['storage', 'fsx', 'availabilityZone'],
      'storage.fsx.availabilityZone',
      `expected one of the cluster's availability zones (${azs.join(', ')}), got "${fsxZone}"`,
    );
  }
  const fsx = spec.storage.fsx;
  if (fsx?.perUnitStorageThroughput && fsx.deploymentType !== 'PERSISTENT_2') {
    at(
      ['storage', 'fsx', 'perUnitStorageThroughput'],
      'storage.fsx.perUnitStorageThroughput',
      'is only valid with deploymentType PERSISTENT_2',
    );
  }

  for (const name of Object.keys(spec.modules)) {
    if (!moduleNames.includes(name)) {
      const suggestion = didYouMean(name, moduleNames);
      at(
        ['modules', name],
        `modules.${name}`,
        `unknown module` +
          (suggestion
            ? `; did you mean "${suggestion}"?`
            : `; the catalog in platform/ has: ${moduleNames.join(', ')}`),
      );
    }
  }

  uniqueNames(
    spec.teams.map((t) => t.name),
    'teams',
    'team name',
    at,
  );
  // a repeated name already says it; only report namespaces chosen explicitly
  const repeatedNames = new Set(spec.teams.map((t) => t.name).filter((n, i, all) => all.indexOf(n) !== i));
  const namespaces = spec.teams.map((t, i) =>
    t.namespace === t.name && repeatedNames.has(t.name) ? `\0${i}` : t.namespace,
  );
  uniqueNames(namespaces, 'teams', 'namespace', at, 'namespace');
  spec.teams.forEach((team, i) => {
    if (RESERVED_NAMESPACES.has(team.namespace) || team.namespace === spec.argocd.namespace) {
      at(
        ['teams', i, team.namespace === team.name ? 'name' : 'namespace'],
        `teams[${i}].namespace`,
        `"${team.namespace}" is a system namespace; expected a namespace of the team's own`,
      );
    }
  });
  return problems;
}

function checkNetwork(spec: ClusterSpec, source: YamlSource): Problem[] {
  const problems: Problem[] = [];
  const at = (path: PropertyKey[], field: string, message: string) =>
    problems.push({ file: source.file, line: source.lineOf(path), field, message });
  const { vpcCidr, privateSubnets, publicSubnets } = spec.network;
  if (!isAligned(vpcCidr)) {
    at(['network', 'vpcCidr'], 'network.vpcCidr', `expected a network address (no host bits set), got "${vpcCidr}"`);
    return problems;
  }
  const vpc = parseCidr(vpcCidr);
  if (vpc.prefix < 16 || vpc.prefix > 24) {
    at(
      ['network', 'vpcCidr'],
      'network.vpcCidr',
      `expected a prefix from /16 to /24 (what a VPC allows), got /${vpc.prefix}`,
    );
    return problems;
  }
  const azCount = spec.aws.availabilityZones.length;
  const seen: { field: string; cidr: ReturnType<typeof parseCidr> }[] = [];
  for (const [key, subnets] of [
    ['privateSubnets', privateSubnets],
    ['publicSubnets', publicSubnets],
  ] as const) {
    if (!subnets) {
      if (azCount > 3 || vpc.prefix > 20) {
        at(['network'], `network.${key}`, `is required: the default layout fits up to three AZs in a /16 to /20 VPC`);
      }
      continue;
    }
    if (subnets.length !== azCount) {
      at(
        ['network', key],
        `network.${key}`,
        `expected one subnet per availability zone (${azCount}), got ${subnets.length}`,
      );
    }
    subnets.forEach((text, i) => {
      const field = `network.${key}[${i}]`;
      if (!isAligned(text)) {
        at(['network', key, i], field, `expected a network address (no host bits set), got "${text}"`);
        return;
      }
      const subnet = parseCidr(text);
      if (subnet.prefix > 28) {
        at(['network', key, i], field, `expected a subnet from /16 to /28 (what AWS allows), got /${subnet.prefix}`);
        return;
      }
      if (!contains(vpc, subnet)) {
        at(['network', key, i], field, `expected a subnet inside the VPC ${vpcCidr}, got "${text}"`);
        return;
      }
      const clash = seen.find((s) => overlaps(s.cidr, subnet));
      if (clash) at(['network', key, i], field, `"${text}" overlaps ${clash.field} (${clash.cidr.text})`);
      seen.push({ field, cidr: subnet });
    });
  }
  return problems;
}

function uniqueNames(
  names: string[],
  listKey: string,
  what: string,
  at: (path: PropertyKey[], field: string, message: string) => void,
  key = 'name',
) {
  names.forEach((name, i) => {
    const first = names.indexOf(name);
    if (first !== i) {
      at([listKey, i, key], `${listKey}[${i}].${key}`, `${what} "${name}" is already used by ${listKey}[${first}]`);
    }
  });
}
