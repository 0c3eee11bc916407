import type { z } from 'zod';
import { describeValue, didYouMean, fieldPath, type Problem } from './problems';
import type { YamlSource } from './yaml-source';
import { UNKNOWN_KEY_MARKER } from './zod-helpers';

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
      const hint = suggestion ? `; did you mean "${suggestion}"?` : known.length ? `; expected one of: ${known.join(', ')}` : '';
      return at([...issue.path, key], `unknown key${hint}`);
    });
  }
  const input = (issue as { input?: unknown }).input;
  if (input === undefined) return [at(issue.path, `is required: ${issue.message}`)];
  return [at(issue.path, `${issue.message}, got ${describeValue(input)}`)];
}
