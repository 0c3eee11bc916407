import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATOR_DIR } from '../model/generator-dir';

/**
 * The fleet's Argo CD health checks. A pipeline's steps are sync waves (workloads/pipeline.ts): Argo CD applies
 * wave N only once every resource of the earlier waves is Healthy, and a resource whose kind has no health check
 * counts as Healthy as soon as it is applied. So every run and service kind the generator emits needs a check
 * that reports Healthy only once the run has succeeded (or the service is ready), Degraded when it failed (which
 * fails the sync and stops the pipeline), and Suspended or Progressing while it waits in Kueue or runs (which
 * keeps the wave waiting).
 *
 * Each script is `generator/argocd/health/<group>_<Kind>.lua`, the key format of Argo CD's
 * `resource.customizations.health.<group>_<Kind>` (argo-cd v3.4.4 util/settings/settings.go
 * convertToOverrideKey); its header names the controller source it follows. Argo CD runs it with gopher-lua
 * (Lua 5.1) and only the base, table, package and a safe os library (util/lua/lua.go): no string library.
 */

export interface HealthCheck {
  /** API group of the kind (`batch`, `trainer.kubeflow.org`). */
  readonly group: string;
  readonly kind: string;
  /** `<group>_<Kind>`: the suffix of the `argocd-cm` key and the script's file name. */
  readonly key: string;
  /** The Lua script, as Argo CD runs it. */
  readonly script: string;
  /** The controller source and release the script follows. */
  readonly source: string;
  /** Why the fleet replaces what Argo CD has for the kind, when it has something. */
  readonly replaces?: string;
}

interface HealthCheckSpec {
  readonly group: string;
  readonly kind: string;
  readonly source: string;
  readonly replaces?: string;
}

const SPECS: readonly HealthCheckSpec[] = [
  {
    group: 'batch',
    kind: 'Job',
    source:
      'kubernetes/kubernetes pkg/controller/job/job_controller.go ' +
      '(Job conditions Suspended, Complete, Failed, FailureTarget)',
    replaces:
      'the built-in check (argo-cd v3.4.4 gitops-engine/pkg/health/health_job.go) reports a ' +
      'Job that Kueue admitted (Suspended=False, reason JobResumed) Healthy while it still runs',
  },
  {
    group: 'kubeflow.org',
    kind: 'MPIJob',
    source: 'kubeflow/mpi-operator v0.8.0 pkg/controller/mpi_job_controller.go, mpi_job_controller_status.go',
  },
  {
    group: 'kubeflow.org',
    kind: 'PyTorchJob',
    source:
      'kubeflow/trainer v1.9.4 (training operator) pkg/controller.v1/common/job.go, ' +
      'pkg/controller.v1/pytorch/pytorchjob_controller.go, pkg/util/status.go',
  },
  {
    group: 'leaderworkerset.x-k8s.io',
    kind: 'LeaderWorkerSet',
    source: 'kubernetes-sigs/lws v0.10.0 pkg/controllers/leaderworkerset_controller.go',
  },
  {
    group: 'ray.io',
    kind: 'RayJob',
    source:
      'ray-project/kuberay v1.7.0 ray-operator/controllers/ray/rayjob_controller.go, ' +
      'ray-operator/apis/ray/v1/rayjob_types.go',
  },
  {
    group: 'ray.io',
    kind: 'RayService',
    source:
      'ray-project/kuberay v1.7.0 ray-operator/controllers/ray/rayservice_controller.go, ' +
      'ray-operator/apis/ray/v1/rayservice_types.go',
  },
  {
    group: 'trainer.kubeflow.org',
    kind: 'TrainJob',
    source:
      'kubeflow/trainer v2.3.0 pkg/controller/trainjob_controller.go, pkg/runtime/framework/plugins/jobset/jobset.go',
  },
];

/** The folder of the scripts; beside the bundle's `.projen/` when running the bundle (see generator-dir.ts). */
export const HEALTH_DIR = join(GENERATOR_DIR, 'argocd', 'health');

export function healthKey(group: string, kind: string): string {
  return group === '' ? kind : `${group}_${kind}`;
}

let loaded: readonly HealthCheck[] | undefined;

/** A line of a script that a shared file (`_<name>.lua` of HEALTH_DIR) replaces: `-- SHARED _<name>.lua: ...`. */
const SHARED_LINE = /^-- SHARED (_[a-z_]+\.lua):.*\n/gm;

/** A shared file's code, without its own header comment. */
const sharedCode = (file: string) => readFileSync(join(HEALTH_DIR, file), 'utf-8').replace(/^(--.*\n)+\n/, '');

/**
 * The fleet's health checks, sorted by key; the scripts are read on first use. Argo CD runs each script alone, so
 * the code they share (the condition helpers, the Kubeflow jobs' status rules) is written into each one where its
 * `-- SHARED` lines are.
 */
export function healthChecks(): readonly HealthCheck[] {
  loaded ??= SPECS.map((spec) => {
    const key = healthKey(spec.group, spec.kind);
    const script = readFileSync(join(HEALTH_DIR, `${key}.lua`), 'utf-8').replace(SHARED_LINE, (_line, file: string) =>
      sharedCode(file),
    );
    return { ...spec, key, script };
  }).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return loaded;
}

export const HEALTH_KEY_PREFIX = 'resource.customizations.health.';

/**
 * The `argocd-cm` entries of the health checks (for the argo-cd chart's `configs.cm`):
 * `resource.customizations.health.<group>_<Kind>` to the script, in key order.
 */
export function argocdCmHealthEntries(checks: readonly HealthCheck[] = healthChecks()): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const check of checks) entries[`${HEALTH_KEY_PREFIX}${check.key}`] = check.script;
  return entries;
}

/** Where the health of a run or service kind comes from. */
export type HealthCoverage =
  | { readonly by: 'fleet' }
  /** A Lua check that ships with Argo CD (`resource_customizations/<group>/<Kind>/health.lua` at v3.4.4). */
  | { readonly by: 'argocd-lua'; readonly path: string }
  /** Argo CD's Go code (gitops-engine/pkg/health). */
  | { readonly by: 'argocd-builtin'; readonly path: string };

/**
 * Every run and service kind the generator emits (workloads/*.ts), and the health check Argo CD v3.4.4 uses for
 * it with the fleet's `argocd-cm`. A kind missing here would count as Healthy once applied.
 */
export const WORKLOAD_HEALTH: Readonly<Record<string, HealthCoverage>> = {
  'batch/Job': { by: 'fleet' },
  'apps/Deployment': { by: 'argocd-builtin', path: 'gitops-engine/pkg/health/health_deployment.go' },
  'trainer.kubeflow.org/TrainJob': { by: 'fleet' },
  'kubeflow.org/PyTorchJob': { by: 'fleet' },
  'kubeflow.org/MPIJob': { by: 'fleet' },
  'ray.io/RayJob': { by: 'fleet' },
  'ray.io/RayService': { by: 'fleet' },
  'leaderworkerset.x-k8s.io/LeaderWorkerSet': { by: 'fleet' },
  // Healthy only when every condition but Stopped is True and modelStatus is UpToDate; Suspended when Stopped
  'serving.kserve.io/InferenceService': {
    by: 'argocd-lua',
    path: 'resource_customizations/serving.kserve.io/InferenceService/health.lua',
  },
};
