import { createHash } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { stepBoundary } from './crash-test-hook';
import { asWriteError, systemError } from './write-error';
import type { SourceStat } from '../config/input-digest';
import type { Problem } from '../config/problems';
import { findSecretInGenerated } from '../config/secrets';
import type { GeneratedFile } from '../model/generated-file';
import { hasMarker, markerLine } from '../model/marker';
import { writeFileAtomically } from '../util/atomic-file';
import { pathsUnder } from '../util/sorted-paths';
import { writeAll } from '../util/write-all';

/** The generator's own list of the files it wrote, so the next run can remove what is no longer generated. */
export const MANIFEST_PATH = '.projen/fleet-files.json';

export interface WriteReport {
  readonly written: string[];
  readonly deleted: string[];
  readonly unchanged: number;
}

/** What a regenerate will change, decided (and its new files staged) before anything in the tree is written. */
export interface WritePlan {
  readonly root: string;
  readonly outputRoots: readonly string[];
  /** The files to write, sorted. */
  readonly toWrite: readonly string[];
  /** Whether the files to write were staged (not a dry run): only then can the plan be applied. */
  readonly staged: boolean;
  /**
   * What the commit moves into place, in the order it was staged (under STAGING_DIR): a file, or a whole
   * folder that did not exist, staged with every file in it.
   */
  readonly moves: readonly (readonly [staged: string, target: string])[];
  readonly toDelete: readonly string[];
  readonly manifest: string;
  readonly unchanged: number;
  /** Render-cache entries of the files left as they are. */
  readonly cached: ReadonlyMap<string, FileStat>;
  /** Render-cache entries of the files to write, taken from each staged file (a move keeps its size and time). */
  readonly written: ReadonlyMap<string, FileStat>;
  /** The digest of every input (config/input-digest.ts), and of each kept or generated folder's own inputs. */
  readonly inputs?: string;
  readonly folders: ReadonlyMap<string, string>;
  /**
   * The stat and digest of each input read (config/input-digest.ts), kept in the render cache for the next regenerate.
   */
  readonly sources?: ReadonlyMap<string, SourceStat>;
  /** Caches for the next regenerate (not committed), staged as this one made them: [staged, target]. */
  readonly caches: readonly (readonly [staged: string, target: string])[];
  /** Whether the render cache already holds what this plan would write to it (a no-op): it is then not rewritten. */
  readonly cacheCurrent?: boolean;
}

export type PlanResult = { ok: true; plan: WritePlan } | { ok: false; problems: Problem[] };

/** Where a regenerate stages what it writes (not committed), until its commit moves it into the tree. */
export const STAGING_DIR = '.projen/fleet-staging';

/**
 * Decides, file by file as the generator produces them, how to bring the tree in line with its output: a file
 * whose text is already in the tree is left alone; a new or changed file is staged at once under
 * `.projen/fleet-staging/`, so its text (and the objects it was made from) need not be kept; generated files no
 * longer generated are deleted. When a generated file would replace a hand-written one (no projen marker), or a path
 * goes through a symbolic link, the plan fails, the staging is removed, and nothing may be written. Without `stage`
 * (a dry run), it only counts.
 *
 * A whole folder (a cluster's) can be kept as it is, without generating it, when the digest of its inputs is
 * the one recorded by the last regenerate and every file in it is as that regenerate wrote it (`keep`).
 */
export class WriteSession {
  private readonly previous: Set<string>;
  private readonly cache: Map<string, FileStat>;
  private readonly next = new Set<string>();
  private readonly moves: [string, string][] = [];
  private readonly toWrite: string[] = [];
  private readonly written = new Map<string, FileStat>();
  private readonly cached = new Map<string, FileStat>();
  /** Folders made under the staging folder. */
  private readonly stagingFolders = new Set<string>();
  /** New folders (that do not exist in the tree) staged whole, as moved by the commit. */
  private readonly newFolders = new Set<string>();
  /** Per folder of a file written, the new folder it lies in (null: it exists). */
  private readonly newFolderByFolder = new Map<string, string | null>();
  private readonly problems: Problem[] = [];
  /** Folders already checked for links: true when they exist. */
  private readonly folders = new Map<string, boolean>();
  /** Digests of the folders' inputs, as recorded by the last regenerate and as found by this one. */
  private readonly previousDigests: ReadonlyMap<string, string>;
  private readonly digests = new Map<string, string>();
  private readonly caches: [string, string][] = [];
  /** The previous files and the folders with a recorded digest, sorted, once a folder is to be kept. */
  private previousSorted?: string[];
  private previousDigestFolders?: string[];
  private unchanged = 0;

