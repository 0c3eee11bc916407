import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { copyProject } from './project-files';
import { regenerateFleet } from '../../generator/fleet/regenerate';
import { PLATFORM_MODULES } from '../../platform';

export const REPO = resolve(__dirname, '..', '..');
/** The generator options of `.projenrc.ts` (the golden test fails if they drift apart). */
export const FLEET = { catalog: PLATFORM_MODULES, github: { owner: 'acme', repository: 'eks-mlops-fleet' } };
export const EXAMPLE_CLUSTERS = ['dev-usw2', 'prod-use1', 'staging-usw2'];

const temps: string[] = [];
export function tempDir(prefix = 'fleet-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
export function cleanupTemps() {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * A fresh root holding only the hand-written inputs of the example fleet: its cluster specs, and its recipes, apps and
 * images if asked.
 */
export function exampleInputs(options: { withRecipes?: boolean } = {}): string {
  const root = tempDir();
  for (const name of EXAMPLE_CLUSTERS) {
    mkdirSync(join(root, 'clusters', name), { recursive: true });
    cpSync(join(REPO, 'clusters', name, 'cluster.yaml'), join(root, 'clusters', name, 'cluster.yaml'));
  }
  if (options.withRecipes) {
    // apps name images by images/<name>, resolved from their recorded digests
    for (const dir of ['recipes', 'apps', 'images']) cpSync(join(REPO, dir), join(root, dir), { recursive: true });
  }
  return root;
}

/** Regenerates with the library (the same code the projen component runs). */
export function regenerate(root: string, readdir?: (dir: string) => string[]) {
  return regenerateFleet({ root, ...FLEET, readdir });
}

/** The generator's caches and transaction files under .projen/: not committed, not part of the output. */
export const notOutput = (path: string) =>
  new RegExp(
    String.raw`^\.projen/fleet(-cache\.json|-recipes-cache\.json|-launch\.json|` +
      String.raw`-regenerate\.cjs|-staging|-journal|\.lock)`,
  ).test(path);

/** Every file under `root` (not following links), path -> bytes as text. */
export function snapshotTree(root: string, skip: (path: string) => boolean = () => false): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const abs = join(dir, entry.name);
      const rel = relative(root, abs);
      if (entry.isSymbolicLink() || entry.name === '.git' || skip(rel)) continue;
      if (entry.isDirectory()) walk(abs);
      else out.set(rel, readFileSync(abs, 'latin1'));
    }
  };
  walk(root);
  return new Map([...out.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
}

export function writeFile(root: string, path: string, content: string | Buffer) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}

/**
 * The files of the project that `npx projen` needs, in a temporary folder: inputs and project files
 * copied, the code (generator/, platform/, node_modules/) linked, read-only as far as a run goes.
 */
export function projectCopy(): string {
  const root = tempDir('fleet-project-');
  copyProject(REPO, root);
  for (const path of ['clusters', 'recipes', 'apps', 'images']) {
    cpSync(join(REPO, path), join(root, path), { recursive: true });
  }
  return root;
}

const run = promisify(execFile);

/**
 * Runs the README's regenerate command (`npx projen`), or a task (`['validate']`), in `root`; resolves with its exit
 * code and output.
 */
export async function runProjen(
  root: string,
  env: NodeJS.ProcessEnv = {},
  args: string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(join(root, 'node_modules', '.bin', 'projen'), args, {
      cwd: root,
      // the copy links node_modules: projen's post-synthesis install (on a changed package.json) would empty it
      env: { ...process.env, CI: 'true', NO_COLOR: '1', PROJEN_DISABLE_POST: 'true', ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** 1-based line of the first line of a committed example file that contains `needle` (for expected messages). */
export function lineOf(path: string, needle: string): number {
  const index = readFileSync(join(REPO, path), 'utf-8')
    .split('\n')
    .findIndex((line) => line.includes(needle));
  if (index < 0) throw new Error(`${path} has no line with ${JSON.stringify(needle)}`);
  return index + 1;
}
