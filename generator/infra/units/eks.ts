import { applyRoleName } from '../../model/github-settings';
import { expression, type HclValue } from '../hcl';
import {
  awsPartition,
  DISCOVERY_TAG,
  eksClusterRoleName,
  INFRA_UNITS,
  poolDiscoveryTag,
  roleArnOf,
  SYSTEM_NODE_LABEL,
} from '../names';
import { irsaOwners } from './data-platform';
import { MODULES } from '../terraform-modules';
import { mockSubnetIds, unitDir, type InfraContext, type InfraUnit } from '../unit';

/**
 * The system node group: Argo CD, Karpenter, CoreDNS and the controllers run here; ML workloads run on Karpenter nodes.
 */
const SYSTEM_NODES = {
  dev: { instanceTypes: ['m7i.large'], min: 2, desired: 2, max: 3 },
  staging: { instanceTypes: ['m7i.xlarge'], min: 2, desired: 2, max: 4 },
  prod: { instanceTypes: ['m7i.xlarge'], min: 3, desired: 3, max: 6 },
} as const;

/**
 * The EKS cluster at the spec's Kubernetes version: control plane in the private subnets, the system node
 * group, access entries (the GitHub apply role and the spec's admin roles), and the add-ons that must run
 * before Argo CD can (VPC CNI, CoreDNS, kube-proxy, the Pod Identity agent). Pods get AWS credentials from
 * EKS Pod Identity; the IRSA OIDC provider is created only for the data platform modules whose SDKs predate it.
 */
export function eksUnit(context: InfraContext): InfraUnit {
  const { spec } = context;
  const partition = awsPartition(spec.aws.region);
  const admin = {
    admin: {
      policy_arn: `arn:${partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
      access_scope: { type: 'cluster' },
    },
  };
  const accessEntries: Record<string, HclValue> = {
    'github-apply': { principal_arn: expression('dependency.apply_role.outputs.arn'), policy_associations: admin },
  };
  for (const arn of spec.aws.adminRoleArns) {
    accessEntries[`admin-${arn.slice(arn.lastIndexOf('/') + 1)}`] = { principal_arn: arn, policy_associations: admin };
  }
  const nodes = SYSTEM_NODES[spec.environment];
  const efaPools = spec.nodePools.filter((pool) => pool.kind === 'cuda-efa');
  const efa = efaPools.length > 0;
  return {
    dir: unitDir(spec, INFRA_UNITS.eks),
    module: MODULES.eks,
    template: 'eks.hcl',
    summary: `EKS ${spec.kubernetesVersion}, system node group, access entries, core add-ons`,
    dependencies: [
      {
        name: 'network',
        unit: unitDir(spec, INFRA_UNITS.network),
        mockOutputs: { vpc_id: 'vpc-mock', private_subnets: mockSubnetIds(spec, 'private') },
      },
      {
        name: 'apply_role',
        unit: unitDir(spec, INFRA_UNITS.githubApplyRole),
        mockOutputs: { arn: roleArnOf(spec, applyRoleName(spec)) },
      },
    ],
    after: [],
    values: {
      name: spec.name,
      kubernetesVersion: spec.kubernetesVersion,
      clusterRoleName: eksClusterRoleName(spec),
      accessEntries,
      addons: {
        coredns: {},
        'eks-pod-identity-agent': { before_compute: true },
        'kube-proxy': {},
        'vpc-cni': { before_compute: true },
      },
      nodeGroups: {
        system: {
          ami_type: 'AL2023_x86_64_STANDARD',
          instance_types: nodes.instanceTypes,
          min_size: nodes.min,
          desired_size: nodes.desired,
          max_size: nodes.max,
          labels: { [SYSTEM_NODE_LABEL.key]: SYSTEM_NODE_LABEL.value },
        },
      },
      // with the EFA rules below, the node security group is also the one EFA pools select by their own tag
      irsa: irsaOwners(context).join(', '),
      nodeSecurityGroupTags: Object.fromEntries(
        [DISCOVERY_TAG, ...efaPools.map((pool) => poolDiscoveryTag(pool.name))].map((tag) => [tag, spec.name]),
      ),
      // EFA needs all traffic allowed between the nodes of the security group, in and out
      efaRules: efa
        ? {
            efa_ingress_self: {
              description: 'EFA: all traffic from nodes of this group',
              protocol: '-1',
              from_port: 0,
              to_port: 0,
              type: 'ingress',
              self: true,
            },
            efa_egress_self: {
              description: 'EFA: all traffic to nodes of this group',
              protocol: '-1',
              from_port: 0,
              to_port: 0,
              type: 'egress',
              self: true,
            },
          }
        : undefined,
    },
  };
}
