import {
  containerResources,
  ebsClaim,
  envVars,
  launcherScript,
  nodeSelector,
  podMetadata,
  podTolerations,
  podVolumes,
  queuedMeta,
  scriptConfigMap,
  type WorkloadContext,
} from './pod-parts';
import { imageName } from './pytorchjob';
import { KubeJob } from '../imports/k8s';
import type { K8sObject } from '../model/k8s-object';
import type { RecipeBody } from '../recipes/recipe-schema';

/**
 * Data processing, as the seed's data-process chart: one Job running the process script (git clone,
 * inline script, pre script, command with args, post script), with the chart's `ebs-<release>` claim.
 */
export function renderDataProcess(body: RecipeBody, ctx: WorkloadContext): K8sObject[] {
  const configMap = `data-process-${ctx.release}`;
  const script = launcherScript(body, body.process, '&& echo "Processing script done"');
  const { volumes, mounts } = podVolumes(body, ctx, {
    script: { configMap, key: 'data-process.sh', mountPath: '/etc/config' },
    ebs: 'claim',
  });
  const job: K8sObject = KubeJob.manifest({
    metadata: queuedMeta(ctx, `data-process-${ctx.release}`),
    spec: {
      backoffLimit: body.backoff_limit,
      template: {
        metadata: podMetadata(ctx),
        spec: {
          restartPolicy: 'Never',
          schedulerName: body.scheduler_name,
          volumes,
          tolerations: podTolerations(body.tolerations, ctx),
          nodeSelector: nodeSelector(body.resources?.node_type, ctx),
          containers: [
            {
              name: 'data-process',
              env: envVars(body.process?.env, ctx),
              command: ['sh', '/etc/config/data-process.sh'],
              image: imageName(body),
              volumeMounts: mounts,
              resources: containerResources(body.resources?.requests, body.resources?.limits),
            },
          ],
        },
      },
    },
  });
  return [...ebsClaim(body, ctx, '100Gi'), scriptConfigMap(ctx, configMap, 'data-process.sh', script), job];
}
