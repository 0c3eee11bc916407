import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Problem } from '../config/problems';
import type { GeneratedFile } from '../fleet/generated-file';
import { hasMarker, markerLine } from '../render/marker';

/** The generator's own list of the files it wrote, so the next run can remove what is no longer generated. */
export const MANIFEST_PATH = '.projen/fleet-files.json';

export interface WriteOptions {
  /** Folders the generator may write into, relative to the root (`clusters`). */
  readonly outputRoots: readonly string[];
  /** Digest of every input the files were generated from, recorded for the next run (fleet/input-digest.ts). */
  readonly inputs?: string;
  /** The generator's caches (under .projen/, not committed), written after the outputs. */
  readonly caches?: readonly GeneratedFile[];
}

export interface WriteReport {
  readonly written: string[];
  readonly deleted: string[];
  readonly unchanged: number;
}

/** What a regenerate will change, decided before anything is written. */
export interface WritePlan {
  readonly root: string;
  readonly outputRoots: readonly string[];
  readonly toWrite: readonly GeneratedFile[];
  readonly toDelete: readonly string[];
  readonly manifest: string;
  readonly unchanged: number;
  /** Render-cache entries of the files left as they are (written files get theirs when written). */
  readonly cached: ReadonlyMap<string, CacheEntry>;
  readonly inputs?: string;
  readonly caches?: readonly GeneratedFile[];
}

export type PlanResult = { ok: true; plan: WritePlan } | { ok: false; problems: Problem[] };

/**
 * Decides how to bring the tree in line with `files`: write what changed, delete generated files
 * that are no longer generated, leave everything else alone. When a generated file would replace a
 * hand-written one (no projen marker), the plan fails and nothing may be written.
 */
export function planWrite(root: string, files: readonly GeneratedFile[], options: WriteOptions): PlanResult {
  for (const file of files) assertOutputPath(file.path, options.outputRoots);
  const previous = readManifest(root, options.outputRoots);
  const next = new Set(files.map((f) => f.path));

  const problems: Problem[] = [];
  const toWrite: GeneratedFile[] = [];
  let unchanged = 0;
  for (const path of [...next, ...previous]) {
    const link = symlinkOnPath(root, path);
    if (link) {
      problems.push({ file: link, field: '', message: 'is a symbolic link inside an output folder; the generator neither writes nor deletes through links: replace it with a plain folder or file' });
    }
  }
  if (problems.length) return { ok: false, problems: [...new Map(problems.map((p) => [p.file, p])).values()] };
  const cache = readRenderCache(root).entries;
  const cached = new Map<string, CacheEntry>();
  for (const file of files) {
    // the render cache: the same key and an untouched file mean the same content, without rendering it
    const entry = file.key ? cache.get(file.path) : undefined;
    if (entry && entry.key === file.key && statOf(join(root, file.path)) === entry.stat) {
      unchanged++;
      cached.set(file.path, entry);
      continue;
    }
    const existing = readIfExists(join(root, file.path));
    if (existing === undefined) {
      // a new file: rendered only when it is staged, so its text is not held in memory until then
      toWrite.push(file);
      continue;
    }
    const content = file.content;
    if (existing === content) {
      unchanged++;
      cached.set(file.path, { key: file.key ?? null, stat: statOf(join(root, file.path))! });
      continue;
    }
    if (!hasMarker(existing)) {
      problems.push({
        file: file.path,
        field: '',
        message: 'is a hand-written file (no projen marker) where the generator writes; move or rename it, then run "npx projen" again',
      });
      continue;
    }
    toWrite.push({ path: file.path, key: file.key, content });
  }
  const toDelete = [...previous].filter((path) => {
    if (next.has(path)) return false;
    const existing = readIfExists(join(root, path));
    return existing !== undefined && hasMarker(existing);
  });
  if (problems.length) return { ok: false, problems };
  const manifest = renderManifest([...next].sort());
  return { ok: true, plan: { root, outputRoots: options.outputRoots, toWrite, toDelete: toDelete.sort(), manifest, unchanged, cached, inputs: options.inputs, caches: options.caches } };
}

/**
 * Carries out a plan as one transaction: every new file is first staged out of sight, then a journal
 * is committed (one atomic rename), then the staged files are moved into place, stale files deleted,
 * emptied folders pruned and the manifest written. A run killed before the commit leaves the old tree;
 * one killed after it is rolled forward by the next run (recoverInterruptedWrite), before it plans.
 */
