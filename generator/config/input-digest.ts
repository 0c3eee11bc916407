import { createHash, type Hash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync, type Dirent, type Stats } from 'node:fs';
import { join, relative } from 'node:path';
import { GENERATOR_DIR } from '../model/generator-dir';
import { DIGEST_FILE, IMAGE_FILE, IMAGES_DIR, REGISTRY_FILE } from '../model/image-spec';
import { ACCOUNTS_DIR, CLUSTER_FILE, CLUSTERS_DIR } from '../model/paths';
import { INSTANCE_TABLE, VENDOR_DIR } from '../model/vendor-files';

/**
 * A file's content digest (sha1, base64url) and the stat it was taken at: `<size>:<mtimeMs>:<ctimeMs>:<ino>
 * <digest>`, one string (a large fleet has tens of thousands). The change time moves with every write and
 * cannot be set back, as git's index relies on.
 */
export type SourceStat = string;

function statKey(stat: Stats): string {
  return `${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}:${stat.ino}`;
}

function digestIn(source: SourceStat): string {
  return source.slice(source.indexOf(' ') + 1);
}

/**
 * A file changed less than this before its stat was taken could change again within the same tick of the file
 * system's clock and keep its stat: its digest is not trusted by stat the next time (git's "racily clean").
 */
const RACY_MS = 2000;

/**
 * Digests of everything a regenerate reads. `fleet` covers it all: the hand-written inputs (cluster specs,
 * recipes, apps, the images' registry, specs and recorded digests), the module catalog, the generator's code and
 * templates, the project definition, the locked dependencies and the vendored instance table; equal digests
 * mean an equal output, so a regenerate whose digest and outputs are unchanged since the last one has nothing
 * to do. `code` covers all but the hand-written inputs: with it, a cluster's own inputs tell whether that
 * cluster's output can change (fleet/generate.ts).
 */
export interface InputsDigest {
  readonly fleet: string;
  readonly code: string;
  /** The stat and digest of every file read, by path from the root, for the next regenerate (`known`). */
  readonly sources: ReadonlyMap<string, SourceStat>;
  /** Whether a file was read whose digest the next regenerate can take from `sources` (not from `known`). */
  readonly sourcesChanged: boolean;
}

/**
 * `known`: the sources of the last regenerate; a file whose stat is as recorded there is not read again (a
 * regenerate after one changed recipe reads that recipe, not the fleet's thousands).
 */
export function inputsDigest(root: string, known: ReadonlyMap<string, SourceStat> = new Map()): InputsDigest {
  const walk = new DigestWalk(root, known);
  const code = createHash('sha1');
  walk.addTree(code, join(root, 'platform'), root);
  walk.addTree(code, GENERATOR_DIR, GENERATOR_DIR);
  for (const file of ['.projenrc.ts', 'package-lock.json', '.projen/github-settings.json']) {
    walk.addFile(code, root, join(root, file));
  }
  walk.addFile(code, join(VENDOR_DIR, '..'), INSTANCE_TABLE);
  const codeDigest = code.digest('base64url');
  const fleet = createHash('sha1').update(codeDigest);
  // the cluster specs, not the generated files beside them
  for (const entry of listDir(join(root, CLUSTERS_DIR))) {
    // clusters/_accounts/ holds generated account units only, never a cluster spec
    if (entry.isDirectory() && `${CLUSTERS_DIR}/${entry.name}` !== ACCOUNTS_DIR) {
      walk.addFile(fleet, root, join(root, CLUSTERS_DIR, entry.name, CLUSTER_FILE));
    }
  }
  for (const dir of ['recipes', 'apps']) walk.addTree(fleet, join(root, dir), root);
  // of images/, the files a regenerate reads (config/load-images.ts), not the Dockerfiles and contexts
  walk.addFile(fleet, root, join(root, REGISTRY_FILE));
  for (const entry of listDir(join(root, IMAGES_DIR))) {
    if (!entry.isDirectory()) continue;
    for (const file of [IMAGE_FILE, DIGEST_FILE]) walk.addFile(fleet, root, join(root, IMAGES_DIR, entry.name, file));
  }
  return { fleet: fleet.digest('base64url'), code: codeDigest, sources: walk.sources, sourcesChanged: walk.changed };
}

/**
 * The content digest of an input file (by path from the root) as `sources` recorded it: a file read with the
 * digest need not be read again. Undefined for a file changed too recently to be recorded.
 */
export function sourceDigest(sources: ReadonlyMap<string, SourceStat>, file: string): string | undefined {
  const source = sources.get(file);
  return source === undefined ? undefined : digestIn(source);
}

/** A folder's entries sorted by name; none if it does not exist. */
function listDir(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  } catch {
    return [];
  }
}

class DigestWalk {
  readonly sources = new Map<string, SourceStat>();
  changed = false;
  /** Files changed after this are not recorded by stat (RACY_MS). */
  private readonly settled = Date.now() - RACY_MS;

  constructor(
    private readonly root: string,
    private readonly known: ReadonlyMap<string, SourceStat>,
  ) {}

  /** Every file under `dir`, named relative to `base`. */
  addTree(hash: Hash, dir: string, base: string) {
    for (const entry of listDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) this.addTree(hash, path, base);
      else this.addFile(hash, base, path);
    }
  }

  addFile(hash: Hash, base: string, path: string) {
    const file = relative(base, path);
    hash.update(file).update('\0');
    const stat = lstatSync(path, { throwIfNoEntry: false });
    if (!stat) {
      hash.update('missing\0');
      return;
    }
    if (stat.isSymbolicLink()) hash.update(`link:${readlinkSync(path)}\0`);
    else if (stat.isFile()) hash.update(this.digestOf(path, stat)).update('\0');
  }

  /** The file's content digest: as the last regenerate recorded it when the file's stat is the same, else read. */
  private digestOf(path: string, stat: Stats): string {
    const key = relative(this.root, path);
    const known = this.known.get(key);
    const at = statKey(stat);
    if (known?.startsWith(`${at} `)) {
      this.sources.set(key, known);
      return digestIn(known);
    }
    const digest = createHash('sha1').update(readFileSync(path)).digest('base64url');
    if (stat.ctimeMs < this.settled && stat.mtimeMs < this.settled) {
      this.sources.set(key, `${at} ${digest}`);
      this.changed = true;
    }
    return digest;
  }
}
