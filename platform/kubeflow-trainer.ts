/**
 * Kubeflow Trainer v2: TrainJob and (Cluster)TrainingRuntime APIs for PyTorch, DeepSpeed, MPI and JAX training on
 * JobSet.
 */
import { chartRuntimesTurnedOn, torchDistributedRuntime } from './kubeflow-trainer-runtimes';
import type { PlatformModule } from '../generator/model/platform-module';

// The chart bundles JobSet as a subchart: rendered with `jobset.install: false`, since the jobset module owns JobSet.
// The runtimes the runs use are rendered by the fleet (kubeflow-trainer-runtimes.ts), not by the chart's installer
// hook.
export const kubeflowTrainerModule: PlatformModule = {
  name: 'kubeflow-trainer',
  description: 'Kubeflow Trainer v2 (TrainJob, TrainingRuntime) for distributed training and LLM fine-tuning',
  enabledByDefault: false,
  namespace: 'kubeflow-system',
  source: {
    kind: 'helm',
    repoURL: 'ghcr.io/kubeflow/charts',
    chart: 'kubeflow-trainer',
    version: '2.3.0', // charts/kubeflow-trainer/Chart.yaml at tag v2.3.0 (2026-08-06)
  },
  crds: [
    'trainjobs.trainer.kubeflow.org',
    'trainingruntimes.trainer.kubeflow.org',
    'clustertrainingruntimes.trainer.kubeflow.org',
  ],
  needs: ['jobset'],
  onMissingNeed: 'error',
  wave: 2,
  serverSideApply: true,
  values: () => ({ jobset: { install: false } }),
  manifests: ({ cluster }) => [torchDistributedRuntime(cluster)],
  check: ({ overrides }) =>
    chartRuntimesTurnedOn(overrides).map((field) => ({
      field: `values.${field}`,
      message:
        'the chart applies its runtimes from a post-install hook Job that downloads kubectl at run time; the ' +
        "fleet renders the runtime its runs use (torch-distributed) itself: leave the chart's runtimes off",
    })),
  docs: 'https://github.com/kubeflow/trainer/releases/tag/v2.3.0',
};
