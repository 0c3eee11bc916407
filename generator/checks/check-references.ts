import type { ManifestObject } from './parse-manifest';
import type { SchemaRegistry } from './schema-registry';
import type { Problem } from '../config/problems';
import type { ClusterSpec } from '../model/cluster-spec';
import type { PlatformModule, ProvidedObject } from '../model/platform-module';

/** One module as it runs on the cluster: its catalog entry, the cluster's override and the Helm values it is given. */
export interface ModuleOnCluster {
  readonly module: PlatformModule;
  readonly overrides: Record<string, unknown>;
  readonly values: Record<string, unknown>;
}

/** A rendered object and the generated file it is in. */
export interface RenderedObject {
  readonly file: string;
  readonly object: ManifestObject & Record<string, unknown>;
  /** The hand-written input the file is generated from (its projen marker's "edit ..."). */
  readonly input: string;
}

export interface ReferenceCheckInput {
  readonly cluster: ClusterSpec;
  readonly modules: readonly ModuleOnCluster[];
  /** The whole catalog: names the module to enable when a kind or object is missing. */
  readonly catalog: readonly PlatformModule[];
  readonly objects: readonly RenderedObject[];
  readonly registry: SchemaRegistry;
}

/** Namespaces every EKS cluster has. */
const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
/** StorageClasses an EKS cluster is created with. */
const EKS_STORAGE_CLASSES = ['gp2'];
/** Node labels Karpenter (or the kubelet) puts on every node, whatever values the pool allows. */
const WELL_KNOWN_NODE_LABELS = new Set([
  'kubernetes.io/os',
  'kubernetes.io/arch',
  'kubernetes.io/hostname',
  'node.kubernetes.io/instance-type',
  'topology.kubernetes.io/zone',
  'topology.kubernetes.io/region',
  'karpenter.sh/capacity-type',
  'karpenter.sh/nodepool',
  'karpenter.k8s.aws/instance-family',
  'karpenter.k8s.aws/instance-category',
  'karpenter.k8s.aws/instance-generation',
  'karpenter.k8s.aws/instance-size',
  'karpenter.k8s.aws/instance-cpu',
  'karpenter.k8s.aws/instance-memory',
  'karpenter.k8s.aws/instance-gpu-name',
  'karpenter.k8s.aws/instance-gpu-count',
  'karpenter.k8s.aws/instance-gpu-manufacturer',
  'karpenter.k8s.aws/instance-accelerator-name',
  'karpenter.k8s.aws/instance-accelerator-count',
  'karpenter.k8s.aws/instance-hypervisor',
  'karpenter.k8s.aws/instance-network-bandwidth',
  'karpenter.k8s.aws/instance-ebs-bandwidth',
  'karpenter.k8s.aws/instance-encryption-in-transit-supported',
]);
const QUEUE_LABEL = 'kueue.x-k8s.io/queue-name';
const PRIORITY_LABEL = 'kueue.x-k8s.io/priority-class';

type Json = Record<string, unknown>;
const isMap = (x: unknown): x is Json => !!x && typeof x === 'object' && !Array.isArray(x);
const list = (x: unknown): Json[] => (Array.isArray(x) ? x.filter(isMap) : []);
const groupOf = (apiVersion: string | undefined) =>
  apiVersion && apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';

/** What the cluster will have: its own rendered objects, what its modules install, and what EKS creates. */
class ClusterObjects {
  private readonly keys = new Set<string>();
  readonly nodePools: Json[] = [];

