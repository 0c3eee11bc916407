import { RECIPE_LABEL } from './pipeline';
import { compact, meta, nodeSelector, podTolerations, type WorkloadContext } from './pod-parts';
import { imageName } from './pytorchjob';
import { syncHookJob } from './sync-hook-job';
import { KubeConfigMap } from '../imports/k8s';
import { pachdAddress } from '../model/data-platform-endpoints';
import type { K8sObject } from '../model/k8s-object';
import { parseQuantity } from '../recipes/instance-types';
import type { PachydermInput, RecipeBody } from '../recipes/recipe-schema';

/**
 * `pachyderm-pipeline`: the pipeline's spec as pachctl takes it (`pachctl create pipeline -f`, the JSON of
 * CreatePipelineRequest in src/pps/pps.proto at v2.11.6) in a ConfigMap of the run's folder, and a sync hook Job that
 * creates the pipeline, or updates it when it exists. The pipeline is named after the recipe, not the run: a changed
 * recipe is a new run whose hook updates the same pipeline (its output repo and its history stay), as
 * `pachctl update pipeline` does by hand.
 */

const SPEC_KEY = 'pipeline.json';
const SCRIPT_KEY = 'apply.sh';
const MOUNT = '/etc/pachyderm';

/**
 * The hook's script. Idempotent: the project and the pipeline are looked up first and created only when pachd says
 * they are not found (any other error fails the hook); an existing pipeline is updated (pachctl update pipeline,
 * `--reprocess` if the recipe asks). Then it waits, at most WAIT_SECONDS, for the pipeline to run: pachd accepts a
 * spec whose workers cannot start (an image that cannot be pulled, a node selector nothing satisfies), and that is a
 * mistake of this recipe its author should see on the pull request. It does not wait for jobs: a pipeline runs for
 * every commit to its inputs, from now on.
 */
export const PACHYDERM_HOOK_SCRIPT = `#!/bin/bash
# Creates the Pachyderm pipeline $PIPELINE in project $PROJECT from the spec beside this script (${MOUNT}), or
# updates it: an Argo CD sync hook, run again on every sync of the run.
set -euo pipefail
SPEC="$(dirname "$0")/${SPEC_KEY}"
fail() {
  echo "pachyderm-pipeline $PROJECT/$PIPELINE: $*" >&2
  exit 1
}
echo "pachd: $PACHD_ADDRESS; pipeline: $PROJECT/$PIPELINE"

if ! out=$(pachctl inspect project "$PROJECT" 2>&1); then
  case "$out" in
    *"not found"*)
      pachctl create project "$PROJECT" || fail "pachctl create project failed"
      echo "created project $PROJECT"
      ;;
    *) fail "pachctl inspect project failed: $out" ;;
  esac
fi

if out=$(pachctl inspect pipeline "$PIPELINE" --project "$PROJECT" 2>&1); then
  flags=()
  if [ "$REPROCESS" = true ]; then flags+=(--reprocess); fi
  pachctl update pipeline --project "$PROJECT" -f "$SPEC" \${flags[@]+"\${flags[@]}"} ||
    fail "pachctl update pipeline failed"
  echo "updated pipeline $PROJECT/$PIPELINE"
else
  case "$out" in
    *"not found"*)
      # pachd refuses a pipeline whose input repos do not exist: create them with pachctl create repo
      pachctl create pipeline --project "$PROJECT" -f "$SPEC" || fail "pachctl create pipeline failed"
      echo "created pipeline $PROJECT/$PIPELINE"
      ;;
    *) fail "pachctl inspect pipeline failed: $out" ;;
  esac
fi

deadline=$((SECONDS + WAIT_SECONDS))
while [ "$WAIT_SECONDS" -gt 0 ]; do
  info=$(pachctl inspect pipeline "$PIPELINE" --project "$PROJECT" --raw -o json) ||
    fail "pachctl inspect pipeline failed"
  # the PipelineInfo's own state (src/pps/pps.proto: PipelineState), not its last job's
  state=$(printf '%s\\n' "$info" | grep -o '"state": *"PIPELINE_[A-Z_]*"' | head -n 1 | grep -o 'PIPELINE_[A-Z_]*' ||
    true)
  case "$state" in
    PIPELINE_RUNNING | PIPELINE_STANDBY)
      echo "pipeline $PROJECT/$PIPELINE is $state"
      exit 0
      ;;
    PIPELINE_FAILURE)
      fail "the pipeline failed: $(printf '%s\\n' "$info" | grep -o '"reason": *"[^"]*"' | head -n 1)"
      ;;
  esac
  if [ "$SECONDS" -ge "$deadline" ]; then
    fail "the pipeline is \${state:-in no state} after \${WAIT_SECONDS}s (pachctl inspect pipeline says why)"
  fi
  sleep 10
done
`;

/** Pachyderm's Toleration enums (pps.proto: TolerationOperator, TaintEffect), by the Kubernetes names. */
const OPERATORS: Record<string, string> = { Exists: 'EXISTS', Equal: 'EQUAL' };
const EFFECTS: Record<string, string> = {
  NoSchedule: 'NO_SCHEDULE',
  PreferNoSchedule: 'PREFER_NO_SCHEDULE',
  NoExecute: 'NO_EXECUTE',
};

