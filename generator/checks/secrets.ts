import type { Problem } from '../config/problems';

/**
 * No credentials in git: every value of every hand-written input (cluster.yaml, recipes, apps) is scanned for
 * what looks like a credential, and refused with the way to do it instead. A secret lives outside the
 * repository (AWS Secrets Manager or SSM, synced by an ExternalSecret of the external-secrets module, or a
 * Kubernetes Secret created out of band) and is referenced by its name.
 */

export const SECRET_HELP =
  'credentials never go in git: keep the value in AWS Secrets Manager or SSM Parameter Store and sync it with an ExternalSecret ' +
  '(platform module external-secrets), or create a Kubernetes Secret out of band, then reference the Secret by name ' +
  '(in a recipe: env: [{name: <VAR>, valueFrom: {secretKeyRef: {name: <secret>, key: <key>}}}])';

/** Credentials recognisable by their shape, wherever they appear (also inside scripts). */
const SHAPES: readonly { what: string; re: RegExp }[] = [
  { what: 'an AWS access key ID', re: /\b(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/ },
  { what: 'an AWS secret access key', re: /aws_?secret_?access_?key["']?\s*[:=]\s*["']?[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])/i },
  { what: 'a GitHub token', re: /\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,}\b/ },
  { what: 'a GitHub fine-grained token', re: /\bgithub_pat_[A-Za-z0-9_]{22,}/ },
  { what: 'a Hugging Face token', re: /\bhf_[A-Za-z0-9]{30,}\b/ },
  { what: 'a Slack token', re: /\bxox[abprse]-[A-Za-z0-9-]{10,}/ },
  { what: 'a private key', re: /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----/ },
  // `export WANDB_API_KEY=abcd1234...` in a script; `$VAR` and `${VAR}` are references, not values
  { what: 'a credential assigned in a script', re: /\b[A-Za-z0-9_]*(PASSWORD|PASSWD|TOKEN|SECRET|API_KEY|ACCESS_KEY)\s*=\s*["']?(?![$"'{<])[^\s"'`;]{8,}/ },
];

/** Keys (or env var names) that hold a credential; their literal values are refused. */
const CREDENTIAL_NAME = /(^|[_.-])(password|passwd|pwd|token|secret|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|credentials?)$/i;

/** A value that names where a secret is, rather than being one. */
const REFERENCE = /^(\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\{\{.*\}\}|<[^>]*>|arn:aws[a-z-]*:(secretsmanager|ssm):.*|(secretsmanager|ssm|vault|k8s|secret):\/?\/?.*)$/;

export function findSecrets(data: unknown, file: string, lineOf: (path: readonly PropertyKey[]) => number | undefined): Problem[] {
  const problems: Problem[] = [];
  const report = (path: PropertyKey[], what: string) =>
    problems.push({ file, line: lineOf(path), field: fieldOf(path), message: `looks like ${what}; ${SECRET_HELP}` });

  const visit = (value: unknown, path: PropertyKey[], depth: number) => {
    if (depth > 200) return;
    if (typeof value === 'string') {
      const shape = SHAPES.find((s) => s.re.test(value));
      const key = path[path.length - 1];
      if (shape) report(path, shape.what);
      else if (typeof key === 'string' && CREDENTIAL_NAME.test(key) && isLiteral(value)) report(path, `a credential (a literal value for "${key}")`);
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, [...path, i], depth + 1));
      return;
    }
    if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      // an environment variable: {name: API_TOKEN, value: ...}
      if (typeof record.name === 'string' && typeof record.value === 'string' && CREDENTIAL_NAME.test(record.name) && isLiteral(record.value) && !SHAPES.some((s) => s.re.test(record.value as string))) {
        report([...path, 'value'], `a credential (a literal value for the variable "${record.name}")`);
      }
      for (const [k, v] of Object.entries(record)) visit(v, [...path, k], depth + 1);
    }
  };
  visit(data, [], 0);
  return problems;
}

function isLiteral(value: string): boolean {
  const v = value.trim();
  return v.length >= 8 && !/\s/.test(v) && !REFERENCE.test(v);
}

function fieldOf(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}
