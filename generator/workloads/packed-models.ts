import {
  nodeCapacity,
  packingCost,
  packModels,
  type ModelDemand,
  type NodeCapacity,
  type Packing,
  type PackingCost,
  type PackingResult,
} from './packing';
import { compact, envVars, meta, nodeSelector, podMetadata, podTolerations, podVolumes } from './pod-parts';
import type { WorkloadContext } from './pod-parts';
import { imageName, imagePullPolicy } from './pytorchjob';
import type { ServingProblem } from './serving-checks';
import { fieldPath } from '../config/problems';
import {
  IntOrString,
  KubeDeployment,
  KubeService,
  Quantity,
  type Container,
  type EnvVar,
  type PodSpec,
} from '../imports/k8s';
import type { InstanceType } from '../instances/instance-table';
import type { PackedSetSummary } from '../model/compiled-cluster';
import type { K8sObject } from '../model/k8s-object';
import { parseQuantity } from '../recipes/instance-types';
import type { PackedModel, RecipeBody } from '../recipes/recipe-schema';

/**
 * `packed-models`: a set of small models served together, packed onto nodes of one instance type (packing.ts). Each
 * node of the packing is one pod holding one container per model replica placed on it, its requests the models'
 * measured needs; the pods of a set never share a node (pod anti-affinity on the host name), so the scheduler and
 * Karpenter start exactly the nodes the packing counted. Each model gets a Service that reaches its replicas on every
 * node.
 */

/** What the DaemonSets of every node (CNI, kube-proxy, CSI node plugins, device plugin, node exporter) request. */
export const DAEMONSET_RESERVE = { cpu: 500, memory: 1024 } as const;
/** The first port given to a model without one: the next models get the next ports (containers share the pod's). */
export const FIRST_PORT = 8080;
/** Marks the pods that serve a model, for its Service: `models.mlops-fleet.io/<model>: serve`. */
export const MODEL_LABEL_PREFIX = 'models.mlops-fleet.io/';
const HOST_NAME = 'kubernetes.io/hostname';

/** The node a set is packed onto: the instance type's allocatable less the DaemonSets' reserve. */
export function packedNodeCapacity(nodeType: string, facts: InstanceType): NodeCapacity {
  const node = nodeCapacity(nodeType, facts);
  return {
    ...node,
    cpu: Math.max(0, node.cpu - DAEMONSET_RESERVE.cpu),
    memory: Math.max(0, node.memory - DAEMONSET_RESERVE.memory),
  };
}

/** The models' measured needs as the packer counts them: millicores and MiB, rounded up. */
export function modelDemands(models: readonly PackedModel[]): ModelDemand[] {
  return models.map((m) => ({
    name: m.name,
    replicas: m.replicas,
    cpu: Math.ceil(parseQuantity(m.cpu) * 1000),
    memory: Math.ceil(parseQuantity(m.memory) / 2 ** 20),
    neuronCores: m.neuron_cores ?? 0,
    gpus: m.gpus ?? 0,
  }));
}

/**
 * Packings already made, per recipe body and node type: a set is packed once per regenerate although its placement
 * check, its renderer, its README summary and the load tests that target it all ask (the search can be exact).
 */
const packings = new WeakMap<RecipeBody, { nodeType: string; facts: InstanceType; packed: PackingResult }[]>();

/** The set packed onto `nodeType`: replicas of one model always on different nodes. */
export function packApp(body: RecipeBody, nodeType: string, facts: InstanceType): PackingResult {
  let made = packings.get(body);
  if (!made) packings.set(body, (made = []));
  let found = made.find((m) => m.nodeType === nodeType && m.facts === facts);
  if (!found) made.push((found = { nodeType, facts, packed: packSet(body, nodeType, facts) }));
  return found.packed;
}

function packSet(body: RecipeBody, nodeType: string, facts: InstanceType): PackingResult {
  const models = body.models ?? [];
  const quantities = quantityProblems(models);
  if (quantities.length) return { ok: false, problems: quantities };
  const packed = packModels(modelDemands(models), packedNodeCapacity(nodeType, facts), {
    spread: true,
    at: ['models'],
  });
  if (packed.ok) return packed;
  // the packer names the demand's fields; the file names them as the app's fields
  return {
    ok: false,
    problems: packed.problems.map((p) => {
      const path = p.path.map((part) => (typeof part === 'string' ? (APP_FIELDS[part] ?? part) : part));
      return { ...p, path, field: fieldPath(path) };
    }),
  };
}

