import {
  KubeConfigMap,
  KubePersistentVolumeClaim,
  Quantity,
  toJson_PodSpec,
  type EnvVar,
  type ObjectMeta,
  type PodSpec,
  type ResourceRequirements,
  type SecretKeySelector,
  type Toleration as K8sToleration,
  type Volume,
  type VolumeMount,
} from '../imports/k8s';
import type { InstanceType } from '../instances/instance-table';
import type { ClusterSpec, NodePool, Team } from '../model/cluster-spec';
import type { K8sObject } from '../model/k8s-object';
import { EBS_STORAGE_CLASS, NODEPOOL_LABEL } from '../model/platform-names';
import type { Plain } from '../model/typed';
import type { CommandSpec, EnvVarSpec, RecipeBody, Toleration } from '../recipes/recipe-schema';

/**
 * The pieces every seed chart puts in its pod templates, reproduced: the launcher script (git clone,
 * inline script, pre script, command with args, post script), the volumes (script ConfigMap, /dev/shm,
 * the PVCs, an EBS scratch volume), tolerations, node selection and the pod annotations.
 */

/** Where the seed charts' bundled framework scripts come from (read at run time, never copied here). */
export const SEED_REPO = 'https://github.com/aws-samples/amazon-eks-machine-learning-with-terraform-and-kubeflow.git';
export const SEED_COMMIT = 'fa3ce157578993dbc607af150422d36763cdb44f';
export const FRAMEWORK_DIR = '/etc/framework-scripts';

/** The seed charts' default shared volumes. */
export const DEFAULT_PVC = [
  { name: 'pv-fsx', mount_path: '/fsx' },
  { name: 'pv-efs', mount_path: '/efs' },
];

/** Everything a renderer needs to know about where and as what a workload runs. */
export interface WorkloadContext {
  readonly cluster: ClusterSpec;
  readonly team: Team;
  readonly namespace: string;
  /** The seed's Helm release name: the run name (`<recipe>-<hash>`), a step's name, or the service name. */
  readonly release: string;
  /** The node pool `resources.node_type` belongs to. */
  readonly pool: NodePool | undefined;
  /** What the instance table knows of `resources.node_type`. */
  readonly instanceType?: InstanceType;
  /** Labels every object of the workload carries. */
  readonly labels: Record<string, string>;
  /** Kueue labels for the object Kueue admits (queue, priority); empty for services Kueue does not manage. */
  readonly queueLabels: Record<string, string>;
  /** Enabled platform modules of the cluster. */
  readonly modules: ReadonlySet<string>;
  /** Extra annotations of every object (a pipeline step's sync wave). */
  readonly annotations: Record<string, string>;
  /** A load test's target, resolved against its pipeline and the cluster's apps (load-test-target.ts). */
  readonly loadTestTarget?: LoadTestTarget;
  /** The CLI image a hook kind's Job runs (`KindRule.toolImage`), resolved to its recorded digest. */
  readonly toolImage?: string;
}

/** What a load test reaches, and what its results say about it (meta.json, docs/loadtest.md). */
export interface LoadTestTarget {
  /** `http://<service>.<namespace>.svc.cluster.local:<port><path>` */
  readonly url: string;
  /** `<namespace>/<service>` */
  readonly service: string;
  readonly model: string;
  readonly instanceType?: string;
  /** The nodes the service runs on (a packed set's node count; else its replicas). */
  readonly nodes: number;
  /** A packed set's model replicas per node. */
  readonly modelsPerNode?: number;
  /** A packed set's share of its nodes' cost that is the tested model's (its requests' share). */
  readonly costShare?: number;
}

/** `{{ .Release.Name }}` in seed values (Helm `tpl`); any other template expression is refused earlier. */
export function tpl(value: string, release: string): string {
  return value.replace(/\{\{-?\s*\.Release\.Name\s*-?\}\}/g, release);
}
export const TEMPLATE_EXPRESSION = /\{\{(?!-?\s*\.Release\.Name\s*-?\}\})[^}]*\}\}/;

/** The launcher script, in the seed's order. `done` ends the command line (`&& echo "Training script done"`). */
export function launcherScript(
  body: RecipeBody,
  command: CommandSpec | undefined,
  done: string,
  framework?: { name: string; chartDir: string },
): string {
  const lines = ['#!/bin/bash', ''];
  // first, as in the chart, whose init container lays the framework scripts out before the script runs
  if (framework) lines.push(...frameworkFetch(framework.name, framework.chartDir), '');
  const repo = body.git?.repo_url;
  if (repo) {
    lines.push(
      'mkdir -p $HOME/tmp',
      'GIT_CLONE_DIR=$HOME/tmp/$HOSTNAME',
      '',
      `git clone ${repo} $GIT_CLONE_DIR`,
      'cd $GIT_CLONE_DIR',
    );
    if (body.git?.branch) lines.push(`git checkout ${body.git.branch}`);
    if (body.git?.commit) lines.push(`git fetch origin ${body.git.commit}`, `git reset --hard ${body.git.commit}`);
  }
  for (const block of body.inline_script) lines.push(block.replace(/\n$/, ''));
  for (const line of body.pre_script) lines.push(line);
  const cmd = command?.command ?? [];
  for (const part of [...cmd, ...(command?.args ?? [])]) lines.push(`${part} \\`);
  if (cmd.length) lines.push(done);
  for (const line of body.post_script) lines.push(line);
  if (repo) lines.push('cd $HOME', 'rm -rf $GIT_CLONE_DIR');
  return `${lines.join('\n')}\n`;
}

