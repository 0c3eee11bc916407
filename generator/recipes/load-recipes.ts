import { createHash } from 'node:crypto';
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  bodySchema,
  headerSchema,
  KIND_KEYS,
  recipeSchema,
  RUN_KINDS,
  SERVICE_KINDS,
  type Recipe,
  type RecipeBody,
  type StepKind,
  type WorkloadKind,
} from './recipe-schema';
import type { Problem } from '../config/problems';
import { validateSalvaging } from '../config/validate';
import { parseYamlText, parseYamlTextWithYaml, readInputText, type YamlSource } from '../config/yaml-source';

export const RECIPES_DIR = 'recipes';
export const APPS_DIR = 'apps';
/** `recipes/archive/<team>/<name>.yaml`: runs kept as a record, removed from their cluster. */
export const ARCHIVE_DIR = 'archive';
export const RECIPE_EXPECTED = 'a recipe (name, team, cluster, kind, ...)';

export interface RecipeInput {
  readonly recipe: Recipe;
  /** The recipe file, relative to the repository root. */
  readonly file: string;
  readonly lineOf: (path: readonly PropertyKey[]) => number | undefined;
  /** A run (recipes/) or a long-running service (apps/). */
  readonly role: 'run' | 'service';
  /** Archived by `archived: true` or by living under recipes/archive/. */
  readonly archived: boolean;
  /** Short hash of the recipe's content: a run's name carries it, so an edit is a new run. */
  readonly contentHash: string;
}

/**
 * Recipes parsed by an earlier regenerate, by file and text (recipe-cache.ts keeps them): a hit spares the parse.
 * Declared where it is used, so that loading a recipe does not depend on how the cache is stored.
 */
export interface ParsedRecipes {
  /** What `file` parsed to when its text was `text`. */
  lookup(file: string, text: string, role: RecipeInput['role']): Omit<RecipeInput, 'lineOf'> | undefined;
  /** The same, by the digest the caller took of the file already, without its text. */
  lookupKnown(file: string, role: RecipeInput['role']): Omit<RecipeInput, 'lineOf'> | undefined;
  /** Keeps what `file`'s text parsed to, for the next regenerate. */
  remember(file: string, text: string, input: RecipeInput): void;
}

/** The recipes that are valid, and the problems of those that are not (both: every problem is reported at once). */
export interface LoadRecipesResult {
  readonly recipes: RecipeInput[];
  readonly problems: Problem[];
}

/**
 * Loads every recipe under `recipes/` and every service under `apps/`: `<dir>/<team>/<name>.yaml`.
 * The header is checked first, then the body against the keys of its kind.
 */
export function loadRecipes(
  root: string,
  readdir: (dir: string) => string[] = (d) => readdirSync(d),
  cache?: ParsedRecipes,
): LoadRecipesResult {
  const recipes: RecipeInput[] = [];
  const problems = forEachRecipe(root, readdir, cache, (input, faulty) => {
    if (!faulty) recipes.push(input);
  });
  return { recipes, problems };
}

/**
 * loadRecipes one recipe at a time, for a caller that keeps less than every recipe; returns the problems.
 * `each` also gets the recipes salvaged from files with problems (`faulty`), for the later stages to check.
 */
export function forEachRecipe(
  root: string,
  readdir: (dir: string) => string[] = (d) => readdirSync(d),
  cache: ParsedRecipes | undefined,
  each: (input: RecipeInput, faulty: boolean) => void,
): Problem[] {
  const problems: Problem[] = [];
  for (const file of recipeFiles(root, readdir, problems)) {
    const result = loadRecipeFile(root, file, roleOf(file), cache);
    if (result.ok) {
      each(result.input, false);
    } else {
      problems.push(...result.problems);
      if (result.salvaged) each(result.salvaged, true);
    }
  }
  return problems;
}

/** A file under apps/ is a service; one under recipes/ a run. */
export function roleOf(file: string): 'run' | 'service' {
  return file.startsWith(`${APPS_DIR}/`) ? 'service' : 'run';
}

