import { PACHYDERM_ACCELERATORS, PACHYDERM_RESOURCES } from './pachyderm-pipeline';
import type { NodePool, Team } from '../model/cluster-spec';
import type { RecipeBody, WorkloadKind } from '../recipes/recipe-schema';

/** A problem of a hook kind's recipe, at a field path relative to the recipe. */
export interface HookPlacementProblem {
  readonly path: readonly PropertyKey[];
  readonly field: string;
  readonly message: string;
}

/** What a pool's nodes carry that a team needs a quota of, by the team quota's key. */
const POOL_ACCELERATOR: Partial<Record<NodePool['kind'], { key: 'gpu' | 'neuron'; what: string }>> = {
  cuda: { key: 'gpu', what: 'GPUs' },
  'cuda-efa': { key: 'gpu', what: 'GPUs' },
  neuron: { key: 'neuron', what: 'Neuron devices' },
};

/**
 * The placement of a kind applied by a sync hook (a Pachyderm pipeline, a Determined experiment). Its workers or
 * trials are not pods of the run's folder: the server creates them, in its own namespace, where neither Kueue nor the
 * team's ResourceQuota sees them. So the recipe must name the node pool they run on (`resources.node_type`), that pool
 * must be one the team has a quota on (a GPU pool for a team with a GPU quota, ...), and what they ask for is checked
 * against the team's quota here (the rest by checkPlacement: parallelism x requests).
 */
export function hookPlacementProblems(
  kind: Exclude<WorkloadKind, 'pipeline'>,
  body: RecipeBody,
  team: Team,
  pool: NodePool | undefined,
  cluster: string,
): HookPlacementProblem[] {
  const problems: HookPlacementProblem[] = [];
  const who = kind === 'pachyderm-pipeline' ? "the pipeline's workers" : "the experiment's trials";
  const nodeType = body.resources?.node_type;
  if (!nodeType) {
    problems.push({
      path: ['resources'],
      field: 'resources.node_type',
      message: `is required: an instance type of the team's node pool ${who} run on`,
    });
  }
  const accelerator = pool && POOL_ACCELERATOR[pool.kind];
  if (pool && accelerator && !team.quotas[accelerator.key]) {
    problems.push({
      path: ['resources', 'node_type'],
      field: 'resources.node_type',
      message:
        `"${nodeType}" is on node pool "${pool.name}" (${pool.kind}), which is not team "${team.name}"'s: the team ` +
        `has no quota of ${accelerator.what} on cluster "${cluster}"; pick an instance type of a pool it has a ` +
        'quota on',
    });
  }
  const asked = { ...body.resources?.requests, ...body.resources?.limits };
  if (kind === 'pachyderm-pipeline') {
    for (const resource of Object.keys(asked).sort()) {
      if (!PACHYDERM_RESOURCES.includes(resource)) {
        problems.push({
          path: ['resources'],
          field: `resources["${resource}"]`,
          message: `is not a resource a Pachyderm worker can ask for (expected: ${PACHYDERM_RESOURCES.join(', ')})`,
        });
      }
    }
    if (PACHYDERM_ACCELERATORS.filter((r) => asked[r] !== undefined).length > 1) {
      problems.push({
        path: ['resources'],
        field: 'resources',
        message: `asks for ${PACHYDERM_ACCELERATORS.join(' and ')}; a Pachyderm worker asks for one accelerator`,
      });
    }
  }
  if (kind === 'determined-experiment') {
    if (Object.keys(asked).length) {
      problems.push({
        path: ['resources'],
        field: 'resources.requests',
        message: 'Determined sizes each trial by determined.slots_per_trial; resources takes node_type only',
      });
    }
    const slots = body.determined?.slots_per_trial ?? 1;
    const quota = accelerator ? team.quotas[accelerator.key] : undefined;
    if (accelerator && quota !== undefined && slots > quota) {
      problems.push({
        path: ['determined', 'slots_per_trial'],
        field: 'determined.slots_per_trial',
        message:
          `${slots} slots (${accelerator.what}) per trial exceed team "${team.name}"'s quota of ${quota} ` +
          `${accelerator.what} on cluster "${cluster}"`,
      });
    }
  }
  return problems;
}
