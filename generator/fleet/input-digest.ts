import { createHash, type Hash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { sharedDir } from '../checks/schema-registry';
import { GENERATOR_DIR } from '../generator-dir';
import { INSTANCE_TABLE } from '../recipes/instance-types';

/** Typed classes from `cdk8s import`: megabytes that change only with an import task; their size and time stand for them. */
const IMPORTS_DIR = join(GENERATOR_DIR, 'imports');

/**
 * Digests of everything a regenerate reads. `fleet` covers it all: the hand-written inputs (cluster specs,
 * recipes, apps), the module catalog, the generator's code and templates, the project definition, the locked
 * dependencies and the shared instance table; equal digests mean an equal output, so a regenerate whose digest
 * and outputs are unchanged since the last one has nothing to do. `code` covers all but the hand-written
 * inputs: with it, a cluster's own inputs tell whether that cluster's output can change (fleet/generate.ts).
 */
export interface InputsDigest {
  readonly fleet: string;
  readonly code: string;
  /** The digest of each hand-written input file's content (sha1, base64url), by path: what need not be read again. */
  readonly files: ReadonlyMap<string, string>;
}

export function inputsDigest(root: string): InputsDigest {
  const code = createHash('sha1');
  addTree(code, root, join(root, 'platform'), () => true);
  addTree(code, GENERATOR_DIR, GENERATOR_DIR, () => true);
  for (const file of ['.projenrc.ts', 'package-lock.json', '.projen/github-settings.json']) addFile(code, root, join(root, file));
  addFile(code, root, join(sharedDir(root), INSTANCE_TABLE));
  const codeDigest = code.digest('base64url');
  const fleet = createHash('sha1').update(codeDigest);
  const files = new Map<string, string>();
  for (const dir of ['clusters', 'recipes', 'apps']) {
    addTree(fleet, root, join(root, dir), (path) => dir !== 'clusters' || /^clusters\/[^/]+\/cluster\.yaml$/.test(path), files);
  }
  return { fleet: fleet.digest('base64url'), code: codeDigest, files };
}

/** With `files`, each file is hashed on its own, its digest recorded there and added to `hash`. */
function addTree(hash: Hash, base: string, dir: string, include: (path: string) => boolean, files?: Map<string, string>) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      addTree(hash, base, path, include, files);
    } else if (include(relative(base, path))) {
      addFile(hash, base, path, files);
    }
  }
}

function addFile(hash: Hash, base: string, path: string, files?: Map<string, string>) {
  const file = relative(base, path);
  hash.update(file).update('\0');
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (!stat) {
    hash.update('missing\0');
    return;
  }
  if (stat.isSymbolicLink()) hash.update(`link:${readlinkSync(path)}\0`);
  else if (path.startsWith(IMPORTS_DIR)) hash.update(`${stat.size}:${stat.mtimeMs}\0`);
  else if (stat.isFile() && files) {
    const digest = createHash('sha1').update(readFileSync(path)).digest('base64url');
    files.set(file, digest);
    hash.update(digest).update('\0');
  } else if (stat.isFile()) hash.update(readFileSync(path)).update('\0');
}