  /** `code`: the digest of the generator's own inputs (code, catalog, dependencies), part of every folder's. */
  constructor(
    private readonly root: string,
    private readonly outputRoots: readonly string[],
    private readonly options: {
      readonly stage?: boolean;
      readonly code?: string;
      readonly renderCache?: RenderCache;
    } = {},
  ) {
    const cache = options.renderCache ?? readRenderCache(root);
    this.previous = readManifest(root, outputRoots);
    this.cache = cache.entries;
    this.previousDigests = cache.folders;
    if (this.stage) {
      removeStaging(root);
      mkdirSync(join(root, STAGING_DIR), { recursive: true });
    }
  }

  private get stage(): boolean {
    return this.options.stage ?? true;
  }

  /**
   * Keeps `folder` as the last regenerate left it, if the digest of its own inputs is the one recorded then and
   * each of its files is untouched since; returns how many files it kept (the digests recorded for folders
   * inside it are kept too). Otherwise records the digest and returns 0: generate it.
   */
  keep(folder: string, inputs: string): number {
    const digest = createHash('sha1')
      .update(this.options.code ?? '')
      .update('\0')
      .update(inputs)
      .digest('base64url');
    this.digests.set(folder, digest);
    if (!this.options.code || this.previousDigests.get(folder) !== digest) return 0;
    this.previousSorted ??= [...this.previous].sort();
    const paths = pathsUnder(this.previousSorted, folder);
    const entries = paths.map((path) => [path, this.cache.get(path)] as const);
    if (!paths.length || entries.some(([path, stat]) => !stat || statOf(join(this.root, path)) !== stat)) {
      return 0;
    }
    for (const [path, stat] of entries) {
      if (this.next.has(path)) throw new Error(`generator bug: two outputs for ${path}`);
      this.next.add(path);
      this.cached.set(path, stat!);
      this.unchanged++;
    }
    this.previousDigestFolders ??= [...this.previousDigests.keys()].sort();
    for (const inner of pathsUnder(this.previousDigestFolders, folder)) {
      this.digests.set(inner, this.previousDigests.get(inner)!);
    }
    return paths.length;
  }

  add(file: GeneratedFile) {
    // held to the end (the manifest, the render cache)
    const path = file.path;
    assertOutputPath(path, this.outputRoots);
    if (this.next.has(path)) throw new Error(`generator bug: two outputs for ${path}`);
    this.next.add(path);
    if (!this.checkLinks(path)) return;
    const target = join(this.root, path);
    const content = file.content;
    // every file rendered, staged or not (a clean clone, as in CI, renders the files it has): none may hold a
    // credential
    const secret = findSecretInGenerated(path, content);
    if (secret) {
      this.problems.push(secret);
      return;
    }
    const existing = this.folders.get(dirname(path)) ? readIfExists(target) : undefined;
    if (existing === undefined) return this.write(path, content);
    if (existing === content) {
      this.unchanged++;
      this.cached.set(path, statOf(target)!);
    } else if (!hasMarker(existing)) {
      this.problems.push({
        file: path,
        field: '',
        message:
          'is a hand-written file (no projen marker) where the generator ' +
          'writes; move or rename it, then run "npx projen" again',
      });
    } else {
      this.write(path, content);
    }
  }

  /**
   * Where to write a cache (`path`, under .projen/) as this regenerate makes it; put in place when the plan is applied.
   */
  stageCache(path: string): string | undefined {
    if (!this.stage) return undefined;
    const staged = `${STAGING_DIR}/cache-${this.caches.length}`;
    this.caches.push([staged, path]);
    return join(this.root, staged);
  }

  finish(extra: { inputs?: string; sources?: ReadonlyMap<string, SourceStat> } = {}): PlanResult {
    const toDelete: string[] = [];
    for (const path of this.previous) {
      if (this.next.has(path) || !this.checkLinks(path)) continue;
      const existing = readIfExists(join(this.root, path));
      if (existing !== undefined && hasMarker(existing)) toDelete.push(path);
    }
    if (this.problems.length) {
      this.abort();
      return { ok: false, problems: [...new Map(this.problems.map((p) => [`${p.file}\0${p.message}`, p])).values()] };
    }
    return {
      ok: true,
      plan: {
        root: this.root,
        outputRoots: this.outputRoots,
        toWrite: this.toWrite.sort(),
        staged: this.stage,
        moves: this.moves,
        toDelete: toDelete.sort(),
        manifest: renderManifest([...this.next].sort()),
        unchanged: this.unchanged,
        cached: this.cached,
        written: this.written,
        inputs: extra.inputs,
        sources: extra.sources,
        folders: this.digests,
        caches: this.caches,
      },
    };
  }

