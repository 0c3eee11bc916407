import type { ClusterSpec } from '../../model/cluster-spec';
import { moduleDatabase } from '../../model/platform-module';
import { expression, type HclValue } from '../hcl';
import {
  awsPartition,
  databaseBinderServiceAccount,
  databaseInstanceName,
  databaseParameter,
  dataPlatformBucket,
  DETERMINED_SERVICE_ACCOUNTS,
  INFRA_UNITS,
  PACHYDERM_SERVICE_ACCOUNTS,
  podIdentityRoleName,
} from '../names';
import { MODULES } from '../terraform-modules';
import { isEnabled, mockSubnetIds, moduleNamespace, unitDir, type InfraContext, type InfraUnit } from '../unit';

/** The data platform modules that keep their objects in a bucket of their own. */
const BUCKET_MODULES = ['pachyderm', 'determined'] as const;
type BucketModule = (typeof BUCKET_MODULES)[number];

/**
 * The service accounts of each module that read and write its bucket, through IRSA rather than EKS Pod Identity:
 *
 * - pachyderm 2.11.6: pachd (and pachw) build their S3 client with aws-sdk-go v1.44.68 (go.mod), `session.NewSession`
 *   with no explicit credentials when `pachd.storage.amazon.id` is empty (src/internal/obj/bucket.go
 *   `amazonSession`), so the SDK's default chain: web identity (IRSA) is in it, the Pod Identity agent's container
 *   credentials came only with aws-sdk-go v1.47.11. The pipeline workers run the same binary.
 * - determined 0.38.1: the task pods (trials, checkpoint GC) write and delete checkpoints with boto3, unpinned in
 *   the harness (harness/pyproject.toml), so as old as the task image a team picks: IRSA works with every boto3 that
 *   has the web identity provider, Pod Identity only from 1.34.41. The master would only download checkpoints for the
 *   web UI, with aws-sdk-go v1.40.34 (go.mod; master/pkg/checkpoints/s3), which has no Pod Identity either; but the
 *   chart's master ServiceAccount takes no annotations (templates/master-permissions.yaml), so it gets no role.
 */
const IRSA_SERVICE_ACCOUNTS: Readonly<Record<BucketModule, readonly string[]>> = {
  pachyderm: [PACHYDERM_SERVICE_ACCOUNTS.pachd, PACHYDERM_SERVICE_ACCOUNTS.worker],
  determined: [DETERMINED_SERVICE_ACCOUNTS.task],
};

const BUCKET_PURPOSE: Readonly<Record<BucketModule, string>> = {
  pachyderm: "Pachyderm's versioned data and pipeline outputs",
  determined: "Determined's checkpoints",
};

/** RDS for PostgreSQL sizing per environment (prod: Multi-AZ, deletion protected, a week of backups). */
const DATABASE_SIZES = {
  dev: { instanceClass: 'db.t4g.medium', allocated: 20, max: 100, multiAz: false, backupDays: 1 },
  staging: { instanceClass: 'db.t4g.large', allocated: 20, max: 200, multiAz: false, backupDays: 3 },
  prod: { instanceClass: 'db.m7g.large', allocated: 50, max: 500, multiAz: true, backupDays: 7 },
} as const;
/** PostgreSQL major version of the RDS instances (pachyderm's chart runs 13 in-cluster; pachd needs >= 13). */
export const RDS_POSTGRES_VERSION = '17';

/** The owners of the cluster's IRSA roles: the enabled bucket modules, and the binders of RDS databases. */
export function irsaOwners(context: InfraContext): string[] {
  return [
    ...BUCKET_MODULES.filter((module) => isEnabled(context, module)),
    ...rdsModules(context).map((module) => databaseBinderServiceAccount(module)),
  ].sort();
}

/** The enabled modules that keep their database in RDS on this cluster. */
export function rdsModules(context: InfraContext): string[] {
  return context.modules
    .filter(({ module }) => moduleDatabase(context.spec, module) === 'rds')
    .map(({ module }) => module.name);
}

/** A private, versioned, encrypted bucket per enabled data platform module. */
export function dataBucketUnits(context: InfraContext): InfraUnit[] {
  const { spec } = context;
  return BUCKET_MODULES.filter((module) => isEnabled(context, module)).map((module) => ({
    dir: unitDir(spec, INFRA_UNITS.dataBucket(module)),
    module: MODULES.s3Bucket,
    template: 'private-bucket.hcl',
    summary: `S3 bucket ${dataPlatformBucket(spec, module)} for ${BUCKET_PURPOSE[module]}`,
    dependencies: [],
    after: [],
    values: { bucket: dataPlatformBucket(spec, module) },
  }));
}

/** The IRSA role of each enabled bucket module: its bucket and nothing else. */
export function dataPlatformRoleUnits(context: InfraContext): InfraUnit[] {
  const { spec } = context;
  return BUCKET_MODULES.filter((module) => isEnabled(context, module)).map((module) => {
    const bucketArn = `arn:${awsPartition(spec.aws.region)}:s3:::${dataPlatformBucket(spec, module)}`;
    return irsaRoleUnit(context, module, moduleNamespace(context, module), IRSA_SERVICE_ACCOUNTS[module], {
      summary: `the bucket ${dataPlatformBucket(spec, module)}`,
      permissions: bucketPermissions(),
      dependencies: [
        {
          name: 'bucket',
          unit: unitDir(spec, INFRA_UNITS.dataBucket(module)),
          mockOutputs: { s3_bucket_arn: bucketArn },
        },
      ],
    });
  });
}