export function applyWrite(plan: WritePlan): WriteReport {
  const { root } = plan;
  if (plan.toWrite.length || plan.toDelete.length || readIfExists(join(root, MANIFEST_PATH)) !== plan.manifest) {
    const staging = join(root, STAGING_DIR);
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    const moves = plan.toWrite.map((file, i) => {
      const staged = `${STAGING_DIR}/${i}`;
      writeFileSync(join(root, staged), file.content);
      killPoint();
      return [staged, file.path] as const;
    });
    const journal: Journal = { moves, deletes: [...plan.toDelete], manifest: plan.manifest, outputRoots: [...plan.outputRoots] };
    writeFileSync(join(root, `${JOURNAL_PATH}.tmp`), JSON.stringify(journal));
    killPoint();
    renameSync(join(root, `${JOURNAL_PATH}.tmp`), join(root, JOURNAL_PATH)); // the commit point
    killPoint();
    rollForward(root, journal);
  }
  const entries = new Map(plan.cached);
  for (const file of plan.toWrite) entries.set(file.path, { key: file.key ?? null, stat: statOf(join(root, file.path))! });
  writeRenderCache(root, entries, plan.inputs);
  for (const cache of plan.caches ?? []) writeAtomically(join(root, cache.path), cache.content);
  return { written: plan.toWrite.map((f) => f.path), deleted: [...plan.toDelete], unchanged: plan.unchanged };
}

/**
 * The render cache (`.projen/fleet-cache.json`, not committed): per generated file, the key of what it was
 * rendered from and its size and modification time when written. It only ever saves work: an entry whose file
 * changed since (another size or time) is ignored, and a clean clone, as in CI, has none.
 */
const CACHE_PATH = '.projen/fleet-cache.json';
const CACHE_VERSION = 2;

interface CacheEntry {
  /** The file's render key (yaml files); null for files rendered every time. */
  readonly key: string | null;
  /** `size:mtimeMs` of the file when the entry was made. */
  readonly stat: string;
}

function statOf(path: string): string | undefined {
  try {
    const stat = statSync(path);
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return undefined;
  }
}

function readRenderCache(root: string): { inputs?: string; entries: Map<string, CacheEntry> } {
  const text = readIfExists(join(root, CACHE_PATH));
  if (text === undefined) return { entries: new Map() };
  try {
    const parsed = JSON.parse(text) as { version?: number; inputs?: string; files?: Record<string, [string | null, string]> };
    if (parsed.version !== CACHE_VERSION || !parsed.files) return { entries: new Map() };
    return { inputs: parsed.inputs, entries: new Map(Object.entries(parsed.files).map(([path, [key, stat]]) => [path, { key, stat }])) };
  } catch {
    return { entries: new Map() }; // a damaged cache is no cache
  }
}

/**
 * The plan of a regenerate whose inputs did not change since the last one (same digest) and whose outputs
 * are untouched (every generated file as it was written): nothing to do, decided without generating anything.
 */
export function unchangedPlan(root: string, inputs: string, outputRoots: readonly string[]): WritePlan | undefined {
  const cache = readRenderCache(root);
  if (cache.inputs !== inputs) return undefined;
  const manifest = readIfExists(join(root, MANIFEST_PATH));
  const paths = readManifest(root, outputRoots);
  if (manifest === undefined || paths.size !== cache.entries.size) return undefined;
  for (const path of paths) {
    const entry = cache.entries.get(path);
    if (!entry || statOf(join(root, path)) !== entry.stat) return undefined;
  }
  return { root, outputRoots, toWrite: [], toDelete: [], manifest, unchanged: paths.size, cached: cache.entries, inputs };
}

/** Writes the cache when it changed: a no-op regenerate writes nothing at all. */
function writeRenderCache(root: string, entries: ReadonlyMap<string, CacheEntry>, inputs: string | undefined) {
  const files = Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : 1)).map(([path, e]) => [path, [e.key, e.stat]]));
  const text = JSON.stringify({ version: CACHE_VERSION, inputs, files });
  if (readIfExists(join(root, CACHE_PATH)) !== text) writeAtomically(join(root, CACHE_PATH), text);
}

