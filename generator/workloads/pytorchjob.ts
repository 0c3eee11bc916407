import {
  compact,
  containerResources,
  envVars,
  nodeSelector,
  podMetadata,
  podSpecJson,
  podTolerations,
  queuedMeta,
  type WorkloadContext,
} from './pod-parts';
import { CHART_DIRS, trainScript } from './train-script';
import type {
  PyTorchJobProps,
  PyTorchJobSpecPytorchReplicaSpecs,
  PyTorchJobSpecPytorchReplicaSpecsTemplate,
} from '../imports/training-operator-pytorchjob-kubeflow.org';
import type { K8sObject } from '../model/k8s-object';
import type { Plain, PlainObjectOf } from '../model/typed';
import type { RecipeBody } from '../recipes/recipe-schema';

/**
 * Distributed PyTorch on Trainer v1 (`kubeflow.org/v1` PyTorchJob), for clusters that run the training
 * operator: as the seed's pytorchjob-distributed chart, a Master and `nnodes - 1` Workers; with
 * `elastic`, as its pytorchjob-elastic chart, `nnodes` Workers and an elastic policy.
 */
export function renderPyTorchJob(body: RecipeBody, ctx: WorkloadContext, elastic = false): K8sObject[] {
  const script = trainScript(body, ctx, elastic ? CHART_DIRS.elastic : CHART_DIRS.distributed);
  const nnodes = body.resources?.nnodes ?? (elastic ? 1 : 2);
  const template: Plain<PyTorchJobSpecPytorchReplicaSpecsTemplate> = {
    metadata: podMetadata(ctx),
    spec: podSpecJson({
      volumes: script.volumes,
      tolerations: podTolerations(body.tolerations, ctx),
      nodeSelector: nodeSelector(body.resources?.node_type, ctx),
      schedulerName: body.scheduler_name,
      containers: [
        {
          name: 'pytorch',
          env: envVars(body.train?.env, ctx),
          command: script.command,
          resources: containerResources(body.resources?.requests, body.resources?.limits),
          image: imageName(body),
          imagePullPolicy: 'IfNotPresent',
          volumeMounts: script.mounts,
        },
      ],
    }),
  };
  const replica = (replicas: number): Plain<PyTorchJobSpecPytorchReplicaSpecs> => ({
    replicas,
    restartPolicy: 'OnFailure',
    template,
  });
  const ep = body.elastic_policy ?? {};
  const job: PlainObjectOf<PyTorchJobProps> = {
    apiVersion: 'kubeflow.org/v1',
    kind: 'PyTorchJob',
    metadata: queuedMeta(ctx, `pytorchjob-${ctx.release}`),
    spec: compact({
      nprocPerNode: body.resources?.nproc_per_node !== undefined ? String(body.resources.nproc_per_node) : undefined,
      elasticPolicy: elastic
        ? {
            rdzvBackend: ep.rdzv_backend ?? 'c10d',
            rdzvId: ctx.release,
            rdzvPort: ep.rdzv_port ?? 44000,
            minReplicas: ep.min_replicas ?? 1,
            maxReplicas: ep.max_replicas ?? 1,
          }
        : undefined,
      runPolicy: { backoffLimit: body.backoff_limit ?? 2000, cleanPodPolicy: 'Running' },
      pytorchReplicaSpecs: elastic
        ? { Worker: replica(nnodes) }
        : { Master: replica(1), ...(nnodes > 1 ? { Worker: replica(nnodes - 1) } : {}) },
    }),
  };
  return [script.configMap, job];
}

export function imageName(body: RecipeBody): string | undefined {
  const image = body.image;
  return typeof image === 'string' ? image : (image?.name ?? undefined);
}

export function imagePullPolicy(body: RecipeBody, fallback = 'IfNotPresent'): string {
  const image = body.image;
  return (typeof image === 'object' && image?.pull_policy) || body.image_pull_policy || fallback;
}
