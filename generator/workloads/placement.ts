import { hookPlacementProblems } from './hook-placement';
import { TARGET_DEVICE } from './model-compile';
import { modelDemands, packApp, packedModelProblems } from './packed-models';
import { pathProblems } from './path-policy';
import { TEMPLATE_EXPRESSION } from './pod-parts';
import { rayServeProblems } from './serving-checks';
import { extraNeeds, KIND_RULES } from './workload-kinds';
import type { Problem } from '../config/problems';
import type { InstanceType } from '../instances/instance-table';
import type { ClusterSpec, NodePool, Team } from '../model/cluster-spec';
import { ACCELERATOR_RESOURCES, parseQuantity } from '../recipes/instance-types';
import type { RecipeInput } from '../recipes/load-recipes';
import type { RecipeBody, WorkloadKind } from '../recipes/recipe-schema';

export interface PlacementTarget {
  readonly cluster: ClusterSpec;
  readonly modules: ReadonlySet<string>;
  readonly instanceTypes: ReadonlyMap<string, InstanceType>;
}

/** The pool `node_type` belongs to: listed in its instanceTypes, or of one of its instanceFamilies. */
export function poolOf(cluster: ClusterSpec, nodeType: string, body: RecipeBody): NodePool | undefined {
  const family = nodeType.split('.')[0];
  const matches = cluster.nodePools.filter(
    (p) => p.instanceTypes.includes(nodeType) || p.instanceFamilies.includes(family),
  );
  const wantsEfa = Object.keys({ ...body.resources?.requests, ...body.resources?.limits }).includes(
    'vpc.amazonaws.com/efa',
  );
  return matches.find((p) => wantsEfa === (p.kind === 'cuda-efa')) ?? matches[0];
}

/**
 * Checks one workload (a recipe body, or one pipeline step's) against its cluster: modules, image,
 * something to run, its paths (path-policy.ts), node type, accelerators per instance and the team's quota.
 * `prefix` is the field path of a pipeline step (`steps[1].`).
 */