  /** Removes what was staged: the tree and `.projen/` are as they were. */
  abort() {
    if (this.stage) discardStaging(this.root);
  }

  /**
   * Stages a file: under a name of its own in the staging folder, which the commit moves into place; in a folder that
   * does not exist yet, at its path in that new folder's copy under STAGING_TREE, and the commit moves the whole
   * folder. A full regenerate then moves a few hundred folders, not each of its files (at 50k objects, 52k renames:
   * the difference between 1.38 and 1.25 times the floor, docs/benchmarks.md).
   */
  private write(path: string, content: string) {
    this.toWrite.push(path);
    const folder = this.newFolderOf(path);
    let staged: string;
    if (folder === undefined) {
      staged = `${STAGING_DIR}/${this.moves.length}`;
      this.moves.push([staged, path]);
    } else {
      staged = `${STAGING_TREE}/${path}`;
      if (!this.newFolders.has(folder)) {
        this.newFolders.add(folder);
        this.moves.push([`${STAGING_TREE}/${folder}`, folder]);
      }
    }
    if (!this.stage || this.problems.length) return;
    try {
      const stagingFolder = dirname(staged);
      if (!this.stagingFolders.has(stagingFolder)) {
        mkdirSync(join(this.root, stagingFolder), { recursive: true });
        this.stagingFolders.add(stagingFolder);
      }
      const fd = openSync(join(this.root, staged), 'w');
      try {
        writeAll(fd, content);
        const stat = fstatSync(fd);
        this.written.set(path, `${stat.size}:${stat.mtimeMs}`);
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      // named by its place in the tree: the staged copy's name says nothing to a person
      throw asWriteError(error, this.root, { path });
    }
    stepBoundary('staged');
  }

  /**
   * The highest folder of `path` that does not exist in the tree, below an output root (an output root itself is never
   * moved whole); undefined when the file's folder exists.
   */
  private newFolderOf(path: string): string | undefined {
    const parent = dirname(path);
    let found = this.newFolderByFolder.get(parent);
    if (found === undefined) {
      found = null;
      const parts = parent.split('/');
      for (let i = 2; i <= parts.length; i++) {
        const folder = parts.slice(0, i).join('/');
        if (this.folders.get(folder) !== false) continue;
        if (this.folders.get(parts.slice(0, i - 1).join('/'))) found = folder;
        break;
      }
      this.newFolderByFolder.set(parent, found);
    }
    return found ?? undefined;
  }

  /** Whether no folder on the path is a symbolic link (a problem if one is); remembers what each folder is. */
  private checkLinks(path: string): boolean {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const folder = parts.slice(0, i).join('/');
      const known = this.folders.get(folder);
      if (known === false) return true; // does not exist: nothing below it exists either
      if (known) continue;
      const stat = lstatSync(join(this.root, folder), { throwIfNoEntry: false });
      if (stat?.isSymbolicLink()) return this.linkProblem(folder);
      // a file where a folder belongs is no folder: checkTargets refuses the files that go below it
      const isFolder = stat?.isDirectory() ?? false;
      this.folders.set(folder, isFolder);
      if (!isFolder) return true;
    }
    if (lstatSync(join(this.root, path), { throwIfNoEntry: false })?.isSymbolicLink()) return this.linkProblem(path);
    return true;
  }

  private linkProblem(path: string): false {
    this.problems.push({
      file: path,
      field: '',
      message:
        'is a symbolic link inside an output folder; the generator neither ' +
        'writes nor deletes through links: replace it with a plain folder or file',
    });
    return false;
  }
}

/**
 * Carries out a plan as one transaction: every new file is first staged out of sight, with the manifest and the
 * render cache, then a journal is committed (one atomic rename), then the staged files are moved into place, stale
 * files deleted, emptied folders pruned and the manifest and cache moved into place. A run killed before the commit
 * leaves the old tree; one killed after it is rolled forward by the next run (recoverInterruptedWrite), before it
 * plans. Whatever takes space or may be refused (checkTargets) is done before the commit, so that a full disk, a
 * permission or a file in the way stops the run with a WriteError, the staging removed and the tree as it was.
 */
