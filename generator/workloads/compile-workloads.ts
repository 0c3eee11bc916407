import { fleetRegistry, resolveStepImage, resolveToolImage } from './images';
import { resolveLoadTestTarget } from './load-test-target';
import { packedSetSummary } from './packed-models';
import { RECIPE_LABEL, RUN_LABEL, stepIdentity, workloadSteps, type WorkloadStep } from './pipeline';
import { checkPlacement, poolOf } from './placement';
import type { WorkloadContext } from './pod-parts';
import { imageName } from './pytorchjob';
import { hourlyCost, runsIndex, RUNS_FOLDER, SERVICES_FOLDER, type IndexedRun } from './runs-index';
import type { ServingProblem } from './serving-checks';
import { KIND_RULES } from './workload-kinds';
import { checkSpecImage, checkWorkloadPolicy } from './workload-policy';
import type { Problem } from '../config/problems';
import type { InstanceType } from '../instances/instance-table';
import { imageRegistries } from '../model/cluster-spec';
import type { CompiledCluster, PackedSetSummary } from '../model/compiled-cluster';
import type { GeneratedFile } from '../model/generated-file';
import type { ImageCatalog } from '../model/image-spec';
import { LABELS, MANAGED_BY, type K8sObject } from '../model/k8s-object';
import type { RecipeInput } from '../recipes/load-recipes';

export { RUNS_FOLDER, SERVICES_FOLDER };

export { RECIPE_LABEL, RUN_LABEL };
export const QUEUE_LABEL = 'kueue.x-k8s.io/queue-name';
export const PRIORITY_LABEL = 'kueue.x-k8s.io/priority-class';

/** A run's name: the recipe's name and the short hash of its content. */
export function runName(input: RecipeInput): string {
  return `${input.recipe.name}-${input.contentHash}`;
}

export type CompileWorkloadsResult =
  { ok: true; cluster: CompiledCluster; files: GeneratedFile[] } | { ok: false; problems: Problem[] };

/**
 * Adds the cluster's runs (`workloads/runs/<team>/<run>/`) and services (`workloads/services/<team>/<name>/`)
 * to its folders, after checking each recipe's placement; archived runs are left out and listed in the
 * runs index (`workloads/runs/README.md`) with the active ones.
 *
 * `keep`: whether the writer keeps a workload's folder (relative to the cluster's) as the last regenerate made
 * it from the same recipe, and how many files it holds; a kept folder is neither checked nor rendered again
 * (the same recipe on the same cluster passed before) and is listed in `kept`. `dependsOn` names what else the
 * folder is made from: the cluster's apps, for a recipe with a load test (it renders from the Service it targets).
 *
 * `images`: the images built from this repository; a step's `image: images/<name>` becomes the image's recorded
 * digest (images.ts), and the fleet's registry is allowed beside the cluster's `policy.imageRegistries`.
 */