/** The app's name of a demand's field (packing.ts ModelDemand). */
const APP_FIELDS: Record<string, string> = { neuronCores: 'neuron_cores' };

/** The port each model's server listens on, by model name. */
export function modelPorts(models: readonly PackedModel[]): Map<string, number> {
  return new Map(models.map((m, i) => [m.name, m.port ?? FIRST_PORT + i]));
}

/** Problems a packing does not see: quantities that do not parse, two models on one port, a model without image. */
export function packedModelProblems(body: RecipeBody): ServingProblem[] {
  const models = body.models ?? [];
  const problems = quantityProblems(models);
  const owners = new Map<number, string>();
  const ports = modelPorts(models);
  models.forEach((m, i) => {
    const port = ports.get(m.name)!;
    const other = owners.get(port);
    if (other !== undefined) {
      problems.push({
        path: ['models', i, 'port'],
        field: `models[${i}].port`,
        message: `${port} is also the port of model "${other}"; the containers of a node share its pod's ports`,
      });
    }
    owners.set(port, m.name);
    if (!m.image && !imageName(body)) {
      problems.push({
        path: ['models', i, 'image'],
        field: `models[${i}].image`,
        message: "is required: the model's server image (or the app's `image` for every model)",
      });
    }
  });
  return problems;
}

function quantityProblems(models: readonly PackedModel[]): ServingProblem[] {
  const problems: ServingProblem[] = [];
  models.forEach((m, i) => {
    for (const [field, expected] of [
      ['cpu', 'a cpu quantity such as 1, 1.5 or 500m'],
      ['memory', 'a memory quantity such as 2Gi or 512Mi'],
    ] as const) {
      const value = parseQuantity(m[field]);
      if (!Number.isFinite(value) || value <= 0) {
        problems.push({
          path: ['models', i, field],
          field: `models[${i}].${field}`,
          message: `expected ${expected}, got "${m[field]}"`,
        });
      }
    }
  });
  return problems;
}

/** A packed set with its cost, for the cluster README and the run preview. */
export interface PackedSet {
  readonly packing: Packing;
  /** Undefined where the instance table has no price for the region. */
  readonly cost?: PackingCost;
}

/** The set's packing and its cost in `region` (the instance's on-demand price). */
export function packedSet(
  body: RecipeBody,
  nodeType: string,
  facts: InstanceType,
  region: string,
): PackedSet | undefined {
  const packed = packApp(body, nodeType, facts);
  if (!packed.ok) return undefined;
  const price = facts.onDemandUsdPerHour?.[region];
  return { packing: packed.packing, cost: price == null ? undefined : packingCost(packed.packing, price) };
}

/** The set as the cluster README and the run preview show it; undefined when it does not pack. */
export function packedSetSummary(
  app: string,
  team: string,
  body: RecipeBody,
  instanceTypes: ReadonlyMap<string, InstanceType>,
  region: string,
): PackedSetSummary | undefined {
  const nodeType = body.resources?.node_type;
  const facts = nodeType ? instanceTypes.get(nodeType) : undefined;
  const set = nodeType && facts ? packedSet(body, nodeType, facts, region) : undefined;
  if (!nodeType || !set) return undefined;
  const { packing, cost } = set;
  const replicas = packing.nodes.reduce((sum, n) => sum + n.replicas.length, 0);
  const byModel = new Map(cost?.models.map((m) => [m.model, m]));
  return {
    app,
    team,
    instanceType: nodeType,
    nodes: packing.nodes.length,
    lowerBound: packing.lowerBound,
    optimal: packing.optimal,
    nodeModels: packing.nodes.map((n) => n.replicas.map((r) => r.model)),
    usdPerHour: cost?.usdPerHour,
    onePerNode: { nodes: replicas, usdPerHour: cost?.onePerNode.usdPerHour },
    models: (body.models ?? []).map((m) => ({
      name: m.name,
      replicas: m.replicas,
      usdPerHour: byModel.get(m.name)?.usdPerHour,
      onePerNodeUsdPerHour: byModel.get(m.name)?.onePerNodeUsdPerHour,
    })),
  };
}

