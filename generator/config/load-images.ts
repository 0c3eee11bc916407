import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Problem } from './problems';
import { validateSource } from './validate';
import { readYamlFile } from './yaml-source';
import type { GitHubSettings } from '../model/github-settings';
import {
  DIGEST_FILE,
  IMAGE_FILE,
  IMAGE_NAME,
  imageDigestSchema,
  imageRepositoryUri,
  IMAGES_DIR,
  imageSpecSchema,
  REGISTRY_FILE,
  registrySpecSchema,
  type ImageCatalog,
  type ImageDigest,
  type ImageInput,
} from '../model/image-spec';

export interface LoadImagesOptions {
  readonly github: GitHubSettings;
  /**
   * The AWS accounts of the fleet's clusters: the registry must be in one of them. Undefined when a cluster spec
   * did not load (its problem is reported; the registry's account is not checked against a partial list).
   */
  readonly fleetAccounts: readonly string[] | undefined;
  /** Directory listing, replaceable so tests can prove the output does not depend on it. */
  readonly readdir?: (dir: string) => string[];
}

/** No `images/` folder (or one without image folders) is no catalog: recipes then cannot name `images/<name>`. */
export type LoadImagesResult = { ok: true; catalog?: ImageCatalog } | { ok: false; problems: Problem[] };

/**
 * Reads `images/registry.yaml` and every `images/<name>/image.yaml` with its recorded `digest.json`, validated
 * with file, line and field. Only these files are read: the Dockerfiles and contexts are the workflow's business.
 */
export function loadImages(root: string, options: LoadImagesOptions): LoadImagesResult {
  const readdir = options.readdir ?? ((dir: string) => readdirSync(dir));
  const dir = join(root, IMAGES_DIR);
  if (!existsSync(dir)) return { ok: true };
  const problems: Problem[] = [];
  const folders = readdir(dir)
    .filter((entry) => lstatSync(join(dir, entry)).isDirectory())
    .sort();
  const hasRegistry = existsSync(join(root, REGISTRY_FILE));
  if (!folders.length && !hasRegistry) return { ok: true };

  let registry: ImageCatalog['registry'] | undefined;
  if (!hasRegistry) {
    problems.push({
      file: REGISTRY_FILE,
      field: '',
      message: 'is missing: the images need a registry (accountId: "<one of the fleet\'s accounts>", region: ...)',
    });
  } else {
    const read = readYamlFile(join(root, REGISTRY_FILE), REGISTRY_FILE, { expected: 'accountId and region' });
    const validated = read.ok ? validateSource(read.source, registrySpecSchema) : read;
    if (!validated.ok) {
      problems.push(...validated.problems);
    } else if (read.ok && options.fleetAccounts && !options.fleetAccounts.includes(validated.value.accountId)) {
      problems.push({
        file: REGISTRY_FILE,
        line: read.source.lineOf(['accountId']),
        field: 'accountId',
        message:
          `account ${validated.value.accountId} has no cluster; expected one of the fleet's accounts ` +
          `(a cluster's aws.accountId): ${[...new Set(options.fleetAccounts)].sort().join(', ') || 'none'}`,
      });
    } else {
      registry = validated.value;
    }
  }

  const images = new Map<string, ImageInput>();
  for (const name of folders) {
    const folder = `${IMAGES_DIR}/${name}`;
    if (!IMAGE_NAME.test(name)) {
      problems.push({
        file: folder,
        field: '',
        message: 'expected an image folder named with lowercase letters, digits and "-" (at most 63 characters)',
      });
      continue;
    }
    if (lstatSync(join(dir, name)).isSymbolicLink()) continue;
    const file = `${folder}/${IMAGE_FILE}`;
    if (!existsSync(join(root, file))) {
      problems.push({ file, field: '', message: `is missing: every image folder needs one (description, platforms)` });
      continue;
    }
    const read = readYamlFile(join(root, file), file, { expected: 'description, platforms and buildArgs' });
    const validated = read.ok ? validateSource(read.source, imageSpecSchema) : read;
    if (!validated.ok) {
      problems.push(...validated.problems);
      continue;
    }
    const digest = registry ? readDigest(root, name, imageRepositoryUri(registry, options.github, name)) : undefined;
    if (digest && !digest.ok) problems.push(...digest.problems);
    images.set(name, { name, file, spec: validated.value, digest: digest?.ok ? digest.digest : undefined });
  }
  if (problems.length || !registry) return { ok: false, problems };
  return { ok: true, catalog: { registry, images } };
}

/** `images/<name>/digest.json`, if recorded; its image must be the repository the registry gives the image now. */
function readDigest(
  root: string,
  name: string,
  expectedImage: string,
): { ok: true; digest?: ImageDigest } | { ok: false; problems: Problem[] } {
  const file = `${IMAGES_DIR}/${name}/${DIGEST_FILE}`;
  if (!existsSync(join(root, file))) return { ok: true };
  // JSON is YAML: the same reader gives lines and refuses what no workflow writes
  const read = readYamlFile(join(root, file), file, { expected: 'image, tag and digest' });
  const validated = read.ok ? validateSource(read.source, imageDigestSchema) : read;
  if (!validated.ok) return validated;
  if (read.ok && validated.value.image !== expectedImage) {
    return {
      ok: false,
      problems: [
        {
          file,
          line: read.source.lineOf(['image']),
          field: 'image',
          message:
            `is "${validated.value.image}", but ${REGISTRY_FILE} puts the image at ${expectedImage}; ` +
            'the images workflow records the digest again after the image is pushed there (or delete this file)',
        },
      ],
    };
  }
  return { ok: true, digest: validated.value };
}
