import type { GitHubSettings } from '../../model/github-settings';
import { imagePushRoleName, imagePushSubject, imageRepositoryName, type ImageCatalog } from '../../model/image-spec';
import { accountFolder } from '../../model/paths';
import { expression } from '../hcl';
import { ACCOUNT_UNITS, awsPartition } from '../names';
import { MODULES } from '../terraform-modules';
import type { InfraUnit } from '../unit';
import { githubOidcProviderArn, githubOidcProviderDir } from './github-oidc';

/** Tagged images each repository keeps: the digests the fleet runs are among the newest pushes. */
export const KEPT_TAGGED_IMAGES = 30;
/** Days an untagged image (a layer left by a failed push) stays before it expires. */
export const UNTAGGED_EXPIRY_DAYS = 7;

/** What pushing an image takes on its repository; the pulling accounts get the module's read-only list. */
export const PUSH_ACTIONS = [
  'ecr:BatchCheckLayerAvailability',
  'ecr:InitiateLayerUpload',
  'ecr:UploadLayerPart',
  'ecr:CompleteLayerUpload',
  'ecr:PutImage',
  'ecr:BatchGetImage',
  'ecr:DescribeImages',
] as const;

export function ecrRepositoryDir(accountId: string, image: string): string {
  return `${accountFolder(accountId)}/${ACCOUNT_UNITS.ecr(image)}`;
}

export function ecrRepositoryArn(catalog: ImageCatalog, github: GitHubSettings, image: string): string {
  const { accountId, region } = catalog.registry;
  return `arn:${awsPartition(region)}:ecr:${region}:${accountId}:repository/${imageRepositoryName(github, image)}`;
}

/**
 * One ECR repository per image of `images/`, in the registry's account and region: scanned on push, tags
 * immutable (a tag is the git tree hash of the image's folder, so one tag is one content), the last
 * KEPT_TAGGED_IMAGES tagged images kept and untagged ones expired after UNTAGGED_EXPIRY_DAYS days. Every account
 * of the fleet may pull (its account root: the account's IAM decides which of its roles, the node roles' managed
 * ECR read-only policy among them); nothing outside the fleet may.
 */
export function ecrRepositoryUnits(
  catalog: ImageCatalog,
  github: GitHubSettings,
  fleetAccounts: readonly string[],
): InfraUnit[] {
  const { accountId, region } = catalog.registry;
  const partition = awsPartition(region);
  const pullers = [...new Set(fleetAccounts)].sort().map((account) => `arn:${partition}:iam::${account}:root`);
  return [...catalog.images.keys()].sort().map((image) => ({
    dir: ecrRepositoryDir(accountId, image),
    module: MODULES.ecr,
    template: 'ecr-repository.hcl',
    summary: `ECR repository ${imageRepositoryName(github, image)} in ${region}: the image of images/${image}`,
    dependencies: [],
    after: [],
    values: {
      repositoryName: imageRepositoryName(github, image),
      region,
      readAccessArns: pullers,
      lifecyclePolicy: expression(
        `jsonencode(${JSON.stringify({
          rules: [
            {
              rulePriority: 1,
              description: `Expire untagged images after ${UNTAGGED_EXPIRY_DAYS} days`,
              selection: {
                tagStatus: 'untagged',
                countType: 'sinceImagePushed',
                countUnit: 'days',
                countNumber: UNTAGGED_EXPIRY_DAYS,
              },
              action: { type: 'expire' },
            },
            {
              rulePriority: 2,
              description: `Keep the last ${KEPT_TAGGED_IMAGES} tagged images`,
              selection: {
                tagStatus: 'tagged',
                tagPatternList: ['*'],
                countType: 'imageCountMoreThan',
                countNumber: KEPT_TAGGED_IMAGES,
              },
              action: { type: 'expire' },
            },
          ],
        })})`,
      ),
    },
  }));
}

/**
 * The role the images workflow assumes to push: trusted only by pushes to the default branch of this repository,
 * allowed to log in to ECR (`ecr:GetAuthorizationToken` takes no resource) and to push to exactly the fleet's
 * repositories, by ARN: never a wildcard repository, so a compromised workflow cannot write anywhere else.
 */
export function imagePushRoleUnit(catalog: ImageCatalog, github: GitHubSettings): InfraUnit {
  const { accountId, region } = catalog.registry;
  const partition = awsPartition(region);
  const repositories = [...catalog.images.keys()].sort().map((image) => ecrRepositoryArn(catalog, github, image));
  return {
    dir: `${accountFolder(accountId)}/${ACCOUNT_UNITS.imagePushRole}`,
    module: MODULES.iamRole,
    template: 'image-push-role.hcl',
    summary:
      `role ${imagePushRoleName(github)}: push the images of images/ from the ${imagePushSubject(github)} ` +
      'workflow runs',
    dependencies: [
      {
        name: 'github_oidc_provider',
        unit: githubOidcProviderDir(accountId),
        mockOutputs: { arn: githubOidcProviderArn(accountId, partition) },
      },
    ],
    after: [],
    values: {
      roleName: imagePushRoleName(github),
      description: `push the images of ${github.owner}/${github.repository} to ECR from its default branch`,
      subject: imagePushSubject(github),
      inlinePolicy: {
        EcrLogin: { actions: ['ecr:GetAuthorizationToken'], resources: ['*'] },
        EcrPush: { actions: [...PUSH_ACTIONS], resources: repositories },
      },
    },
  };
}
