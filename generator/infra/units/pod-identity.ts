import type { ClusterSpec } from '../../model/cluster-spec';
import { expression, type HclValue } from '../hcl';
import {
  awsPartition,
  INFRA_UNITS,
  mlflowArtifactBucket,
  POD_IDENTITY_SERVICE_ACCOUNTS,
  podIdentityRoleName,
  STORAGE_PARAMETERS,
  storageParameter,
} from '../names';
import { MODULES } from '../terraform-modules';
import { ARGOCD_SERVICE_ACCOUNTS, assumeSpokeRolesStatement } from './argocd-hub';
import { isEnabled, moduleNamespace, unitDir, type InfraContext, type InfraUnit, type UnitDependency } from '../unit';

/** What a platform module may do in AWS: inputs of the eks-pod-identity module, and units it reads. */
interface Permissions {
  readonly summary: string;
  readonly inputs: Record<string, HclValue>;
  readonly dependencies?: UnitDependency[];
}

/**
 * The platform modules that call AWS APIs, and their permissions: the eks-pod-identity module's
 * built-in policies where it has one, otherwise an AWS managed policy or statements of our own.
 * Karpenter's role is created by its own unit (the karpenter module of terraform-aws-eks).
 */
const PERMISSIONS: Readonly<Record<string, (spec: ClusterSpec) => Permissions>> = {
  'ebs-csi-driver': () => ({ summary: 'EBS volumes', inputs: { attach_aws_ebs_csi_policy: true } }),
  'efs-csi-driver': () => ({ summary: 'EFS access points', inputs: { attach_aws_efs_csi_policy: true } }),
  'fsx-csi-driver': () => ({
    summary: 'FSx for Lustre file systems',
    inputs: { attach_aws_fsx_lustre_csi_policy: true },
  }),
  'aws-load-balancer-controller': () => ({
    summary: 'load balancers and target groups',
    inputs: { attach_aws_lb_controller_policy: true },
  }),
  'external-dns': (spec) => ({
    summary: 'Route 53 records',
    // cluster.yaml names no hosted zone: the account's zones; scope it with a policy override if needed
    inputs: {
      attach_external_dns_policy: true,
      external_dns_hosted_zone_arns: [`arn:${awsPartition(spec.aws.region)}:route53:::hostedzone/*`],
    },
  }),
  'cluster-autoscaler': (spec) => ({
    summary: 'the Auto Scaling groups of this cluster',
    inputs: { attach_cluster_autoscaler_policy: true, cluster_autoscaler_cluster_names: [spec.name] },
  }),
  'external-secrets': (spec) => {
    const { region, accountId } = spec.aws;
    const partition = awsPartition(region);
    return {
      summary: `secrets and parameters under ${spec.name}/`,
      inputs: {
        attach_external_secrets_policy: true,
        external_secrets_secrets_manager_arns: [
          `arn:${partition}:secretsmanager:${region}:${accountId}:secret:${spec.name}/*`,
        ],
        external_secrets_ssm_parameter_arns: [`arn:${partition}:ssm:${region}:${accountId}:parameter/${spec.name}/*`],
      },
    };
  },
  'ack-sagemaker': (spec) => ({
    summary: 'SageMaker (the ACK controller manages SageMaker resources)',
    inputs: {
      additional_policy_arns: {
        AmazonSageMakerFullAccess: `arn:${awsPartition(spec.aws.region)}:iam::aws:policy/AmazonSageMakerFullAccess`,
      },
    },
  }),
  mlflow: (spec) => ({
    summary: `the artifact bucket ${mlflowArtifactBucket(spec)}`,
    inputs: {
      attach_custom_policy: true,
      policy_statements: [
        {
          sid: 'ListArtifactBucket',
          actions: ['s3:ListBucket', 's3:GetBucketLocation'],
          resources: [expression('dependency.artifacts.outputs.s3_bucket_arn')],
        },
        {
          sid: 'ReadWriteArtifacts',
          actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
          resources: [expression('"${dependency.artifacts.outputs.s3_bucket_arn}/*"')],
        },
      ],
    },
    dependencies: [
      {
        name: 'artifacts',
        unit: unitDir(spec, INFRA_UNITS.mlflowArtifacts),
        mockOutputs: { s3_bucket_arn: `arn:${awsPartition(spec.aws.region)}:s3:::${mlflowArtifactBucket(spec)}` },
      },
    ],
  }),
};

/** Modules that get a pod identity unit when enabled. */
export const POD_IDENTITY_MODULES = Object.keys(PERMISSIONS).sort();

