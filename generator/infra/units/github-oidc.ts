import { applyEnvironmentName, applyRoleName, applySubject, planRoleName, planSubject } from '../../github/settings';
import { awsPartition, INFRA_UNITS, stateBucketName } from '../names';
import { MODULES } from '../terraform-modules';
import { unitDir, type InfraContext, type InfraUnit } from '../unit';

export const GITHUB_OIDC_URL = 'https://token.actions.githubusercontent.com';

/**
 * The GitHub OIDC provider: one per AWS account, so only the first cluster of an account (by name)
 * creates it; the roles of the other clusters of that account are applied after it.
 */
export function githubOidcProviderUnit(context: InfraContext): InfraUnit | undefined {
  const { spec } = context;
  const dir = unitDir(spec, INFRA_UNITS.githubOidcProvider);
  if (dir !== context.githubProviderUnit) return undefined;
  return {
    dir,
    module: MODULES.oidcProvider,
    template: 'github-oidc-provider.hcl',
    summary: `GitHub Actions OIDC provider of account ${spec.aws.accountId}`,
    dependencies: [],
    after: [],
    values: { url: GITHUB_OIDC_URL },
  };
}

/**
 * The roles of the pull request workflow. Plan: read-only, assumable by pull requests of this repository
 * only; it may write nothing but the state lock files. Apply: administrator, assumable only by jobs in the
 * repository's `infra-<environment>` GitHub environment (which can require reviewers).
 */
export function githubRoleUnits(context: InfraContext): InfraUnit[] {
  const { spec, github } = context;
  const partition = awsPartition(spec.aws.region);
  const bucketArn = `arn:${partition}:s3:::${stateBucketName(spec)}`;
  const role = (kind: 'plan' | 'apply'): InfraUnit => ({
    dir: unitDir(spec, kind === 'plan' ? INFRA_UNITS.githubPlanRole : INFRA_UNITS.githubApplyRole),
    module: MODULES.iamRole,
    template: 'github-role.hcl',
    summary: kind === 'plan'
      ? `role ${planRoleName(spec)}: read-only plan on pull requests of ${github.owner}/${github.repository}`
      : `role ${applyRoleName(spec)}: apply from the ${applyEnvironmentName(spec.environment)} environment of ${github.owner}/${github.repository}`,
    dependencies: [],
    after: [context.githubProviderUnit],
    values: {
      roleName: kind === 'plan' ? planRoleName(spec) : applyRoleName(spec),
      description: kind === 'plan'
        ? `terragrunt plan of ${spec.name} from pull requests (read-only)`
        : `terragrunt apply of ${spec.name} from GitHub environment ${applyEnvironmentName(spec.environment)}`,
      subject: kind === 'plan' ? planSubject(github) : applySubject(github, spec.environment),
      policies: kind === 'plan'
        ? { ReadOnlyAccess: `arn:${partition}:iam::aws:policy/ReadOnlyAccess` }
        : { AdministratorAccess: `arn:${partition}:iam::aws:policy/AdministratorAccess` },
      // a plan takes the state lock (S3 native locking): the one write the plan role may do
      inlinePolicy: kind === 'plan'
        ? { StateLock: { actions: ['s3:PutObject', 's3:DeleteObject'], resources: [`${bucketArn}/*.tflock`] } }
        : undefined,
    },
  });
  return [role('plan'), role('apply')];
}
