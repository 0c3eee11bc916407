import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { CommitFile } from './pull-request';
import type { Problem } from '../config/problems';
import { readYamlFile } from '../config/yaml-source';
import type { PrepareResult } from '../fleet/regenerate';
import { hasMarker, markerLine } from '../model/marker';
import { ARCHIVE_DIR, RECIPES_DIR } from '../recipes/load-recipes';
import { MANIFEST_PATH } from '../write/write-files';

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
 * files (under clusters/, with the projen marker, and the generator's file list) that differ from the base
 * branch `base`, committed or not. `regenerate` is the regenerate dry run: the generated files must be up to
 * date, or the pull request check would fail on them. Refused: a recipe already on the base unchanged (its run
 * exists), and one whose generated files would not be in the pull request (it would start no run).
 */
export function planOpenRun(
  root: string,
  fileArgument: string,
  regenerate: () => PrepareResult,
  base = 'main',
): { ok: true; plan: OpenRunPlan } | { ok: false; problems: Problem[] } {
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
    return fail(
      `expected a recipe mapping (name, cluster, team, ...), got ${Array.isArray(data) ? 'a list' : typeof data}`,
    );
  }
  const declared = (data as Record<string, unknown>).name;
  const name = typeof declared === 'string' && RUN_NAME.test(declared) ? declared : basename(recipe, extname(recipe));
  if (!RUN_NAME.test(name)) {
    return {
      ok: false,
      problems: [
        {
          file: recipe,
          line: read.source.lineOf(['name']),
          field: 'name',
          message: `expected a lower-case name such as llama3-finetune, got ${JSON.stringify(declared ?? name)}`,
        },
      ],
    };
  }

  const from = baseCommit(root, base);
  const changed = changedFiles(root, from.ref);
  if (!changed.some((c) => c.path === recipe) && isInCommit(root, from.ref, recipe)) {
    const what = 'edit the recipe to start a new run, or open the pull request by hand';
    return fail(`is already on ${from.label} unchanged: its run exists; ${what}`);
  }

  const prepared = regenerate();
  if (!prepared.ok) return prepared;
  if (prepared.plan.toWrite.length || prepared.plan.toDelete.length) {
    return fail(
      `the generated files are not up to date (${prepared.plan.toWrite.length + prepared.plan.toDelete.length} ` +
        `to change): run "npx projen", then open the run again`,
    );
  }

  const files: CommitFile[] = [{ path: recipe, content: readFileSync(absolute, 'utf-8') }];
  const leftOut: string[] = [];
  for (const { path, deleted } of changed) {
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
  // an archived recipe removes its run: nothing is generated from it
  const archived =
    (data as Record<string, unknown>).archived === true || recipe.startsWith(`${RECIPES_DIR}/${ARCHIVE_DIR}/`);
  if (!archived && !files.some((f) => f.content !== null && isGeneratedFrom(f.content, recipe))) {
    return fail(
      `none of the files generated from it differ from ${from.label}, so the pull request would start no run ` +
        '(an edit of comments, layout, duration or archived makes no new run): ' +
        'run "npx projen" and open the run again, or edit what the run does',
    );
  }
  return { ok: true, plan: { name, recipe, branch: `run/${name}`, files, leftOut } };
}

/**
 * A generated file names the recipe it comes from in its marker line, one of its first lines (as hasMarker reads it).
 */
export function isGeneratedFrom(content: string, recipe: string): boolean {
  return content.slice(0, 512).includes(markerLine(recipe));
}

/** The commit the pull request's changes are measured from, and how to name it in a message. */
export function baseCommit(root: string, base: string): { ref: string; label: string } {
  // the base branch, else its remote-tracking branch (a clone that never checked it out), else HEAD: without
  // either, the changes are those since the last commit, as if the run's branch were made from HEAD
  for (const ref of [base, `origin/${base}`, 'HEAD']) {
    if (gitSucceeds(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`])) {
      return { ref, label: ref === 'HEAD' ? `HEAD (there is no branch ${base} here)` : ref };
    }
  }
  // a repository without a commit: every file is new
  return {
    ref: git(root, ['hash-object', '-t', 'tree', '/dev/null']).trim(),
    label: `${base} (there is no commit here yet)`,
  };
}

/**
 * Files that differ between `ref` and the working tree, committed since or not, untracked ones included (not the
 * ignored ones): what the pull request's branch, made from the base, must change. Paths relative to `root`.
 */
export function changedFiles(root: string, ref: string): Array<{ path: string; deleted: boolean }> {
  const diff = git(root, ['diff', '--name-status', '--no-renames', '--relative', '-z', ref, '--']).split('\0');
  const changed: Array<{ path: string; deleted: boolean }> = [];
  for (let i = 0; i + 1 < diff.length; i += 2) changed.push({ path: diff[i + 1], deleted: diff[i] === 'D' });
  for (const path of git(root, ['ls-files', '--others', '--exclude-standard', '-z']).split('\0').filter(Boolean)) {
    changed.push({ path, deleted: false });
  }
  return changed.sort((a, b) => (a.path < b.path ? -1 : 1));
}

function isInCommit(root: string, ref: string, path: string): boolean {
  return gitSucceeds(root, ['cat-file', '-e', `${ref}:./${path}`]);
}

function git(root: string, args: string[]): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf-8', maxBuffer: 256 * 1024 * 1024 });
}

function gitSucceeds(root: string, args: string[]): boolean {
  try {
    execFileSync('git', args, { cwd: root, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function pullRequestText(plan: OpenRunPlan): { title: string; body: string; commitMessage: string } {
  const generated = plan.files.length - 1;
  return {
    title: `Run ${plan.name}`,
    commitMessage:
      `run: ${plan.name}\n\nAdds ${plan.recipe}` + (generated ? ` and its ${generated} generated file(s)` : '') + '.',
    body: [
      `Adds the ML run \`${plan.name}\` ` +
        `(\`${plan.recipe}\`)${generated ? ` with its ${generated} generated file(s)` : ''}.`,
      '',
      'Opened with `npx projen open-run`. The **ML run preview** ' +
        'comment below shows where it runs, whether it fits the',
      "team's quota and the node pool, and what it costs per hour. " +
        'Argo CD starts the run once this pull request is merged.',
    ].join('\n'),
  };
}
