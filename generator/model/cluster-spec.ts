import { z } from 'zod';
import {
  dnsLabel,
  list,
  memoryQuantity,
  nonNegativeInt,
  oneOf,
  pattern,
  positiveInt,
  strictObject,
  text,
} from './zod-helpers';

/**
 * The schema of `clusters/<name>/cluster.yaml`, the one hand-written file per cluster.
 * It is the single source of the spec's types: `ClusterSpec` below is inferred from it.
 * Defaults live here, so that a new cluster's file stays short.
 */

export const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const NODE_POOL_KINDS = ['cpu', 'cuda', 'cuda-efa', 'neuron'] as const;
export type NodePoolKind = (typeof NODE_POOL_KINDS)[number];

export const CAPACITY_TYPES = ['on-demand', 'spot', 'reserved'] as const;

/** CPU architectures of a node pool, as the `kubernetes.io/arch` node label says them. */
export const ARCHITECTURES = ['amd64', 'arm64'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

/** Instance families per pool kind, as in the seed project's Karpenter node pools. */
export const DEFAULT_INSTANCE_FAMILIES: Record<NodePoolKind, string[]> = {
  cpu: ['m6i', 'm7i', 'c6i', 'c7i', 'r6i', 'r7i'],
  cuda: ['g5', 'g6', 'g6e'],
  'cuda-efa': ['p4d', 'p4de', 'p5', 'p5e', 'p5en'],
  neuron: ['trn1', 'trn1n', 'trn2', 'inf2'],
};

/** Instance families of an arm64 (AWS Graviton) cpu pool: Graviton3 and Graviton4 general purpose, compute, memory. */
export const DEFAULT_ARM64_FAMILIES = ['m7g', 'c7g', 'r7g', 'm8g', 'c8g', 'r8g'];

/**
 * The taint of an arm64 pool: its nodes only take pods that ask for them (a recipe whose node_type is a Graviton
 * type gets the toleration), so that an x86-64-only image never lands on an arm64 node by chance.
 */
export const ARM64_TAINT: Taint = { key: 'mlops-fleet.io/arch', value: 'arm64', effect: 'NoSchedule' };

/** Taints per pool kind: accelerator nodes only take pods that tolerate them. */
export const DEFAULT_TAINTS: Record<NodePoolKind, Taint[]> = {
  cpu: [],
  cuda: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }],
  'cuda-efa': [
    { key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' },
    { key: 'vpc.amazonaws.com/efa', value: 'true', effect: 'NoSchedule' },
  ],
  neuron: [{ key: 'aws.amazon.com/neuron', value: 'true', effect: 'NoSchedule' }],
};

const AZ = /^[a-z]{2}(-[a-z]+)+-[0-9][a-z]$/;
export const REGION = /^[a-z]{2}(-[a-z]+)+-[0-9]$/;
const CIDR =
  /^((25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\/([0-9]|[12][0-9]|3[0-2])$/;
const K8S_VERSION = /^1\.[0-9]{2}$/;
const INSTANCE_FAMILY = /^[a-z][a-z0-9-]*[0-9][a-z0-9-]*$/;
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*[0-9][a-z0-9-]*\.[a-z0-9]+$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const S3_URI = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^\s]*)?$/;
const ROLE_ARN = /^arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:role\/[\w+=,.@\/-]{1,512}$/;
const CAPABILITY = /^[A-Z][A-Z0-9_]*$/;
/**
 * A registry host with an optional path prefix: `nvcr.io`, `public.ecr.aws/neuron`,
 * `111122223333.dkr.ecr.us-west-2.amazonaws.com`.
 */
const REGISTRY = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]{1,5})?(\/[a-z0-9]([-a-z0-9._/]*[a-z0-9])?)?$/;
const DURATION = /^([0-9]+(s|m|h))+$|^Never$/;

const cidr = () => pattern(CIDR, 'an IPv4 CIDR such as 10.0.0.0/16');
const az = () => pattern(AZ, 'an availability zone such as us-west-2a');
const labelKey = () => pattern(LABEL_KEY, 'a Kubernetes label key such as example.com/team');
const labelValue = () => pattern(LABEL_VALUE, 'a Kubernetes label value (at most 63 letters, digits, "-", "_" or ".")');
const labels = () => z.record(labelKey(), labelValue(), { error: 'expected a mapping of label keys to values' });

const taintSchema = strictObject({
  key: labelKey(),
  value: labelValue().optional(),
  effect: oneOf(['NoSchedule', 'PreferNoSchedule', 'NoExecute']),
});
export type Taint = z.infer<typeof taintSchema>;

