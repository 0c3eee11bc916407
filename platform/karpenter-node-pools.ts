import {
  Ec2NodeClass,
  Ec2NodeClassSpecBlockDeviceMappingsEbsVolumeType,
  Ec2NodeClassSpecInstanceStorePolicy,
  Ec2NodeClassSpecMetadataOptionsHttpEndpoint,
  Ec2NodeClassSpecMetadataOptionsHttpProtocolIPv6,
  Ec2NodeClassSpecMetadataOptionsHttpTokens,
} from '../generator/imports/karpenter-ec2nodeclass-karpenter.k8s.aws';
import {
  NodePool as KarpenterNodePool,
  NodePoolSpecDisruptionConsolidationPolicy,
  NodePoolSpecLimits,
  NodePoolSpecTemplateSpecRequirementsOperator as Op,
  type NodePoolSpecTemplateSpecRequirements,
  type NodePoolSpecTemplateSpecStartupTaints,
  type NodePoolSpecTemplateSpecTaints,
  NodePoolSpecTemplateSpecStartupTaintsEffect,
  NodePoolSpecTemplateSpecTaintsEffect,
} from '../generator/imports/karpenter-nodepool-karpenter.sh';
import type { ClusterSpec, NodePool } from '../generator/model/cluster-spec';
import { LABEL_PREFIX, LABELS, MANAGED_BY, type K8sObject } from '../generator/model/k8s-object';
import type { ModuleProblem } from '../generator/model/platform-module';
import { DISCOVERY_TAG, karpenterNodeRole, poolDiscoveryTag } from '../generator/platform/aws-names';
import { poolInstanceTypes } from '../generator/platform/instance-types';
import { nodePoolInstanceProblems } from '../generator/platform/node-pool-instances';
import { poolZone } from '../generator/platform/node-pool-zone';
import { GPU_RESOURCE, NEURON_RESOURCE } from '../generator/teams/team-namespace';

/** The CSI node plugins remove these once they run, so no pod lands on a node before its volumes can mount. */
const CSI_STARTUP_TAINTS: Record<string, string> = {
  'ebs-csi-driver': 'ebs.csi.aws.com/agent-not-ready',
  'efs-csi-driver': 'efs.csi.aws.com/agent-not-ready',
  'fsx-csi-driver': 'fsx.csi.aws.com/agent-not-ready',
};

/** Pools whose nodes talk over EFA: GPU+EFA pools, and Neuron pools of EFA-capable Trainium types. */
export function usesEfa(pool: NodePool): boolean {
  if (pool.kind === 'cuda-efa') return true;
  return pool.kind === 'neuron' && poolInstanceTypes(pool).some(([, t]) => t.efaInterfaces > 0);
}

/**
 * The node pools' instance types and families checked against the instance table: known (with a "did you mean"),
 * fit for the pool's kind (accelerators, EFA) and offered in the cluster's region (node-pool-instances.ts). A pool
 * the checks pass launches only known types, so its EFA security-group selector (usesEfa) cannot vanish because a
 * misspelt type was left out of poolInstanceTypes.
 */
export function nodePoolProblems(cluster: ClusterSpec): ModuleProblem[] {
  return nodePoolInstanceProblems(cluster);
}

/** A NodePool and its EC2NodeClass per node pool of the cluster, as the seed's karpenter-components chart. */
export function karpenterNodePoolObjects(cluster: ClusterSpec, enabled: ReadonlySet<string>): K8sObject[] {
  return cluster.nodePools.flatMap((pool) => [nodePool(cluster, pool, enabled), nodeClass(cluster, pool)]);
}

function labels(cluster: ClusterSpec): Record<string, string> {
  return { [LABELS.managedBy]: MANAGED_BY, [LABELS.cluster]: cluster.name };
}

