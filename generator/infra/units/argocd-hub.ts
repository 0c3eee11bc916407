import type { ClusterSpec } from '../../model/cluster-spec';
import { hubAccessRoleArn, hubAccessRoleName, spokeConnectionParameter } from '../../model/fleet-hub';
import { awsPartition, INFRA_UNITS, podIdentityRoleName, roleArnOf } from '../names';
import { MODULES } from '../terraform-modules';
import { unitDir, type InfraContext, type InfraUnit } from '../unit';

/** The service accounts of the hub's Argo CD that call the spokes' API servers (argo-cd chart 10.1.1 names). */
export const ARGOCD_SERVICE_ACCOUNTS = ['argocd-application-controller', 'argocd-server'] as const;

/** The roles of the hub that reach into a spoke's account: Argo CD's, and External Secrets' (cluster Secrets). */
export function hubRoleArns(hub: ClusterSpec): string[] {
  return [
    roleArnOf(hub, podIdentityRoleName(hub, 'argocd')),
    roleArnOf(hub, podIdentityRoleName(hub, 'external-secrets')),
  ];
}

/** The policy statement that lets a hub role assume every spoke's access role (Pod Identity sessions carry tags). */
export function assumeSpokeRolesStatement(spokes: readonly ClusterSpec[]) {
  return {
    sid: 'AssumeSpokeAccessRoles',
    actions: ['sts:AssumeRole', 'sts:TagSession'],
    resources: spokes.map((s) => hubAccessRoleArn({ name: s.name, accountId: s.aws.accountId, region: s.aws.region })),
  };
}

/**
 * On a spoke: the role in the spoke's account that the hub's Argo CD assumes (`awsAuthConfig.roleARN` of its
 * cluster Secret), trusted by the hub's Argo CD and External Secrets roles (in the hub's account, or this one),
 * given cluster-admin on this cluster by an EKS access entry, and allowed to read the two SSM parameters this unit
 * writes from the EKS unit's outputs (the endpoint and certificate authority the hub's ExternalSecret reads). The
 * entry and the parameters sit beside the pinned iam-role module (a generated `hub_access.tf`). The hub's
 * pod identity units are applied first: IAM refuses a trust policy that names a role that does not exist.
 */
export function argocdHubAccessUnit(context: InfraContext): InfraUnit | undefined {
  const { spec, hub } = context;
  if (spec.argocd.role !== 'spoke' || !hub) return undefined;
  const partition = awsPartition(spec.aws.region);
  const { region, accountId } = spec.aws;
  const parameters = (['server', 'ca-data'] as const).map((field) => ({
    resource: field.replace(/-/g, '_'),
    name: spokeConnectionParameter(spec.name, field),
    value:
      field === 'server'
        ? 'dependency.eks.outputs.cluster_endpoint'
        : 'dependency.eks.outputs.cluster_certificate_authority_data',
  }));
  const roleName = hubAccessRoleName(spec.name);
  return {
    dir: unitDir(spec, INFRA_UNITS.argocdHubAccess),
    module: MODULES.iamRole,
    template: 'argocd-hub-access.hcl',
    summary:
      `role ${roleName} for the hub ${hub.name}'s Argo CD: EKS access entry (cluster admin), ` +
      'endpoint and CA in SSM',
    dependencies: [
      {
        name: 'eks',
        unit: unitDir(spec, INFRA_UNITS.eks),
        mockOutputs: {
          cluster_name: spec.name,
          cluster_endpoint: `https://${spec.name}.mock.eks.amazonaws.com`,
          cluster_certificate_authority_data: 'bW9jaw==',
        },
      },
    ],
    after: ['argocd', 'external-secrets'].map((owner) => unitDir(hub, INFRA_UNITS.podIdentity(owner))),
    values: {
      roleName,
      description: `Argo CD of the hub ${hub.name} managing ${spec.name}`,
      trust: {
        HubRoles: {
          actions: ['sts:AssumeRole', 'sts:TagSession'],
          principals: [{ type: 'AWS', identifiers: hubRoleArns(hub) }],
        },
      },
      inlinePolicy: {
        ReadConnection: {
          actions: ['ssm:GetParameter', 'ssm:GetParameters'],
          resources: parameters.map((p) => `arn:${partition}:ssm:${region}:${accountId}:parameter${p.name}`),
        },
      },
      policyArn: `arn:${partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
      parameters,
    },
  };
}