/** Upper bounds of a pool or a team: vCPUs, memory, NVIDIA GPUs and Neuron devices. */
const resourceAmounts = strictObject({
  cpu: nonNegativeInt().optional(),
  memory: memoryQuantity().optional(),
  gpu: nonNegativeInt().optional(),
  neuron: nonNegativeInt().optional(),
});

const nodePoolSchema = strictObject({
  name: dnsLabel(),
  kind: oneOf(NODE_POOL_KINDS),
  /** The nodes' CPU architecture: arm64 for AWS Graviton (cpu pools only). */
  architecture: oneOf(ARCHITECTURES).default('amd64'),
  /** Instance families (`p5`, `trn1`); Karpenter picks sizes. Defaults per kind. */
  instanceFamilies: list(pattern(INSTANCE_FAMILY, 'an instance family such as g5 or trn1')).optional(),
  /** Exact instance types (`p5.48xlarge`); when set, families are not used. */
  instanceTypes: list(pattern(INSTANCE_TYPE, 'an instance type such as p5.48xlarge')).optional(),
  capacityTypes: list(oneOf(CAPACITY_TYPES))
    .min(1, { error: 'expected at least one capacity type' })
    .default(['on-demand']),
  taints: list(taintSchema).optional(),
  labels: labels().default({}),
  limits: resourceAmounts.default({}),
  /** A single AZ for the pool (EFA and Neuron pools want their nodes close together). */
  availabilityZone: az().optional(),
  /** Karpenter disruption: when nodes may be consolidated away. */
  consolidation: oneOf(['WhenEmpty', 'WhenEmptyOrUnderutilized']).default('WhenEmpty'),
  consolidateAfter: pattern(DURATION, 'a duration such as 30s, 5m or 1h, or Never').default('5m'),
  /** Root volume size of the nodes, GiB (ML images are large). */
  volumeSizeGiB: positiveInt(65536).default(200),
}).transform((pool) => ({
  ...pool,
  instanceFamilies: pool.instanceTypes ? [] : (pool.instanceFamilies ?? defaultFamilies(pool.kind, pool.architecture)),
  instanceTypes: pool.instanceTypes ?? [],
  taints: pool.taints ?? (pool.architecture === 'arm64' ? [ARM64_TAINT] : DEFAULT_TAINTS[pool.kind]),
}));
export type NodePool = z.infer<typeof nodePoolSchema>;

/** The instance families a pool gets when it names none. */
export function defaultFamilies(kind: NodePoolKind, architecture: Architecture): string[] {
  return architecture === 'arm64' ? DEFAULT_ARM64_FAMILIES : DEFAULT_INSTANCE_FAMILIES[kind];
}

const efsSchema = strictObject({
  throughputMode: oneOf(['elastic', 'bursting']).default('elastic'),
  performanceMode: oneOf(['generalPurpose', 'maxIO']).default('generalPurpose'),
});

const FSX_DEPLOYMENT_TYPES = ['SCRATCH_2', 'PERSISTENT_2'] as const;
const fsxSchema = strictObject({
  deploymentType: oneOf(FSX_DEPLOYMENT_TYPES).default('SCRATCH_2'),
  storageCapacityGiB: z
    .number({ error: 'expected 1200, 2400 or a multiple of 2400 (GiB)' })
    .int({ error: 'expected 1200, 2400 or a multiple of 2400 (GiB)' })
    .refine((v) => v === 1200 || (v >= 2400 && v % 2400 === 0 && v <= 2_400_000), {
      error: 'expected 1200, 2400 or a multiple of 2400 (GiB)',
    })
    .default(1200),
  /** Data repository: the S3 path imported into and exported from the file system. */
  s3ImportPath: pattern(S3_URI, 'an S3 URI such as s3://my-bucket/ml-data'),
  s3ExportPath: pattern(S3_URI, 'an S3 URI such as s3://my-bucket/ml-data').optional(),
  /** MB/s per TiB, PERSISTENT_2 only. */
  perUnitStorageThroughput: oneOf(['125', '250', '500', '1000']).optional(),
  availabilityZone: az().optional(),
});

const storageSchema = strictObject({
  /** EFS shared home: on unless set to false. */
  efs: z.union([z.literal(false), efsSchema], { error: 'expected false or an EFS mapping' }).default({
    throughputMode: 'elastic',
    performanceMode: 'generalPurpose',
  }),
  /** FSx for Lustre scratch linked to S3: off unless given. */
  fsx: fsxSchema.optional(),
});

/**
 * Where a platform module's database runs: the chart's own PostgreSQL on an encrypted gp3 volume (`in-cluster`), or
 * Amazon RDS for PostgreSQL created by a Terragrunt unit (`rds`).
 */
