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
import { imageName } from './pytorchjob';
import { CHART_DIRS, trainScript } from './train-script';
import type { MpiJobProps } from '../imports/mpi-operator-mpijob-kubeflow.org';
import type { K8sObject } from '../model/k8s-object';
import type { PlainObjectOf } from '../model/typed';
import type { RecipeBody } from '../recipes/recipe-schema';

/**
 * MPI / Horovod on the MPI operator (`kubeflow.org/v2beta1` MPIJob): a launcher that runs the train script
 * (whose command is the `mpirun` line) and `nnodes` workers with `nproc_per_node` slots each, reached over SSH.
 */
export function renderMpiJob(body: RecipeBody, ctx: WorkloadContext): K8sObject[] {
  const script = trainScript(body, ctx, CHART_DIRS.distributed);
  const image = imageName(body);
  const tolerations = podTolerations(body.tolerations, ctx);
  const selector = nodeSelector(body.resources?.node_type, ctx);
  const nproc = body.resources?.nproc_per_node;
  const job: PlainObjectOf<MpiJobProps> = {
    apiVersion: 'kubeflow.org/v2beta1',
    kind: 'MPIJob',
    metadata: queuedMeta(ctx, `mpijob-${ctx.release}`),
    spec: compact({
      slotsPerWorker: typeof nproc === 'number' ? nproc : 1,
      runPolicy: { backoffLimit: body.backoff_limit ?? 6, cleanPodPolicy: 'Running' },
      mpiReplicaSpecs: {
        Launcher: {
          replicas: 1,
          restartPolicy: 'OnFailure',
          template: {
            metadata: podMetadata(ctx),
            spec: podSpecJson({
              schedulerName: body.scheduler_name,
              volumes: script.volumes,
              tolerations,
              containers: [
                {
                  name: 'launcher',
                  image,
                  imagePullPolicy: 'IfNotPresent',
                  command: script.command,
                  env: envVars(body.train?.env, ctx),
                  volumeMounts: script.mounts,
                },
              ],
            }),
          },
        },
        Worker: {
          replicas: body.resources?.nnodes ?? 1,
          restartPolicy: 'OnFailure',
          template: {
            metadata: podMetadata(ctx),
            spec: podSpecJson({
              schedulerName: body.scheduler_name,
              volumes: script.volumes,
              tolerations,
              nodeSelector: selector,
              containers: [
                {
                  name: 'worker',
                  image,
                  imagePullPolicy: 'IfNotPresent',
                  command: ['/usr/sbin/sshd', '-De'],
                  env: envVars(body.train?.env, ctx),
                  resources: containerResources(body.resources?.requests, body.resources?.limits),
                  volumeMounts: script.mounts,
                },
              ],
            }),
          },
        },
      },
    }),
  };
  return [script.configMap, job];
}
