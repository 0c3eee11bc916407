import {
  KubeClusterRole,
  KubeClusterRoleBinding,
  KubeConfigMap,
  KubeJob,
  KubePersistentVolume,
  KubePersistentVolumeClaim,
  KubeServiceAccount,
  KubeStorageClass,
  Quantity,
} from '../generator/imports/k8s';
import type { ClusterSpec } from '../generator/model/cluster-spec';
import { LABELS, MANAGED_BY, type K8sObject } from '../generator/model/k8s-object';
import { EBS_STORAGE_CLASS, SHARED_CLAIMS } from '../generator/model/platform-names';
import { storageBinderServiceAccount, storageParameter } from '../generator/platform/aws-names';

const STORAGE_CLASSES = { efs: 'efs-sc', fsx: 'fsx-sc' } as const;
const DRIVERS = { efs: 'efs.csi.aws.com', fsx: 'fsx.csi.aws.com' } as const;

/** The AWS CLI image the binder runs (AWS CLI v2, Amazon Linux 2 with curl and sed). */
const AWS_CLI_IMAGE = 'public.ecr.aws/aws-cli/aws-cli:2.27.0';
const SYSTEM_NAMESPACE = 'kube-system';

/** A storage parameter's name as a shell variable: `file-system-id` is `FILE_SYSTEM_ID`. */
const shellName = (parameter: string): string => parameter.toUpperCase().replace(/-/g, '_');

/**
 * Shared storage of one file system (EFS or FSx for Lustre): its StorageClass, a PersistentVolumeClaim
 * `pv-efs` / `pv-fsx` in every team namespace (statically bound to a PersistentVolume of its own, as a
 * PersistentVolume binds one claim), and the binder that creates those PersistentVolumes.
 *
 * The file system is created by the Terragrunt storage unit, so its ID only exists after apply. The unit
 * writes it to SSM Parameter Store at a name derived from the cluster's name (aws-names.ts); the binder, an
 * Argo CD PostSync Job, reads it and server-side-applies the PersistentVolumes rendered here with the ID
 * filled in. Nobody copies an ID by hand, and the volumes' spec is still reviewed in git.
 */
