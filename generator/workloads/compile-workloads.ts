import type { Problem } from '../config/problems';
import type { CompiledCluster } from '../fleet/compile-cluster';
import type { GeneratedFile } from '../fleet/generated-file';
import { clusterFolder } from '../fleet/paths';
import { LABELS, MANAGED_BY, type K8sObject } from '../render/k8s-object';
import { markerLine } from '../render/marker';
import type { InstanceType } from '../recipes/instance-types';
import type { RecipeInput } from '../recipes/load-recipes';
import { checkPlacement, poolOf } from '../recipes/placement';
import type { RecipeBody, WorkloadKind } from '../recipes/recipe-schema';
import type { WorkloadContext } from './pod-parts';
import { KIND_RULES } from './workload-kinds';

export const RUNS_FOLDER = 'workloads/runs';
export const SERVICES_FOLDER = 'workloads/services';
export const RUN_LABEL = 'mlops-fleet.io/run';
export const RECIPE_LABEL = 'mlops-fleet.io/recipe';
export const STEP_LABEL = 'mlops-fleet.io/step';
export const QUEUE_LABEL = 'kueue.x-k8s.io/queue-name';
export const PRIORITY_LABEL = 'kueue.x-k8s.io/priority-class';
export const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';

/** A run's name: the recipe's name and the short hash of its content. */
export function runName(input: RecipeInput): string {
  return `${input.recipe.name}-${input.contentHash}`;
}

export type CompileWorkloadsResult = { ok: true; cluster: CompiledCluster; files: GeneratedFile[] } | { ok: false; problems: Problem[] };

/**
 * Adds the cluster's runs (`workloads/runs/<team>/<run>/`) and services (`workloads/services/<team>/<name>/`)
 * to its folders, after checking each recipe's placement; archived runs are left out and listed in the
 * runs index (`workloads/runs/README.md`) with the active ones.
 */
export function compileWorkloads(
  compiled: CompiledCluster,
  recipes: readonly RecipeInput[],
  instanceTypes: ReadonlyMap<string, InstanceType>,
): CompileWorkloadsResult {
  const spec = compiled.input.spec;
  const modules = new Set(compiled.modules.map((m) => m.module.name));
  const target = { cluster: spec, modules, instanceTypes };
  const problems: Problem[] = [];
  const folders = new Map(compiled.folders);
  const sources = new Map(compiled.sources ?? []);
  const index: { recipe: RecipeInput; run: string; hourly: number | undefined }[] = [];

  for (const input of recipes) {
    const { recipe } = input;
    const team = spec.teams.find((t) => t.name === recipe.team);
    if (!team) {
      problems.push({
        file: input.file, line: input.lineOf(['team']), field: 'team',
        message: `team "${recipe.team}" does not exist on cluster "${spec.name}" (its teams: ${spec.teams.map((t) => t.name).join(', ') || 'none'})`,
      });
      continue;
    }
    const steps: { kind: Exclude<WorkloadKind, 'pipeline'>; body: RecipeBody; path: PropertyKey[]; name?: string }[] =
      recipe.kind === 'pipeline'
        ? recipe.steps.map((s, i) => ({ kind: s.kind, body: s.body, path: ['steps', i], name: s.name }))
        : [{ kind: recipe.kind, body: recipe.body, path: [] }];
    const stepProblems = steps.flatMap((s) => checkPlacement(input, s.kind, s.body, team, target, s.path));
    if (stepProblems.length) {
      problems.push(...stepProblems);
      continue;
    }
    const isRun = input.role === 'run';
    const name = isRun ? runName(input) : recipe.name;
    if (isRun) index.push({ recipe: input, run: name, hourly: hourlyCost(steps, spec.aws.region, instanceTypes) });
    if (input.archived) continue;

    const labels = {
      [LABELS.managedBy]: MANAGED_BY,
      [LABELS.cluster]: spec.name,
      [LABELS.team]: team.name,
      [isRun ? RUN_LABEL : RECIPE_LABEL]: name,
      ...(isRun ? { [RECIPE_LABEL]: recipe.name } : {}),
    };
    const priority = recipe.priority ?? team.priority;
    const objects: K8sObject[] = [];
    steps.forEach((step, i) => {
      const rule = KIND_RULES[step.kind];
      const renderer = rule.needs.find((n) => modules.has(n.module))!;
      const pipeline = recipe.kind === 'pipeline';
      const ctx: WorkloadContext = {
        cluster: spec,
        team,
        namespace: team.namespace,
        release: pipeline ? `${name}-s${i + 1}` : name,
        pool: step.body.resources?.node_type ? poolOf(spec, step.body.resources.node_type, step.body) : undefined,
        labels: pipeline ? { ...labels, [STEP_LABEL]: step.name! } : labels,
        queueLabels: rule.queued ? { [QUEUE_LABEL]: team.name, [PRIORITY_LABEL]: priority } : {},
        modules,
        // one wave per step: Argo CD applies step N+1 only once every object of step N is healthy (succeeded)
        annotations: pipeline ? { [SYNC_WAVE]: String(i) } : {},
      };
      objects.push(...renderer.render(step.body, ctx));
    });
    const folder = `${isRun ? RUNS_FOLDER : SERVICES_FOLDER}/${team.name}/${name}`;
    folders.set(folder, objects);
    sources.set(folder, input.file);
  }
  if (problems.length) return { ok: false, problems };
  return { ok: true, cluster: { ...compiled, folders, sources }, files: index.length ? [runsIndex(spec.name, index)] : [] };
}