function recipeFiles(root: string, readdir: (dir: string) => string[], problems: Problem[]): string[] {
  const files: string[] = [];
  /**
   * One lstat an entry. Links are refused, not followed: a recipe folder or file must not pull in anything
   * outside the repository.
   */
  const kindOf = (rel: string): 'folder' | 'file' | 'link' | 'missing' => {
    const stat = lstatSync(join(root, rel), { throwIfNoEntry: false });
    if (!stat) return 'missing';
    if (stat.isSymbolicLink()) {
      problems.push({
        file: rel,
        field: '',
        message: 'is a symbolic link; recipe folders and files must be plain folders and files inside the repository',
      });
      return 'link';
    }
    return stat.isDirectory() ? 'folder' : 'file';
  };
  const visit = (rel: string, depth: number, maxDepth: number) => {
    for (const entry of [...readdir(join(root, rel))].sort()) {
      const path = `${rel}/${entry}`;
      const kind = kindOf(path);
      if (kind === 'folder') {
        if (depth < maxDepth) visit(path, depth + 1, maxDepth);
        else problems.push({ file: path, field: '', message: `is nested too deep; expected ${layout(rel)}` });
      } else if (kind === 'file' && /\.ya?ml$/.test(entry)) {
        if (depth === maxDepth) {
          files.push(path);
        } else {
          problems.push({
            file: path,
            field: '',
            message: `expected ${layout(rel)}: a recipe lives in its team's folder`,
          });
        }
      }
    }
  };
  if (kindOf(RECIPES_DIR) === 'folder') {
    for (const entry of [...readdir(join(root, RECIPES_DIR))].sort()) {
      const path = `${RECIPES_DIR}/${entry}`;
      const kind = kindOf(path);
      if (kind === 'folder') {
        visit(path, entry === ARCHIVE_DIR ? 0 : 1, 1);
      } else if (kind === 'file' && /\.ya?ml$/.test(entry)) {
        problems.push({
          file: path,
          field: '',
          message: `expected ${RECIPES_DIR}/<team>/<name>.yaml: a recipe lives in its team's folder`,
        });
      }
    }
  }
  if (kindOf(APPS_DIR) === 'folder') visit(APPS_DIR, 0, 1);
  return files;
}

function layout(rel: string): string {
  if (rel.startsWith(`${RECIPES_DIR}/${ARCHIVE_DIR}`)) return `${RECIPES_DIR}/${ARCHIVE_DIR}/<team>/<name>.yaml`;
  return rel.startsWith(APPS_DIR) ? `${APPS_DIR}/<team>/<name>.yaml` : `${RECIPES_DIR}/<team>/<name>.yaml`;
}

export function loadRecipeFile(
  root: string,
  file: string,
  role: 'run' | 'service',
  cache?: ParsedRecipes,
): RecipeResult {
  const options = { expected: RECIPE_EXPECTED };
  const lineOf = linesOnDemand(join(root, file), file);
  const known = cache?.lookupKnown(file, role);
  if (known) return { ok: true, input: { ...known, lineOf } };
  const read = readInputText(join(root, file), file, options);
  if (!read.ok) return read;
  const hit = cache?.lookup(file, read.text, role);
  if (hit) return { ok: true, input: { ...hit, lineOf } };
  const result = parseRecipeText(read.text, file, role);
  // a recipe with problems is not remembered: the next run parses it again and reports them again
  if (!result.ok) return result.salvaged ? { ...result, salvaged: { ...result.salvaged, lineOf } } : result;
  cache?.remember(file, read.text, result.input);
  return { ok: true, input: { ...result.input, lineOf } };
}

/**
 * The lines of a loaded recipe's fields, for a problem a later stage finds (rare): the file is read and parsed
 * for lines then, rather than the text of thousands of recipes kept in memory in case one is needed.
 */
function linesOnDemand(absolutePath: string, file: string): RecipeInput['lineOf'] {
  let lineOf: RecipeInput['lineOf'] | undefined;
  return (path) => {
    if (!lineOf) {
      const read = readInputText(absolutePath, file);
      const parsed = read.ok ? parseYamlTextWithYaml(read.text, file) : undefined;
      lineOf = parsed?.ok ? parsed.source.lineOf : () => undefined;
    }
    return lineOf(path);
  };
}

/**
 * A recipe file's result: valid, or its problems and, when only some fields are at fault, the recipe without
 * them (`salvaged`), for the later stages to check the rest: one run reports every problem of a file.
 */
export type RecipeResult =
  { ok: true; input: RecipeInput } | { ok: false; problems: Problem[]; salvaged?: RecipeInput };

/**
 * A recipe file's text, parsed and validated: as a regenerate reads it, and as the import checks what it would write.
 */
export function parseRecipeText(text: string, file: string, role: 'run' | 'service'): RecipeResult {
  const parsed = parseYamlText(text, file, { expected: RECIPE_EXPECTED });
  return parsed.ok ? parseRecipe(parsed.source, role) : parsed;
}

