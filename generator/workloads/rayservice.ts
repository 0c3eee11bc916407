import {
  containerResources,
  envVars,
  frameworkFetch,
  meta,
  nodeSelector,
  podMetadata,
  podSpecJson,
  podTolerations,
  podVolumes,
  type WorkloadContext,
} from './pod-parts';
import { imageName, imagePullPolicy } from './pytorchjob';
import { CHART_DIRS } from './train-script';
import { parseEmbeddedYaml } from '../config/embedded-yaml';
import { KubeConfigMap, type Container, type ContainerPort, type Volume, type VolumeMount } from '../imports/k8s';
import type {
  RayServiceProps,
  RayServiceSpecRayClusterConfigHeadGroupSpecTemplate,
  RayServiceSpecRayClusterConfigWorkerGroupSpecsTemplate,
} from '../imports/kuberay-rayservice-ray.io';
import type { K8sObject } from '../model/k8s-object';
import type { Plain, PlainObjectOf } from '../model/typed';
import type { RecipeBody } from '../recipes/recipe-schema';

/** The worker group's size when the app does not say (`resources.min_replicas`, `resources.max_replicas`). */
export const WORKER_REPLICAS = { min: 1, max: 2 } as const;

/** The rayserve chart's defaults (its values.yaml) that a seed recipe relies on when it leaves them out. */
const DEFAULTS = {
  version: '2.54.1',
  ports: [
    { name: 'gcs', port: 6379 },
    { name: 'client', port: 10001 },
    { name: 'dashboard', port: 8265 },
    { name: 'serve', port: 8000 },
  ],
  headResources: { requests: { cpu: '300m' }, limits: { cpu: '2' } },
  env: [
    { name: 'RAY_LOGGING_LEVEL', value: 'ERROR' },
    { name: 'RAY_enable_infeasible_task_early_exit', value: 'false' },
  ],
  serviceUnhealthy: 900,
  deploymentUnhealthy: 300,
  nodeType: 'g6.48xlarge',
  framework: 'vllm-0.19.0',
};

/**
 * Ray Serve with vLLM, as the seed's rayserve chart: a RayService whose Serve config imports the chart's
 * `openai_api` deployment; the engine config is a ConfigMap mounted at /etc/engine-config.
 */
