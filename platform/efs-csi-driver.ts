/** Amazon EFS CSI driver: shared ReadWriteMany file systems for datasets, home directories and code. */
import { sharedStorageObjects } from './shared-storage';
import type { PlatformModule } from '../generator/model/platform-module';

export const efsCsiDriverModule: PlatformModule = {
  name: 'efs-csi-driver',
  description: 'Amazon EFS CSI driver for shared ReadWriteMany volumes',
  enabledByDefault: true,
  namespace: 'kube-system',
  source: {
    kind: 'helm',
    repoURL: 'https://kubernetes-sigs.github.io/aws-efs-csi-driver',
    chart: 'aws-efs-csi-driver',
    // charts/aws-efs-csi-driver/CHANGELOG.md "v4.4.1" (driver v3.4.1, tag 2026-07-23); the seed's "3.4.1" is the app
    // version
    version: '4.4.1',
  },
  crds: [],
  needs: [],
  onMissingNeed: 'error',
  wave: 0,
  values: () => ({ node: { tolerations: [{ operator: 'Exists' }] } }),
  // efs-sc, and the pv-efs claim in every team namespace bound to the cluster's EFS (shared-storage.ts)
  manifests: ({ cluster }) => (cluster.storage.efs === false ? [] : sharedStorageObjects(cluster, 'efs')),
  docs: 'https://github.com/kubernetes-sigs/aws-efs-csi-driver/blob/master/charts/aws-efs-csi-driver/CHANGELOG.md',
};
