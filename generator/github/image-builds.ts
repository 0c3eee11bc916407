import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Problem } from '../config/problems';
import type { GitHubSettings } from '../model/github-settings';
import {
  DIGEST_FILE,
  GIT_TREE_HASH,
  IMAGE_FILE,
  imagePushRoleName,
  imageRepositoryName,
  imageRepositoryUri,
  IMAGES_DIR,
  REGISTRY_FILE,
  SHA256_DIGEST,
  type ImageCatalog,
  type ImageDigest,
} from '../model/image-spec';

/** One image the images workflow builds: a job of its matrix. */
export interface ImageBuild {
  readonly name: string;
  /** The build context: `images/<name>`. */
  readonly context: string;
  /** Comma-separated, as `docker buildx build --platform` takes them. */
  readonly platforms: string;
  /** Whether a platform is not the runner's (x86-64): QEMU is set up for it. */
  readonly emulated: boolean;
  /** `--build-arg` values, `NAME=value` one a line. */
  readonly buildArgs: string;
  readonly repository: string;
  readonly image: string;
  /** The git tree hash of the folder without its digest.json (imageTag). */
  readonly tag: string;
}

const git = (root: string, ...args: string[]) =>
  execFileSync('git', args, { cwd: root, encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });

/**
 * The tag of an image built from `commit`: the git tree hash of its folder without `digest.json`, which the
 * workflow writes after the push (with it, recording a digest would change the tag and build the image again). A
 * folder without a digest.json gets exactly `git rev-parse <commit>:images/<name>`.
 */
export function imageTag(root: string, commit: string, name: string): string {
  const entries = git(root, 'ls-tree', '-z', `${commit}:${IMAGES_DIR}/${name}`)
    .split('\0')
    .filter((entry) => entry && !entry.endsWith(`\t${DIGEST_FILE}`));
  const tree = execFileSync('git', ['mktree', '-z'], { cwd: root, input: entries.map((e) => `${e}\0`).join('') })
    .toString()
    .trim();
  if (!GIT_TREE_HASH.test(tree)) throw new Error(`git mktree gave "${tree}" for ${IMAGES_DIR}/${name}`);
  return tree;
}

/**
 * The images whose build inputs changed between two commits: a file of the folder other than its digest.json, or
 * the registry (then every image: they move). Without `base`, every image.
 */
export function changedImages(root: string, catalog: ImageCatalog, base: string | undefined, head: string): string[] {
  const names = [...catalog.images.keys()].sort();
  if (!base) return names;
  const changed = git(root, 'diff', '--name-only', '--no-renames', '-z', base, head, '--', IMAGES_DIR)
    .split('\0')
    .filter(Boolean);
  if (changed.includes(REGISTRY_FILE)) return names;
  const touched = new Set(
    changed
      .map((path) => path.split('/'))
      .filter((parts) => parts.length > 2 && !(parts.length === 3 && parts[2] === DIGEST_FILE))
      .map((parts) => parts[1]),
  );
  return names.filter((name) => touched.has(name));
}

/** The matrix of the images workflow for `names`, built from `commit` (checked out at `root`). */
export function imageBuilds(
  root: string,
  catalog: ImageCatalog,
  github: GitHubSettings,
  names: readonly string[],
  commit: string,
): ImageBuild[] {
  return names.map((name) => {
    const image = catalog.images.get(name)!;
    return {
      name,
      context: `${IMAGES_DIR}/${name}`,
      platforms: image.spec.platforms.join(','),
      emulated: image.spec.platforms.some((p) => p !== 'linux/amd64'),
      buildArgs: Object.entries(image.spec.buildArgs ?? {})
        .map(([key, value]) => `${key}=${value}`)
        .join('\n'),
      repository: imageRepositoryName(github, name),
      image: imageRepositoryUri(catalog.registry, github, name),
      tag: imageTag(root, commit, name),
    };
  });
}

/** The push role's ARN, in the registry's account. */
export function imagePushRoleArn(catalog: ImageCatalog, github: GitHubSettings): string {
  const partition = catalog.registry.region.startsWith('cn-')
    ? 'aws-cn'
    : catalog.registry.region.startsWith('us-gov-')
      ? 'aws-us-gov'
      : 'aws';
  return `arn:${partition}:iam::${catalog.registry.accountId}:role/${imagePushRoleName(github)}`;
}

/**
 * Writes `images/<name>/digest.json` from each pushed image's result (`<results>/<name>.json`: image, tag,
 * digest, as the push job wrote it), refusing anything that is not an image of the catalog or not a digest.
 * Returns the images whose recorded digest changed.
 */
export function recordDigests(
  root: string,
  catalog: ImageCatalog,
  github: GitHubSettings,
  results: readonly { name: string; text: string }[],
): { ok: true; recorded: string[] } | { ok: false; problems: Problem[] } {
  const problems: Problem[] = [];
  const recorded: string[] = [];
  for (const { name, text } of [...results].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const file = `${IMAGES_DIR}/${name}/${DIGEST_FILE}`;
    const image = catalog.images.get(name);
    let data: Partial<ImageDigest>;
    try {
      data = JSON.parse(text) as Partial<ImageDigest>;
    } catch {
      problems.push({ file, field: '', message: 'the push job wrote a result that is not JSON' });
      continue;
    }
    const expected = image && imageRepositoryUri(catalog.registry, github, name);
    if (
      !image ||
      data.image !== expected ||
      !GIT_TREE_HASH.test(data.tag ?? '') ||
      !SHA256_DIGEST.test(data.digest ?? '')
    ) {
      problems.push({
        file,
        field: '',
        message:
          `expected a result for an image of ${IMAGES_DIR}/ with image ${expected ?? '?'}, a tree hash tag ` +
          `and a sha256 digest, got ${JSON.stringify(data)}`,
      });
      continue;
    }
    const content = `${JSON.stringify({ image: data.image, tag: data.tag, digest: data.digest }, null, 2)}\n`;
    const path = join(root, file);
    if (existsSync(path) && readFileSync(path, 'utf-8') === content) continue;
    if (!existsSync(join(root, IMAGES_DIR, name, IMAGE_FILE))) {
      mkdirSync(join(root, IMAGES_DIR, name), { recursive: true });
    }
    writeFileSync(path, content);
    recorded.push(name);
  }
  return problems.length ? { ok: false, problems } : { ok: true, recorded };
}
