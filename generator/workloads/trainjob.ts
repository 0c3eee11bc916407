import {
  compact,
  envVars,
  nodeSelector,
  podMetadata,
  podSpecJson,
  podTolerations,
  queuedMeta,
  resourcesJson,
  type WorkloadContext,
} from './pod-parts';
import { imageName } from './pytorchjob';
import { CHART_DIRS, trainScript } from './train-script';
import type { TrainJobProps } from '../imports/trainer-trainjob-trainer.kubeflow.org';
import type { K8sObject } from '../model/k8s-object';
import { TORCH_RUNTIME } from '../model/platform-names';
import type { PlainObjectOf } from '../model/typed';
import type { RecipeBody } from '../recipes/recipe-schema';

export const RUNTIME_PATCH_MANAGER = 'mlops-fleet.io/generator';

/**
 * Distributed PyTorch on Kubeflow Trainer v2: a TrainJob on the `torch-distributed` ClusterTrainingRuntime.
 * `numNodes` nodes each run the seed's train script (the runtime sets the same PET_* variables as the
 * training operator, which the seed's scripts read); volumes, tolerations and node selection go in a
 * runtime patch of the runtime's `node` job.
 */
export function renderTrainJob(body: RecipeBody, ctx: WorkloadContext): K8sObject[] {
  const script = trainScript(body, ctx, CHART_DIRS.distributed);
  const nproc = body.resources?.nproc_per_node;
  const trainJob: PlainObjectOf<TrainJobProps> = {
    apiVersion: 'trainer.kubeflow.org/v1alpha1',
    kind: 'TrainJob',
    metadata: queuedMeta(ctx, ctx.release),
    spec: {
      runtimeRef: { apiGroup: 'trainer.kubeflow.org', kind: 'ClusterTrainingRuntime', name: TORCH_RUNTIME.name },
      trainer: compact({
        image: imageName(body),
        command: script.command,
        env: envVars(body.train?.env, ctx),
        numNodes: body.resources?.nnodes ?? 2,
        numProcPerNode: typeof nproc === 'number' ? nproc : undefined,
        resourcesPerNode: resourcesJson(body.resources?.requests, body.resources?.limits),
      }),
      runtimePatches: [
        {
          manager: RUNTIME_PATCH_MANAGER,
          trainingRuntimeSpec: {
            template: {
              spec: {
                replicatedJobs: [
                  {
                    name: TORCH_RUNTIME.replicatedJob,
                    template: {
                      spec: {
                        template: {
                          metadata: podMetadata(ctx),
                          spec: podSpecJson({
                            volumes: script.volumes,
                            tolerations: podTolerations(body.tolerations, ctx),
                            nodeSelector: nodeSelector(body.resources?.node_type, ctx),
                            containers: [{ name: TORCH_RUNTIME.container, volumeMounts: script.mounts }],
                          }),
                        },
                      },
                    },
                  },
                ],
              },
            },
          },
        },
      ],
    },
  };
  return [script.configMap, trainJob];
}
