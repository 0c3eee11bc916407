import { infraSpecProblems } from './check-spec';
import { topologicalWaves } from './graph';
import { awsPartition } from './names';
import type { AccountContext, InfraContext, InfraUnit } from './unit';
import type { Problem } from '../config/problems';
import type { ClusterSpec } from '../model/cluster-spec';
import type { CompiledCluster } from '../model/compiled-cluster';
import type { GitHubSettings } from '../model/github-settings';
import type { ImageCatalog } from '../model/image-spec';
import { argocdHubAccessUnit } from './units/argocd-hub';
import { dataBucketUnits, databaseUnits, dataPlatformRoleUnits } from './units/data-platform';
import { ecrRepositoryUnits, imagePushRoleUnit } from './units/ecr';
import { efsUnit } from './units/efs';
import { eksUnit } from './units/eks';
import { fsxUnit } from './units/fsx';
import { githubOidcProviderDir, githubOidcProviderUnit, githubRoleUnits } from './units/github-oidc';
import { karpenterUnit } from './units/karpenter';
import { mlflowArtifactsUnit } from './units/mlflow-artifacts';
import { networkUnit } from './units/network';
import { podIdentityUnits, storageBinderUnits } from './units/pod-identity';

/** The Terragrunt units of one cluster, and the order to apply them in. */
export interface ClusterInfra {
  readonly spec: ClusterSpec;
  /** cluster.yaml, relative to the repository root. */
  readonly source: string;
  /** Sorted by folder. */
  readonly units: readonly InfraUnit[];
  /** Waves of unit folders: each wave needs only units of earlier waves (or of another cluster's folder). */
  readonly applyOrder: readonly (readonly string[])[];
}

/**
 * The units of one AWS account, in `clusters/_accounts/<accountId>/`: what exists once per account (the GitHub
 * OIDC provider). Built from the account ID and partition alone, so they are the same whichever clusters the
 * account has; they exist while at least one cluster is in the account. The registry's account
 * (`images/registry.yaml`) also holds the ECR repositories of `images/` and the role that pushes to them.
 */
export interface AccountInfra {
  readonly accountId: string;
  readonly partition: string;
  /** Sorted by folder. */
  readonly units: readonly InfraUnit[];
  readonly applyOrder: readonly (readonly string[])[];
}

export type CompileInfraResult =
  { ok: true; clusters: ClusterInfra[]; accounts: AccountInfra[] } | { ok: false; problems: Problem[] };

/**
 * Decides the units of every cluster, and of every account the clusters are in. Account-level resources (the
 * GitHub OIDC provider) belong to the account's units, never to a cluster's: the cluster role units depend on them.
 */
export function compileFleetInfra(
  compiled: readonly CompiledCluster[],
  github: GitHubSettings,
  images?: ImageCatalog,
): CompileInfraResult {
  const problems = compiled.flatMap((c) => infraSpecProblems(c.input, c.modules));
  const partitions = new Map<string, { partition: string; cluster: string }>();
  for (const { input } of [...compiled].sort((a, b) => (a.input.spec.name < b.input.spec.name ? -1 : 1))) {
    const { spec } = input;
    const partition = awsPartition(spec.aws.region);
    const seen = partitions.get(spec.aws.accountId);
    if (!seen) {
      partitions.set(spec.aws.accountId, { partition, cluster: spec.name });
    } else if (seen.partition !== partition) {
      problems.push({
        file: input.file,
        field: 'aws.region',
        message:
          `is in partition ${partition}, but cluster ${seen.cluster} puts ` +
          `account ${spec.aws.accountId} in ${seen.partition}; an account ID belongs to one partition`,
      });
    }
  }
  if (problems.length) return { ok: false, problems };

  const accounts = [...partitions]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([accountId, { partition }]) => {
      const units = [
        ...accountUnits({ accountId, partition }),
        ...(images?.images.size && images.registry.accountId === accountId
          ? [...ecrRepositoryUnits(images, github, [...partitions.keys()]), imagePushRoleUnit(images, github)]
          : []),
      ].sort((a, b) => (a.dir < b.dir ? -1 : 1));
      return { accountId, partition, units, applyOrder: applyOrder(units) };
    });
  const specs = compiled.map((c) => c.input.spec);
  const hub = specs.find((s) => s.argocd.role === 'hub');
  const spokes = specs.filter((s) => s.argocd.role === 'spoke').sort((a, b) => (a.name < b.name ? -1 : 1));
  const clusters = compiled.map(({ input, modules }) => {
    const context: InfraContext = {
      spec: input.spec,
      modules,
      github,
      githubProviderUnit: githubOidcProviderDir(input.spec.aws.accountId),
      ...(hub ? { hub } : {}),
      spokes: input.spec.argocd.role === 'hub' ? spokes : [],
    };
    const units = clusterUnits(context).sort((a, b) => (a.dir < b.dir ? -1 : 1));
    return { spec: input.spec, source: input.file, units, applyOrder: applyOrder(units) };
  });
  return { ok: true, clusters, accounts };
}

function accountUnits(account: AccountContext): InfraUnit[] {
  return [githubOidcProviderUnit(account)];
}

function clusterUnits(context: InfraContext): InfraUnit[] {
  const optional = [
    karpenterUnit(context),
    efsUnit(context),
    fsxUnit(context),
    mlflowArtifactsUnit(context),
    ...dataBucketUnits(context),
    ...dataPlatformRoleUnits(context),
    ...databaseUnits(context),
    argocdHubAccessUnit(context),
  ];
  return [
    networkUnit(context),
    eksUnit(context),
    ...githubRoleUnits(context),
    ...podIdentityUnits(context),
    ...storageBinderUnits(context),
    ...optional.filter((unit): unit is InfraUnit => unit !== undefined),
  ];
}

/** The units in waves; needs of units in another folder (the account's) are met before (the account applies first). */
export function applyOrder(units: readonly InfraUnit[]): string[][] {
  const { waves, blocked } = topologicalWaves(
    new Map(units.map((u) => [u.dir, [...u.dependencies.map((d) => d.unit), ...u.after]])),
  );
  if (blocked.length) throw new Error(`generator bug: units that form a cycle: ${blocked.join(', ')}`);
  return waves;
}
