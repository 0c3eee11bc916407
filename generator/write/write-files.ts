import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Problem } from '../config/problems';
import type { GeneratedFile } from '../fleet/generated-file';
import { hasMarker, markerLine } from '../render/marker';

/** The generator's own list of the files it wrote, so the next run can remove what is no longer generated. */
export const MANIFEST_PATH = '.projen/fleet-files.json';

export interface WriteOptions {
  /** Folders the generator may write into, relative to the root (`clusters`). */
  readonly outputRoots: readonly string[];
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
  for (const file of files) {
    const existing = readIfExists(join(root, file.path));
    if (existing === file.content) {
      unchanged++;
      continue;
    }
    if (existing !== undefined && !hasMarker(existing)) {
      problems.push({
        file: file.path,
        field: '',
        message: 'is a hand-written file (no projen marker) where the generator writes; move or rename it, then run "npx projen" again',
      });
      continue;
    }
    toWrite.push(file);
  }
  const toDelete = [...previous].filter((path) => {
    if (next.has(path)) return false;
    const existing = readIfExists(join(root, path));
    return existing !== undefined && hasMarker(existing);
  });
  if (problems.length) return { ok: false, problems };
  const manifest = renderManifest([...next].sort());
  return { ok: true, plan: { root, outputRoots: options.outputRoots, toWrite, toDelete: toDelete.sort(), manifest, unchanged } };
}

/** Carries out a plan: writes, deletes, prunes emptied folders, and records the new manifest. */
export function applyWrite(plan: WritePlan): WriteReport {
  const { root } = plan;
  for (const file of plan.toWrite) writeAtomically(join(root, file.path), file.content);
  for (const path of plan.toDelete) rmSync(join(root, path), { force: true });
  pruneEmptyFolders(root, [...plan.toDelete], plan.outputRoots);
  if (readIfExists(join(root, MANIFEST_PATH)) !== plan.manifest) writeAtomically(join(root, MANIFEST_PATH), plan.manifest);
  return { written: plan.toWrite.map((f) => f.path), deleted: [...plan.toDelete], unchanged: plan.unchanged };
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

export function isOutputPath(path: string, outputRoots: readonly string[]): boolean {
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