/** Validates one parsed recipe file. */
export function parseRecipe(source: YamlSource, role: 'run' | 'service'): RecipeResult {
  const file = source.file;
  const at = (path: PropertyKey[], field: string, message: string): Problem => ({
    file,
    line: source.lineOf(path),
    field,
    message,
  });
  if (!source.data || typeof source.data !== 'object' || Array.isArray(source.data)) {
    return { ok: false, problems: [at([], '', 'expected a recipe mapping (name, team, cluster, kind, ...)')] };
  }
  const head = validateSalvaging(source, headerSchema);
  if (!head.value) return { ok: false, problems: head.problems };
  const problems: Problem[] = [...head.problems];
  const kind = head.value.kind as WorkloadKind;
  const allowed: readonly string[] = role === 'run' ? RUN_KINDS : SERVICE_KINDS;
  if (!allowed.includes(kind)) {
    const where = role === 'run' ? `${APPS_DIR}/<team>/` : `${RECIPES_DIR}/<team>/`;
    problems.push(
      at(
        ['kind'],
        'kind',
        `"${kind}" is a ${role === 'run' ? 'service' : 'run'} kind; ` +
          `move the file to ${where} or use one of: ${allowed.join(', ')}`,
      ),
    );
    return { ok: false, problems };
  }
  const full = validateSalvaging({ ...source, data: head.data }, recipeSchema(kind));
  problems.push(...full.problems.map((p) => explainForeignKey(p, kind)));
  if (!full.value) return { ok: false, problems };
  const value = full.value as Record<string, unknown>;

  const parts = file.split('/');
  const base = parts[parts.length - 1].replace(/\.ya?ml$/, '');
  const folderTeam = parts[parts.length - 2];
  if (value.name !== base) {
    problems.push(at(['name'], 'name', `expected "${base}", the recipe's file name, got "${String(value.name)}"`));
  }
  if (value.team !== folderTeam) {
    problems.push(
      at(['team'], 'team', `expected "${folderTeam}", the name of the recipe's folder, got "${String(value.team)}"`),
    );
  }

  const steps: Recipe['steps'] = [];
  if (kind === 'pipeline') {
    const raw = (full.data as { steps: Record<string, unknown>[] }).steps;
    const names = new Set<string>();
    (value.steps as { name: string; kind: StepKind }[]).forEach((step, i) => {
      if (names.has(step.name)) {
        problems.push(at(['steps', i, 'name'], `steps[${i}].name`, `step name "${step.name}" is used twice`));
      }
      names.add(step.name);
      const { name: _n, kind: _k, ...body } = raw[i];
      const sub: YamlSource = { file, data: body, lineOf: (p) => source.lineOf(['steps', i, ...p]) };
      const checked = validateSalvaging(sub, bodySchema(step.kind as Exclude<WorkloadKind, 'pipeline'>));
      problems.push(
        ...checked.problems
          .map((p) => explainForeignKey(p, step.kind))
          .map((p) => ({ ...p, field: `steps[${i}]${p.field.startsWith('[') ? '' : '.'}${p.field}` })),
      );
      if (checked.value) steps.push({ name: step.name, kind: step.kind, body: checked.value as RecipeBody });
    });
    // a pipeline without one of its steps is not the pipeline written: nothing later to check it against
    if (steps.length < raw.length) return { ok: false, problems };
  }

  const {
    name,
    team,
    cluster,
    priority,
    duration,
    archived,
    steps: _s,
    kind: _k,
    ...body
  } = value as Record<string, unknown>;
  const recipe: Recipe = {
    name: name as string,
    team: team as string,
    cluster: cluster as string,
    kind,
    priority: priority as Recipe['priority'],
    duration: duration as string | undefined,
    archived: archived as boolean | undefined,
    body: body as RecipeBody,
    steps,
  };
  const input: RecipeInput = {
    recipe,
    file,
    lineOf: source.lineOf,
    role,
    archived: archived === true || file.startsWith(`${RECIPES_DIR}/${ARCHIVE_DIR}/`),
    contentHash: contentHash(source.data as Record<string, unknown>),
  };
  return problems.length ? { ok: false, problems, salvaged: input } : { ok: true, input };
}

/** An unknown key that another kind reads: say so, rather than guess a near spelling. */
function explainForeignKey(problem: Problem, kind: WorkloadKind): Problem {
  if (!problem.message.startsWith('unknown key') || problem.field.includes('.') || problem.field.includes('[')) {
    return problem;
  }
  const readers = Object.entries(KIND_KEYS)
    .filter(([, keys]) => (keys as string[]).includes(problem.field))
    .map(([k]) => k);
  if (!readers.length) return problem;
  return {
    ...problem,
    message: `is not read by kind "${kind}"; it belongs to kind ${readers.map((r) => `"${r}"`).join(', ')}`,
  };
}

/**
 * Hash of what the run does: the file's data without the fields that do not change the run
 * (`archived`, `duration`). Key order and formatting do not count; any value change does.
 */
export function contentHash(data: Record<string, unknown>): string {
  const { archived: _a, duration: _d, ...rest } = data;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex').slice(0, 6);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