  constructor(input: ReferenceCheckInput) {
    const { cluster, modules, objects } = input;
    for (const { object } of objects) {
      this.add(
        groupOf(object.apiVersion),
        object.kind ?? '',
        (object.metadata as Json | undefined)?.namespace as string | undefined,
        object.metadata?.name ?? '',
      );
      if (object.kind === 'NodePool' && groupOf(object.apiVersion) === 'karpenter.sh') this.nodePools.push(object);
    }
    const namespaces = [...SYSTEM_NAMESPACES, cluster.argocd.namespace, ...modules.map((m) => m.module.namespace)];
    const enabled = new Set(modules.map((m) => m.module.name));
    for (const { module, overrides, values } of modules) {
      for (const provided of module.provides?.({ cluster, enabled, overrides, values }) ?? []) {
        this.addProvided(provided);
      }
    }
    for (const { object } of objects) {
      if (object.kind === 'Namespace' && !groupOf(object.apiVersion)) namespaces.push(object.metadata?.name ?? '');
    }
    for (const ns of namespaces) {
      this.add('', 'Namespace', undefined, ns);
      // created in every namespace by Kubernetes itself
      this.add('', 'ServiceAccount', ns, 'default');
      this.add('', 'ConfigMap', ns, 'kube-root-ca.crt');
    }
    for (const name of EKS_STORAGE_CLASSES) this.add('storage.k8s.io', 'StorageClass', undefined, name);
    // a Secret an ExternalSecret of the cluster writes, and those its teams create out of band
    for (const { object } of objects) {
      if (object.kind !== 'ExternalSecret') continue;
      const target = ((object.spec as Json | undefined)?.target as Json | undefined)?.name;
      this.add(
        '',
        'Secret',
        (object.metadata as Json).namespace as string,
        typeof target === 'string' ? target : (object.metadata?.name ?? ''),
      );
    }
    for (const team of cluster.teams) {
      for (const secret of team.secrets) this.add('', 'Secret', team.namespace ?? team.name, secret);
    }
  }

  private addProvided(p: ProvidedObject) {
    this.add(groupOf(p.apiVersion), p.kind, p.namespace, p.name);
  }

  private add(group: string, kind: string, namespace: string | undefined, name: string) {
    this.keys.add(`${group}|${kind}|${namespace ?? ''}|${name}`);
  }

  has(group: string, kind: string, namespace: string | undefined, name: string): boolean {
    return this.keys.has(`${group}|${kind}|${namespace ?? ''}|${name}`);
  }
}

/**
 * Every name a rendered object of one cluster refers to resolves to an object this cluster will have: its own
 * rendered objects, the named objects its enabled modules install (`provides`), and what Kubernetes and EKS
 * create. Checked: each object's kind is served (by Kubernetes or a CRD of an enabled module); a TrainJob's
 * runtime; Kueue's queue and priority-class labels; a ClusterQueue's flavors and a LocalQueue's ClusterQueue;
 * in every pod template, volume claims (and the StorageClass of an ephemeral one), ConfigMaps, Secrets, the service
 * account, and a node selector some node pool can satisfy with taints the pod tolerates; a claim's StorageClass; an
 * Application's AppProject and destination namespace.
 */
