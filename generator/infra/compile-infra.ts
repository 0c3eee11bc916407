import type { ClusterSpec } from '../config/cluster-spec';
import type { Problem } from '../config/problems';
import type { CompiledCluster } from '../fleet/compile-cluster';
import type { GitHubSettings } from '../github/settings';
import { infraSpecProblems } from './check-spec';
import { topologicalWaves } from './graph';
import { INFRA_UNITS } from './names';
import { unitDir, type InfraContext, type InfraUnit } from './unit';
import { eksUnit } from './units/eks';
import { efsUnit } from './units/efs';
import { fsxUnit } from './units/fsx';
import { githubOidcProviderUnit, githubRoleUnits } from './units/github-oidc';
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

export type CompileInfraResult = { ok: true; clusters: ClusterInfra[] } | { ok: false; problems: Problem[] };

/**
 * Decides the units of every cluster. Fleet-wide because one thing is per AWS account, not per cluster:
 * the GitHub OIDC provider, which the first cluster of each account (by name) creates.
 */
export function compileFleetInfra(compiled: readonly CompiledCluster[], github: GitHubSettings): CompileInfraResult {
  const problems = compiled.flatMap((c) => infraSpecProblems(c.input, c.modules));
  if (problems.length) return { ok: false, problems };

  const providerOfAccount = new Map<string, string>();
  for (const { input: { spec } } of [...compiled].sort((a, b) => (a.input.spec.name < b.input.spec.name ? -1 : 1))) {
    if (!providerOfAccount.has(spec.aws.accountId)) providerOfAccount.set(spec.aws.accountId, unitDir(spec, INFRA_UNITS.githubOidcProvider));
  }
  const clusters = compiled.map(({ input, modules }) => {
    const context: InfraContext = { spec: input.spec, modules, github, githubProviderUnit: providerOfAccount.get(input.spec.aws.accountId)! };
    const units = clusterUnits(context).sort((a, b) => (a.dir < b.dir ? -1 : 1));
    return { spec: input.spec, source: input.file, units, applyOrder: applyOrder(units) };
  });
  return { ok: true, clusters };
}

function clusterUnits(context: InfraContext): InfraUnit[] {
  const optional = [githubOidcProviderUnit(context), karpenterUnit(context), efsUnit(context), fsxUnit(context), mlflowArtifactsUnit(context)];
  return [
    networkUnit(context),
    eksUnit(context),
    ...githubRoleUnits(context),
    ...podIdentityUnits(context),
    ...storageBinderUnits(context),
    ...optional.filter((unit): unit is InfraUnit => unit !== undefined),
  ];
}

/** The units in waves; needs of units in another cluster's folder are met before (that cluster applies first). */
export function applyOrder(units: readonly InfraUnit[]): string[][] {
  const { waves, blocked } = topologicalWaves(new Map(units.map((u) => [u.dir, [...u.dependencies.map((d) => d.unit), ...u.after]])));
  if (blocked.length) throw new Error(`generator bug: units that form a cycle: ${blocked.join(', ')}`);
  return waves;
}
