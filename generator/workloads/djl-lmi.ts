import type { WorkloadContext } from './pod-parts';
import { renderServer } from './triton';
import type { K8sObject } from '../model/k8s-object';
import type { RecipeBody } from '../recipes/recipe-schema';

/**
 * DJL Large Model Inference, as the seed's djl-lmi-server chart: the same launcher, Deployment, HPA and
 * Service shape as Triton, with DJL's ports (`{http: 8000, ...}`), `/ping` health and an `ebs-<release>` claim.
 */
export function renderDjlLmi(body: RecipeBody, ctx: WorkloadContext): K8sObject[] {
  const ports =
    body.server?.ports && !Array.isArray(body.server.ports)
      ? body.server.ports
      : { http: 8000, grpc: 8001, metrics: 8002 };
  return renderServer(body, ctx, {
    containerName: body.server?.name ?? 'djl-lmi-server',
    ports: Object.entries(ports).map(([name, value]) => ({ name, value })),
    health: { live: '/ping', ready: '/ping' },
    ebs: 'claim',
    autoscaling: body.server?.autoscaling ?? { minReplicas: 1, maxReplicas: 1 },
  });
}