export function checkPlacement(
  input: RecipeInput,
  kind: Exclude<WorkloadKind, 'pipeline'>,
  body: RecipeBody,
  team: Team,
  target: PlacementTarget,
  path: PropertyKey[] = [],
): Problem[] {
  const problems: Problem[] = [];
  const prefix = path.length ? `steps[${String(path[1])}].` : '';
  const at = (p: PropertyKey[], field: string, message: string) =>
    problems.push({ file: input.file, line: input.lineOf([...path, ...p]), field: `${prefix}${field}`, message });
  const { cluster, modules } = target;
  const rule = KIND_RULES[kind];

  const kindModuleOff = !rule.needs.some((n) => modules.has(n.module));
  if (kindModuleOff) {
    const options = rule.needs.map((n) => `"${n.module}" (${n.what})`).join(' or ');
    at(
      ['kind'],
      'kind',
      `"${kind}" needs module ${options}, which is off on cluster ` +
        `"${cluster.name}"; turn it on in clusters/${cluster.name}/cluster.yaml`,
    );
  }
  for (const need of extraNeeds(kind, body)) {
    // a module the kind's own need already named is said once
    if (!modules.has(need) && !(kindModuleOff && rule.needs.some((n) => n.module === need))) {
      const why = need === 'kueue' ? 'runs are queued by Kueue' : `"${kind}" with lws renders a LeaderWorkerSet`;
      at(
        ['kind'],
        'kind',
        `needs module "${need}" (${why}), which is off on cluster ` +
          `"${cluster.name}"; turn it on in clusters/${cluster.name}/cluster.yaml`,
      );
    }
  }

  if (kind === 'pytorch-distributed' && body.scheduler_name && modules.has('kubeflow-trainer')) {
    at(
      ['scheduler_name'],
      'scheduler_name',
      'cannot be set on a Trainer v2 TrainJob (its runtime patch has no ' +
        'schedulerName); remove it, or run where only the training operator runs',
    );
  }
  const image = typeof body.image === 'string' ? body.image : body.image?.name;
  if (kind === 'kserve') {
    // KServe picks the serving runtime from the model format; an image replaces it
    if (!image && !body.storage_uri) {
      at([], 'storage_uri', 'is required: the model KServe serves (or an image that serves one)');
    }
  } else if (kind === 'packed-models') {
    for (const p of packedModelProblems(body)) at([...p.path], p.field, p.message);
  } else if (kind !== 'model-download' && kind !== 'load-test' && !image) {
    at(['image'], 'image', `is required: ${rule.hook?.imageIs ?? 'the container image the workload runs'}`);
  }
  if (rule.hook) {
    const pool = body.resources?.node_type ? poolOf(cluster, body.resources.node_type, body) : undefined;
    for (const p of hookPlacementProblems(kind, body, team, pool, cluster.name)) at([...p.path], p.field, p.message);
  }

  if (rule.commandField) {
    const spec = body[rule.commandField];
    const hasScript = body.inline_script.length > 0 || body.pre_script.length > 0 || body.post_script.length > 0;
    if (!spec?.command.length && !hasScript) {
      at(
        [rule.commandField],
        `${rule.commandField}.command`,
        'is required: the workload has nothing to run (no command, inline_script, pre_script or post_script)',
      );
    }
  }
  if (kind === 'model-download' && !body.hf_model_id) {
    at([], 'hf_model_id', 'is required: the Hugging Face model to download');
  }
  if (kind === 'model-compile') problems.push(...compilePlacement(input, body, target, path, prefix));

  for (const p of pathProblems(body, team.name)) at([...p.path], p.field, p.message);

  const templated = findTemplate(body);
  if (templated) {
    at(
      templated.path,
      templated.field,
      `uses the Helm expression ${templated.expression}; only {{ ` +
        `.Release.Name }} is supported (the run's name); write the value out`,
    );
  }

  const nodeType = body.resources?.node_type;
  const pods = rule.pods(body);
  const perPod: Record<string, number> = {};
  for (const [name, value] of Object.entries({ ...body.resources?.limits, ...body.resources?.requests })) {
    perPod[name] = parseQuantity(value);
  }

  if (kind === 'rayserve-vllm') {
    for (const p of rayServeProblems(body, nodeType ? poolOf(cluster, nodeType, body) : undefined)) {
      at([...p.path], p.field, p.message);
    }
  }

  if (kind === 'packed-models') problems.push(...packedPlacement(input, body, team, target, path, prefix));

  if (nodeType) {
    const pool = poolOf(cluster, nodeType, body);
    if (!pool) {
      const offered = cluster.nodePools.map(
        (p) =>
          `${p.name}: ` +
          (p.instanceTypes.length ? p.instanceTypes : p.instanceFamilies.map((f) => `${f}.*`)).join(', '),
      );
      at(
        ['resources', 'node_type'],
        'resources.node_type',
        `"${nodeType}" belongs to no node pool of cluster "${cluster.name}" (${offered.join('; ') || 'it has none'})`,
      );
    }
    // accelerators are checked where the type is on a pool (else the message above says all) and the table knows it
    const facts = pool && target.instanceTypes.get(nodeType);
    if (facts) {
      for (const acc of ACCELERATOR_RESOURCES) {
        for (const side of ['requests', 'limits'] as const) {
          const text = body.resources?.[side]?.[acc.resource];
          if (text === undefined) continue;
          const n = parseQuantity(text);
          const max = facts[acc.fact];
          if (n > max) {
            at(
              ['resources', side, acc.resource],
              `resources.${side}["${acc.resource}"]`,
              `${text} ${acc.what} per pod do not fit a ${nodeType}, which has ${max}`,
            );
          }
        }
      }
    }
  }

  const quotas: { key: keyof Team['quotas']; resource: string; what: string; parse: (v: number) => number }[] = [
    { key: 'gpu', resource: 'nvidia.com/gpu', what: 'GPUs', parse: (v) => v },
    { key: 'neuron', resource: 'aws.amazon.com/neuron', what: 'Neuron devices', parse: (v) => v },
    { key: 'cpu', resource: 'cpu', what: 'vCPUs', parse: (v) => v },
  ];
  for (const q of quotas) {
    const each = perPod[q.resource];
    const quota = team.quotas[q.key] as number | undefined;
    if (each === undefined || Number.isNaN(each) || quota === undefined) continue;
    if (each * pods > quota) {
      at(
        ['resources'],
        'resources',
        `${pods} pod${pods === 1 ? '' : 's'} x ${each} ${q.what} = ${each * pods} exceeds ` +
          `team "${team.name}"'s quota of ${quota} ${q.what} on cluster "${cluster.name}"`,
      );
    }
  }
  const mem = perPod.memory;
  if (mem !== undefined && team.quotas.memory !== undefined && mem * pods > parseQuantity(team.quotas.memory)) {
    at(
      ['resources'],
      'resources',
      `${pods} pod${pods === 1 ? '' : 's'} x ${body.resources?.requests.memory ?? body.resources?.limits.memory} ` +
        `memory exceeds team "${team.name}"'s quota of ${team.quotas.memory} on cluster "${cluster.name}"`,
    );
  }
  return problems;
}

/**
 * A packed set: on a node type of one of the cluster's pools, every replica fitting a node (packing.ts), and the
 * set's total within the team's quota.
 */
