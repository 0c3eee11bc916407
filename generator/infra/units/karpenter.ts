import {
  awsPartition,
  INFRA_UNITS,
  karpenterControllerRoleName,
  karpenterInterruptionQueue,
  karpenterNodeRole,
  POD_IDENTITY_SERVICE_ACCOUNTS,
} from '../names';
import { MODULES } from '../terraform-modules';
import { isEnabled, moduleNamespace, unitDir, type InfraContext, type InfraUnit } from '../unit';

/**
 * Karpenter's AWS side: the controller role (bound to its service account by EKS Pod Identity), the node
 * role its EC2NodeClasses name (with an access entry so the nodes can join), and the SQS queue of spot
 * interruption and rebalance events. Only when the cluster runs the karpenter module.
 */
export function karpenterUnit(context: InfraContext): InfraUnit | undefined {
  if (!isEnabled(context, 'karpenter')) return undefined;
  const { spec } = context;
  return {
    dir: unitDir(spec, INFRA_UNITS.karpenter),
    module: MODULES.karpenter,
    template: 'karpenter.hcl',
    summary: 'Karpenter controller and node IAM roles, interruption queue, pod identity association',
    dependencies: [{ name: 'eks', unit: unitDir(spec, INFRA_UNITS.eks), mockOutputs: { cluster_name: spec.name } }],
    after: [],
    values: {
      controllerRoleName: karpenterControllerRoleName(spec),
      nodeRoleName: karpenterNodeRole(spec.name),
      queueName: karpenterInterruptionQueue(spec.name),
      namespace: moduleNamespace(context, 'karpenter'),
      serviceAccount: POD_IDENTITY_SERVICE_ACCOUNTS.karpenter,
      nodeRolePolicies: {
        AmazonSSMManagedInstanceCore:
          `arn:${awsPartition(spec.aws.region)}:iam::aws:policy/` + 'AmazonSSMManagedInstanceCore',
      },
    },
  };
}
