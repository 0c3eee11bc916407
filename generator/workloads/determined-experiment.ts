import { stringify } from 'yaml';
import { compact, meta, nodeSelector, podTolerations, type WorkloadContext } from './pod-parts';
import { imageName } from './pytorchjob';
import { syncHookJob } from './sync-hook-job';
import { KubeConfigMap } from '../imports/k8s';
import { DETERMINED_CREDENTIALS, determinedMasterAddress } from '../model/data-platform-endpoints';
import type { K8sObject } from '../model/k8s-object';
import type { RecipeBody } from '../recipes/recipe-schema';

/**
 * `determined-experiment`: the experiment's config (schemas/expconf/v0 at v0.38.1) and its model definition files in a
 * ConfigMap of the run's folder, and a sync hook Job that creates the experiment once (`det experiment create`).
 * An experiment cannot be updated: it is named after the run (`<recipe>-<hash>`), so a changed recipe is a new run and
 * a new experiment, and the hook of a run whose experiment exists does nothing.
 */

const CONFIG_KEY = 'config.yaml';
const SCRIPT_KEY = 'apply.sh';
/** Model definition files are keys `model_def.<file>` of the ConfigMap, mounted as `model_def/<file>`. */
const MODEL_DEF_PREFIX = 'model_def.';
const MOUNT = '/etc/determined';

/**
 * The hook's script. Idempotent by name: the experiment is looked up among all of the master's (`det experiment list
 * --all --csv`, every page) and created only when no experiment has the run's name; the registry's model is looked up
 * and created only when missing. It does not wait for the experiment: `det experiment create` returns once the master
 * validated the config and activated the experiment, and training takes hours, which a sync must not wait for (the
 * Application could not sync again meanwhile). Its trials, their metrics and the registered versions are Determined's
 * to show.
 */
export const DETERMINED_HOOK_SCRIPT = `#!/bin/bash
# Creates the Determined experiment $EXPERIMENT from the config beside this script (${MOUNT}) unless it exists: an
# Argo CD sync hook, run again on every sync of the run. DET_USER and DET_PASS come from the team's Secret.
set -euo pipefail
CONFIG="$(dirname "$0")/${CONFIG_KEY}"
MODEL_DEF="$(dirname "$0")/model_def"
fail() {
  echo "determined-experiment $EXPERIMENT: $*" >&2
  exit 1
}
det() { command det -m "$DET_MASTER" "$@"; }
echo "master: $DET_MASTER; experiment: $EXPERIMENT"

if [ -n "\${MODEL:-}" ]; then
  if det model describe "$MODEL" >/dev/null 2>&1; then
    echo "model $MODEL is in the registry"
  else
    det model create "$MODEL" >/dev/null || fail "det model create $MODEL failed"
    echo "created model $MODEL in the registry"
  fi
fi

# CSV columns: ID, Owner, Name, ...; names are the runs' (lowercase letters, digits and "-")
ids=$(det experiment list --all --csv | awk -F, -v name="$EXPERIMENT" 'NR > 1 && $3 == name { print $1 }') ||
  fail "det experiment list failed"
if [ -n "$ids" ]; then
  echo "experiment $EXPERIMENT exists (id $(echo $ids)); an experiment is never updated: a changed recipe is a new run"
  exit 0
fi
args=("$CONFIG")
if [ -d "$MODEL_DEF" ]; then args+=("$MODEL_DEF"); fi
det experiment create "\${args[@]}" || fail "det experiment create failed"
`;

/**
 * The experiment config. Its trial pods land on the recipe's node pool through `environment.pod_spec` (the pool and
 * instance type as node selector, the pool's taints tolerated), the environment image is the recipe's `image`.
 * Checkpoints go to S3 with no keys: the trial pods' own AWS credentials (the Determined module's pod identity).
 */
export function determinedExperimentConfig(body: RecipeBody, ctx: WorkloadContext): Record<string, unknown> {
  const d = body.determined!;
  const env = { ...d.environment_variables, ...(d.model ? { DET_MODEL_NAME: d.model } : {}) };
  const selector = nodeSelector(body.resources?.node_type, ctx);
  const tolerations = podTolerations(body.tolerations, ctx);
  return compact<Record<string, unknown>>({
    name: ctx.release,
    description: d.description,
    workspace: d.workspace,
    project: d.project,
    labels: d.labels,
    entrypoint: d.entrypoint,
    hyperparameters: d.hyperparameters,
    searcher: d.searcher,
    resources: compact<Record<string, unknown>>({ slots_per_trial: d.slots_per_trial, resource_pool: d.resource_pool }),
    max_restarts: d.max_restarts,
    checkpoint_storage: d.checkpoint_storage,
    data: d.data,
    environment: compact<Record<string, unknown>>({
      image: imageName(body),
      environment_variables: Object.keys(env).length ? Object.entries(env).map(([k, v]) => `${k}=${v}`) : undefined,
      pod_spec: {
        apiVersion: 'v1',
        kind: 'Pod',
        spec: compact<Record<string, unknown>>({
          nodeSelector: selector,
          tolerations: tolerations.length ? tolerations : undefined,
        }),
      },
    }),
  });
}

export function renderDeterminedExperiment(body: RecipeBody, ctx: WorkloadContext): K8sObject[] {
  if (!body.determined) return []; // the schema requires it
  const d = body.determined;
  const name = `determined-${ctx.release}`;
  const files = Object.keys(d.files ?? {}).sort();
  const data: Record<string, string> = {
    [SCRIPT_KEY]: DETERMINED_HOOK_SCRIPT,
    [CONFIG_KEY]: stringify(determinedExperimentConfig(body, ctx), { lineWidth: 0 }),
  };
  for (const file of files) data[`${MODEL_DEF_PREFIX}${file}`] = d.files![file];
  const secret = (key: string) => ({ secretKeyRef: { name: d.user_secret_name, key } });
  return [
    KubeConfigMap.manifest({ metadata: meta(ctx, name), data }),
    syncHookJob(ctx, {
      name,
      image: ctx.toolImage ?? 'images/det-cli',
      configMap: name,
      mountPath: MOUNT,
      items: [
        { key: SCRIPT_KEY, path: SCRIPT_KEY },
        { key: CONFIG_KEY, path: CONFIG_KEY },
        ...files.map((f) => ({ key: `${MODEL_DEF_PREFIX}${f}`, path: `model_def/${f}` })),
      ],
      scriptKey: SCRIPT_KEY,
      env: [
        { name: 'DET_MASTER', value: determinedMasterAddress() },
        { name: 'DET_USER', valueFrom: secret(DETERMINED_CREDENTIALS.usernameKey) },
        { name: 'DET_PASS', valueFrom: secret(DETERMINED_CREDENTIALS.passwordKey) },
        { name: 'EXPERIMENT', value: ctx.release },
        ...(d.model ? [{ name: 'MODEL', value: d.model }] : []),
      ],
      deadlineSeconds: 600,
    }),
  ];
}