export function sharedStorageObjects(cluster: ClusterSpec, system: 'efs' | 'fsx'): K8sObject[] {
  const labels = { [LABELS.managedBy]: MANAGED_BY, [LABELS.cluster]: cluster.name };
  const fsx = cluster.storage.fsx;
  // EFS is elastic: the size is nominal
  const size = system === 'fsx' && fsx ? `${fsx.storageCapacityGiB}Gi` : '1000Gi';
  const storageClass = STORAGE_CLASSES[system];
  const claim = SHARED_CLAIMS[system];
  const objects: K8sObject[] = [
    KubeStorageClass.manifest({
      metadata: { name: storageClass, labels },
      provisioner: DRIVERS[system],
      reclaimPolicy: 'Retain',
    }),
  ];
  const volumes: Record<string, string> = {};
  for (const team of cluster.teams) {
    const volume = `${claim}-${team.namespace}`;
    objects.push(
      KubePersistentVolumeClaim.manifest({
        metadata: { name: claim, namespace: team.namespace, labels: { ...labels, [LABELS.team]: team.name } },
        spec: {
          accessModes: ['ReadWriteMany'],
          storageClassName: storageClass,
          volumeName: volume,
          resources: { requests: { storage: Quantity.fromString(size) } },
        },
      }),
    );
    volumes[`${volume}.json`] = JSON.stringify(
      KubePersistentVolume.manifest({
        metadata: { name: volume, labels: { ...labels, [LABELS.team]: team.name } },
        spec: {
          capacity: { storage: Quantity.fromString(size) },
          volumeMode: 'Filesystem',
          accessModes: ['ReadWriteMany'],
          persistentVolumeReclaimPolicy: 'Retain',
          storageClassName: storageClass,
          claimRef: { namespace: team.namespace, name: claim },
          ...(system === 'fsx' ? { mountOptions: ['noatime', 'flock'] } : {}),
          csi: {
            driver: DRIVERS[system],
            volumeHandle: '@FILE_SYSTEM_ID@',
            ...(system === 'fsx' ? { volumeAttributes: { dnsname: '@DNS_NAME@', mountname: '@MOUNT_NAME@' } } : {}),
          },
        },
      }),
    );
  }
  if (cluster.teams.length === 0) return objects;

  const name = storageBinderServiceAccount(system);
  const parameters =
    system === 'fsx' ? (['file-system-id', 'dns-name', 'mount-name'] as const) : (['file-system-id'] as const);
  const script = [
    '#!/bin/sh',
    '# Creates the PersistentVolumes of the shared file system from the IDs the storage unit wrote to SSM.',
    'set -eu',
    'param() { aws ssm get-parameter --name "$1" --query Parameter.Value --output text; }',
    ...parameters.map(
      (p) => `${p.toUpperCase().replace(/-/g, '_')}=$(param ${storageParameter(cluster.name, system, p)})`,
    ),
    'SA=/var/run/secrets/kubernetes.io/serviceaccount',
    'for file in /config/*.json; do',
    '  volume=$(basename "$file" .json)',
    `  sed ${parameters.map((p) => `-e "s|@${shellName(p)}@|$${shellName(p)}|g"`).join(' ')} "$file" ` +
      '> /tmp/volume.json',
    '  curl -fsS --cacert $SA/ca.crt -H "Authorization: Bearer $(cat $SA/token)" \\',
    '    -H "Content-Type: application/apply-patch+yaml" -X PATCH --data-binary @/tmp/volume.json \\',
    `    "https://kubernetes.default.svc/api/v1/persistentvolumes/$volume?fieldManager=${name}&force=true" > /dev/null`,
    '  echo "applied PersistentVolume $volume"',
    'done',
    '',
  ].join('\n');
  objects.push(
    KubeServiceAccount.manifest({ metadata: { name, namespace: SYSTEM_NAMESPACE, labels } }),
    KubeClusterRole.manifest({
      metadata: { name, labels },
      rules: [{ apiGroups: [''], resources: ['persistentvolumes'], verbs: ['get', 'create', 'patch'] }],
    }),
    KubeClusterRoleBinding.manifest({
      metadata: { name, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: SYSTEM_NAMESPACE }],
    }),
    KubeConfigMap.manifest({
      metadata: { name, namespace: SYSTEM_NAMESPACE, labels },
      data: { 'bind.sh': script, ...volumes },
    }),
    KubeJob.manifest({
      metadata: {
        name,
        namespace: SYSTEM_NAMESPACE,
        labels,
        annotations: {
          'argocd.argoproj.io/hook': 'PostSync',
          'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
        },
      },
      spec: {
        backoffLimit: 10,
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            restartPolicy: 'OnFailure',
            containers: [
              {
                name: 'bind',
                image: AWS_CLI_IMAGE,
                command: ['/bin/sh', '/config/bind.sh'],
                env: [{ name: 'AWS_REGION', value: cluster.aws.region }],
                resources: { requests: { cpu: Quantity.fromString('50m'), memory: Quantity.fromString('128Mi') } },
                volumeMounts: [{ name: 'config', mountPath: '/config', readOnly: true }],
              },
            ],
            volumes: [{ name: 'config', configMap: { name } }],
          },
        },
      },
    }),
  );
  return objects;
}

/** The cluster's default StorageClass: encrypted gp3 EBS volumes, created where the pod lands. */
export function ebsStorageClass(cluster: ClusterSpec): K8sObject {
  return KubeStorageClass.manifest({
    metadata: {
      name: EBS_STORAGE_CLASS,
      labels: { [LABELS.managedBy]: MANAGED_BY, [LABELS.cluster]: cluster.name },
      annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
    },
    provisioner: 'ebs.csi.aws.com',
    parameters: { type: 'gp3', encrypted: 'true', fsType: 'ext4' },
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer',
    allowVolumeExpansion: true,
  });
}
