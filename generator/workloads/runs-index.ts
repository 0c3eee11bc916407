import type { WorkloadStep } from './pipeline';
import { KIND_RULES } from './workload-kinds';
import type { InstanceType } from '../instances/instance-table';
import type { GeneratedFile } from '../model/generated-file';
import { markerLine } from '../model/marker';
import { clusterFolder } from '../model/paths';
import type { RecipeInput } from '../recipes/load-recipes';

/** Where a cluster's runs and services live, under its folder. */
export const RUNS_FOLDER = 'workloads/runs';
export const SERVICES_FOLDER = 'workloads/services';

export interface IndexedRun {
  readonly recipe: RecipeInput;
  readonly run: string;
  /** On-demand USD per hour, when every node type's price is known. */
  readonly hourly: number | undefined;
}

/**
 * On-demand price per hour of the nodes a run holds: pods x the node type's price; for a pipeline, whose
 * steps run one after another, the most expensive step. Undefined when a price is unknown.
 */
export function hourlyCost(
  steps: readonly WorkloadStep[],
  region: string,
  table: ReadonlyMap<string, InstanceType>,
): number | undefined {
  let max = 0;
  for (const step of steps) {
    const nodeType = step.body.resources?.node_type;
    const price = nodeType ? table.get(nodeType)?.onDemandUsdPerHour?.[region] : undefined;
    if (price === undefined || price === null) return undefined;
    max = Math.max(max, price * KIND_RULES[step.kind].pods(step.body));
  }
  return max;
}

/** Hours of a recipe's `duration` (`90m`, `12h`, `2d`). */
export function hours(duration: string): number {
  const n = Number(duration.slice(0, -1));
  return duration.endsWith('d') ? n * 24 : duration.endsWith('h') ? n : n / 60;
}

/** `clusters/<c>/workloads/runs/README.md`: every run recipe of the cluster, active or archived, with its cost. */
export function runsIndex(cluster: string, runs: readonly IndexedRun[]): GeneratedFile {
  const usd = (n: number) => `$${n.toFixed(2)}`;
  const rows = [...runs]
    .sort((a, b) => (a.recipe.file < b.recipe.file ? -1 : 1))
    .map(({ recipe, run, hourly }) => {
      const where = recipe.archived
        ? 'archived (not on the cluster)'
        : `[${RUNS_FOLDER}/${recipe.recipe.team}/${run}](${recipe.recipe.team}/${run}/)`;
      const duration = recipe.recipe.duration;
      const cost =
        hourly === undefined ? 'n/a' : `${usd(hourly)}/h${duration ? `, ${usd(hourly * hours(duration))}` : ''}`;
      return (
        `| \`${run}\` | ${recipe.recipe.team} | ${recipe.recipe.kind} | ${duration ?? ''} ` +
        `| ${cost} | [${recipe.file}](../../../../${recipe.file}) | ${where} |`
      );
    });
  const content = [
    `<!-- ${markerLine('recipes/')} -->`,
    `# Runs of ${cluster}`,
    '',
    "Every run recipe that targets this cluster, active or archived. A run's name carries a hash of its recipe:",
    'editing a recipe starts a new run; archiving one removes its folder, and the recipe stays in git as the record.',
    '',
    'Cost: on-demand list price of the nodes the run holds (pods x node price, per hour; times `duration` when the',
    'recipe gives one), from vendor/data/ec2-instance-types.json. An estimate: no storage, transfer or discounts.',
    '',
    '| run | team | kind | duration | est. cost (on-demand) | recipe | folder |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
  return { path: `${clusterFolder(cluster)}/${RUNS_FOLDER}/README.md`, content };
}
