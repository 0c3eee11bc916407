import { z } from 'zod';
import { REGION } from './cluster-spec';
import type { GitHubSettings } from './github-settings';
import { list, oneOf, pattern, strictObject, text } from './zod-helpers';

/**
 * Container images built from this repository: `images/<name>/` holds a Dockerfile, its context and `image.yaml`;
 * `images/registry.yaml` names the one ECR registry of the fleet; `images/<name>/digest.json` is what the images
 * workflow recorded after it pushed the image. Recipes and apps name an image `images/<name>`.
 */
export const IMAGES_DIR = 'images';
export const IMAGE_FILE = 'image.yaml';
export const DIGEST_FILE = 'digest.json';
export const REGISTRY_FILE = `${IMAGES_DIR}/registry.yaml`;

/** An image's folder name: also the last part of its ECR repository name. */
export const IMAGE_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** How a recipe or app names an image of this repository: `images/<name>`. */
export const IMAGE_REFERENCE = /^images\/([^/]+)$/;

export const PLATFORMS = ['linux/amd64', 'linux/arm64'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const imageSpecSchema = strictObject({
  description: text('a one-line description of the image'),
  /** Graviton node pools need linux/arm64; Neuron and CUDA instances are x86-64. */
  platforms: list(oneOf(PLATFORMS), 'a list of platforms: linux/amd64, linux/arm64')
    .min(1, { error: 'expected at least one platform' })
    .refine((p) => new Set(p).size === p.length, { error: 'expected each platform once' }),
  buildArgs: z
    .record(
      pattern(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a build argument name (letters, digits, _)'),
      z.string({ error: 'expected a string (quote numbers)' }),
      { error: 'expected a mapping of build argument names to strings' },
    )
    .optional(),
});
export type ImageSpec = z.output<typeof imageSpecSchema>;

export const registrySpecSchema = strictObject({
  accountId: pattern(/^[0-9]{12}$/, 'a 12-digit AWS account ID in quotes, such as "111122223333"'),
  region: pattern(REGION, 'an AWS region such as us-east-1'),
});
export type RegistrySpec = z.output<typeof registrySpecSchema>;

export const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/;
export const GIT_TREE_HASH = /^[0-9a-f]{40}$/;

export const imageDigestSchema = strictObject({
  image: text('the image repository URI'),
  tag: pattern(GIT_TREE_HASH, 'the 40-hex git tree hash the image was tagged with'),
  digest: pattern(SHA256_DIGEST, 'an image digest sha256:<64 hex>'),
});
export type ImageDigest = z.output<typeof imageDigestSchema>;

/** One image folder as loaded: its spec and, once the workflow recorded it, its pushed digest. */
export interface ImageInput {
  readonly name: string;
  /** `images/<name>/image.yaml`. */
  readonly file: string;
  readonly spec: ImageSpec;
  readonly digest?: ImageDigest;
}

/** The fleet's images and their registry. */
export interface ImageCatalog {
  readonly registry: RegistrySpec;
  readonly images: ReadonlyMap<string, ImageInput>;
}

/**
 * The fixed first part of every image's ECR repository name: the GitHub repository's name, so that two fleets
 * (forks) sharing one AWS account never push to each other's repositories.
 */
export function repositoryPrefix(github: GitHubSettings): string {
  return github.repository.toLowerCase();
}

/** The ECR repository name of an image: `<repository prefix>/<name>`. */
export function imageRepositoryName(github: GitHubSettings, name: string): string {
  return `${repositoryPrefix(github)}/${name}`;
}

/** The registry host: `<account>.dkr.ecr.<region>.amazonaws.com` (`.com.cn` in China). */
export function registryHost(registry: RegistrySpec): string {
  const suffix = registry.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `${registry.accountId}.dkr.ecr.${registry.region}.${suffix}`;
}

/** The repository URI an image is pushed to and pulled from. */
export function imageRepositoryUri(registry: RegistrySpec, github: GitHubSettings, name: string): string {
  return `${registryHost(registry)}/${imageRepositoryName(github, name)}`;
}

/** The IAM role the images workflow assumes to push: in the registry's account. */
export function imagePushRoleName(github: GitHubSettings): string {
  return `${repositoryPrefix(github)}-github-image-push`;
}

/** The branch whose pushes may assume the push role: the default branch. */
export const IMAGE_PUSH_BRANCH = 'main';

/** `sub` claim of the push job's token: a push to the default branch of this repository, nothing else. */
export function imagePushSubject(github: GitHubSettings): string {
  return `repo:${github.owner}/${github.repository}:ref:refs/heads/${IMAGE_PUSH_BRANCH}`;
}

/** The node architecture a platform runs on (a node pool's `architecture`). */
export function platformArchitecture(platform: Platform): 'amd64' | 'arm64' {
  return platform === 'linux/arm64' ? 'arm64' : 'amd64';
}