/**
 * On-demand price per hour of the nodes a run holds: pods x the node type's price; for a pipeline, whose
 * steps run one after another, the most expensive step. Undefined when a price is unknown.
 */
function hourlyCost(steps: { kind: Exclude<WorkloadKind, 'pipeline'>; body: RecipeBody }[], region: string, table: ReadonlyMap<string, InstanceType>) {
  let max = 0;
  for (const step of steps) {
    const nodeType = step.body.resources?.node_type;
    const price = nodeType ? table.get(nodeType)?.onDemandUsdPerHour?.[region] : undefined;
    if (price === undefined || price === null) return undefined;
    max = Math.max(max, price * KIND_RULES[step.kind].pods(step.body));
  }
  return max;
}

function hours(duration: string): number {
  const n = Number(duration.slice(0, -1));
  return duration.endsWith('d') ? n * 24 : duration.endsWith('h') ? n : n / 60;
}

function runsIndex(cluster: string, runs: { recipe: RecipeInput; run: string; hourly: number | undefined }[]): GeneratedFile {
  const usd = (n: number) => `$${n.toFixed(2)}`;
  const rows = [...runs]
    .sort((a, b) => (a.recipe.file < b.recipe.file ? -1 : 1))
    .map(({ recipe, run, hourly }) => {
      const where = recipe.archived ? 'archived (not on the cluster)' : `[${RUNS_FOLDER}/${recipe.recipe.team}/${run}](${recipe.recipe.team}/${run}/)`;
      const duration = recipe.recipe.duration;
      const cost = hourly === undefined ? 'n/a' : `${usd(hourly)}/h${duration ? `, ${usd(hourly * hours(duration))}` : ''}`;
      return `| \`${run}\` | ${recipe.recipe.team} | ${recipe.recipe.kind} | ${duration ?? ''} | ${cost} | [${recipe.file}](../../../../${recipe.file}) | ${where} |`;
    });
  const content = [
    `<!-- ${markerLine('recipes/')} -->`,
    `# Runs of ${cluster}`,
    '',
    'Every run recipe that targets this cluster, active or archived. A run\'s name carries a hash of its recipe:',
    'editing a recipe starts a new run; archiving one removes its folder, and the recipe stays in git as the record.',
    '',
    'Cost: on-demand list price of the nodes the run holds (pods x node price, per hour; times `duration` when the',
    'recipe gives one), from ../shared/data/ec2-instance-types.json. An estimate: no storage, transfer or discounts.',
    '',
    '| run | team | kind | duration | est. cost (on-demand) | recipe | folder |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
  return { path: `${clusterFolder(cluster)}/${RUNS_FOLDER}/README.md`, content };
}