/**
 * The seed charts ship framework scripts (`scripts/<framework>/`) inside the chart; here they are fetched
 * from the seed repository at its pinned commit into an emptyDir at /etc/framework-scripts, the same path.
 */
export function frameworkFetch(framework: string, chartDir: string): string[] {
  return [
    `# framework scripts of the seed chart (${framework}), fetched at the pinned commit`,
    `FRAMEWORK_SRC=$(mktemp -d)`,
    `git clone --filter=blob:none --no-checkout ${SEED_REPO} $FRAMEWORK_SRC`,
    `git -C $FRAMEWORK_SRC checkout ${SEED_COMMIT} -- ${chartDir}/scripts/${framework}`,
    `mkdir -p ${FRAMEWORK_DIR} && cp -r $FRAMEWORK_SRC/${chartDir}/scripts/${framework}/. ${FRAMEWORK_DIR}/`,
    `rm -rf $FRAMEWORK_SRC`,
  ];
}

export function scriptConfigMap(ctx: WorkloadContext, name: string, key: string, script: string): K8sObject {
  return KubeConfigMap.manifest({ metadata: meta(ctx, name), data: { [key]: script } });
}

/** The metadata `meta` gives: it fits both a generated class's ObjectMeta and a plain object's (model/typed.ts). */
export type WorkloadMeta = Pick<ObjectMeta, 'namespace' | 'labels' | 'annotations'> & { readonly name: string };

export function meta(ctx: WorkloadContext, name: string, extraLabels: Record<string, string> = {}): WorkloadMeta {
  const annotations = Object.keys(ctx.annotations).length ? { annotations: { ...ctx.annotations } } : {};
  return { name, namespace: ctx.namespace, labels: { ...ctx.labels, ...extraLabels }, ...annotations };
}

/** A pod spec as plain JSON, for the pod templates inside custom resources (their schema is the core PodSpec). */
export function podSpecJson(spec: PodSpec): Plain<PodSpec> {
  // the generated converter writes the API's JSON of the typed PodSpec (keys in its order, quantities as values)
  return toJson_PodSpec(spec) as Plain<PodSpec>;
}

export interface PodVolumeOptions {
  /** Name of the script ConfigMap, its key; absent for pods without a launcher script. */
  readonly script?: { configMap: string; key: string; mountPath: string };
  readonly shm?: boolean;
  /** `ephemeral`: a per-pod EBS volume (training charts); `claim`: the chart's `ebs-<release>` PVC. */
  readonly ebs?: 'ephemeral' | 'claim';
  readonly ebsDefault?: string;
  readonly framework?: boolean;
  readonly pvc?: boolean;
}

export function podVolumes(
  body: RecipeBody,
  ctx: WorkloadContext,
  options: PodVolumeOptions,
): { volumes: Volume[]; mounts: VolumeMount[] } {
  const volumes: Volume[] = [];
  const mounts: VolumeMount[] = [];
  if (options.script) {
    volumes.push({
      name: 'config',
      configMap: {
        defaultMode: 420,
        items: [{ key: options.script.key, mode: 365, path: options.script.key }],
        name: options.script.configMap,
      },
    });
    mounts.push({ mountPath: options.script.mountPath, name: 'config' });
  }
  if (options.framework) {
    volumes.push({ name: 'framework-scripts', emptyDir: {} });
    mounts.push({ mountPath: FRAMEWORK_DIR, name: 'framework-scripts' });
  }
  if (options.shm !== false) {
    // the seed charts mount the node's /dev/shm (a hostPath); a memory-backed emptyDir gives the pod the same
    // large shared memory without a host path, which the team namespaces' Pod Security level forbids
    volumes.push({ name: 'shm', emptyDir: { medium: 'Memory' } });
    mounts.push({ mountPath: '/dev/shm', name: 'shm' });
  }
  if (options.pvc !== false) {
    (body.pvc ?? DEFAULT_PVC).forEach((pv, i) => {
      volumes.push({ name: `pv-${i + 1}`, persistentVolumeClaim: { claimName: pv.name } });
      mounts.push({ mountPath: pv.mount_path, name: `pv-${i + 1}` });
    });
  }
  if (body.ebs && options.ebs) {
    const storage = body.ebs.storage ?? options.ebsDefault ?? '100Gi';
    volumes.push(
      options.ebs === 'claim'
        ? { name: 'ebs', persistentVolumeClaim: { claimName: `ebs-${ctx.release}` } }
        : {
            name: 'ebs',
            ephemeral: {
              volumeClaimTemplate: {
                spec: {
                  accessModes: ['ReadWriteOnce'],
                  resources: { requests: { storage: Quantity.fromString(storage) } },
                  storageClassName: EBS_STORAGE_CLASS,
                },
              },
            },
          },
    );
    mounts.push({ name: 'ebs', mountPath: body.ebs.mount_path ?? '/tmp' });
  }
  return { volumes, mounts };
}