export function checkReferences(input: ReferenceCheckInput): Problem[] {
  const have = new ClusterObjects(input);
  const hub = input.cluster.argocd.destination === 'hub';
  const problems: Problem[] = [];
  for (const rendered of input.objects) {
    const { object } = rendered;
    const namespace = (object.metadata as Json | undefined)?.namespace as string | undefined;
    const what = `${object.kind} ${namespace ? `${namespace}/` : ''}${object.metadata?.name}`;
    const missing = (field: string, message: string) =>
      problems.push({ file: rendered.file, field, message: `${what} ${message}; fix it in ${rendered.input}` });
    const need = (field: string, group: string, kind: string, ns: string | undefined, name: unknown, hint = '') => {
      if (typeof name !== 'string' || name.includes('{{')) return;
      if (!have.has(group, kind, ns, name)) {
        missing(
          field,
          `refers to ${kind} "${name}"${ns ? ` in namespace ${ns}` : ''}, ` +
            `which cluster ${input.cluster.name} does not have${hint}`,
        );
      }
    };

    checkKind(input, rendered, missing);
    const labels = (object.metadata?.['labels' as keyof typeof object.metadata] ?? {}) as Record<string, string>;
    if (labels[QUEUE_LABEL]) {
      need(
        `metadata.labels["${QUEUE_LABEL}"]`,
        'kueue.x-k8s.io',
        'LocalQueue',
        namespace,
        labels[QUEUE_LABEL],
        moduleHint(input, 'kueue'),
      );
    }
    if (labels[PRIORITY_LABEL]) {
      need(
        `metadata.labels["${PRIORITY_LABEL}"]`,
        'kueue.x-k8s.io',
        'WorkloadPriorityClass',
        undefined,
        labels[PRIORITY_LABEL],
        moduleHint(input, 'kueue'),
      );
    }
    const spec = (object.spec ?? {}) as Json;
    switch (`${groupOf(object.apiVersion)}/${object.kind}`) {
      case 'trainer.kubeflow.org/TrainJob': {
        const ref = (spec.runtimeRef ?? {}) as Json;
        const cluster = ref.kind !== 'TrainingRuntime';
        need(
          'spec.runtimeRef.name',
          'trainer.kubeflow.org',
          cluster ? 'ClusterTrainingRuntime' : 'TrainingRuntime',
          cluster ? undefined : namespace,
          ref.name,
          moduleHint(input, 'kubeflow-trainer'),
        );
        // the trainer's environment goes into the runtime's node container
        checkEnv(((spec.trainer ?? {}) as Json).env, 'spec.trainer', namespace, need);
        break;
      }
      case 'kueue.x-k8s.io/ClusterQueue':
        list(spec.resourceGroups).forEach((group, g) =>
          list(group.flavors).forEach((flavor, f) =>
            need(
              `spec.resourceGroups[${g}].flavors[${f}].name`,
              'kueue.x-k8s.io',
              'ResourceFlavor',
              undefined,
              flavor.name,
            ),
          ),
        );
        break;
      case 'kueue.x-k8s.io/LocalQueue':
        need('spec.clusterQueue', 'kueue.x-k8s.io', 'ClusterQueue', undefined, spec.clusterQueue);
        break;
      case '/PersistentVolumeClaim':
        if (spec.storageClassName) {
          need('spec.storageClassName', 'storage.k8s.io', 'StorageClass', undefined, spec.storageClassName);
        }
        break;
      // on a cluster a hub Argo CD manages, these are the hub's objects, checked there
      case 'argoproj.io/Application':
        if (!hub) checkApplication(spec, namespace, 'spec', need);
        break;
      case 'argoproj.io/ApplicationSet':
        if (!hub) {
          checkApplication(
            ((spec.template as Json | undefined)?.spec ?? {}) as Json,
            namespace,
            'spec.template.spec',
            need,
          );
        }
        break;
    }
    for (const { path, pod } of podSpecs(object)) {
      checkPod(input, have, pod, path, namespace, !!labels[QUEUE_LABEL], need, missing);
    }
  }
  return problems;
}

type Need = (field: string, group: string, kind: string, ns: string | undefined, name: unknown, hint?: string) => void;
type Missing = (field: string, message: string) => void;

/** A kind no one serves would be refused by the API server: Kubernetes' own, or a CRD an enabled module installs. */
function checkKind(input: ReferenceCheckInput, { object }: RenderedObject, missing: Missing) {
  const apiVersion = String(object.apiVersion);
  const kind = String(object.kind);
  if (input.registry.isKubernetesKind(apiVersion, kind)) return;
  const crd = input.registry.crdOf(apiVersion, kind);
  if (!crd) return; // no schema at all: validate reports it
  // a cluster managed by a hub Argo CD has its Argo CD objects applied to the hub, which serves their kinds
  if (input.cluster.argocd.destination === 'hub' && groupOf(apiVersion) === 'argoproj.io') return;
  if (input.modules.some(({ module }) => module.crds.includes(crd))) return;
  const providers = input.catalog.filter((m) => m.crds.includes(crd)).map((m) => m.name);
  missing(
    'kind',
    `is ${/^[AEIOU]/.test(kind) ? 'an' : 'a'} ${kind}, served by the CRD ${crd}, which no ` +
      `module enabled on cluster ${input.cluster.name} ` +
      `installs` +
      (providers.length ? ` (enable ${providers.join(' or ')} in clusters/${input.cluster.name}/cluster.yaml)` : ''),
  );
}

