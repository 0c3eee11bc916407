import { renderTemplate } from './templates';
import { renderJsonFile, yamlFile } from './yaml';
import { ARGOCD_FOLDER } from '../argocd/argocd-objects';
import type { CompiledCluster } from '../model/compiled-cluster';
import type { GeneratedFile } from '../model/generated-file';
import { objectFileName } from '../model/k8s-object';
import { markerLine } from '../model/marker';
import { clusterFolder } from '../model/paths';
import { TEAMS_MODULE } from '../platform/compile-platform';

/**
 * Turns one compiled cluster into files: its objects, one file each, the files rendered by other stages, and its
 * README.
 */
export function renderCluster(compiled: CompiledCluster, rendered: readonly GeneratedFile[] = []): GeneratedFile[] {
  const { spec, file: source } = compiled.input;
  const base = clusterFolder(spec.name);
  const files: GeneratedFile[] = [...rendered];
  for (const [folder, objects] of compiled.folders) {
    for (const object of objects) {
      const input = compiled.sources?.get(folder) ?? source;
      files.push(yamlFile(`${base}/${folder}/${objectFileName(object)}`, object, input));
    }
  }
  for (const [path, data] of compiled.documents) {
    files.push(
      path.endsWith('.json')
        ? { path: `${base}/${path}`, content: renderJsonFile(data, source) }
        : yamlFile(`${base}/${path}`, data as Record<string, unknown>, source),
    );
  }
  files.push({ path: `${base}/README.md`, content: renderTemplate('cluster-readme.md', readmeModel(compiled, files)) });
  return files;
}

function readmeModel(compiled: CompiledCluster, files: GeneratedFile[]) {
  const { spec, file } = compiled.input;
  const base = clusterFolder(spec.name);
  const folders = new Map<string, number>(compiled.kept);
  for (const f of files) {
    const folder = f.path.slice(base.length + 1, f.path.lastIndexOf('/'));
    folders.set(folder, (folders.get(folder) ?? 0) + 1);
  }
  return {
    marker: markerLine(file),
    spec,
    source: file,
    azs: spec.aws.availabilityZones.join(', '),
    nodePools: spec.nodePools.map((pool) => ({
      name: pool.name,
      kind: pool.kind,
      instances: (pool.instanceTypes.length ? pool.instanceTypes : pool.instanceFamilies.map((f) => `${f}.*`)).join(
        ', ',
      ),
      capacity: pool.capacityTypes.join(', '),
      zone:
        pool.availabilityZone ??
        (pool.kind === 'cuda-efa' ? `${spec.aws.availabilityZones[0]} (default for EFA)` : 'any'),
      taints: pool.taints.map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`).join(', ') || 'none',
      limits: formatAmounts(pool.limits) || 'none',
    })),
    efs: spec.storage.efs === false ? null : spec.storage.efs,
    fsx: spec.storage.fsx ?? null,
    modules: compiled.modules.map((m) => ({
      name: m.module.name,
      description: m.module.description,
      version: m.version ?? 'rendered by the generator',
      namespace: m.module.namespace,
      reason: [m.reason, ...m.notes].join('; '),
      overridden: Object.keys(m.values).length > 0 ? 'yes' : '',
      application: compiled.applications.find((a) => a.module === m.module.name)?.application ?? '',
      folder: `platform/${m.module.name}/`,
    })),
    argocd: argocdModel(compiled),
    teams: spec.teams.map((team) => ({
      name: team.name,
      namespace: team.namespace,
      quotas: formatAmounts(team.quotas) || 'none',
      priority: team.priority,
      podSecurity: team.podSecurity,
    })),
    packedSets: (compiled.packedSets ?? []).map((set) => ({
      app: set.app,
      team: set.team,
      instanceType: set.instanceType,
      nodes: set.nodes,
      bound: set.optimal ? 'least possible' : `at least ${set.lowerBound}`,
      nodeModels: set.nodeModels.map((models, i) => `${i + 1}: ${models.join(', ')}`).join('; '),
      cost: usd(set.usdPerHour),
      onePerNodeNodes: set.onePerNode.nodes,
      onePerNodeCost: usd(set.onePerNode.usdPerHour),
      models: set.models
        .map((m) => `${m.name} ×${m.replicas} ${usd(m.usdPerHour)} (alone ${usd(m.onePerNodeUsdPerHour)})`)
        .join(', '),
    })),
    folders: [...folders.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([path, count]) => ({ path: path || '.', count })),
  };
}

function argocdModel(compiled: CompiledCluster) {
  const { spec } = compiled.input;
  const objects = compiled.folders.get(ARGOCD_FOLDER) ?? [];
  const root = objects.find((o) => o.kind === 'Application');
  const { role } = spec.argocd;
  return {
    hub: role === 'hub',
    spoke: role === 'spoke',
    standalone: role === 'standalone',
    rootFile: root ? `${ARGOCD_FOLDER}/${objectFileName(root)}` : '',
    root: root ? root.metadata.name : `${spec.name}-root`,
    platformApplicationSet: objects.find((o) => o.kind === 'ApplicationSet' && /-platform$/.test(o.metadata.name))
      ?.metadata.name,
    teamsApplication: compiled.applications.find((a) => a.module === TEAMS_MODULE)?.application ?? '',
    applicationSets: objects.filter((o) => o.kind === 'ApplicationSet').map((o) => o.metadata.name),
    projects: objects.filter((o) => o.kind === 'AppProject').map((o) => o.metadata.name),
  };
}

function usd(amount: number | undefined): string {
  return amount === undefined ? 'no price' : `$${amount.toFixed(2)}/h`;
}

function formatAmounts(amounts: { cpu?: number; memory?: string; gpu?: number; neuron?: number }): string {
  const parts: string[] = [];
  if (amounts.cpu !== undefined) parts.push(`${amounts.cpu} vCPU`);
  if (amounts.memory !== undefined) parts.push(`${amounts.memory} memory`);
  if (amounts.gpu !== undefined) parts.push(`${amounts.gpu} GPU`);
  if (amounts.neuron !== undefined) parts.push(`${amounts.neuron} Neuron`);
  return parts.join(', ');
}
