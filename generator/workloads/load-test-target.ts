import { packedSet } from './packed-models';
import type { WorkloadStep } from './pipeline';
import type { LoadTestTarget } from './pod-parts';
import type { ServingProblem } from './serving-checks';
import type { InstanceType } from '../instances/instance-table';
import type { ClusterSpec } from '../model/cluster-spec';
import type { RecipeInput } from '../recipes/load-recipes';
import type { LoadTestSpec, RecipeBody, WorkloadKind } from '../recipes/recipe-schema';

/** Where a load test finds the services: the pipeline it is a step of, and the cluster's apps. */
export interface TargetScope {
  readonly cluster: ClusterSpec;
  readonly instanceTypes: ReadonlyMap<string, InstanceType>;
  /** The run's name (`<recipe>-<hash>`), whose steps are `<run>-s<N>`. */
  readonly run: string;
  readonly namespace: string;
  readonly steps: readonly WorkloadStep[];
  /** The cluster's apps (`apps/`), by name. */
  readonly apps: ReadonlyMap<string, RecipeInput>;
}

/** The kinds a load test can target, and the Service each renders (its name from the release, its port). */
const SERVICES: Partial<Record<WorkloadKind, (release: string, body: RecipeBody) => { name: string; port: number }>> = {
  triton: (release, body) => ({ name: release, port: httpPort(body, 8000) }),
  'djl-lmi': (release, body) => ({ name: release, port: httpPort(body, 8080) }),
  // KServe's Standard mode makes `<isvc>-predictor` on port 80
  kserve: (release) => ({ name: `${release}-predictor`, port: 80 }),
  // KubeRay makes `<rayservice>-serve-svc` on the head's serve port
  'rayserve-vllm': (release, body) => ({
    name: `${release}-serve-svc`,
    port: body.ray?.ports?.find((p) => p.name === 'serve')?.port ?? 8000,
  }),
};

function httpPort(body: RecipeBody, fallback: number): number {
  const ports = body.server?.ports;
  if (Array.isArray(ports)) return ports.find((p) => p.name === 'http')?.value ?? ports[0]?.value ?? fallback;
  if (ports) return ports.http ?? Object.values(ports)[0] ?? fallback;
  return fallback;
}

/**
 * The service a load test's `target` names: an earlier `packed-models` step of its pipeline, or an app of the
 * cluster of a serving kind; for a packed set, one of its models' Services.
 */
export function resolveLoadTestTarget(
  spec: LoadTestSpec,
  stepIndex: number | undefined,
  scope: TargetScope,
): { target?: LoadTestTarget; problems: ServingProblem[] } {
  const problem = (field: string, message: string) => ({
    problems: [{ path: ['load_test', 'target', field], field: `load_test.target.${field}`, message }],
  });
  const t = spec.target;
  let kind: WorkloadKind;
  let body: RecipeBody;
  let release: string;
  let namespace: string;
  if (t.step !== undefined) {
    const index = scope.steps.findIndex((s) => s.step?.name === t.step);
    const earlier = scope.steps
      .slice(0, stepIndex ?? 0)
      .filter((s) => s.kind === 'packed-models')
      .map((s) => s.step!.name);
    if (stepIndex === undefined) {
      return problem('step', 'names a pipeline step, but this recipe is no pipeline; name an app with `app`');
    }
    if (index < 0 || index >= stepIndex || scope.steps[index].kind !== 'packed-models') {
      return problem(
        'step',
        `"${t.step}" is no earlier packed-models step of this pipeline (those before this step: ` +
          `${earlier.join(', ') || 'none'}); a load test follows the deployment it tests`,
      );
    }
    kind = 'packed-models';
    body = scope.steps[index].body;
    release = `${scope.run}-s${index + 1}`;
    namespace = scope.namespace;
  } else {
    const app = scope.apps.get(t.app!);
    if (!app) {
      const names = [...scope.apps.keys()].sort();
      return problem(
        'app',
        `"${t.app}" is no app on cluster "${scope.cluster.name}" (its apps: ${names.join(', ') || 'none'})`,
      );
    }
    kind = app.recipe.kind;
    body = app.recipe.body;
    release = app.recipe.name;
    namespace = scope.cluster.teams.find((team) => team.name === app.recipe.team)?.namespace ?? app.recipe.team;
    if (kind !== 'packed-models' && !SERVICES[kind]) {
      return problem(
        'app',
        `"${t.app}" is a ${kind} app; a load test targets packed-models, triton, djl-lmi, kserve or rayserve-vllm`,
      );
    }
  }

  const nodeType = body.resources?.node_type;
  if (!nodeType) {
    return problem(
      t.step !== undefined ? 'step' : 'app',
      `"${t.step ?? t.app}" sets no resources.node_type: the results price the nodes it runs on by their type`,
    );
  }
  if (kind === 'packed-models') {
    const models = body.models ?? [];
    const model = t.model ?? (models.length === 1 ? models[0].name : undefined);
    if (!model || !models.some((m) => m.name === model)) {
      return problem(
        'model',
        `${t.model ? `"${t.model}" is no model of the set` : 'is required: the set serves more than one model'} ` +
          `(its models: ${models.map((m) => m.name).join(', ')})`,
      );
    }
    const facts = scope.instanceTypes.get(nodeType);
    const set = facts ? packedSet(body, nodeType, facts, scope.cluster.aws.region) : undefined;
    if (!set) return { problems: [] }; // the set's own placement says why it does not pack
    const nodes = set.packing.nodes.length;
    const share = set.cost?.models.find((m) => m.model === model)?.usdPerHour;
    // the model's Service (packed-models.ts) listens on port 80, whatever port its server has
    const service = `${release}-${model}`;
    return {
      target: {
        url: `http://${service}.${namespace}.svc.cluster.local:80${t.path}`,
        service: `${namespace}/${service}`,
        model,
        instanceType: nodeType,
        nodes,
        modelsPerNode: Math.max(...set.packing.nodes.map((n) => n.replicas.length)),
        ...(share !== undefined && set.cost ? { costShare: round(share / set.cost.usdPerHour) } : {}),
      },
      problems: [],
    };
  }
  const svc = SERVICES[kind]!(release, body);
  const replicas = body.server?.autoscaling?.minReplicas ?? body.resources?.min_replicas ?? 1;
  const hosts =
    kind === 'triton' ? (body.lws?.size ?? 1) : kind === 'rayserve-vllm' ? (body.resources?.num_of_hosts ?? 1) : 1;
  return {
    target: {
      url: `http://${svc.name}.${namespace}.svc.cluster.local:${svc.port}${t.path}`,
      service: `${namespace}/${svc.name}`,
      // a single-model server: `model` only names it in the report
      model: t.model ?? release,
      instanceType: nodeType,
      nodes: Math.max(1, replicas * hosts),
    },
    problems: [],
  };
}

function round(n: number): number {
  return Math.round(n * 10000) / 10000;
}