export function renderRayService(body: RecipeBody, ctx: WorkloadContext): K8sObject[] {
  const ray = body.ray ?? {};
  const framework = body.framework === null ? undefined : (body.framework ?? DEFAULTS.framework);
  const image = imageName(body);
  const pullPolicy = imagePullPolicy(body);
  const engineConfig = `engine-config-${ctx.release}`;
  const engineCode = `engine-code-${ctx.release}`;
  const objects: K8sObject[] = [];
  if (body.engine?.code) {
    objects.push(KubeConfigMap.manifest({ metadata: meta(ctx, engineCode), data: parseCode(body.engine.code) }));
  }
  objects.push(
    KubeConfigMap.manifest({
      metadata: meta(ctx, engineConfig),
      data: { 'engine-config.json': `${JSON.stringify(body.engine?.config ?? {}, null, 2)}\n` },
    }),
  );

  const { volumes: pvcVolumes, mounts: pvcMounts } = podVolumes(body, ctx, { framework: Boolean(framework) });
  const volumes: Volume[] = [
    ...pvcVolumes.filter((v) => v.name === 'shm'),
    { name: 'engine-config', configMap: { defaultMode: 420, name: engineConfig } },
    ...(body.engine?.code ? [{ name: 'engine-code', configMap: { defaultMode: 420, name: engineCode } }] : []),
    ...pvcVolumes.filter((v) => v.name !== 'shm'),
  ];
  const mounts: VolumeMount[] = [
    ...pvcMounts.filter((m) => m.name === 'shm'),
    { mountPath: '/etc/engine-config', name: 'engine-config' },
    ...(body.engine?.code ? [{ mountPath: '/etc/engine-code', name: 'engine-code' }] : []),
    ...pvcMounts.filter((m) => m.name !== 'shm'),
  ];
  const initContainers: Container[] | undefined = framework
    ? [
        {
          name: 'init-framework-scripts',
          image,
          command: ['sh', '-c', frameworkFetch(framework, CHART_DIRS.rayserve).join('\n')],
          volumeMounts: mounts.filter((m) => m.name === 'framework-scripts'),
        },
      ]
    : undefined;
  const env = envVars(ray.env ?? DEFAULTS.env, ctx);
  const headResources = ray.resources ?? DEFAULTS.headResources;
  const head: Plain<RayServiceSpecRayClusterConfigHeadGroupSpecTemplate> = {
    metadata: podMetadata(ctx),
    spec: podSpecJson({
      restartPolicy: ray.restart_policy?.head ?? 'OnFailure',
      initContainers,
      containers: [
        {
          name: 'ray-head',
          image,
          imagePullPolicy: pullPolicy,
          command: [
            '/bin/bash',
            '-c',
            'CMD="${KUBERAY_GEN_RAY_START_CMD:-ray start --head --dashboard-host=0.0.0.0 --block}"\neval "$CMD"\n',
          ],
          ports: (ray.ports ?? DEFAULTS.ports).map((p): ContainerPort => ({ name: p.name, containerPort: p.port })),
          env: env.length ? env : undefined,
          volumeMounts: mounts,
          resources: containerResources(headResources.requests, headResources.limits),
        },
      ],
      volumes,
      tolerations: ray.tolerations?.length ? podTolerations(ray.tolerations, { ...ctx, pool: undefined }) : undefined,
      nodeSelector: ray.resources?.node_type
        ? { 'node.kubernetes.io/instance-type': ray.resources.node_type }
        : undefined,
    }),
  };
  const res = body.resources ?? { requests: {}, limits: {} };
  const worker: Plain<RayServiceSpecRayClusterConfigWorkerGroupSpecsTemplate> = {
    metadata: { ...podMetadata(ctx, { 'autoscaling-group': ctx.release }) },
    spec: podSpecJson({
      restartPolicy: ray.restart_policy?.worker ?? 'OnFailure',
      schedulerName: body.scheduler_name,
      initContainers,
      containers: [
        {
          name: 'ray-worker',
          image,
          imagePullPolicy: pullPolicy,
          command: [
            '/bin/bash',
            '-c',
            'CMD="${KUBERAY_GEN_RAY_START_CMD:-ray start --address=$RAY_IP --block}"\neval "$CMD"\n',
          ],
          lifecycle: { preStop: { exec: { command: ['/bin/sh', '-c', 'ray stop'] } } },
          env: env.length ? env : undefined,
          volumeMounts: mounts,
          resources: containerResources(res.requests, res.limits),
        },
      ],
      volumes,
      tolerations: podTolerations(body.tolerations, ctx),
      nodeSelector: nodeSelector(res.node_type ?? DEFAULTS.nodeType, ctx),
    }),
  };
  const minReplicas = res.min_replicas ?? WORKER_REPLICAS.min;
  const maxReplicas = res.max_replicas ?? WORKER_REPLICAS.max;
  const service: PlainObjectOf<RayServiceProps> = {
    apiVersion: 'ray.io/v1',
    kind: 'RayService',
    metadata: meta(ctx, ctx.release),
    spec: {
      serviceUnhealthySecondThreshold: ray.service_unhealthy_threshold_secs ?? DEFAULTS.serviceUnhealthy,
      deploymentUnhealthySecondThreshold: ray.deployment_unhealthy_threshold_secs ?? DEFAULTS.deploymentUnhealthy,
      ...(ray.serve_config_v2 ? { serveConfigV2: ray.serve_config_v2.serveConfigV2 } : {}),
      rayClusterConfig: {
        rayVersion: String(ray.version ?? DEFAULTS.version),
        // Serve scales its replicas; the Ray autoscaler then starts the workers they need, up to maxReplicas
        ...(maxReplicas > minReplicas ? { enableInTreeAutoscaling: true } : {}),
        headGroupSpec: { rayStartParams: { 'dashboard-host': ray.dashboard?.host ?? '0.0.0.0' }, template: head },
        workerGroupSpecs: [
          {
            replicas: minReplicas,
            minReplicas,
            maxReplicas,
            numOfHosts: res.num_of_hosts ?? 1,
            groupName: 'serving',
            rayStartParams: {},
            template: worker,
          },
        ],
      },
    },
  };
  objects.push(service);
  return objects;
}

/** `engine.code` is the body of a ConfigMap's data in the chart: `file.py: |` blocks. */
function parseCode(code: string): Record<string, string> {
  const data = parseEmbeddedYaml(code) as Record<string, unknown> | null | undefined;
  return Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [k, String(v)]));
}
