import { expression } from '../hcl';
import { efsName, INFRA_UNITS } from '../names';
import { storageParameters } from './storage-parameters';
import { MODULES } from '../terraform-modules';
import { mockSubnetIds, unitDir, type InfraContext, type InfraUnit } from '../unit';

/**
 * EFS, the shared home of the teams' `pv-efs` volumes: encrypted, a mount target in every zone, NFS open to the VPC.
 */
export function efsUnit(context: InfraContext): InfraUnit | undefined {
  const { spec } = context;
  const efs = spec.storage.efs;
  if (efs === false) return undefined;
  const mountTargets = Object.fromEntries(
    spec.aws.availabilityZones.map((zone, i) => [
      zone,
      { subnet_id: expression(`dependency.network.outputs.private_subnets[${i}]`) },
    ]),
  );
  return {
    dir: unitDir(spec, INFRA_UNITS.efs),
    module: MODULES.efs,
    template: 'efs.hcl',
    summary:
      `EFS file system (${efs.throughputMode}, ${efs.performanceMode}), ` +
      `mount targets in ${spec.aws.availabilityZones.length} zones`,
    dependencies: [
      {
        name: 'network',
        unit: unitDir(spec, INFRA_UNITS.network),
        mockOutputs: { vpc_id: 'vpc-mock', private_subnets: mockSubnetIds(spec, 'private') },
      },
    ],
    after: [],
    values: {
      name: efsName(spec),
      performanceMode: efs.performanceMode,
      throughputMode: efs.throughputMode,
      // daily AWS Backup of the shared home in prod only
      backup: spec.environment === 'prod',
      mountTargets,
      ingressRules: { vpc: { description: 'NFS from the cluster VPC', cidr_ipv4: spec.network.vpcCidr } },
      parameters: storageParameters(spec, 'efs'),
    },
  };
}