export function compileWorkloads<R extends RecipeInput>(
  compiled: CompiledCluster,
  recipes: readonly R[],
  instanceTypes: ReadonlyMap<string, InstanceType>,
  keep?: (folder: string, recipe: R, dependsOn: string) => number,
  images?: ImageCatalog,
): CompileWorkloadsResult {
  const spec = compiled.input.spec;
  const registry = fleetRegistry(images);
  // the policy check sees the fleet's registry as allowed: the generator itself wrote those references
  const policySpec =
    registry && !imageRegistries(spec).includes(registry)
      ? { ...spec, policy: { ...spec.policy, imageRegistries: [...imageRegistries(spec), registry] } }
      : spec;
  const modules = new Set(compiled.modules.map((m) => m.module.name));
  const target = { cluster: spec, modules, instanceTypes };
  const problems: Problem[] = [];
  const folders = new Map(compiled.folders);
  const sources = new Map(compiled.sources ?? []);
  const kept = new Map(compiled.kept ?? []);
  const index: IndexedRun[] = [];
  const packedSets: PackedSetSummary[] = [];
  const apps = new Map(recipes.filter((r) => r.role !== 'run' && !r.archived).map((r) => [r.recipe.name, r]));
  const appsKey = [...apps.values()].map((a) => `${a.recipe.name}:${a.contentHash}`).join(',');

  for (const input of recipes) {
    const { recipe } = input;
    const team = spec.teams.find((t) => t.name === recipe.team);
    if (!team) {
      problems.push({
        file: input.file,
        line: input.lineOf(['team']),
        field: 'team',
        message:
          `team "${recipe.team}" does not exist on cluster "${spec.name}" ` +
          `(its teams: ${spec.teams.map((t) => t.name).join(', ') || 'none'})`,
      });
      continue;
    }
    const placeholderHost = registry ?? imageRegistries(spec)[0] ?? 'registry.invalid';
    const resolved = workloadSteps(recipe).map((step) =>
      resolveStepImage(
        input,
        step,
        images,
        step.body.resources?.node_type ? poolOf(spec, step.body.resources.node_type, step.body) : undefined,
        placeholderHost,
      ),
    );
    const steps = resolved.map((r) => r.step);
    // a hook kind's Job runs its server's CLI, an image of images/ the kind names (workload-kinds.ts)
    const tools = steps.map((s) => {
      const hook = KIND_RULES[s.kind].hook;
      return hook ? resolveToolImage(input, s, images, hook.toolImage, placeholderHost) : undefined;
    });
    const isRun = input.role === 'run';
    const name = isRun ? runName(input) : recipe.name;
    const folder = `${isRun ? RUNS_FOLDER : SERVICES_FOLDER}/${team.name}/${name}`;
    // a load test renders from the service it targets, which an app may hold: kept only while the apps are the same
    const dependsOn = steps.some((s) => s.kind === 'load-test') ? appsKey : '';
    const keptFiles = !input.archived && keep ? keep(folder, input, dependsOn) : 0;
    const scope = { cluster: spec, instanceTypes, run: name, namespace: team.namespace, steps, apps };
    const targets = steps.map((s) =>
      s.kind === 'load-test' && s.body.load_test
        ? resolveLoadTestTarget(s.body.load_test, s.step?.index, scope)
        : undefined,
    );
    const placementProblems = keptFiles
      ? []
      : [
          ...resolved.flatMap((r) => r.problems),
          ...tools.flatMap((t) => t?.problems ?? []),
          ...steps.flatMap((s) => checkPlacement(input, s.kind, s.body, team, target, s.path)),
          ...steps.flatMap((s, i) =>
            [...(targets[i]?.problems ?? []), ...stepNameProblems(s, name)].map((p) => ({
              file: input.file,
              line: input.lineOf([...s.path, ...p.path]),
              field: `${s.step ? `steps[${s.step.index}].` : ''}${p.field}`,
              message: p.message,
            })),
          ),
        ];
    if (placementProblems.length) {
      problems.push(...placementProblems);
      // rendered anyway, for the policy check: one run reports every problem of a file
      if (input.archived) continue;
    }
    if (isRun && !placementProblems.length) {
      index.push({ recipe: input, run: name, hourly: hourlyCost(steps, spec.aws.region, instanceTypes) });
    }
    if (input.archived) continue;
    // from the recipe alone (cheap), so a kept folder's set is listed too
    for (const step of placementProblems.length ? [] : steps) {
      if (step.kind !== 'packed-models') continue;
      const set = stepIdentity(step, name, {}).release;
      const packed = packedSetSummary(set, team.name, step.body, instanceTypes, spec.aws.region);
      if (packed) packedSets.push(packed);
    }
    if (keptFiles) {
      kept.set(folder, keptFiles);
      continue;
    }

    const labels = {
      [LABELS.managedBy]: MANAGED_BY,
      [LABELS.cluster]: spec.name,
      [LABELS.team]: team.name,
      [isRun ? RUN_LABEL : RECIPE_LABEL]: name,
      ...(isRun ? { [RECIPE_LABEL]: recipe.name } : {}),
    };
    const priority = recipe.priority ?? team.priority;
    const objects: K8sObject[] = [];
    const violations: Problem[] = [];
    for (const step of steps) {
      const rule = KIND_RULES[step.kind];
      // a kind whose modules are all off (a placement problem) is rendered as its first module would, for the policy
      // check
      const renderer = rule.needs.find((n) => modules.has(n.module)) ?? rule.needs[0];
      const ctx: WorkloadContext = {
        cluster: spec,
        team,
        namespace: team.namespace,
        ...stepIdentity(step, name, labels),
        pool: step.body.resources?.node_type ? poolOf(spec, step.body.resources.node_type, step.body) : undefined,
        instanceType: step.body.resources?.node_type ? instanceTypes.get(step.body.resources.node_type) : undefined,
        queueLabels: rule.queued ? { [QUEUE_LABEL]: team.name, [PRIORITY_LABEL]: priority } : {},
        modules,
        loadTestTarget: targets[steps.indexOf(step)]?.target,
        toolImage: tools[steps.indexOf(step)]?.image,
      };
      const rendered = renderer.render(step.body, ctx);
      objects.push(...rendered);
      // checked step by step: a problem names the line of the step's field it comes from
      const subject = { file: input.file, lineOf: input.lineOf, step };
      violations.push(...checkWorkloadPolicy(rendered, policySpec, team, subject));
      if (rule.hook) violations.push(...checkSpecImage(imageName(step.body), policySpec, subject, rule.hook.imageIs));
    }
    if (violations.length || placementProblems.length) {
      problems.push(...violations);
      continue;
    }
    folders.set(folder, objects);
    sources.set(folder, input.file);
  }
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    cluster: { ...compiled, folders, sources, kept, ...(packedSets.length ? { packedSets } : {}) },
    files: index.length ? [runsIndex(spec.name, index)] : [],
  };
}

/**
 * A packed set deployed by a pipeline step is named `<run>-s<N>`, and each model's Service `<run>-s<N>-<model>`: a
 * DNS label, at most 63 characters.
 */
function stepNameProblems(step: WorkloadStep, run: string): ServingProblem[] {
  if (step.kind !== 'packed-models' || !step.step) return [];
  const release = stepIdentity(step, run, {}).release;
  return (step.body.models ?? []).flatMap((m, i) => {
    const service = `${release}-${m.name}`;
    return service.length <= MAX_SERVICE_NAME
      ? []
      : [
          {
            path: ['models', i, 'name'],
            field: `models[${i}].name`,
            message:
              `makes the Service "${service}", ${service.length} characters; at most ${MAX_SERVICE_NAME}: ` +
              'shorten the model name or the recipe name',
          },
        ];
  });
}
const MAX_SERVICE_NAME = 63;
