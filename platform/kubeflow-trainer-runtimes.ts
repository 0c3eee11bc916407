import type { ClusterTrainingRuntimeProps } from '../generator/imports/trainer-clustertrainingruntime-trainer.kubeflow.org';
import type { ClusterSpec } from '../generator/model/cluster-spec';
import { LABELS, MANAGED_BY, type K8sObject } from '../generator/model/k8s-object';
import { TORCH_RUNTIME } from '../generator/model/platform-names';
import type { PlainObjectOf } from '../generator/model/typed';

/**
 * The `torch-distributed` ClusterTrainingRuntime, as kubeflow/trainer v2.3.0 ships it
 * (charts/kubeflow-trainer/files/runtimes/torch-distributed.yaml, Apache-2.0). The chart would apply it only
 * with `runtimes.torchDistributed.enabled`, and then from a post-install hook Job that installs kubectl from
 * the internet at run time; rendered here, it is validated, diffed and synced like every object the fleet owns.
 * Runs replace the image (`trainer.image`) and patch the pod template (`runtimePatches`).
 */
export function torchDistributedRuntime(cluster: ClusterSpec): K8sObject {
  const runtime: PlainObjectOf<ClusterTrainingRuntimeProps> = {
    apiVersion: 'trainer.kubeflow.org/v1alpha1',
    kind: 'ClusterTrainingRuntime',
    metadata: {
      name: TORCH_RUNTIME.name,
      labels: {
        [LABELS.managedBy]: MANAGED_BY,
        [LABELS.cluster]: cluster.name,
        'trainer.kubeflow.org/framework': 'torch',
      },
    },
    spec: {
      mlPolicy: { numNodes: 1, torch: {} },
      template: {
        spec: {
          replicatedJobs: [
            {
              name: TORCH_RUNTIME.replicatedJob,
              template: {
                metadata: { labels: { 'trainer.kubeflow.org/trainjob-ancestor-step': 'trainer' } },
                spec: {
                  template: {
                    spec: {
                      containers: [
                        { name: TORCH_RUNTIME.container, image: 'pytorch/pytorch:2.13.0-cuda13.0-cudnn9-runtime' },
                      ],
                    },
                  },
                },
              },
            },
          ],
        },
      },
    },
  };
  return runtime;
}

/**
 * The chart's own runtime switches (values.yaml `runtimes`, `dataCache.runtimes`) that a cluster override may turn on.
 */
export function chartRuntimesTurnedOn(values: Record<string, unknown>): string[] {
  const runtimes = (values.runtimes ?? {}) as Record<string, unknown>;
  const on: string[] = [];
  if (runtimes.defaultEnabled === true) on.push('runtimes.defaultEnabled');
  for (const [name, setting] of Object.entries(runtimes)) {
    if (setting && typeof setting === 'object' && (setting as { enabled?: unknown }).enabled === true) {
      on.push(`runtimes.${name}.enabled`);
    }
  }
  return on;
}