function nodePool(cluster: ClusterSpec, pool: NodePool, enabled: ReadonlySet<string>): K8sObject {
  const zone = poolZone(cluster, pool);
  const requirements: NodePoolSpecTemplateSpecRequirements[] = [
    { key: 'kubernetes.io/arch', operator: Op.IN, values: [pool.architecture] },
    { key: 'kubernetes.io/os', operator: Op.IN, values: ['linux'] },
    { key: 'karpenter.sh/capacity-type', operator: Op.IN, values: [...pool.capacityTypes] },
    pool.instanceTypes.length
      ? { key: 'node.kubernetes.io/instance-type', operator: Op.IN, values: [...pool.instanceTypes] }
      : { key: 'karpenter.k8s.aws/instance-family', operator: Op.IN, values: [...pool.instanceFamilies] },
    ...(zone ? [{ key: 'topology.kubernetes.io/zone', operator: Op.IN, values: [zone] }] : []),
    // the seed's cudaefa pool: only the 100 Gbps+ network types, the ones with EFA
    ...(pool.kind === 'cuda-efa'
      ? [{ key: 'karpenter.k8s.aws/instance-network-bandwidth', operator: Op.GT, values: ['99999'] }]
      : []),
  ];
  const limits: Record<string, NodePoolSpecLimits> = {};
  if (pool.limits.cpu !== undefined) limits.cpu = NodePoolSpecLimits.fromString(String(pool.limits.cpu));
  if (pool.limits.memory !== undefined) limits.memory = NodePoolSpecLimits.fromString(pool.limits.memory);
  if (pool.limits.gpu !== undefined) limits[GPU_RESOURCE] = NodePoolSpecLimits.fromString(String(pool.limits.gpu));
  if (pool.limits.neuron !== undefined) {
    limits[NEURON_RESOURCE] = NodePoolSpecLimits.fromString(String(pool.limits.neuron));
  }
  const startupTaints = Object.entries(CSI_STARTUP_TAINTS)
    .filter(([module]) => enabled.has(module))
    .map(([, key]): NodePoolSpecTemplateSpecStartupTaints => ({
      key,
      effect: NodePoolSpecTemplateSpecStartupTaintsEffect.NO_EXECUTE,
    }));
  return KarpenterNodePool.manifest({
    metadata: { name: pool.name, labels: labels(cluster) },
    spec: {
      template: {
        metadata: { labels: { ...pool.labels, [`${LABEL_PREFIX}/pool-kind`]: pool.kind } },
        spec: {
          nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: pool.name },
          requirements,
          taints: pool.taints.map((t): NodePoolSpecTemplateSpecTaints => ({
            key: t.key,
            value: t.value,
            effect: t.effect as NodePoolSpecTemplateSpecTaintsEffect,
          })),
          ...(startupTaints.length ? { startupTaints } : {}),
        },
      },
      disruption: {
        consolidationPolicy: pool.consolidation as NodePoolSpecDisruptionConsolidationPolicy,
        consolidateAfter: pool.consolidateAfter,
      },
      ...(Object.keys(limits).length ? { limits } : {}),
    },
  });
}

function nodeClass(cluster: ClusterSpec, pool: NodePool): K8sObject {
  const zone = poolZone(cluster, pool);
  const efa = usesEfa(pool);
  // accelerator instances carry local NVMe: one RAID0 volume for images and scratch, as the seeds' p4d/p5 nodes
  const accelerated = pool.kind !== 'cpu';
  return Ec2NodeClass.manifest({
    metadata: { name: pool.name, labels: labels(cluster) },
    spec: {
      // al2023@latest picks the EKS AMI per instance type: x86_64 or arm64, standard, NVIDIA or Neuron variant
      // (Karpenter's AL2023 family resolves each from SSM), so an arm64 pool needs no other selector
      amiSelectorTerms: [{ alias: 'al2023@latest' }],
      role: karpenterNodeRole(cluster.name),
      subnetSelectorTerms: [{ tags: { [zone ? poolDiscoveryTag(pool.name) : DISCOVERY_TAG]: cluster.name } }],
      securityGroupSelectorTerms: [
        { tags: { [DISCOVERY_TAG]: cluster.name } },
        ...(efa ? [{ tags: { [poolDiscoveryTag(pool.name)]: cluster.name } }] : []),
      ],
      metadataOptions: {
        httpEndpoint: Ec2NodeClassSpecMetadataOptionsHttpEndpoint.ENABLED,
        httpProtocolIPv6: Ec2NodeClassSpecMetadataOptionsHttpProtocolIPv6.DISABLED,
        httpPutResponseHopLimit: 2,
        httpTokens: Ec2NodeClassSpecMetadataOptionsHttpTokens.REQUIRED,
      },
      blockDeviceMappings: [
        {
          deviceName: '/dev/xvda',
          ebs: {
            volumeSize: `${pool.volumeSizeGiB}Gi`,
            volumeType: Ec2NodeClassSpecBlockDeviceMappingsEbsVolumeType.GP3,
            iops: 10000,
            throughput: 125,
            encrypted: true,
            deleteOnTermination: true,
          },
        },
      ],
      ...(accelerated ? { instanceStorePolicy: Ec2NodeClassSpecInstanceStorePolicy.RAID0 } : {}),
      tags: { ...cluster.tags, Name: `${cluster.name}-${pool.name}`, [LABELS.cluster]: cluster.name },
    },
  });
}
