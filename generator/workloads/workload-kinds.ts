import { renderDataProcess } from './data-process';
import { renderDeterminedExperiment } from './determined-experiment';
import { renderDjlLmi } from './djl-lmi';
import { renderKServe } from './kserve';
import { renderLoadTest } from './load-test';
import { renderModelCompile } from './model-compile';
import { renderModelDownload } from './model-download';
import { renderMpiJob } from './mpijob';
import { renderPachydermPipeline } from './pachyderm-pipeline';
import { renderPackedModels } from './packed-models';
import type { WorkloadContext } from './pod-parts';
import { renderPyTorchJob } from './pytorchjob';
import { renderRayJob } from './rayjob';
import { renderRayService } from './rayservice';
import { renderTrainJob } from './trainjob';
import { renderTriton } from './triton';
import type { K8sObject } from '../model/k8s-object';
import type { RecipeBody, WorkloadKind } from '../recipes/recipe-schema';

export interface KindRule {
  /** Modules the cluster must run, in order of preference: the first enabled one picks the renderer. */
  readonly needs: readonly {
    module: string;
    render: (body: RecipeBody, ctx: WorkloadContext) => K8sObject[];
    what: string;
  }[];
  /** Kueue admits the kind (runs, and the services whose pods Kueue can gate). */
  readonly queued: boolean;
  /** The seed field holding the command, for the "nothing to run" check. */
  readonly commandField?: 'train' | 'process' | 'server';
  /** Pods per replica, from the recipe: what the quota check multiplies requests by. */
  readonly pods: (body: RecipeBody) => number;
  /**
   * A kind applied by a sync hook: the image of `images/` its Job runs (the server's CLI), and what the recipe's
   * `image` is for (it goes into the server's spec, not into a pod template the policy check walks).
   */
  readonly hook?: { readonly toolImage: string; readonly imageIs: string };
}

const nodes = (fallback: number) => (body: RecipeBody) => body.resources?.nnodes ?? fallback;

/** Every workload kind: what it needs on the cluster and how it renders. Pipelines render their steps. */
export const KIND_RULES: Record<Exclude<WorkloadKind, 'pipeline'>, KindRule> = {
  'pytorch-distributed': {
    needs: [
      { module: 'kubeflow-trainer', render: renderTrainJob, what: 'a TrainJob (Trainer v2)' },
      {
        module: 'training-operator',
        render: (b, c) => renderPyTorchJob(b, c, false),
        what: 'a PyTorchJob (Trainer v1)',
      },
    ],
    queued: true,
    commandField: 'train',
    pods: nodes(2),
  },
  'pytorch-elastic': {
    needs: [
      {
        module: 'training-operator',
        render: (b, c) => renderPyTorchJob(b, c, true),
        what: 'an elastic PyTorchJob (Trainer v1)',
      },
    ],
    queued: true,
    commandField: 'train',
    pods: nodes(1),
  },
  'ray-train': {
    needs: [{ module: 'kuberay', render: renderRayJob, what: 'a RayJob' }],
    queued: true,
    commandField: 'train',
    pods: (b) => nodes(1)(b),
  },
  mpi: {
    needs: [{ module: 'mpi-operator', render: renderMpiJob, what: 'an MPIJob' }],
    queued: true,
    commandField: 'train',
    pods: nodes(1),
  },
  'data-process': {
    needs: [{ module: 'kueue', render: renderDataProcess, what: 'a Job' }],
    queued: true,
    commandField: 'process',
    pods: () => 1,
  },
  'model-download': {
    needs: [{ module: 'kueue', render: renderModelDownload, what: 'a Job' }],
    queued: true,
    pods: () => 1,
  },
  'model-compile': {
    needs: [{ module: 'kueue', render: renderModelCompile, what: 'a Job' }],
    queued: true,
    pods: () => 1,
  },
  'load-test': {
    needs: [{ module: 'kueue', render: renderLoadTest, what: 'a Job' }],
    queued: true,
    pods: () => 1,
  },
  // the workers run in pachd's namespace: the quota check counts parallelism x the workers' requests
  'pachyderm-pipeline': {
    needs: [{ module: 'pachyderm', render: renderPachydermPipeline, what: 'a pipeline spec and its sync hook Job' }],
    queued: false,
    pods: (b) => b.pachyderm?.parallelism ?? 1,
    hook: { toolImage: 'pachctl', imageIs: "the transform image the pipeline's workers run" },
  },
  // Determined schedules the trials itself: the quota check counts slots (placement.ts)
  'determined-experiment': {
    needs: [
      { module: 'determined', render: renderDeterminedExperiment, what: 'an experiment config and its sync hook Job' },
    ],
    queued: false,
    pods: () => 1,
    hook: { toolImage: 'det-cli', imageIs: "the environment image the experiment's trials run" },
  },
  'rayserve-vllm': {
    needs: [{ module: 'kuberay', render: renderRayService, what: 'a RayService' }],
    queued: false,
    pods: (b) => (b.resources?.min_replicas ?? 1) * (b.resources?.num_of_hosts ?? 1),
  },
  triton: {
    needs: [{ module: 'kueue', render: renderTriton, what: 'a Deployment or LeaderWorkerSet' }],
    queued: true,
    commandField: 'server',
    pods: (b) => (b.server?.autoscaling?.minReplicas ?? 1) * (b.lws?.size ?? 1),
  },
  'djl-lmi': {
    needs: [{ module: 'kueue', render: renderDjlLmi, what: 'a Deployment' }],
    queued: true,
    commandField: 'server',
    pods: (b) => b.server?.autoscaling?.minReplicas ?? 1,
  },
  kserve: {
    needs: [{ module: 'kserve', render: renderKServe, what: 'an InferenceService' }],
    queued: false,
    pods: (b) => b.server?.autoscaling?.minReplicas ?? 1,
  },
  // not queued: Kueue's quota counts Neuron devices, and a packed replica asks for NeuronCores
  'packed-models': {
    needs: [{ module: 'karpenter', render: renderPackedModels, what: 'Deployments packed onto a node pool' }],
    queued: false,
    pods: (b) => (b.models ?? []).reduce((sum, m) => sum + m.replicas, 0),
  },
};

/** Modules a kind needs besides the one that renders it. */
export function extraNeeds(kind: Exclude<WorkloadKind, 'pipeline'>, body: RecipeBody): string[] {
  const needs: string[] = [];
  if (KIND_RULES[kind].queued) needs.push('kueue');
  if (kind === 'triton' && body.lws) needs.push('lws');
  return needs;
}
