/** KubeRay operator: RayCluster, RayJob and RayService for Ray training and serving. */
import type { PlatformModule } from '../generator/model/platform-module';

export const kubeRayModule: PlatformModule = {
  name: 'kuberay',
  description: 'KubeRay operator (RayCluster, RayJob, RayService) for Ray workloads',
  enabledByDefault: false,
  namespace: 'ray-system',
  source: {
    kind: 'helm',
    repoURL: 'https://ray-project.github.io/kuberay-helm/',
    chart: 'kuberay-operator',
    version: '1.7.0', // helm-chart/kuberay-operator/Chart.yaml at tag v1.7.0 of ray-project/kuberay (2026-08-19)
  },
  crds: ['rayclusters.ray.io', 'rayjobs.ray.io', 'rayservices.ray.io', 'raycronjobs.ray.io'],
  needs: [],
  onMissingNeed: 'error',
  wave: 2,
  serverSideApply: true,
  docs: 'https://github.com/ray-project/kuberay/releases/tag/v1.7.0',
};
