import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Problem } from '../config/problems';
import { readYamlFile } from '../config/yaml-source';
import type { PrepareResult } from '../fleet/regenerate';
import { hasMarker } from '../render/marker';
import { MANIFEST_PATH } from '../write/write-files';
import type { CommitFile } from './pull-request';

export const RECIPES_DIR = 'recipes';

/** What `open-run` will commit on a new branch. */
export interface OpenRunPlan {
  /** The run's name: the recipe's `name`, or its file name. */
  readonly name: string;
  readonly recipe: string;
  readonly branch: string;
  /** The recipe and the generated files that changed with it. */
  readonly files: readonly CommitFile[];
  /** Changed files left out: hand-written files other than the recipe. */
  readonly leftOut: readonly string[];
}

const RUN_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Checks a recipe file and collects what a pull request for it must hold: the recipe, and the generated
 * files (under clusters/, with the projen marker, and the generator's file list) that changed with it.
 * `regenerate` is the regenerate dry run: the generated files must be up to date, or the pull request check
 * would fail on them.
 */
export function planOpenRun(root: string, fileArgument: string, regenerate: () => PrepareResult): { ok: true; plan: OpenRunPlan } | { ok: false; problems: Problem[] } {
  const absolute = isAbsolute(fileArgument) ? fileArgument : resolve(root, fileArgument);
  const recipe = relative(root, absolute).split(sep).join('/');
  const fail = (message: string, file = recipe) => ({ ok: false as const, problems: [{ file, field: '', message }] });
  if (!recipe.startsWith(`${RECIPES_DIR}/`) || recipe.split('/').includes('..')) {
    return fail(`expected a recipe file under ${RECIPES_DIR}/, got ${fileArgument}`, fileArgument);
  }
  if (!['.yaml', '.yml'].includes(extname(recipe))) return fail('expected a .yaml or .yml file');
  if (!existsSync(absolute)) return fail('does not exist');
  const read = readYamlFile(absolute, recipe, { expected: 'a recipe mapping (name, cluster, team, ...)' });
  if (!read.ok) return read;
  const data = read.source.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return fail(`expected a recipe mapping (name, cluster, team, ...), got ${Array.isArray(data) ? 'a list' : typeof data}`);
  }
  const declared = (data as Record<string, unknown>).name;
  const name = typeof declared === 'string' && RUN_NAME.test(declared) ? declared : basename(recipe, extname(recipe));
  if (!RUN_NAME.test(name)) {
    return { ok: false, problems: [{ file: recipe, line: read.source.lineOf(['name']), field: 'name', message: `expected a lower-case name such as llama3-finetune, got ${JSON.stringify(declared ?? name)}` }] };
  }

  const prepared = regenerate();
  if (!prepared.ok) return prepared;
  if (prepared.plan.toWrite.length || prepared.plan.toDelete.length) {
    return fail(`the generated files are not up to date (${prepared.plan.toWrite.length + prepared.plan.toDelete.length} to change): run "npx projen", then open the run again`);
  }

  const files: CommitFile[] = [{ path: recipe, content: readFileSync(absolute, 'utf-8') }];
  const leftOut: string[] = [];
  for (const { path, deleted } of changedFiles(root)) {
    if (path === recipe) continue;
    if (path === MANIFEST_PATH) {
      files.push({ path, content: readFileSync(join(root, path), 'utf-8') });
    } else if (path.startsWith('clusters/') && deleted && path.includes('/workloads/')) {
      files.push({ path, content: null });
    } else if (path.startsWith('clusters/') && !deleted && hasMarker(readFileSync(join(root, path), 'utf-8'))) {
      files.push({ path, content: readFileSync(join(root, path), 'utf-8') });
    } else {
      leftOut.push(path);
    }
  }
  return { ok: true, plan: { name, recipe, branch: `run/${name}`, files, leftOut } };
}

/** Files that differ from the last commit, untracked ones included. */
function changedFiles(root: string): Array<{ path: string; deleted: boolean }> {
  const out = execFileSync('git', ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames'], { cwd: root, encoding: 'utf-8' });
  return out
    .split('\0')
    .filter(Boolean)
    .map((entry) => ({ path: entry.slice(3), deleted: entry.slice(0, 2).includes('D') }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
}

export function pullRequestText(plan: OpenRunPlan): { title: string; body: string; commitMessage: string } {
  const generated = plan.files.length - 1;
  return {
    title: `Run ${plan.name}`,
    commitMessage: `run: ${plan.name}\n\nAdds ${plan.recipe}${generated ? ` and its ${generated} generated file(s)` : ''}.`,
    body: [
      `Adds the ML run \`${plan.name}\` (\`${plan.recipe}\`)${generated ? ` with its ${generated} generated file(s)` : ''}.`,
      '',
      'Opened with `npx projen open-run`. The **ML run preview** comment below shows where it runs, whether it fits the',
      "team's quota and the node pool, and what it costs per hour. Argo CD starts the run once this pull request is merged.",
    ].join('\n'),
  };
}