/**
 * Test hook for the crash test: with FLEET_KILL_AT_STEP=n, the process kills itself (SIGKILL) after
 * the n-th step of a write (a staged file, the journal, its commit, a move, a delete).
 */
const killAtStep = Number(process.env.FLEET_KILL_AT_STEP ?? 0);
let steps = 0;
function killPoint() {
  if (killAtStep > 0 && ++steps === killAtStep) process.kill(process.pid, 'SIGKILL');
}

const STAGING_DIR = '.projen/fleet-staging';
const JOURNAL_PATH = '.projen/fleet-journal.json';

interface Journal {
  readonly moves: readonly (readonly [staged: string, target: string])[];
  readonly deletes: readonly string[];
  readonly manifest: string;
  readonly outputRoots: readonly string[];
}

/** Finishes the work of a committed journal. Idempotent: every step can run again after a kill. */
function rollForward(root: string, journal: Journal) {
  for (const [staged, target] of journal.moves) {
    if (!existsSync(join(root, staged))) continue; // moved before the kill
    mkdirSync(dirname(join(root, target)), { recursive: true });
    renameSync(join(root, staged), join(root, target));
    killPoint();
  }
  for (const path of journal.deletes) {
    rmSync(join(root, path), { force: true });
    killPoint();
  }
  pruneEmptyFolders(root, [...journal.deletes], journal.outputRoots);
  writeAtomically(join(root, MANIFEST_PATH), journal.manifest);
  rmSync(join(root, JOURNAL_PATH), { force: true });
  rmSync(join(root, STAGING_DIR), { recursive: true, force: true });
}

/**
 * Run first by every regenerate (under the lock): completes a regenerate that was killed after its
 * commit point, or discards the staging of one killed before it. Returns whether there was one.
 */
export function recoverInterruptedWrite(root: string): 'none' | 'rolled-forward' | 'discarded' {
  const text = readIfExists(join(root, JOURNAL_PATH));
  if (text !== undefined) {
    const journal = JSON.parse(text) as Journal;
    const safe = journal.moves.every(([staged, target]) => staged.startsWith(`${STAGING_DIR}/`) && isOutputPath(target, journal.outputRoots))
      && journal.deletes.every((path) => isOutputPath(path, journal.outputRoots));
    if (!safe) throw new Error(`${JOURNAL_PATH} names paths outside the output folders; remove it and regenerate`);
    rollForward(root, journal);
    return 'rolled-forward';
  }
  rmSync(join(root, `${JOURNAL_PATH}.tmp`), { force: true });
  if (existsSync(join(root, STAGING_DIR))) {
    rmSync(join(root, STAGING_DIR), { recursive: true, force: true });
    return 'discarded';
  }
  return 'none';
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
  return `${JSON.stringify({ '//': markerLine('.projenrc.ts'), 'files': paths }, null, 2)}\n`;
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
  if (!isOutputPath(path, outputRoots)) throw new Error(`generator bug: refusing to write ${JSON.stringify(path)} outside ${outputRoots.join(', ')}`);
}

/** The first path component (below the root) that is a symbolic link, if any. */
function symlinkOnPath(root: string, path: string): string | undefined {
  const parts = path.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const prefix = parts.slice(0, i).join('/');
    try {
      if (lstatSync(join(root, prefix)).isSymbolicLink()) return prefix;
    } catch {
      return undefined; // does not exist (yet): nothing below it exists either
    }
  }
  return undefined;
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf-8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/** Write to a temporary file beside the target, then rename: a reader never sees half a file. */
function writeAtomically(path: string, content: string) {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, content);
  renameSync(temp, path);
}

/** Removes folders left empty by deleted files, up to (not including) the output roots. */
function pruneEmptyFolders(root: string, deleted: string[], outputRoots: readonly string[]) {
  const candidates = new Set<string>();
  for (const path of deleted) {
    for (let dir = dirname(path); dir.includes('/') && !outputRoots.includes(dir); dir = dirname(dir)) candidates.add(dir);
  }
  // deepest first, so a parent is examined after its children are gone
  for (const dir of [...candidates].sort((a, b) => b.split('/').length - a.split('/').length || (a < b ? -1 : 1))) {
    const abs = join(root, dir);
    if (existsSync(abs) && readdirSync(abs).length === 0) rmdirSync(abs);
  }
}
