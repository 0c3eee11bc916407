import { createHash, type Hash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { sharedDir } from '../checks/schema-registry';
import { GENERATOR_DIR } from '../generator-dir';
import { INSTANCE_TABLE } from '../recipes/instance-types';

/** Typed classes from `cdk8s import`: megabytes that change only with an import task; their size and time stand for them. */
const IMPORTS_DIR = join(GENERATOR_DIR, 'imports');

/**
 * A digest of everything a regenerate reads: the hand-written inputs (cluster specs, recipes, apps), the
 * module catalog, the generator's code and templates, the project definition, the locked dependencies and
 * the shared instance table. Equal digests mean an equal output, so a regenerate whose digest and outputs
 * are unchanged since the last one has nothing to do.
 */
export function inputsDigest(root: string): string {
  const hash = createHash('sha1');
  for (const dir of ['clusters', 'recipes', 'apps', 'platform']) {
    addTree(hash, root, join(root, dir), (path) => dir !== 'clusters' || /^clusters\/[^/]+\/cluster\.yaml$/.test(path));
  }
  addTree(hash, GENERATOR_DIR, GENERATOR_DIR, () => true);
  for (const file of ['.projenrc.ts', 'package-lock.json', '.projen/github-settings.json']) addFile(hash, root, join(root, file));
  addFile(hash, root, join(sharedDir(root), INSTANCE_TABLE));
  return hash.digest('base64url');
}

function addTree(hash: Hash, base: string, dir: string, include: (path: string) => boolean) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      addTree(hash, base, path, include);
    } else if (include(relative(base, path))) {
      addFile(hash, base, path);
    }
  }
}

function addFile(hash: Hash, base: string, path: string) {
  hash.update(relative(base, path)).update('\0');
  if (!existsSync(path)) {
    hash.update('missing\0');
    return;
  }
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) hash.update(`link:${readlinkSync(path)}\0`);
  else if (path.startsWith(IMPORTS_DIR)) hash.update(`${stat.size}:${stat.mtimeMs}\0`);
  else if (stat.isFile()) hash.update(readFileSync(path)).update('\0');
}
