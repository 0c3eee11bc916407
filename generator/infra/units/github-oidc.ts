import {
  applyEnvironmentName,
  applyRoleName,
  applySubject,
  planRoleName,
  planSubject,
} from '../../model/github-settings';
import { accountFolder } from '../../model/paths';
import { accountStateBucket, ACCOUNT_UNITS, awsPartition, INFRA_UNITS, stateBucketName } from '../names';
import { MODULES } from '../terraform-modules';
import { unitDir, type AccountContext, type InfraContext, type InfraUnit } from '../unit';

export const GITHUB_OIDC_URL = 'https://token.actions.githubusercontent.com';

/** The folder of an account's GitHub OIDC provider unit. */
export function githubOidcProviderDir(accountId: string): string {
  return `${accountFolder(accountId)}/${ACCOUNT_UNITS.githubOidcProvider}`;
}

/** The provider's ARN, as the account unit outputs it (`arn`), for the role units' mock outputs. */
export function githubOidcProviderArn(accountId: string, partition: string): string {
  return `arn:${partition}:iam::${accountId}:oidc-provider/${GITHUB_OIDC_URL.replace(/^https:\/\//, '')}`;
}

/**
 * The GitHub OIDC provider: one per AWS account (IAM refuses a second one for the same URL), so the account
 * owns it, in `clusters/_accounts/<accountId>/github-oidc-provider/`. Its content depends on the account
 * alone: adding or removing a cluster of the account never changes or moves it.
 */
export function githubOidcProviderUnit(account: AccountContext): InfraUnit {
  return {
    dir: githubOidcProviderDir(account.accountId),
    module: MODULES.oidcProvider,
    template: 'github-oidc-provider.hcl',
    summary: `GitHub Actions OIDC provider of account ${account.accountId}`,
    dependencies: [],
    after: [],
    values: { url: GITHUB_OIDC_URL },
  };
}

/**
 * The roles of the pull request workflow. Plan: read-only, assumable by pull requests of this repository
 * only; it may write nothing but the state lock files. Apply: administrator, assumable only by jobs in the
 * repository's `infra-<environment>` GitHub environment (which can require reviewers). Both trust the
 * provider of the account unit, whose ARN they read from its outputs (they never create it). The plan role may
 * also lock the state of the account's units: a plan of the account unit runs with it (see README).
 */
export function githubRoleUnits(context: InfraContext): InfraUnit[] {
  const { spec, github } = context;
  const partition = awsPartition(spec.aws.region);
  const lockResources = [...new Set([stateBucketName(spec), accountStateBucket(spec.aws.accountId, partition)])].map(
    (bucket) => `arn:${partition}:s3:::${bucket}/*.tflock`,
  );
  const provider = context.githubProviderUnit;
  const role = (kind: 'plan' | 'apply'): InfraUnit => ({
    dir: unitDir(spec, kind === 'plan' ? INFRA_UNITS.githubPlanRole : INFRA_UNITS.githubApplyRole),
    module: MODULES.iamRole,
    template: 'github-role.hcl',
    summary:
      kind === 'plan'
        ? `role ${planRoleName(spec)}: read-only plan on pull requests of ${github.owner}/${github.repository}`
        : `role ${applyRoleName(spec)}: apply from the ${applyEnvironmentName(spec.environment)} ` +
          `environment of ${github.owner}/${github.repository}`,
    dependencies: [
      {
        name: 'github_oidc_provider',
        unit: provider,
        mockOutputs: { arn: githubOidcProviderArn(spec.aws.accountId, partition) },
      },
    ],
    after: [],
    values: {
      roleName: kind === 'plan' ? planRoleName(spec) : applyRoleName(spec),
      description:
        kind === 'plan'
          ? `terragrunt plan of ${spec.name} from pull requests (read-only)`
          : `terragrunt apply of ${spec.name} from GitHub environment ${applyEnvironmentName(spec.environment)}`,
      subject: kind === 'plan' ? planSubject(github) : applySubject(github, spec.environment),
      policies:
        kind === 'plan'
          ? { ReadOnlyAccess: `arn:${partition}:iam::aws:policy/ReadOnlyAccess` }
          : { AdministratorAccess: `arn:${partition}:iam::aws:policy/AdministratorAccess` },
      // a plan takes the state lock (S3 native locking): the one write the plan role may do
      inlinePolicy:
        kind === 'plan'
          ? { StateLock: { actions: ['s3:PutObject', 's3:DeleteObject'], resources: lockResources } }
          : undefined,
    },
  });
  return [role('plan'), role('apply')];
}