/** The chart's `ebs-<release>` claim (data-process, model download). */
export function ebsClaim(body: RecipeBody, ctx: WorkloadContext, defaultSize: string): K8sObject[] {
  if (!body.ebs) return [];
  return [
    KubePersistentVolumeClaim.manifest({
      metadata: meta(ctx, `ebs-${ctx.release}`),
      spec: {
        accessModes: ['ReadWriteOnce'],
        storageClassName: EBS_STORAGE_CLASS,
        resources: { requests: { storage: Quantity.fromString(body.ebs.storage ?? defaultSize) } },
      },
    }),
  ];
}

/**
 * The seed's tolerations as written, plus one for each taint of the target pool that they do not
 * already tolerate (a cuda-efa pool also taints `vpc.amazonaws.com/efa`).
 */
export function podTolerations(tolerations: readonly Toleration[], ctx: WorkloadContext): K8sToleration[] {
  const out: K8sToleration[] = tolerations.map((t): K8sToleration => ({
    key: tpl(t.key, ctx.release),
    ...(t.operator ? { operator: t.operator } : {}),
    ...(t.value !== undefined ? { value: t.value } : {}),
    ...(t.effect ? { effect: t.effect } : {}),
  }));
  for (const taint of ctx.pool?.taints ?? []) {
    const tolerated = out.some((t) => t.key === taint.key && (!t.effect || t.effect === taint.effect));
    if (!tolerated) out.push({ key: taint.key, operator: 'Exists', effect: taint.effect });
  }
  return out;
}

export function nodeSelector(nodeType: string | undefined, ctx: WorkloadContext): Record<string, string> | undefined {
  const selector: Record<string, string> = {};
  if (ctx.pool) selector[NODEPOOL_LABEL] = ctx.pool.name;
  if (nodeType) selector['node.kubernetes.io/instance-type'] = nodeType;
  return Object.keys(selector).length ? selector : undefined;
}

export const POD_ANNOTATIONS = { 'karpenter.sh/do-not-disrupt': 'true', 'sidecar.istio.io/inject': 'false' };

export function podMetadata(
  ctx: WorkloadContext,
  extraLabels: Record<string, string> = {},
): Pick<ObjectMeta, 'labels' | 'annotations'> {
  return {
    labels: { ...ctx.labels, ...extraLabels },
    annotations: { ...POD_ANNOTATIONS, 'app.kubernetes.io/instance': ctx.release },
  };
}

/** An environment variable as `envVars` writes it: a value or a Secret's key; it fits the core EnvVar and a CRD's. */
export type WorkloadEnvVar = Pick<EnvVar, 'name' | 'value'> & {
  readonly valueFrom?: { readonly secretKeyRef: Pick<SecretKeySelector, 'name' | 'key'> };
};

export function envVars(env: readonly EnvVarSpec[] | undefined, ctx: WorkloadContext): WorkloadEnvVar[] {
  return (env ?? []).map((e) =>
    e.valueFrom
      ? {
          name: e.name,
          valueFrom: { secretKeyRef: { name: e.valueFrom.secretKeyRef.name, key: e.valueFrom.secretKeyRef.key } },
        }
      : { name: e.name, value: tpl(e.value ?? '', ctx.release) },
  );
}

export function containerResources(
  requests: Record<string, string> | undefined,
  limits: Record<string, string> | undefined,
): ResourceRequirements {
  const quantities = (m: Record<string, string>) =>
    Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Quantity.fromString(v)]));
  return {
    ...(requests && Object.keys(requests).length ? { requests: quantities(requests) } : {}),
    ...(limits && Object.keys(limits).length ? { limits: quantities(limits) } : {}),
  };
}

/** The resources of `containerResources` as plain JSON, for fields of custom resources. */
export function resourcesJson(
  requests: Record<string, string> | undefined,
  limits: Record<string, string> | undefined,
): { requests?: Record<string, string>; limits?: Record<string, string> } {
  const out: { requests?: Record<string, string>; limits?: Record<string, string> } = {};
  if (requests && Object.keys(requests).length) out.requests = { ...requests };
  if (limits && Object.keys(limits).length) out.limits = { ...limits };
  return out;
}

/** The Kueue-managed object's metadata: the workload labels plus queue and priority. */
export function queuedMeta(ctx: WorkloadContext, name: string) {
  return meta(ctx, name, ctx.queueLabels);
}

/**
 * Drops undefined fields so the YAML stays as short as the chart's. `T` comes from where the result goes (a typed
 * field or variable), never from the argument, so a misspelt field of the argument is still an error.
 */
export function compact<T extends object>(object: NoInfer<T>): T {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as T;
}