/** List the bucket, read, write and delete its objects (pachd's garbage collection, Determined's checkpoint GC). */
export function bucketPermissions(): Record<string, HclValue> {
  return {
    ListBucket: {
      actions: ['s3:ListBucket', 's3:GetBucketLocation'],
      resources: [expression('dependency.bucket.outputs.s3_bucket_arn')],
    },
    ReadWriteObjects: {
      actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
      resources: [expression('"${dependency.bucket.outputs.s3_bucket_arn}/*"')],
    },
  };
}

/**
 * The RDS for PostgreSQL instance of each module with `database: rds`, and the role of its binder Job: read the
 * instance's address and secret ARN from SSM, and the master secret itself (through the ExternalSecret the binder
 * writes, which authenticates as the binder's service account).
 */
export function databaseUnits(context: InfraContext): InfraUnit[] {
  const { spec } = context;
  const { region, accountId } = spec.aws;
  const partition = awsPartition(region);
  const sizes = DATABASE_SIZES[spec.environment];
  return rdsModules(context).flatMap((module): InfraUnit[] => {
    const identifier = databaseInstanceName(spec, module);
    const dir = unitDir(spec, INFRA_UNITS.database(module));
    const fields = ['address', 'secret-arn'] as const;
    const outputs = { address: 'db_instance_address', 'secret-arn': 'db_instance_master_user_secret_arn' } as const;
    const database: InfraUnit = {
      dir,
      module: MODULES.rds,
      template: 'rds-postgres.hcl',
      summary:
        `RDS for PostgreSQL ${RDS_POSTGRES_VERSION} ${identifier} (${sizes.instanceClass}` +
        `${sizes.multiAz ? ', Multi-AZ' : ''}) for ${module}, master password kept by RDS in Secrets Manager`,
      dependencies: [
        {
          name: 'network',
          unit: unitDir(spec, INFRA_UNITS.network),
          mockOutputs: { private_subnets: mockSubnetIds(spec, 'private') },
        },
        { name: 'eks', unit: unitDir(spec, INFRA_UNITS.eks), mockOutputs: { node_security_group_id: 'sg-mock' } },
      ],
      after: [],
      values: {
        identifier,
        engineVersion: RDS_POSTGRES_VERSION,
        family: `postgres${RDS_POSTGRES_VERSION}`,
        instanceClass: sizes.instanceClass,
        allocatedStorage: sizes.allocated,
        maxAllocatedStorage: sizes.max,
        dbName: module,
        username: module,
        multiAz: sizes.multiAz,
        backupRetentionDays: sizes.backupDays,
        deletionProtection: spec.environment === 'prod',
        parameters: fields.map((field) => ({
          resource: field.replace(/-/g, '_'),
          name: databaseParameter(spec.name, module, field),
          value: `module.db_instance.${outputs[field]}`,
        })),
      },
    };
    const mockSecret = `arn:${partition}:secretsmanager:${region}:${accountId}:secret:rds!db-mock`;
    const parameterArns = fields.map(
      (field) => `arn:${partition}:ssm:${region}:${accountId}:parameter${databaseParameter(spec.name, module, field)}`,
    );
    const binder = irsaRoleUnit(
      context,
      databaseBinderServiceAccount(module),
      moduleNamespace(context, module),
      [databaseBinderServiceAccount(module)],
      {
        summary: `read where ${identifier} is and its master secret`,
        permissions: {
          ReadDatabaseParameters: { actions: ['ssm:GetParameter', 'ssm:GetParameters'], resources: parameterArns },
          ReadMasterSecret: {
            actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
            resources: [expression('dependency.database.outputs.db_instance_master_user_secret_arn')],
          },
        },
        dependencies: [
          {
            name: 'database',
            unit: dir,
            mockOutputs: { db_instance_master_user_secret_arn: mockSecret },
          },
        ],
      },
    );
    return [database, binder];
  });
}

interface RolePermissions {
  readonly summary: string;
  readonly permissions: Record<string, HclValue>;
  readonly dependencies: InfraUnit['dependencies'];
}

function irsaRoleUnit(
  context: InfraContext,
  owner: string,
  namespace: string,
  serviceAccounts: readonly string[],
  role: RolePermissions,
): InfraUnit {
  const { spec } = context;
  const roleName = irsaRoleName(spec, owner);
  const subjects = serviceAccounts.map((account) => `${namespace}:${account}`);
  return {
    dir: unitDir(spec, INFRA_UNITS.irsaRole(owner)),
    module: MODULES.irsaRole,
    template: 'irsa-role.hcl',
    summary: `role ${roleName} for ${subjects.map((s) => s.replace(':', '/')).join(', ')}: ${role.summary}`,
    dependencies: [
      {
        name: 'eks',
        unit: unitDir(spec, INFRA_UNITS.eks),
        mockOutputs: {
          oidc_provider_arn:
            `arn:${awsPartition(spec.aws.region)}:iam::${spec.aws.accountId}:oidc-provider/` +
            `oidc.eks.${spec.aws.region}.amazonaws.com/id/MOCK`,
        },
      },
      ...role.dependencies,
    ],
    after: [],
    values: {
      roleName,
      description: `${owner} on EKS cluster ${spec.name} (IRSA)`,
      oidcProviders: {
        eks: {
          provider_arn: expression('dependency.eks.outputs.oidc_provider_arn'),
          namespace_service_accounts: subjects,
        },
      },
      permissions: role.permissions,
    },
  };
}

/** The same `<cluster>-<owner>` names as the pod identity roles (aws-names.ts irsaRoleArn computes the ARN). */
function irsaRoleName(spec: ClusterSpec, owner: string): string {
  return podIdentityRoleName(spec, owner);
}
