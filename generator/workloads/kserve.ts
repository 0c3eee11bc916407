import { compact, envVars, meta, nodeSelector, podTolerations, resourcesJson, type WorkloadContext } from './pod-parts';
import { imageName } from './pytorchjob';
import type {
  InferenceServiceProps,
  InferenceServiceSpecPredictorModel,
  InferenceServiceSpecPredictorModelVolumeMounts,
  InferenceServiceSpecPredictorVolumes,
} from '../imports/kserve-inferenceservice-serving.kserve.io';
import type { K8sObject } from '../model/k8s-object';
import type { Plain, PlainObjectOf } from '../model/typed';
import type { RecipeBody } from '../recipes/recipe-schema';

/**
 * A KServe InferenceService (`serving.kserve.io/v1beta1`): the predictor serves `storage_uri` with the
 * runtime for `model_format` (or the recipe's image and server command), placed like every other workload.
 */
export function renderKServe(body: RecipeBody, ctx: WorkloadContext): K8sObject[] {
  const autoscaling = body.server?.autoscaling;
  const image = imageName(body);
  const volumes = (body.pvc ?? []).map((pv, i): Plain<InferenceServiceSpecPredictorVolumes> => ({
    name: `pv-${i + 1}`,
    persistentVolumeClaim: { claimName: pv.name },
  }));
  const mounts = (body.pvc ?? []).map((pv, i): Plain<InferenceServiceSpecPredictorModelVolumeMounts> => ({
    name: `pv-${i + 1}`,
    mountPath: pv.mount_path,
  }));
  const model: Plain<InferenceServiceSpecPredictorModel> = compact({
    modelFormat: { name: body.model_format ?? 'huggingface' },
    storageUri: body.storage_uri,
    image,
    command: body.server?.command.length ? body.server.command : undefined,
    args: body.server?.args.length ? body.server.args : undefined,
    env: body.server?.env.length ? envVars(body.server.env, ctx) : undefined,
    resources: resourcesJson(body.resources?.requests, body.resources?.limits),
    volumeMounts: mounts.length ? mounts : undefined,
  });
  const service: PlainObjectOf<InferenceServiceProps> = {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: meta(ctx, ctx.release),
    spec: {
      predictor: compact({
        minReplicas: autoscaling?.minReplicas ?? 1,
        maxReplicas: autoscaling?.maxReplicas ?? 1,
        schedulerName: body.scheduler_name,
        tolerations: podTolerations(body.tolerations, ctx),
        nodeSelector: nodeSelector(body.resources?.node_type, ctx),
        volumes: volumes.length ? volumes : undefined,
        model,
      }),
    },
  };
  return [service];
}
