import { MAX_NESTING, nestedTooDeep } from './nesting';
import { fieldPath, type Problem } from './problems';
import { markerInput } from '../model/marker';

/**
 * No credentials in git: the whole text of every hand-written input (cluster.yaml, recipes, apps), comments
 * included, and every value it parses to, are scanned for what looks like a credential, and refused with the way
 * to do it instead; so is every generated file, before it is staged. A secret lives outside the repository (AWS
 * Secrets Manager or SSM, synced by an ExternalSecret of the external-secrets module, or a Kubernetes Secret
 * created out of band) and is referenced by its name.
 */

export const SECRET_HELP =
  'credentials never go in git: keep the value in AWS Secrets ' +
  'Manager or SSM Parameter Store and sync it with an ExternalSecret ' +
  '(platform module external-secrets), or create a Kubernetes Secret out of band, then reference the Secret by name ' +
  '(in a recipe: env: [{name: <VAR>, valueFrom: {secretKeyRef: {name: <secret>, key: <key>}}}])';

/**
 * `source` with each lowercase letter matching either case: the shapes share one regex, so none can have a flag of its
 * own.
 */
function anyCase(source: string): string {
  return source.replace(/[a-z]/g, (c) => `[${c}${c.toUpperCase()}]`);
}

/** Credentials recognisable by their shape, wherever they appear (also inside scripts and comments). */
const SHAPES: readonly { what: string; re: RegExp }[] = [
  { what: 'an AWS access key ID', re: /\b(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/ },
  {
    what: 'an AWS secret access key',
    re: new RegExp(`${anyCase('aws_?secret_?access_?key')}["']?\\s*[:=]\\s*["']?[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])`),
  },
  { what: 'a GitHub token', re: /\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,}\b/ },
  { what: 'a GitHub fine-grained token', re: /\bgithub_pat_[A-Za-z0-9_]{22,}/ },
  { what: 'a Hugging Face token', re: /\bhf_[A-Za-z0-9]{30,}\b/ },
  { what: 'a Slack token', re: /\bxox[abprse]-[A-Za-z0-9-]{10,}/ },
  { what: 'a private key', re: /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----/ },
  // `export WANDB_API_KEY=abcd1234...` in a script; `$VAR` and `${VAR}` are references, not values. Whatever comes
  // before the name's end does not matter, so the pattern starts at the name's last word (a scan stays linear)
  {
    what: 'a credential assigned in a script',
    re: /(PASSWORD|PASSWD|TOKEN|SECRET|API_KEY|ACCESS_KEY)\s*=\s*["']?(?![$"'{<])[^\s"'`;]{8,}/,
  },
];

/** Every shape in one regex, SHAPES[i] as the group `s<i>`: one pass over a text finds them all. */
const ANY_SHAPE_SOURCE = SHAPES.map((s, i) => `(?<s${i}>${s.re.source})`).join('|');
const ANY_SHAPE = new RegExp(ANY_SHAPE_SOURCE);
const EVERY_SHAPE = new RegExp(ANY_SHAPE_SOURCE, 'g');

/** Keys (or env var names) that hold a credential; their literal values are refused. */
const CREDENTIAL_NAME = new RegExp(
  String.raw`(^|[_.-])(password|passwd|pwd|token|secret|api[_-]?key|apikey|access[_-]?key|private[_-]?key|` +
    String.raw`client[_-]?secret|credentials?)$`,
  'i',
);

/** A value that names where a secret is, rather than being one. */
const REFERENCE = new RegExp(
  String.raw`^(\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\{\{.*\}\}|<[^>]*>|arn:aws[a-z-]*:(secretsmanager|ssm):.*|` +
    String.raw`(secretsmanager|ssm|vault|k8s|secret):\/?\/?.*)$`,
);

interface Shape {
  /** Where it starts in the text searched. */
  readonly index: number;
  /** What matched: compared, never printed. */
  readonly match: string;
  readonly what: string;
}

function shapeOf(m: RegExpExecArray): Shape {
  const i = SHAPES.findIndex((_, j) => m.groups?.[`s${j}`] !== undefined);
  return { index: m.index, match: m[0], what: SHAPES[i].what };
}

/** The first credential in `text`, if any. */
function firstShape(text: string): Shape | undefined {
  const m = ANY_SHAPE.exec(text);
  return m ? shapeOf(m) : undefined;
}

function lineAt(text: string, index: number, from = 0, line = 1): number {
  for (let at = text.indexOf('\n', from); at >= 0 && at < index; at = text.indexOf('\n', at + 1)) line++;
  return line;
}

const secretProblem = (file: string, line: number | undefined, field: string, what: string): Problem => ({
  file,
  line,
  field,
  message: `looks like ${what}; ${SECRET_HELP}`,
});

/**
 * The credentials of a hand-written input: in its text, every line, comments and keys included, at any depth,
 * reported at their line; and in what it parses to, where the text alone does not tell: a literal value for a key
 * or variable named like a credential (`password: ...`), a value written with escapes or continued over lines.
 * A value found in both is reported once, by its field. The walk of the data stops, with a problem, at the nesting
 * limit (aliases can nest a document deeper than its text).
 */
export function findSecrets(
  text: string,
  data: unknown,
  file: string,
  lineOf: (path: readonly PropertyKey[]) => number | undefined,
): Problem[] {
  const inData = findSecretsInData(data, file, lineOf);
  const byData = (line: number, match: string) =>
    inData.some(
      ({ problem, value }) => problem.line === line || (value?.includes(match) && (problem.line ?? 0) <= line),
    );
  return [...inData.map((f) => f.problem), ...findSecretsInText(text, file, byData)];
}

/** The credentials in the text of an input, the first of each line, but those `skip` says are reported otherwise. */
export function findSecretsInText(
  text: string,
  file: string,
  skip: (line: number, match: string) => boolean = () => false,
): Problem[] {
  const problems: Problem[] = [];
  let line = 1;
  let from = 0;
  for (const m of text.matchAll(EVERY_SHAPE)) {
    line = lineAt(text, m.index, from, line);
    from = m.index;
    const shape = shapeOf(m);
    if (problems.at(-1)?.line !== line && !skip(line, shape.match)) {
      problems.push(secretProblem(file, line, '', shape.what));
    }
  }
  return problems;
}

/** The secrets found in parsed data, with the string value each was found in (none for the nesting limit). */
function findSecretsInData(data: unknown, file: string, lineOf: (path: readonly PropertyKey[]) => number | undefined) {
  const found: { problem: Problem; value?: string }[] = [];
  const report = (path: PropertyKey[], what: string, value: string) =>
    found.push({ problem: secretProblem(file, lineOf(path), fieldPath(path), what), value });
  let tooDeep = false;

  const visit = (value: unknown, path: PropertyKey[], depth: number) => {
    if (typeof value === 'string') {
      const shape = firstShape(value);
      const key = path[path.length - 1];
      if (shape) {
        report(path, shape.what, value);
      } else if (typeof key === 'string' && CREDENTIAL_NAME.test(key) && isLiteral(value)) {
        report(path, `a credential (a literal value for "${key}")`, value);
      }
      return;
    }
    if (!value || typeof value !== 'object') return;
    if (depth >= MAX_NESTING) {
      if (!tooDeep) found.push({ problem: nestedTooDeep(file, lineOf(path)) });
      tooDeep = true;
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, [...path, i], depth + 1));
      return;
    }
    const record = value as Record<string, unknown>;
    // an environment variable: {name: API_TOKEN, value: ...}
    const { name, value: literal } = record;
    if (
      typeof name === 'string' &&
      typeof literal === 'string' &&
      CREDENTIAL_NAME.test(name) &&
      isLiteral(literal) &&
      !firstShape(literal)
    ) {
      report([...path, 'value'], `a credential (a literal value for the variable "${name}")`, literal);
    }
    for (const [k, v] of Object.entries(record)) visit(v, [...path, k], depth + 1);
  };
  visit(data, [], 0);
  return found;
}

function isLiteral(value: string): boolean {
  const v = value.trim();
  return v.length >= 8 && !/\s/.test(v) && !REFERENCE.test(v);
}

/**
 * The last line of defence: a credential in a generated file, which a value assembled while rendering can make
 * out of inputs that have none (`xoxb-{{ .Release.Name }}` in a recipe), named by the generated file and the input
 * its projen marker says it is rendered from. One regex search of the text: it runs on every file a regenerate
 * renders.
 */
export function findSecretInGenerated(path: string, content: string): Problem | undefined {
  const shape = firstShape(content);
  if (!shape) return undefined;
  return {
    file: path,
    line: lineAt(content, shape.index),
    field: '',
    message: `looks like ${shape.what}, rendered from ${markerInput(content)}; ${SECRET_HELP}`,
  };
}