function packedPlacement(
  input: RecipeInput,
  body: RecipeBody,
  team: Team,
  target: PlacementTarget,
  path: PropertyKey[],
  prefix: string,
): Problem[] {
  const problems: Problem[] = [];
  const at = (p: readonly PropertyKey[], field: string, message: string) =>
    problems.push({ file: input.file, line: input.lineOf([...path, ...p]), field: `${prefix}${field}`, message });
  const nodeType = body.resources?.node_type;
  if (!nodeType) {
    at(['resources'], 'resources.node_type', 'is required: the instance type the models are packed onto');
    return problems;
  }
  const facts = poolOf(target.cluster, nodeType, body) && target.instanceTypes.get(nodeType);
  if (facts) {
    const packed = packApp(body, nodeType, facts);
    if (!packed.ok) for (const p of packed.problems) at(p.path, p.field, p.message);
  }
  const demands = modelDemands(body.models ?? []);
  const total = (key: 'cpu' | 'memory' | 'gpus') => demands.reduce((sum, d) => sum + (d[key] ?? 0) * d.replicas, 0);
  const limits: { key: 'cpu' | 'memory' | 'gpus'; quota: number | undefined; what: (n: number) => string }[] = [
    { key: 'cpu', quota: team.quotas.cpu === undefined ? undefined : team.quotas.cpu * 1000, what: (n) => `${n}m cpu` },
    {
      key: 'memory',
      quota: team.quotas.memory === undefined ? undefined : parseQuantity(team.quotas.memory) / 2 ** 20,
      what: (n) => `${n} MiB memory`,
    },
    { key: 'gpus', quota: team.quotas.gpu, what: (n) => `${n} GPUs` },
  ];
  for (const limit of limits) {
    const sum = total(limit.key);
    if (limit.quota !== undefined && sum > limit.quota) {
      at(
        ['models'],
        'models',
        `the replicas request ${limit.what(sum)} together, more than team "${team.name}"'s quota of ` +
          `${limit.what(Math.floor(limit.quota))} on cluster "${target.cluster.name}"`,
      );
    }
  }
  return problems;
}

/** A compile: its target's device on the node type it runs on (a Neuron compile on inf2 or trn, CUDA on a GPU). */
function compilePlacement(
  input: RecipeInput,
  body: RecipeBody,
  target: PlacementTarget,
  path: PropertyKey[],
  prefix: string,
): Problem[] {
  const problems: Problem[] = [];
  const at = (p: readonly PropertyKey[], field: string, message: string) =>
    problems.push({ file: input.file, line: input.lineOf([...path, ...p]), field: `${prefix}${field}`, message });
  const compile = body.compile;
  if (!compile) return problems; // the schema requires it
  if (compile.compiler_args.length && compile.target !== 'neuron') {
    at(
      ['compile', 'compiler_args'],
      'compile.compiler_args',
      `are Neuron compiler arguments; target is "${compile.target}"`,
    );
  }
  const nodeType = body.resources?.node_type;
  if (!nodeType) {
    at(
      ['resources'],
      'resources.node_type',
      `is required: a compile runs on a node of its target (${TARGET_DEVICE[compile.target].what})`,
    );
    return problems;
  }
  const facts = poolOf(target.cluster, nodeType, body) && target.instanceTypes.get(nodeType);
  const devices = facts && { neuron: facts.neuronDevices, cuda: facts.gpus, cpu: 1 }[compile.target];
  if (devices === 0) {
    at(
      ['resources', 'node_type'],
      'resources.node_type',
      `"${nodeType}" cannot compile for target "${compile.target}": expected ${TARGET_DEVICE[compile.target].what}`,
    );
  }
  return problems;
}

function findTemplate(body: RecipeBody): { path: PropertyKey[]; field: string; expression: string } | undefined {
  const walk = (
    value: unknown,
    path: PropertyKey[],
  ): { path: PropertyKey[]; field: string; expression: string } | undefined => {
    if (typeof value === 'string') {
      const m = TEMPLATE_EXPRESSION.exec(value);
      return m
        ? {
            path,
            field: path
              .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
              .join('')
              .replace(/^\./, '')
              .replace(/\.\[/g, '['),
            expression: m[0],
          }
        : undefined;
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const found = walk(value[i], [...path, i]);
        if (found) return found;
      }
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        // Ray Serve configs and Determined's model files are not Helm-templated
        if (k === 'engine' || k === 'ray' || k === 'files') continue;
        const found = walk(v, [...path, k]);
        if (found) return found;
      }
    }
    return undefined;
  };
  return walk(body, []);
}