function moduleHint(input: ReferenceCheckInput, module: string): string {
  return input.modules.some((m) => m.module.name === module) ? '' : ` (the module ${module} is not enabled)`;
}

function checkApplication(spec: Json, namespace: string | undefined, at: string, need: Need) {
  need(`${at}.project`, 'argoproj.io', 'AppProject', namespace, spec.project);
  const destination = (spec.destination ?? {}) as Json;
  // an Application that creates its namespace (CreateNamespace=true) brings it itself
  const creates = list([(spec.syncPolicy as Json | undefined) ?? {}]).some(
    (p) => Array.isArray(p.syncOptions) && p.syncOptions.includes('CreateNamespace=true'),
  );
  if (destination.namespace && !creates) {
    need(`${at}.destination.namespace`, '', 'Namespace', undefined, destination.namespace);
  }
}

/** Every pod spec in an object (a pod template at any depth, or a runtime patch of one), with its field path. */
function podSpecs(object: Json): { path: string; pod: Json }[] {
  const out: { path: string; pod: Json }[] = [];
  const walk = (value: unknown, path: string) => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, `${path}[${i}]`));
      return;
    }
    if (!isMap(value)) return;
    if (Array.isArray(value.containers) && list(value.containers).every((c) => typeof c.name === 'string')) {
      out.push({ path, pod: value });
      return;
    }
    for (const [key, child] of Object.entries(value)) {
      if (key !== 'metadata' && key !== 'status') walk(child, path ? `${path}.${key}` : key);
    }
  };
  walk(object, '');
  return out;
}

function checkPod(
  input: ReferenceCheckInput,
  have: ClusterObjects,
  pod: Json,
  at: string,
  namespace: string | undefined,
  queued: boolean,
  need: Need,
  missing: Missing,
) {
  const secret = (field: string, name: unknown) => need(field, '', 'Secret', namespace, name, SECRET_HINT);
  list(pod.volumes).forEach((volume, v) => {
    const field = `${at}.volumes[${v}]`;
    const claim = volume.persistentVolumeClaim as Json | undefined;
    if (claim) {
      need(`${field}.persistentVolumeClaim.claimName`, '', 'PersistentVolumeClaim', namespace, claim.claimName);
    }
    const configMap = volume.configMap as Json | undefined;
    if (configMap && configMap.optional !== true) {
      need(`${field}.configMap.name`, '', 'ConfigMap', namespace, configMap.name);
    }
    const ephemeralClass = (
      ((volume.ephemeral as Json | undefined)?.volumeClaimTemplate as Json | undefined)?.spec as Json | undefined
    )?.storageClassName;
    if (ephemeralClass) {
      need(
        `${field}.ephemeral.volumeClaimTemplate.spec.storageClassName`,
        'storage.k8s.io',
        'StorageClass',
        undefined,
        ephemeralClass,
      );
    }
    const secretVolume = volume.secret as Json | undefined;
    if (secretVolume && secretVolume.optional !== true) secret(`${field}.secret.secretName`, secretVolume.secretName);
  });
  for (const key of ['initContainers', 'containers'] as const) {
    list(pod[key]).forEach((container, c) => {
      const field = `${at}.${key}[${c}]`;
      checkEnv(container.env, field, namespace, need);
      list(container.envFrom).forEach((source, s) => {
        const configMapRef = source.configMapRef as Json | undefined;
        if (configMapRef && configMapRef.optional !== true) {
          need(`${field}.envFrom[${s}].configMapRef.name`, '', 'ConfigMap', namespace, configMapRef.name);
        }
        const secretRef = source.secretRef as Json | undefined;
        if (secretRef && secretRef.optional !== true) secret(`${field}.envFrom[${s}].secretRef.name`, secretRef.name);
      });
    });
  }
  if (pod.serviceAccountName) need(`${at}.serviceAccountName`, '', 'ServiceAccount', namespace, pod.serviceAccountName);
  const selector = (pod.nodeSelector ?? {}) as Record<string, string>;
  if (Object.keys(selector).length === 0 || have.nodePools.length === 0) return;
  const pools = have.nodePools.filter((pool) => poolSatisfies(pool, selector));
  const wanted = Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  if (pools.length === 0) {
    missing(
      `${at}.nodeSelector`,
      `selects nodes labelled ${wanted}, which no node pool of cluster ${input.cluster.name} can launch`,
    );
    return;
  }
  // Kueue adds the tolerations of the flavor it admits a queued run to; others must tolerate their pool's taints
  if (queued) return;
  const tolerations = list(pod.tolerations);
  if (!pools.some((pool) => poolTaints(pool).every((taint) => tolerations.some((t) => tolerates(t, taint))))) {
    const taints = pools
      .map(
        (p) =>
          `${(p.metadata as Json).name}: ${poolTaints(p)
            .map((t) => `${t.key}:${t.effect}`)
            .join(', ')}`,
      )
      .join('; ');
    missing(
      `${at}.tolerations`,
      `selects nodes labelled ${wanted}, but tolerates the taints ` +
        `of none of the node pools that can launch them (${taints})`,
    );
  }
}

