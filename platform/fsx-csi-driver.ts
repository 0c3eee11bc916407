/** Amazon FSx for Lustre CSI driver: high-throughput scratch/persistent Lustre volumes for training data. */
import { sharedStorageObjects } from './shared-storage';
import type { PlatformModule } from '../generator/model/platform-module';

export const fsxCsiDriverModule: PlatformModule = {
  name: 'fsx-csi-driver',
  description: 'Amazon FSx for Lustre CSI driver for high-throughput training data volumes',
  enabledByDefault: true,
  namespace: 'kube-system',
  source: {
    kind: 'helm',
    repoURL: 'https://kubernetes-sigs.github.io/aws-fsx-csi-driver',
    chart: 'aws-fsx-csi-driver',
    // charts/aws-fsx-csi-driver/Chart.yaml, tag helm-chart-aws-fsx-csi-driver-1.17.0 (driver v1.9.0, 2026-04-21)
    version: '1.17.0',
  },
  crds: [],
  needs: [],
  onMissingNeed: 'error',
  wave: 0,
  values: () => ({ node: { tolerateAllTaints: true } }),
  // fsx-sc, and the pv-fsx claim in every team namespace bound to the cluster's FSx for Lustre (shared-storage.ts)
  manifests: ({ cluster }) => (cluster.storage.fsx ? sharedStorageObjects(cluster, 'fsx') : []),
  docs: 'https://github.com/kubernetes-sigs/aws-fsx-csi-driver/releases/tag/helm-chart-aws-fsx-csi-driver-1.17.0',
};