/** The accelerators Pachyderm's ResourceSpec takes (`gpu: {type, number}`): one resource name per worker. */
export const PACHYDERM_ACCELERATORS = ['nvidia.com/gpu', 'aws.amazon.com/neuron'];
/** The resources a Pachyderm ResourceSpec can say: cpu, memory, disk and one accelerator. */
export const PACHYDERM_RESOURCES = ['cpu', 'memory', 'ephemeral-storage', ...PACHYDERM_ACCELERATORS];

/** A ResourceSpec (`resource_requests`, `resource_limits`) from the recipe's requests or limits. */
function resourceSpec(resources: Record<string, string> | undefined): Record<string, unknown> | undefined {
  if (!resources || !Object.keys(resources).length) return undefined;
  const accelerator = PACHYDERM_ACCELERATORS.find((r) => resources[r] !== undefined);
  return compact<Record<string, unknown>>({
    cpu: resources.cpu === undefined ? undefined : parseQuantity(resources.cpu),
    memory: resources.memory,
    gpu: accelerator ? { type: accelerator, number: parseQuantity(resources[accelerator]) } : undefined,
    disk: resources['ephemeral-storage'],
  });
}

function inputSpec(input: PachydermInput): Record<string, unknown> {
  if (input.pfs) {
    const p = input.pfs;
    return {
      pfs: compact<Record<string, unknown>>({
        name: p.name,
        project: p.project,
        repo: p.repo,
        branch: p.branch,
        glob: p.glob,
        join_on: p.join_on,
        outer_join: p.outer_join,
        group_by: p.group_by,
        lazy: p.lazy,
        empty_files: p.empty_files,
      }),
    };
  }
  const [key, inputs] = Object.entries(input).find(([, v]) => v !== undefined) as [string, PachydermInput[]];
  return { [key]: inputs.map(inputSpec) };
}

/** The Pachyderm project of a recipe: its own, or the team's name. */
export function pachydermProject(body: RecipeBody, ctx: Pick<WorkloadContext, 'team'>): string {
  return body.pachyderm?.project ?? ctx.team.name;
}

/**
 * The pipeline spec. The workers land on the recipe's node pool (`scheduling_spec.node_selector`: the pool and the
 * instance type, as every run's pods) and tolerate its taints (`tolerations`, pps.proto's own field since 2.x); they
 * run in pachd's namespace as Pachyderm's worker service account, so the team's ResourceQuota does not count them:
 * the generator checks parallelism x requests against the team's quota instead (placement.ts).
 */
export function pachydermPipelineSpec(body: RecipeBody, ctx: WorkloadContext, pipeline: string): unknown {
  const p = body.pachyderm!;
  const tolerations = podTolerations(body.tolerations, ctx).map((t) =>
    compact<Record<string, unknown>>({
      key: t.key,
      operator: OPERATORS[t.operator ?? 'Equal'],
      value: t.value,
      effect: t.effect ? EFFECTS[t.effect] : undefined,
    }),
  );
  const selector = nodeSelector(body.resources?.node_type, ctx);
  return compact<Record<string, unknown>>({
    pipeline: { name: pipeline, project: { name: pachydermProject(body, ctx) } },
    description: p.description,
    input: inputSpec(p.input),
    transform: compact<Record<string, unknown>>({
      image: imageName(body),
      cmd: p.transform.cmd,
      stdin: p.transform.stdin,
      env: p.transform.env,
      working_dir: p.transform.working_dir,
      user: p.transform.user,
      accept_return_code: p.transform.accept_return_code,
    }),
    parallelism_spec: { constant: p.parallelism },
    resource_requests: resourceSpec(body.resources?.requests),
    resource_limits: resourceSpec(body.resources?.limits),
    datum_tries: p.datum_tries,
    autoscaling: p.autoscaling,
    output_branch: p.output_branch,
    scheduling_spec: selector ? { node_selector: selector } : undefined,
    tolerations: tolerations.length ? tolerations : undefined,
  });
}

export function renderPachydermPipeline(body: RecipeBody, ctx: WorkloadContext): K8sObject[] {
  if (!body.pachyderm) return []; // the schema requires it
  const name = `pachyderm-${ctx.release}`;
  // the recipe's name: stable across edits of the recipe, which are new runs of the same pipeline
  const pipeline = ctx.labels[RECIPE_LABEL] ?? ctx.release;
  const spec = `${JSON.stringify(pachydermPipelineSpec(body, ctx, pipeline), null, 2)}\n`;
  const wait = body.pachyderm.wait_seconds;
  return [
    KubeConfigMap.manifest({
      metadata: meta(ctx, name),
      data: { [SCRIPT_KEY]: PACHYDERM_HOOK_SCRIPT, [SPEC_KEY]: spec },
    }),
    syncHookJob(ctx, {
      name,
      image: ctx.toolImage ?? 'images/pachctl',
      configMap: name,
      mountPath: MOUNT,
      items: [
        { key: SCRIPT_KEY, path: SCRIPT_KEY },
        { key: SPEC_KEY, path: SPEC_KEY },
      ],
      scriptKey: SCRIPT_KEY,
      env: [
        { name: 'PACHD_ADDRESS', value: pachdAddress() },
        { name: 'PACH_CONFIG', value: '/tmp/pachyderm/config.json' },
        { name: 'PROJECT', value: pachydermProject(body, ctx) },
        { name: 'PIPELINE', value: pipeline },
        { name: 'REPROCESS', value: String(body.pachyderm.reprocess_on_update) },
        { name: 'WAIT_SECONDS', value: String(wait) },
      ],
      deadlineSeconds: wait + 600,
    }),
  ];
}
