import { launcherScript, podVolumes, scriptConfigMap, type WorkloadContext } from './pod-parts';
import type { K8sObject } from '../model/k8s-object';
import type { RecipeBody } from '../recipes/recipe-schema';

/** The training charts' `train-script-<release>` ConfigMap, and the volumes and command that use it. */
export function trainScript(body: RecipeBody, ctx: WorkloadContext, chartDir: string) {
  const configMap = `train-script-${ctx.release}`;
  const framework = body.framework ? { name: body.framework, chartDir } : undefined;
  const script = launcherScript(body, body.train, '&& echo "Training script done"', framework);
  const object: K8sObject = scriptConfigMap(ctx, configMap, 'train-script.sh', script);
  const { volumes, mounts } = podVolumes(body, ctx, {
    script: { configMap, key: 'train-script.sh', mountPath: '/etc/config' },
    framework: Boolean(framework),
    ebs: 'ephemeral',
  });
  return { configMap: object, volumes, mounts, command: ['/etc/config/train-script.sh'] };
}

export const CHART_DIRS = {
  distributed: 'charts/machine-learning/training/pytorchjob-distributed',
  elastic: 'charts/machine-learning/training/pytorchjob-elastic',
  raytrain: 'charts/machine-learning/training/raytrain',
  rayserve: 'charts/machine-learning/serving/rayserve',
  triton: 'charts/machine-learning/serving/triton-inference-server',
} as const;
