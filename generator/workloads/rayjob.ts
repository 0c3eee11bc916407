import {
  containerResources,
  envVars,
  nodeSelector,
  podMetadata,
  podSpecJson,
  podTolerations,
  queuedMeta,
  type WorkloadContext,
} from './pod-parts';
import { imageName, imagePullPolicy } from './pytorchjob';
import { CHART_DIRS, trainScript } from './train-script';
import type { Container, ContainerPort } from '../imports/k8s';
import type { RayJobProps, RayJobSpec, RayJobSpecSubmitterPodTemplate } from '../imports/kuberay-rayjob-ray.io';
import type { K8sObject } from '../model/k8s-object';
import type { Plain, PlainObjectOf } from '../model/typed';
import type { RecipeBody } from '../recipes/recipe-schema';

const DEFAULT_RAY_VERSION = '2.22.0';

/**
 * Ray Train, as the seed's raytrain chart: a RayJob whose submitter runs the train script against a
 * Ray cluster of one head (no GPUs) and `nnodes` training workers; the cluster goes when the job ends.
 */
export function renderRayJob(body: RecipeBody, ctx: WorkloadContext): K8sObject[] {
  const script = trainScript(body, ctx, CHART_DIRS.raytrain);
  const ray = body.ray ?? {};
  const image = imageName(body);
  const pullPolicy = imagePullPolicy(body);
  const env = envVars(body.train?.env, ctx);
  const tolerations = podTolerations(body.tolerations, ctx);
  const selector = nodeSelector(body.resources?.node_type, ctx);
  const headResources = containerResources(ray.resources?.requests, ray.resources?.limits);
  const noShm = script.mounts.filter((m) => m.name !== 'shm');
  const nnodes = body.resources?.nnodes ?? 1;
  // the head's and workers' templates have the same schema as the submitter's
  const podSpec = (restartPolicy: string, container: Container): Plain<RayJobSpecSubmitterPodTemplate> => ({
    metadata: podMetadata(ctx),
    spec: podSpecJson({
      restartPolicy,
      schedulerName: body.scheduler_name,
      volumes: script.volumes,
      tolerations,
      nodeSelector: selector,
      containers: [container],
    }),
  });
  // the seed's `runtime_env_yaml` holds fields of the RayJob's spec (`runtimeEnvYAML`), merged in as written
  const runtimeEnv =
    ray.runtime_env_yaml && typeof ray.runtime_env_yaml === 'object' ? (ray.runtime_env_yaml as Plain<RayJobSpec>) : {};
  const job: PlainObjectOf<RayJobProps> = {
    apiVersion: 'ray.io/v1',
    kind: 'RayJob',
    metadata: queuedMeta(ctx, `rayjob-${ctx.release}`),
    spec: {
      shutdownAfterJobFinishes: true,
      entrypoint: script.command[0],
      ...runtimeEnv,
      submitterPodTemplate: podSpec('Never', {
        name: 'job-submitter',
        env,
        image,
        imagePullPolicy: pullPolicy,
        volumeMounts: noShm,
        resources: headResources,
      }),
      rayClusterSpec: {
        rayVersion: String(ray.version ?? DEFAULT_RAY_VERSION),
        headGroupSpec: {
          rayStartParams: { 'dashboard-host': ray.dashboard?.host ?? '0.0.0.0', 'num-gpus': '0' },
          template: podSpec('OnFailure', {
            name: 'ray-head',
            env,
            image,
            imagePullPolicy: pullPolicy,
            ports: ray.ports?.map((p): ContainerPort => ({ name: p.name, containerPort: p.port })),
            volumeMounts: noShm,
            resources: headResources,
          }),
        },
        workerGroupSpecs: [
          {
            replicas: nnodes,
            minReplicas: nnodes,
            maxReplicas: nnodes,
            groupName: 'training',
            rayStartParams: {},
            template: podSpec('OnFailure', {
              name: 'ray-worker',
              env,
              image,
              imagePullPolicy: pullPolicy,
              lifecycle: { preStop: { exec: { command: ['/bin/sh', '-c', 'ray stop'] } } },
              volumeMounts: script.mounts,
              resources: containerResources(body.resources?.requests, body.resources?.limits),
            }),
          },
        ],
      },
    },
  };
  return [script.configMap, job];
}