const SECRET_HINT =
  " (sync it with an ExternalSecret, or list it in the team's " +
  '`secrets` in cluster.yaml when it is created out of band)';

/** A container's environment: the ConfigMaps and Secrets its values come from. */
function checkEnv(env: unknown, at: string, namespace: string | undefined, need: Need) {
  list(env).forEach((variable, e) => {
    const from = (variable.valueFrom ?? {}) as Json;
    const configMapRef = from.configMapKeyRef as Json | undefined;
    if (configMapRef && configMapRef.optional !== true) {
      need(`${at}.env[${e}].valueFrom.configMapKeyRef.name`, '', 'ConfigMap', namespace, configMapRef.name);
    }
    const secretRef = from.secretKeyRef as Json | undefined;
    if (secretRef && secretRef.optional !== true) {
      need(`${at}.env[${e}].valueFrom.secretKeyRef.name`, '', 'Secret', namespace, secretRef.name, SECRET_HINT);
    }
  });
}

/** Whether nodes of a Karpenter NodePool can carry every label of a node selector. */
function poolSatisfies(pool: Json, selector: Record<string, string>): boolean {
  const template = ((pool.spec as Json).template ?? {}) as Json;
  const labels: Record<string, string> = {
    ...(((template.metadata as Json | undefined)?.labels ?? {}) as Record<string, string>),
    'karpenter.sh/nodepool': String((pool.metadata as Json).name),
  };
  const requirements = list((template.spec as Json | undefined)?.requirements);
  return Object.entries(selector).every(([key, value]) => {
    if (key in labels) return labels[key] === value;
    const requirement = requirements.find((r) => r.key === key);
    if (requirement) return requirementAllows(requirement, value);
    if (key === 'node.kubernetes.io/instance-type') {
      const family = requirements.find((r) => r.key === 'karpenter.k8s.aws/instance-family');
      return !family || requirementAllows(family, value.slice(0, value.indexOf('.')));
    }
    return WELL_KNOWN_NODE_LABELS.has(key);
  });
}

function requirementAllows(requirement: Json, value: string): boolean {
  const values = Array.isArray(requirement.values) ? requirement.values.map(String) : [];
  switch (requirement.operator) {
    case 'In':
      return values.includes(value);
    case 'NotIn':
      return !values.includes(value);
    case 'Exists':
      return true;
    case 'DoesNotExist':
      return false;
    case 'Gt':
      return Number(value) > Number(values[0]);
    case 'Lt':
      return Number(value) < Number(values[0]);
    default:
      return true;
  }
}

type Taint = { key: string; value?: string; effect: string };

function poolTaints(pool: Json): Taint[] {
  const template = ((pool.spec as Json).template ?? {}) as Json;
  return list((template.spec as Json | undefined)?.taints) as unknown as Taint[];
}

/** Kubernetes' toleration matching (an empty key with Exists tolerates everything). */
function tolerates(toleration: Json, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.operator === 'Exists') return !toleration.key || toleration.key === taint.key;
  return toleration.key === taint.key && (toleration.value ?? '') === (taint.value ?? '');
}
