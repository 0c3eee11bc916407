import type { z } from 'zod';
import { describeValue, didYouMean, fieldPath, type Problem } from './problems';
import type { YamlSource } from './yaml-source';
import { UNKNOWN_KEY_MARKER } from '../model/zod-helpers';

/**
 * Validates a parsed YAML file with a zod schema and turns every issue into a Problem with the
 * file, the line, the field path and what was expected.
 */
export function validateSource<S extends z.ZodType>(
  source: YamlSource,
  schema: S,
): { ok: true; value: z.output<S> } | { ok: false; problems: Problem[] } {
  const result = schema.safeParse(source.data, { reportInput: true });
  if (result.success) return { ok: true, value: result.data };
  const problems: Problem[] = [];
  for (const issue of result.error.issues) problems.push(...issueProblems(source, issue));
  return { ok: false, problems };
}

function issueProblems(source: YamlSource, issue: z.core.$ZodIssue): Problem[] {
  const at = (path: readonly PropertyKey[], message: string): Problem => ({
    file: source.file,
    line: source.lineOf(path),
    field: fieldPath(path),
    message,
  });
  if (issue.code === 'unrecognized_keys') {
    const known = issue.message.startsWith(UNKNOWN_KEY_MARKER)
      ? issue.message.slice(UNKNOWN_KEY_MARKER.length).split(', ')
      : [];
    return issue.keys.map((key) => {
      const suggestion = didYouMean(key, known);
      const hint = suggestion
        ? `; did you mean "${suggestion}"?`
        : known.length
          ? `; expected one of: ${known.join(', ')}`
          : '';
      return at([...issue.path, key], `unknown key${hint}`);
    });
  }
  // a union of which one option is of the input's type (`true`, or a mapping): that option's own problems say more
  // than the union's message ("database" of a module mapping, not the whole mapping)
  if (issue.code === 'invalid_union') {
    const ofInputType = issue.errors.filter(
      (branch) => !branch.some((i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value')),
    );
    if (ofInputType.length === 1 && ofInputType[0].length) {
      return ofInputType[0].flatMap((inner) =>
        issueProblems(source, { ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue),
      );
    }
  }
  const input = (issue as { input?: unknown }).input;
  if (input === undefined) return [at(issue.path, `is required: ${issue.message}`)];
  return [at(issue.path, `${issue.message}, got ${describeValue(input)}`)];
}

/** What validateSalvaging found: every problem, and the value of what is left once the fields at fault are dropped. */
export interface SalvagedValue<T> {
  readonly problems: Problem[];
  /** Valid when `problems` is empty; otherwise the value without the faulty fields, if that is valid. */
  readonly value?: T;
  /** The input without the faulty fields (the input itself when it has none), for the next stage's checks. */
  readonly data: unknown;
}

/**
 * validateSource that goes on past the first problems: the fields at fault (an unknown key, a value of the wrong
 * type or range) are dropped and the rest validated again, so that the later stages (references, placement, policy)
 * can check what is left and one run reports every problem of a file. A value that needs a dropped field has none.
 * Dropping only removes keys, so the lines of the remaining fields are those of the file.
 */
export function validateSalvaging<S extends z.ZodType>(source: YamlSource, schema: S): SalvagedValue<z.output<S>> {
  const problems: Problem[] = [];
  const dropped = new Set<string>();
  let data = source.data;
  // a dropped field can only reveal the checks that zod runs once the rest is valid (refinements): a few rounds
  for (let round = 0; round < 3; round++) {
    const result = schema.safeParse(data, { reportInput: true });
    if (result.success) return { problems, value: result.data, data };
    // a field dropped for its value is now missing: that is the same problem, said once
    const issues = result.error.issues.filter((issue) => !dropped.has(JSON.stringify(issue.path)));
    for (const issue of issues) problems.push(...issueProblems(source, issue));
    const faulty = issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key]) : [issue.path],
    );
    for (const path of faulty) dropped.add(JSON.stringify(path));
    const rest = withoutFields(data, faulty);
    if (rest === undefined) break;
    data = rest;
  }
  return { problems, data };
}

/**
 * A copy of `data` without the fields at `paths`; a field inside a list drops the list's field (list indexes are
 * kept as written, for lines). Undefined when a path is the whole input or no field is dropped.
 */
function withoutFields(data: unknown, paths: readonly (readonly PropertyKey[])[]): unknown {
  const copy = structuredClone(data);
  let dropped = 0;
  for (const path of paths) {
    let end = path.length;
    while (end > 0 && typeof path[end - 1] !== 'string') end--;
    if (end === 0) return undefined;
    let parent: unknown = copy;
    for (const part of path.slice(0, end - 1)) parent = (parent as Record<PropertyKey, unknown> | undefined)?.[part];
    if (!parent || typeof parent !== 'object' || Array.isArray(parent)) continue;
    const key = path[end - 1] as string;
    if (!Object.prototype.hasOwnProperty.call(parent, key)) continue;
    delete (parent as Record<string, unknown>)[key];
    dropped++;
  }
  return dropped ? copy : undefined;
}