export function applyWrite(plan: WritePlan): WriteReport {
  const { root } = plan;
  if (!plan.staged) throw new Error('generator bug: a dry-run plan cannot be applied');
  let journal: Journal | undefined;
  try {
    const renderCache = plan.cacheCurrent ? undefined : changedRenderCache(root, plan);
    // a cache holds what inputs parse to, right for the old tree as for the new: it can go in place first
    for (const [staged, target] of plan.caches) {
      if (existsSync(join(root, staged))) renameSync(join(root, staged), join(root, target));
      stepBoundary('cache-in-place');
    }
    if (plan.toWrite.length || plan.toDelete.length || readIfExists(join(root, MANIFEST_PATH)) !== plan.manifest) {
      writeFileSync(join(root, STAGED_MANIFEST), plan.manifest);
      stepBoundary('manifest-staged');
      if (renderCache !== undefined) {
        writeFileSync(join(root, STAGED_RENDER_CACHE), renderCache);
        stepBoundary('render-cache-staged');
      }
      journal = { moves: plan.moves, deletes: [...plan.toDelete], outputRoots: [...plan.outputRoots] };
      writeFileSync(join(root, `${JOURNAL_PATH}.tmp`), JSON.stringify(journal));
      stepBoundary('journal-written');
      checkTargets(root, plan); // last, so that little can change between it and the commit
      renameSync(join(root, `${JOURNAL_PATH}.tmp`), join(root, JOURNAL_PATH)); // the commit point
    } else {
      removeStaging(root);
      if (renderCache !== undefined) {
        writeFileAtomically(join(root, CACHE_PATH), renderCache);
        stepBoundary('render-cache-written');
      }
    }
  } catch (error) {
    discardStaging(root);
    throw asWriteError(error, root);
  }
  if (journal) {
    stepBoundary('commit');
    finishCommitted(root, journal);
  }
  return { written: [...plan.toWrite], deleted: [...plan.toDelete], unchanged: plan.unchanged };
}

/**
 * Before the commit point, what would stop the roll-forward after it: a file to replace or delete that is a folder
 * now (EISDIR), a file on the way to a target (ENOTDIR), a folder the writer may not change (EACCES, EROFS). One
 * lstat per target and one access per folder, little next to the moves; a change made after this check stops the
 * roll-forward, for the next regenerate to finish once it is undone.
 */
function checkTargets(root: string, plan: WritePlan) {
  const folders = new Set<string>();
  const check = (path: string, isFolder: boolean) => {
    const stat = lstatSync(join(root, path), { throwIfNoEntry: false });
    if (stat && stat.isDirectory() !== isFolder) {
      throw systemError(isFolder ? 'ENOTDIR' : 'EISDIR', 'lstat', join(root, path));
    }
    folders.add(dirname(path));
  };
  for (const [staged, target] of plan.moves) check(target, staged.startsWith(`${STAGING_TREE}/`));
  for (const path of plan.toDelete) check(path, false);
  for (const folder of folders) {
    try {
      accessSync(join(root, folder), constants.W_OK);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error; // made by the roll-forward
    }
  }
}

/** Completes a committed journal; a failure then leaves it, and the staging, for the next regenerate to finish. */
function finishCommitted(root: string, journal: Journal) {
  try {
    rollForward(root, journal);
  } catch (error) {
    throw asWriteError(error, root, { committed: true });
  }
}

function removeStaging(root: string) {
  rmSync(join(root, STAGING_DIR), { recursive: true, force: true });
}

/** After a failure before the commit point: the staging goes, if it can (else the next regenerate removes it). */
function discardStaging(root: string) {
  try {
    rmSync(join(root, `${JOURNAL_PATH}.tmp`), { force: true });
    removeStaging(root);
  } catch {
    // the failure being reported is the one that matters
  }
}

/**
 * The render cache (`.projen/fleet-cache.json`, not committed): per generated file, its size and modification time
 * when written, and the digests of the inputs of the last regenerate and of each folder it generated. It only ever
 * saves work: an entry whose file changed since (another size or time) is ignored, and a clean clone, as in CI, has
 * none.
 */
const CACHE_PATH = '.projen/fleet-cache.json';
const CACHE_VERSION = 6;

/** `size:mtimeMs` of a generated file when it was written. */
type FileStat = string;

function statOf(path: string): string | undefined {
  try {
    const stat = statSync(path);
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return undefined;
  }
}

export interface RenderCache {
  readonly inputs?: string;
  readonly sources: ReadonlyMap<string, SourceStat>;
  readonly folders: ReadonlyMap<string, string>;
  readonly entries: Map<string, FileStat>;
}

