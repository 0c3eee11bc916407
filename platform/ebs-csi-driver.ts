/** Amazon EBS CSI driver: dynamic gp3/io2 block volumes for checkpoints and databases. */
import { ebsStorageClass } from './shared-storage';
import type { PlatformModule } from '../generator/model/platform-module';

export const ebsCsiDriverModule: PlatformModule = {
  name: 'ebs-csi-driver',
  description: 'Amazon EBS CSI driver for dynamically provisioned block volumes',
  enabledByDefault: true,
  namespace: 'kube-system',
  source: {
    kind: 'helm',
    repoURL: 'https://kubernetes-sigs.github.io/aws-ebs-csi-driver',
    chart: 'aws-ebs-csi-driver',
    // charts/aws-ebs-csi-driver/CHANGELOG.md "2.64.0" (driver v1.64.0), tag helm-chart-aws-ebs-csi-driver-2.64.0
    // (2026-08-18)
    version: '2.64.0',
  },
  crds: [],
  needs: [],
  onMissingNeed: 'error',
  wave: 0,
  values: ({ cluster }) => ({
    node: { tolerateAllTaints: true },
    controller: { extraVolumeTags: { ...cluster.tags, 'mlops-fleet.io/cluster': cluster.name } },
  }),
  // the default StorageClass: encrypted gp3
  manifests: ({ cluster }) => [ebsStorageClass(cluster)],
  docs: 'https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/master/charts/aws-ebs-csi-driver/CHANGELOG.md',
};