export const DATABASE_KINDS = ['in-cluster', 'rds'] as const;
export type DatabaseKind = (typeof DATABASE_KINDS)[number];

/** `modules.<name>`: `true` / `false`, or a mapping with an optional version, values override and database. */
const moduleSettingSchema = z.union(
  [
    z.boolean(),
    strictObject({
      enabled: z.boolean({ error: 'expected true or false' }).default(true),
      version: text('a version').optional(),
      values: z.record(z.string(), z.unknown(), { error: 'expected a mapping of values' }).optional(),
      /** Where a module that runs a database keeps it (PlatformModule.databases says which it accepts). */
      database: z.enum(DATABASE_KINDS, { error: `expected one of ${DATABASE_KINDS.join(', ')}` }).optional(),
    }),
  ],
  { error: 'expected true, false, or a mapping with enabled, version, values and database' },
);

const teamSchema = strictObject({
  name: dnsLabel(),
  /** Defaults to the team's name. */
  namespace: dnsLabel().optional(),
  quotas: resourceAmounts.default({}),
  /** Scheduling priority of the team's runs: maps to a Kueue WorkloadPriorityClass. */
  priority: oneOf(['low', 'medium', 'high']).default('medium'),
  /** Pod Security Standard of the team's namespace. */
  /** `baseline` by default; `privileged` when the team is allowed anything in `allow`. */
  podSecurity: oneOf(['restricted', 'baseline', 'privileged']).optional(),
  labels: labels().default({}),
  /**
   * Secrets the team creates out of band in its namespace (`kubectl create secret generic hf-token ...`) that its
   * runs may name. Any other Secret a run names must come from an ExternalSecret the fleet renders.
   */
  secrets: list(dnsLabel()).default([]),
  /**
   * What the team's pods may ask for beyond the Pod Security baseline; all off by default. The generator
   * refuses workloads that ask for more, and a team allowed any of it gets the `privileged` Pod Security level.
   */
  allow: strictObject({
    privileged: z.boolean({ error: 'expected true or false' }).default(false),
    hostNetwork: z.boolean({ error: 'expected true or false' }).default(false),
    hostPID: z.boolean({ error: 'expected true or false' }).default(false),
    hostIPC: z.boolean({ error: 'expected true or false' }).default(false),
    hostPath: z.boolean({ error: 'expected true or false' }).default(false),
    /** Linux capabilities the team's containers may add (`IPC_LOCK`, `SYS_PTRACE`). */
    capabilities: list(pattern(CAPABILITY, 'a Linux capability such as IPC_LOCK')).default([]),
  }).default({
    privileged: false,
    hostNetwork: false,
    hostPID: false,
    hostIPC: false,
    hostPath: false,
    capabilities: [],
  }),
})
  .superRefine((team, ctx) => {
    if (hasAllowances(team.allow) && team.podSecurity !== undefined && team.podSecurity !== 'privileged') {
      ctx.addIssue({
        code: 'custom',
        path: ['podSecurity'],
        input: team.podSecurity,
        message:
          'expected "privileged" (or no podSecurity) for a team whose allow lets its pods run ' +
          'privileged, on the host or with added capabilities (Pod Security admission would refuse them)',
      });
    }
  })
  .transform((team) => ({
    ...team,
    namespace: team.namespace ?? team.name,
    podSecurity: team.podSecurity ?? (hasAllowances(team.allow) ? 'privileged' : 'baseline'),
  }));

function hasAllowances(allow: {
  privileged: boolean;
  hostNetwork: boolean;
  hostPID: boolean;
  hostIPC: boolean;
  hostPath: boolean;
  capabilities: string[];
}): boolean {
  return (
    allow.privileged ||
    allow.hostNetwork ||
    allow.hostPID ||
    allow.hostIPC ||
    allow.hostPath ||
    allow.capabilities.length > 0
  );
}
export type Team = z.infer<typeof teamSchema>;

/** What a cluster is to the fleet's Argo CD (see `argocd.role`). */
export const ARGOCD_ROLES = ['standalone', 'hub', 'spoke'] as const;
export type ArgocdRole = (typeof ARGOCD_ROLES)[number];