export function readRenderCache(root: string): RenderCache {
  const none = { sources: new Map(), folders: new Map(), entries: new Map() };
  const text = readIfExists(join(root, CACHE_PATH));
  if (text === undefined) return none;
  try {
    const parsed = JSON.parse(text) as {
      version?: number;
      inputs?: string;
      sources?: Record<string, SourceStat>;
      folders?: Record<string, string>;
      files?: Record<string, FileStat>;
    };
    if (parsed.version !== CACHE_VERSION || !parsed.files) return none;
    return {
      inputs: parsed.inputs,
      sources: new Map(Object.entries(parsed.sources ?? {}).filter(([, source]) => typeof source === 'string')),
      folders: new Map(Object.entries(parsed.folders ?? {})),
      entries: new Map(Object.entries(parsed.files).filter(([, stat]) => typeof stat === 'string')),
    };
  } catch {
    return none; // a damaged cache is no cache
  }
}

/**
 * The plan of a regenerate whose inputs did not change since the last one (same digest) and whose outputs
 * are untouched (every generated file as it was written): nothing to do, decided without generating anything.
 */
export function unchangedPlan(
  root: string,
  inputs: string,
  outputRoots: readonly string[],
  cache = readRenderCache(root),
): WritePlan | undefined {
  if (cache.inputs !== inputs) return undefined;
  const manifest = readIfExists(join(root, MANIFEST_PATH));
  const paths = readManifest(root, outputRoots);
  if (manifest === undefined || paths.size !== cache.entries.size) return undefined;
  for (const path of paths) {
    const stat = cache.entries.get(path);
    if (!stat || statOf(join(root, path)) !== stat) return undefined;
  }
  return {
    root,
    outputRoots,
    toWrite: [],
    staged: true,
    moves: [],
    toDelete: [],
    manifest,
    unchanged: paths.size,
    cached: cache.entries,
    written: new Map(),
    inputs,
    sources: cache.sources,
    folders: cache.folders,
    caches: [],
    cacheCurrent: true,
  };
}

/** The render cache as this plan leaves it; undefined when the file already holds it (a no-op writes nothing). */
function changedRenderCache(root: string, plan: WritePlan): string | undefined {
  const entries = new Map(plan.cached);
  for (const [path, stat] of plan.written) entries.set(path, stat);
  const byPath = <T>(map: ReadonlyMap<string, T>) => [...map].sort(([a], [b]) => (a < b ? -1 : 1));
  const text = JSON.stringify({
    version: CACHE_VERSION,
    inputs: plan.inputs,
    sources: Object.fromEntries(byPath(plan.sources ?? new Map())),
    folders: Object.fromEntries(byPath(plan.folders)),
    files: Object.fromEntries(byPath(entries)),
  });
  return readIfExists(join(root, CACHE_PATH)) === text ? undefined : text;
}

/** Where files of new folders are staged, each at its path in the tree. */
const STAGING_TREE = `${STAGING_DIR}/tree`;
/** Moves every file of `from` to the same place under `to`, then removes `from`. */
function mergeFolder(from: string, to: string) {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (entry.isDirectory()) mergeFolder(join(from, entry.name), join(to, entry.name));
    else renameSync(join(from, entry.name), join(to, entry.name));
  }
  rmdirSync(from);
}
/** The manifest and the render cache as the commit puts them in place, staged with the files. */
const STAGED_MANIFEST = `${STAGING_DIR}/files.json`;
const STAGED_RENDER_CACHE = `${STAGING_DIR}/render-cache.json`;
const JOURNAL_PATH = '.projen/fleet-journal.json';

interface Journal {
  readonly moves: readonly (readonly [staged: string, target: string])[];
  readonly deletes: readonly string[];
  readonly outputRoots: readonly string[];
}

/**
 * Finishes the work of a committed journal: only renames and deletes, which take no space. Idempotent: every
 * step can run again after a kill.
 */