/** The node pods (a Deployment of one pod per packed node) and a Service per model. */
export function renderPackedModels(body: RecipeBody, ctx: WorkloadContext): K8sObject[] {
  const nodeType = body.resources?.node_type;
  const facts = ctx.instanceType;
  if (!nodeType || !facts) return []; // placement reports it
  const packed = packApp(body, nodeType, facts);
  if (!packed.ok) return [];
  const models = new Map((body.models ?? []).map((m) => [m.name, m]));
  const ports = modelPorts(body.models ?? []);
  const portName = (model: string) => `http-${[...models.keys()].indexOf(model)}`;
  const setLabel = { 'app.kubernetes.io/name': ctx.release };
  const { volumes, mounts } = podVolumes(body, ctx, { shm: false });
  const objects: K8sObject[] = [];

  packed.packing.nodes.forEach((node, n) => {
    const name = `${ctx.release}-n${n + 1}`;
    const modelLabels = Object.fromEntries(node.replicas.map((r) => [`${MODEL_LABEL_PREFIX}${r.model}`, 'serve']));
    const podLabels = { ...setLabel, 'mlops-fleet.io/node': String(n + 1) };
    const containers = node.replicas.map((r): Container => {
      const m = models.get(r.model)!;
      return container(m, ports.get(m.name)!, portName(m.name), body, ctx, mounts);
    });
    const spec: PodSpec = compact<PodSpec>({
      containers,
      tolerations: podTolerations(body.tolerations, ctx),
      nodeSelector: nodeSelector(nodeType, ctx),
      affinity: {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { labelSelector: { matchLabels: setLabel }, topologyKey: HOST_NAME },
          ],
        },
      },
      volumes: volumes.length ? volumes : undefined,
    });
    objects.push(
      KubeDeployment.manifest({
        metadata: meta(ctx, name, setLabel),
        spec: {
          replicas: 1,
          selector: { matchLabels: podLabels },
          template: { metadata: podMetadata(ctx, { ...podLabels, ...modelLabels }), spec },
        },
      }),
    );
  });
  for (const m of models.values()) {
    objects.push(
      KubeService.manifest({
        metadata: meta(ctx, `${ctx.release}-${m.name}`),
        spec: {
          type: 'ClusterIP',
          selector: { ...setLabel, [`${MODEL_LABEL_PREFIX}${m.name}`]: 'serve' },
          ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: IntOrString.fromString(portName(m.name)) }],
        },
      }),
    );
  }
  return objects;
}

/** One replica's server: requests equal to limits (Guaranteed QoS, so a neighbour never slows it). */
function container(
  m: PackedModel,
  port: number,
  portName: string,
  body: RecipeBody,
  ctx: WorkloadContext,
  mounts: ReturnType<typeof podVolumes>['mounts'],
): Container {
  const amounts: Record<string, Quantity> = {
    cpu: Quantity.fromString(m.cpu),
    memory: Quantity.fromString(m.memory),
  };
  if (m.neuron_cores) amounts['aws.amazon.com/neuroncore'] = Quantity.fromNumber(m.neuron_cores);
  if (m.gpus) amounts['nvidia.com/gpu'] = Quantity.fromNumber(m.gpus);
  const env: EnvVar[] = [
    { name: 'PORT', value: String(port) },
    ...(m.model_path ? [{ name: 'MODEL_PATH', value: m.model_path }] : []),
    ...(envVars(m.env, ctx) as EnvVar[]),
  ];
  return compact<Container>({
    name: m.name,
    image: m.image ?? imageName(body)!,
    imagePullPolicy: imagePullPolicy(body),
    command: m.command.length ? m.command : undefined,
    args: m.args.length ? m.args : undefined,
    env,
    ports: [{ name: portName, containerPort: port, protocol: 'TCP' }],
    readinessProbe: { tcpSocket: { port: IntOrString.fromNumber(port) }, periodSeconds: 10 },
    resources: { requests: amounts, limits: amounts },
    volumeMounts: mounts.length ? mounts : undefined,
  });
}
