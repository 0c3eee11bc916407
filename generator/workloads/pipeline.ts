import type { Recipe, RecipeBody, WorkloadKind } from '../recipes/recipe-schema';

export const STEP_LABEL = 'mlops-fleet.io/step';
export const RUN_LABEL = 'mlops-fleet.io/run';
export const RECIPE_LABEL = 'mlops-fleet.io/recipe';
export const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';

/** One workload of a run: the run itself, or one step of a pipeline. */
export interface WorkloadStep {
  readonly kind: Exclude<WorkloadKind, 'pipeline'>;
  readonly body: RecipeBody;
  /** Field path of the step in the recipe file, for problems (`['steps', 1]`); empty for a plain recipe. */
  readonly path: PropertyKey[];
  /** A pipeline step's name and 0-based position. */
  readonly step?: { name: string; index: number };
}

/** The workloads of a recipe: itself, or its pipeline steps in order. */
export function workloadSteps(recipe: Recipe): WorkloadStep[] {
  if (recipe.kind !== 'pipeline') return [{ kind: recipe.kind, body: recipe.body, path: [] }];
  return recipe.steps.map((s, index) => ({
    kind: s.kind,
    body: s.body,
    path: ['steps', index],
    step: { name: s.name, index },
  }));
}

/**
 * The names and annotations of a step's objects. A pipeline's steps share the run folder (one Argo CD
 * Application); step N is `<run>-s<N>` in sync wave N - 1. Argo CD applies a wave only once every resource
 * of the earlier waves is healthy, and a job is healthy only when it succeeded: step N starts only after
 * step N - 1 succeeded, and a failed step stops the pipeline.
 */
export function stepIdentity(
  step: WorkloadStep,
  run: string,
  labels: Record<string, string>,
): { release: string; labels: Record<string, string>; annotations: Record<string, string> } {
  if (!step.step) return { release: run, labels, annotations: {} };
  return {
    release: `${run}-s${step.step.index + 1}`,
    labels: { ...labels, [STEP_LABEL]: step.step.name },
    annotations: { [SYNC_WAVE]: String(step.step.index) },
  };
}