function rollForward(root: string, journal: Journal) {
  const folders = new Set<string>();
  for (const [staged, target] of journal.moves) {
    const folder = dirname(join(root, target));
    if (!folders.has(folder)) mkdirSync(folder, { recursive: true });
    folders.add(folder);
    try {
      renameSync(join(root, staged), join(root, target));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // ENOENT: moved before a kill. ENOTEMPTY, EEXIST: a new folder that exists now after all (a move cut short by
      // a kill, or made meanwhile): merged into it
      if (code === 'ENOTEMPTY' || code === 'EEXIST') mergeFolder(join(root, staged), join(root, target));
      else if (code !== 'ENOENT') throw error;
    }
    stepBoundary('moved');
  }
  for (const path of journal.deletes) {
    rmSync(join(root, path), { force: true });
    stepBoundary('deleted');
  }
  pruneEmptyFolders(root, [...journal.deletes], journal.outputRoots);
  stepBoundary('pruned');
  // the manifest last: in place, it lists files that are all there
  moveIfStaged(root, STAGED_MANIFEST, MANIFEST_PATH);
  stepBoundary('manifest-in-place');
  moveIfStaged(root, STAGED_RENDER_CACHE, CACHE_PATH);
  stepBoundary('render-cache-in-place');
  rmSync(join(root, JOURNAL_PATH), { force: true });
  stepBoundary('journal-removed');
  removeStaging(root);
  stepBoundary('staging-removed');
}

/** Moves a staged file into place; one already moved (before a kill) is not staged any more. */
function moveIfStaged(root: string, staged: string, target: string) {
  try {
    renameSync(join(root, staged), join(root, target));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * Run first by every regenerate (under the lock): completes a regenerate that was killed after its
 * commit point, or discards the staging of one killed before it. Returns whether there was one.
 */
export function recoverInterruptedWrite(root: string): 'none' | 'rolled-forward' | 'discarded' {
  let text: string | undefined;
  try {
    text = readIfExists(join(root, JOURNAL_PATH));
    if (text === undefined) {
      rmSync(join(root, `${JOURNAL_PATH}.tmp`), { force: true });
      if (!existsSync(join(root, STAGING_DIR))) return 'none';
      removeStaging(root);
      return 'discarded';
    }
  } catch (error) {
    throw asWriteError(error, root);
  }
  stepBoundary('recovering');
  const journal = JSON.parse(text) as Journal;
  const safe =
    journal.moves.every(
      ([staged, target]) => staged.startsWith(`${STAGING_DIR}/`) && isOutputPath(target, journal.outputRoots),
    ) && journal.deletes.every((path) => isOutputPath(path, journal.outputRoots));
  if (!safe) throw new Error(`${JOURNAL_PATH} names paths outside the output folders; remove it and regenerate`);
  finishCommitted(root, journal);
  return 'rolled-forward';
}

/** Paths listed in the previous manifest that are safe to consider (inside an output root). */
export function readManifest(root: string, outputRoots: readonly string[]): Set<string> {
  const text = readIfExists(join(root, MANIFEST_PATH));
  if (text === undefined) return new Set();
  try {
    const parsed = JSON.parse(text) as { files?: unknown };
    const files = Array.isArray(parsed.files) ? parsed.files : [];
    return new Set(files.filter((f): f is string => typeof f === 'string' && isOutputPath(f, outputRoots)));
  } catch {
    return new Set();
  }
}

function renderManifest(paths: string[]): string {
  return `${JSON.stringify({ '//': markerLine('.projenrc.ts'), files: paths }, null, 2)}\n`;
}

function isOutputPath(path: string, outputRoots: readonly string[]): boolean {
  const parts = path.split('/');
  return (
    !path.startsWith('/') &&
    !path.includes('\\') &&
    parts.every((p) => p !== '' && p !== '.' && p !== '..') &&
    outputRoots.some((r) => path.startsWith(`${r}/`))
  );
}

function assertOutputPath(path: string, outputRoots: readonly string[]) {
  if (!isOutputPath(path, outputRoots)) {
    throw new Error(`generator bug: refusing to write ${JSON.stringify(path)} outside ${outputRoots.join(', ')}`);
  }
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf-8');
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return undefined;
    // a folder in the way fails the read of the open file (EISDIR), which names no path: this one
    e.path ??= path;
    throw error;
  }
}

/** Removes folders left empty by deleted files, up to (not including) the output roots. */
function pruneEmptyFolders(root: string, deleted: string[], outputRoots: readonly string[]) {
  const candidates = new Set<string>();
  for (const path of deleted) {
    for (let dir = dirname(path); dir.includes('/') && !outputRoots.includes(dir); dir = dirname(dir)) {
      candidates.add(dir);
    }
  }
  // deepest first, so a parent is examined after its children are gone
  for (const dir of [...candidates].sort((a, b) => b.split('/').length - a.split('/').length || (a < b ? -1 : 1))) {
    const abs = join(root, dir);
    if (existsSync(abs) && readdirSync(abs).length === 0) rmdirSync(abs);
  }
}