const argocdSchema = strictObject({
  repoURL: pattern(
    /^(https:\/\/|ssh:\/\/|git@)\S+$/,
    'a git repository URL such as https://github.com/acme/mlops-fleet.git',
  ),
  targetRevision: text('a git revision (branch, tag or commit)').default('main'),
  /** Namespace Argo CD runs in. */
  namespace: dnsLabel().default('argocd'),
  /** Where the Applications deploy to: the in-cluster API, or this cluster's name in a hub Argo CD. */
  destination: oneOf(['in-cluster', 'hub']).optional(),
  /**
   * The cluster's part in the fleet's Argo CD: `standalone` runs its own Argo CD for itself, `hub` runs the one
   * Argo CD that manages itself and every spoke, `spoke` is managed by the hub (and runs none of its own). A
   * cluster with `destination: hub` and no role is a spoke.
   */
  role: oneOf(ARGOCD_ROLES).optional(),
  /**
   * The Argo CD UI's address: the link of the commit status and pull request comment Argo CD Notifications posts
   * (platform/argocd-notifications.ts). Without it no status is reported to GitHub.
   */
  url: pattern(
    /^https:\/\/[^\s/]+(\/\S*[^\s/])?$/,
    'an https URL without a trailing slash, such as https://argocd.acme.dev',
  ).optional(),
})
  .superRefine((argocd, ctx) => {
    if (argocd.destination === 'hub' && argocd.role !== undefined && argocd.role !== 'spoke') {
      ctx.addIssue({
        code: 'custom',
        path: ['destination'],
        input: argocd.destination,
        message:
          `expected in-cluster (or no destination) for a cluster whose role is ${argocd.role}: ` +
          "only a spoke's Applications deploy through the hub",
      });
    }
    if (argocd.destination === 'in-cluster' && argocd.role === 'spoke') {
      ctx.addIssue({
        code: 'custom',
        path: ['destination'],
        input: argocd.destination,
        message: 'expected hub (or no destination) for a spoke: the hub Argo CD deploys its Applications',
      });
    }
  })
  .transform((argocd) => {
    const role: ArgocdRole = argocd.role ?? (argocd.destination === 'hub' ? 'spoke' : 'standalone');
    return { ...argocd, role, destination: role === 'spoke' ? ('hub' as const) : ('in-cluster' as const) };
  });

export const clusterSpecSchema = strictObject({
  name: dnsLabel(),
  environment: oneOf(ENVIRONMENTS),
  aws: strictObject({
    accountId: pattern(/^[0-9]{12}$/, 'a 12-digit AWS account ID in quotes, such as "111122223333"'),
    region: pattern(REGION, 'an AWS region such as us-west-2'),
    availabilityZones: list(az()).min(2, { error: 'expected at least two availability zones' }),
    /** IAM roles of this account given cluster-admin access to the EKS API (EKS access entries). */
    adminRoleArns: list(
      pattern(ROLE_ARN, 'an IAM role ARN such as arn:aws:iam::111122223333:role/platform-admin'),
    ).default([]),
  }),
  kubernetesVersion: pattern(K8S_VERSION, 'a Kubernetes minor version in quotes, such as "1.33"'),
  network: strictObject({
    vpcCidr: cidr(),
    /** One private subnet per AZ; derived from the VPC CIDR when omitted. */
    privateSubnets: list(cidr()).optional(),
    publicSubnets: list(cidr()).optional(),
  }),
  nodePools: list(nodePoolSchema).default([]),
  storage: storageSchema.default({ efs: { throughputMode: 'elastic', performanceMode: 'generalPurpose' } }),
  modules: z.record(z.string(), moduleSettingSchema, { error: 'expected a mapping of module names' }).default({}),
  teams: list(teamSchema).default([]),
  argocd: argocdSchema,
  /** Limits every team workload of the cluster is checked against. */
  policy: strictObject({
    /**
     * Registries (host, or host/path prefix) images may be pulled from. Default: the cluster account's ECR in
     * its region, public.ecr.aws and nvcr.io (see defaultImageRegistries).
     */
    imageRegistries: list(
      pattern(REGISTRY, 'a registry host with an optional path, such as nvcr.io or public.ecr.aws/neuron'),
    )
      .min(1, { error: 'expected at least one registry' })
      .optional(),
  }).default({}),
  /** Free-form tags added to every AWS resource of the cluster. */
  tags: z.record(z.string(), z.string({ error: 'expected a string' }), { error: 'expected a mapping' }).default({}),
});

export type ClusterSpec = z.infer<typeof clusterSpecSchema>;

/** The registries images come from when `policy.imageRegistries` is not set. */
export function defaultImageRegistries(spec: Pick<ClusterSpec, 'aws'>): string[] {
  return [`${spec.aws.accountId}.dkr.ecr.${spec.aws.region}.amazonaws.com`, 'public.ecr.aws', 'nvcr.io'];
}

/** The registries a cluster's workloads may pull from. */
export function imageRegistries(spec: ClusterSpec): string[] {
  return spec.policy.imageRegistries ?? defaultImageRegistries(spec);
}
export type ModuleSetting = z.infer<typeof moduleSettingSchema>;
