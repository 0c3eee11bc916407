import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { poolFit, quotaFit, type RunDemand } from './run-fit';
import { renderedDiff, type RunPreview, type RunPreviewProvider } from './run-preview';
import { PLATFORM_MODULES } from '../../platform';
import { loadFleet } from '../config/load-fleet';
import type { Problem } from '../config/problems';
import { regenerateFleet, repositoryFleetOptions } from '../fleet/regenerate';
import { instanceTypes } from '../instances/instance-table';
import { clusterFolder } from '../model/paths';
import { parseQuantity } from '../recipes/instance-types';
import { loadRecipes, type RecipeInput } from '../recipes/load-recipes';
import type { RecipeBody } from '../recipes/recipe-schema';
import { runName, RUNS_FOLDER, SERVICES_FOLDER } from '../workloads/compile-workloads';
import { packedSetSummary } from '../workloads/packed-models';
import { poolOf } from '../workloads/placement';
import { hours } from '../workloads/runs-index';
import { KIND_RULES } from '../workloads/workload-kinds';

/** Kinds that only support a workload; the preview names the workload's own kind. */
const SUPPORTING_KINDS = new Set([
  'ConfigMap',
  'PersistentVolumeClaim',
  'Service',
  'HorizontalPodAutoscaler',
  'ClusterTrainingRuntime',
]);

/**
 * The recipe compiler's preview of the runs and services a pull request adds or changes: it regenerates the
 * fleet (in the workflow's checkout), then describes each changed recipe's run from its recipe, its cluster and
 * what was rendered for it, with the diff of its folder against the base commit.
 */
export const runPreviewProvider: RunPreviewProvider = ({ root, changedFiles, base }) => {
  const regenerated = regenerateFleet(repositoryFleetOptions(root));
  if (!regenerated.ok) return regenerated;
  const loaded = loadRecipes(root);
  if (loaded.problems.length) return { ok: false, problems: loaded.problems };
  const capacities = Object.fromEntries(instanceTypes());

  const problems: Problem[] = [];
  const runs: RunPreview[] = [];
  const fleet = loadFleet(root, { moduleNames: PLATFORM_MODULES.map((m) => m.name) });
  if (!fleet.ok) return fleet;
  for (const input of loaded.recipes) {
    if (!changedFiles.includes(input.file) || input.archived) continue;
    const spec = fleet.clusters.find((c) => c.spec.name === input.recipe.cluster)!.spec;
    const team = spec.teams.find((t) => t.name === input.recipe.team)!;
    const { body, demand } = largestStep(input);
    const pool = demand.instanceType
      ? poolOf(spec, demand.instanceType, body)
      : (spec.nodePools.find((p) => p.kind === 'cpu') ?? spec.nodePools[0]);
    if (!pool) {
      problems.push({
        file: input.file,
        field: 'resources.node_type',
        message: `cluster "${spec.name}" has no node pool to run it on`,
      });
      continue;
    }
    const name = input.role === 'run' ? runName(input) : input.recipe.name;
    const kindFolder = input.role === 'run' ? RUNS_FOLDER : SERVICES_FOLDER;
    const folder = `${clusterFolder(spec.name)}/${kindFolder}/${team.name}/${name}`;
    const kinds = renderedKinds(join(root, folder));
    const queued = input.recipe.kind !== 'pipeline' && KIND_RULES[input.recipe.kind].queued;
    const packed =
      input.recipe.kind === 'packed-models'
        ? packedSetSummary(name, team.name, body, instanceTypes(), spec.aws.region)
        : undefined;
    runs.push({
      name: input.recipe.name,
      file: input.file,
      cluster: spec.name,
      region: spec.aws.region,
      team: team.name,
      queue: queued || input.recipe.kind === 'pipeline' ? team.name : 'not queued',
      kind: [...new Set(kinds.filter((k) => !SUPPORTING_KINDS.has(k)))].join(', ') || input.recipe.kind,
      nodes: packed?.nodes ?? demand.nodes,
      acceleratorsPerNode: demand.gpu ?? demand.neuron ?? 0,
      acceleratorResource: demand.gpu ? 'nvidia.com/gpu' : demand.neuron ? 'aws.amazon.com/neuron' : null,
      instanceType: demand.instanceType ?? null,
      pool: pool.name,
      fitsQuota: quotaFit(team, demand),
      fitsPool: poolFit(pool, demand, capacities),
      durationHours: input.recipe.duration ? hours(input.recipe.duration) : undefined,
      rendered: renderedDiff(root, base, folder),
      objectCount: kinds.length,
      ...(packed ? { packed } : {}),
    });
  }
  return problems.length ? { ok: false, problems } : { ok: true, runs };
};

/** Steps of a pipeline run one after another: the largest decides what the run holds at once. */
function largestStep(input: RecipeInput): { body: RecipeBody; demand: RunDemand } {
  const bodies = input.recipe.kind === 'pipeline' ? input.recipe.steps.map((s) => s.body) : [input.recipe.body];
  const demands = bodies.map((body) => ({ body, demand: demandOf(body) }));
  const size = ({ demand }: { demand: RunDemand }) =>
    demand.nodes * ((demand.gpu ?? 0) + (demand.neuron ?? 0) + (demand.cpu ?? 0) / 1000);
  return demands.reduce((a, b) => (size(b) > size(a) ? b : a));
}

function demandOf(body: RecipeBody): RunDemand {
  const requests = { ...body.resources?.limits, ...body.resources?.requests } as Record<
    string,
    string | number | undefined
  >;
  const count = (key: string) => (requests[key] === undefined ? undefined : parseQuantity(String(requests[key])));
  const memory = requests.memory;
  return {
    nodes: body.resources?.nnodes ?? 1,
    cpu: count('cpu'),
    memory: memory === undefined ? undefined : String(memory),
    gpu: count('nvidia.com/gpu'),
    neuron: count('aws.amazon.com/neuron'),
    instanceType: body.resources?.node_type ?? null,
  };
}

function renderedKinds(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((f) => /^kind: (\S+)$/m.exec(readFileSync(join(dir, f), 'utf-8'))?.[1] ?? 'unknown');
  } catch {
    return [];
  }
}
