import type { HclValue } from './hcl';
import type { TerraformModule } from './terraform-modules';
import type { ClusterSpec } from '../model/cluster-spec';
import type { EnabledModule } from '../model/compiled-cluster';
import type { GitHubSettings } from '../model/github-settings';
import { clusterFolder } from '../model/paths';

/** A `dependency` block: another unit whose outputs this one reads. */
export interface UnitDependency {
  /** Block label: the unit reads `dependency.<name>.outputs.<output>`. */
  readonly name: string;
  /** The unit depended on: its folder relative to the repository root. */
  readonly unit: string;
  /** Outputs used by init, validate and plan before the dependency has been applied. */
  readonly mockOutputs: { readonly [output: string]: HclValue };
}

/** One Terragrunt unit: a folder with a `terragrunt.hcl` that applies one pinned module. */
export interface InfraUnit {
  /** Folder relative to the repository root: `clusters/<c>/infra/<unit>`, or `clusters/_accounts/<id>/<unit>`. */
  readonly dir: string;
  readonly module: TerraformModule;
  /** Template under generator/templates/infra/, without `.hbs`. */
  readonly template: string;
  /** What the unit creates, one line for the infra README. */
  readonly summary: string;
  readonly dependencies: readonly UnitDependency[];
  /** Units applied first whose outputs are not read (a `dependencies` block). */
  readonly after: readonly string[];
  /** The template's model: the unit's input values. */
  readonly values: Readonly<Record<string, unknown>>;
}

/** What a unit builder sees of the cluster and the fleet. */
export interface InfraContext {
  readonly spec: ClusterSpec;
  readonly modules: readonly EnabledModule[];
  readonly github: GitHubSettings;
  /** Folder of the account unit that creates the GitHub OIDC provider of this cluster's account. */
  readonly githubProviderUnit: string;
  /** The fleet's hub (`argocd.role: hub`), if it has one. */
  readonly hub?: ClusterSpec;
  /** On the hub: the spokes its Argo CD manages, by name. */
  readonly spokes: readonly ClusterSpec[];
}

/** What an account unit builder sees: the account alone, never its clusters (so clusters never move it). */
export interface AccountContext {
  readonly accountId: string;
  /** `aws`, `aws-cn` or `aws-us-gov`. */
  readonly partition: string;
}

export function infraFolder(spec: ClusterSpec): string {
  return `${clusterFolder(spec.name)}/infra`;
}

export function unitDir(spec: ClusterSpec, unit: string): string {
  return `${infraFolder(spec)}/${unit}`;
}

export function isEnabled(context: InfraContext, module: string): boolean {
  return context.modules.some((m) => m.module.name === module);
}

export function moduleNamespace(context: InfraContext, module: string): string {
  const found = context.modules.find((m) => m.module.name === module);
  if (!found) throw new Error(`generator bug: module ${module} is not enabled`);
  return found.module.namespace;
}

/** Placeholder subnet IDs for mock outputs, one per availability zone, so that indexing them works in plan. */
export function mockSubnetIds(spec: ClusterSpec, kind: 'private' | 'public'): string[] {
  return spec.aws.availabilityZones.map((_, i) => `subnet-mock-${kind}-${i}`);
}