/** One IAM role per enabled module that calls AWS, bound to the module's service account by EKS Pod Identity. */
export function podIdentityUnits(context: InfraContext): InfraUnit[] {
  const units = context.modules
    .filter((enabled) => PERMISSIONS[enabled.module.name])
    .map(({ module }) =>
      podIdentityUnit(
        context,
        module.name,
        module.namespace,
        withHubAccess(context, module.name, PERMISSIONS[module.name](context.spec)),
      ),
    );
  const argocd = context.modules.find((m) => m.module.name === 'argocd');
  if (argocd && context.spec.argocd.role === 'hub') {
    units.push(
      podIdentityUnit(
        context,
        'argocd',
        argocd.module.namespace,
        {
          summary: `assume the access role of each spoke (${context.spokes.length})`,
          inputs: { attach_custom_policy: true, policy_statements: [assumeSpokeRolesStatement(context.spokes)] },
        },
        ARGOCD_SERVICE_ACCOUNTS,
      ),
    );
  }
  return units;
}

/**
 * On the hub, External Secrets writes the spokes' cluster Secrets from SSM parameters in the spokes' accounts,
 * which its SecretStores read by assuming the spokes' access roles.
 */
function withHubAccess(context: InfraContext, module: string, permissions: Permissions): Permissions {
  if (module !== 'external-secrets' || context.spec.argocd.role !== 'hub' || !context.spokes.length) {
    return permissions;
  }
  return {
    ...permissions,
    summary: `${permissions.summary}; assume the spokes' access roles`,
    inputs: {
      ...permissions.inputs,
      attach_custom_policy: true,
      policy_statements: [assumeSpokeRolesStatement(context.spokes)],
    },
  };
}

/**
 * Roles of the binder Jobs of the shared file systems (rendered by the efs-csi-driver and fsx-csi-driver
 * modules when the cluster has the file system and teams): read the file system's SSM parameters.
 */
export function storageBinderUnits(context: InfraContext): InfraUnit[] {
  const { spec } = context;
  const { region, accountId } = spec.aws;
  const systems = [
    ...(spec.storage.efs !== false && isEnabled(context, 'efs-csi-driver') ? (['efs'] as const) : []),
    ...(spec.storage.fsx && isEnabled(context, 'fsx-csi-driver') ? (['fsx'] as const) : []),
  ];
  if (spec.teams.length === 0) return [];
  return systems.map((system) => {
    const parameters = Object.keys(STORAGE_PARAMETERS[system]) as (keyof (typeof STORAGE_PARAMETERS)[typeof system])[];
    const arns = parameters.map(
      (field) =>
        `arn:${awsPartition(region)}:ssm:${region}:${accountId}:parameter${storageParameter(spec.name, system, field)}`,
    );
    return podIdentityUnit(context, `${system}-pv-binder`, moduleNamespace(context, `${system}-csi-driver`), {
      summary: `read the ${system.toUpperCase()} IDs the storage unit wrote to SSM`,
      inputs: {
        attach_custom_policy: true,
        policy_statements: [
          { sid: 'ReadStorageParameters', actions: ['ssm:GetParameter', 'ssm:GetParameters'], resources: arns },
        ],
      },
    });
  });
}

function podIdentityUnit(
  context: InfraContext,
  owner: string,
  namespace: string,
  permissions: Permissions,
  serviceAccounts?: readonly string[],
): InfraUnit {
  const { spec } = context;
  const serviceAccount = POD_IDENTITY_SERVICE_ACCOUNTS[owner];
  if (!serviceAccount) throw new Error(`generator bug: no service account name for ${owner}`);
  const accounts = serviceAccounts ?? [serviceAccount];
  const roleName = podIdentityRoleName(spec, owner);
  return {
    dir: unitDir(spec, INFRA_UNITS.podIdentity(owner)),
    module: MODULES.podIdentity,
    template: 'pod-identity.hcl',
    summary: `role ${roleName} for ${accounts.map((a) => `${namespace}/${a}`).join(', ')}: ${permissions.summary}`,
    dependencies: [
      { name: 'eks', unit: unitDir(spec, INFRA_UNITS.eks), mockOutputs: { cluster_name: spec.name } },
      ...(permissions.dependencies ?? []),
    ],
    after: [],
    values: {
      roleName,
      description: `${owner} on EKS cluster ${spec.name}`,
      // policy names are per account: the cluster prefix keeps two clusters of one account apart
      policyNamePrefix: `${spec.name}-`,
      permissions: Object.entries(permissions.inputs).map(([key, value]) => ({ key, value })),
      associations: Object.fromEntries(
        accounts.map((account) => [
          accounts.length === 1 ? owner : account,
          { cluster_name: expression('dependency.eks.outputs.cluster_name'), namespace, service_account: account },
        ]),
      ),
    },
  };
}
