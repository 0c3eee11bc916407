import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTemps, exampleInputs, regenerate, REPO, snapshotTree, writeFile } from './support/fleet';
import { MAX_NESTING } from '../generator/config/nesting';
import { formatProblem } from '../generator/config/problems';
import { findSecretInGenerated, SECRET_HELP } from '../generator/config/secrets';
import { markerLine } from '../generator/model/marker';

afterAll(cleanupTemps);

/* Fake credentials assembled at run time (see secrets.test.ts): the repository never holds one. */
const join0 = (...parts: string[]) => parts.join('');
const AWS_KEY_ID = join0('AK', 'IA', 'FAKEFAKEFAKE', 'FAKE');
const HF_TOKEN = join0('h', 'f_', 'Fake'.repeat(9));
const PRIVATE_KEY = join0('-----BEGIN ', 'OPENSSH PRIVATE', ' KEY-----');
const looksLike = (what: string) => `looks like ${what}; ${SECRET_HELP}`;
const TOO_DEEP = `nested too deep (limit ${MAX_NESTING})`;

const RECIPE = 'recipes/llm-training/bert-raytrain-fine-tune.yaml';
const APP = 'apps/inference/llama3-8b-vllm.yaml';
const CLUSTER = 'clusters/prod-use1/cluster.yaml';
const DOWNLOAD = 'recipes/llm-training/qwen3-14b-download.yaml';

/**
 * A free-form mapping of each kind of input, where any depth was accepted and rendered (engine config into a
 * ConfigMap, Ray's runtime env, a module's Helm values): the line it starts after, how deep the mapping that line
 * opens is, and its field path.
 */
const FREE_FORM = [
  { file: RECIPE, after: '  runtime_env_yaml:\n', depth: 3, path: ['ray', 'runtime_env_yaml'] },
  { file: APP, after: '  config:\n', depth: 3, path: ['engine', 'config'] },
  { file: CLUSTER, after: '    values:\n', depth: 4, path: ['modules', 'kube-prometheus-stack', 'values'] },
];

/** The example fleet's inputs with its recipes and apps. */
const fleet = () => exampleInputs({ withRecipes: true });

/** `lines` inserted into `file` after the line `after`; returns the line number of the first one. */
function insert(root: string, file: string, after: string, lines: string[]): number {
  const text = readFileSync(join(root, file), 'utf-8');
  const at = text.indexOf(after) + after.length;
  if (at < after.length) throw new Error(`${file} has no line ${JSON.stringify(after)}`);
  writeFile(root, file, `${text.slice(0, at)}${lines.map((l) => `${l}\n`).join('')}${text.slice(at)}`);
  return text.slice(0, at).split('\n').length;
}

/**
 * Block mappings nested under a mapping `depth` deep at `indent` until the one `deepest` deep, which holds
 * `secret: <value>`: one line a level, keys d<depth of the mapping they open>.
 */
function chain(indent: number, depth: number, deepest: number, value: string): { lines: string[]; keys: string[] } {
  const keys: string[] = [];
  const lines: string[] = [];
  for (let d = depth + 1; d <= deepest; d++) {
    keys.push(`d${d}`);
    lines.push(`${' '.repeat(indent + 2 * (d - depth - 1))}d${d}:`);
  }
  lines.push(`${' '.repeat(indent + 2 * (deepest - depth))}secret: ${value}`);
  return { lines, keys: [...keys, 'secret'] };
}

/** A regenerate that must be refused with nothing written: its problems as the CLI prints them. */
function refused(root: string): string[] {
  const before = snapshotTree(root);
  const result = regenerate(root);
  expect(result.ok).toBe(false);
  expect(snapshotTree(root)).toEqual(before);
  return result.ok ? [] : result.problems.map(formatProblem);
}

describe('a credential is found at any depth of every input, and a document too deep is refused', () => {
  for (const { file, after, depth, path } of FREE_FORM) {
    const indent = after.length - after.trimStart().length + 2;

    it(`${file}: a credential in a mapping ${MAX_NESTING} deep, the deepest allowed, with its field and line`, () => {
      const root = fleet();
      const { lines, keys } = chain(indent, depth, MAX_NESTING, AWS_KEY_ID);
      const line = insert(root, file, after, lines);
      const field = [...path, ...keys].join('.');
      expect(refused(root)).toEqual([
        `${file}:${line + lines.length - 1}: ${field}: ${looksLike('an AWS access key ID')}`,
      ]);
    });

    it(
      `${file}: a mapping ${MAX_NESTING + 1} deep is refused ` + `at its line, and the credential in it still named`,
      () => {
        const root = fleet();
        const { lines } = chain(indent, depth, MAX_NESTING + 1, AWS_KEY_ID);
        const last = insert(root, file, after, lines) + lines.length - 1;
        expect(refused(root)).toEqual([
          `${file}:${last}: ${TOO_DEEP}`,
          `${file}:${last}: ${looksLike('an AWS access key ID')}`,
        ]);
      },
    );

    it(`${file}: a credential in a comment`, () => {
      const root = fleet();
      const line = insert(root, file, after, [`${' '.repeat(indent)}# the token for the hub: ${HF_TOKEN}`]);
      expect(refused(root)).toEqual([`${file}:${line}: ${looksLike('a Hugging Face token')}`]);
    });
  }

  it('flow sequences nest too: a credential at the limit is found, one level more is refused', () => {
    const within = fleet();
    // runtime_env_yaml is 3 deep: the sequences 4 to 64
    const line = insert(within, RECIPE, '  runtime_env_yaml:\n', [
      `    deep: ${'['.repeat(MAX_NESTING - 3)}${AWS_KEY_ID}${']'.repeat(MAX_NESTING - 3)}`,
    ]);
    const field = `ray.runtime_env_yaml.deep${'[0]'.repeat(MAX_NESTING - 3)}`;
    expect(refused(within)).toEqual([`${RECIPE}:${line}: ${field}: ${looksLike('an AWS access key ID')}`]);

    const beyond = fleet();
    insert(beyond, RECIPE, '  runtime_env_yaml:\n', [
      `    deep: ${'['.repeat(MAX_NESTING - 2)}x${']'.repeat(MAX_NESTING - 2)}`,
    ]);
    expect(refused(beyond)).toEqual([`${RECIPE}:${line}: ${TOO_DEEP}`]);
  });

  it(
    'thousands deep (a syntax error about the call stack ' + 'before), a credential 5,000 deep, a megabyte of braces',
    () => {
      const root = fleet();
      const line = insert(root, APP, '  config:\n', [`    deep: ${'['.repeat(5000)}${AWS_KEY_ID}${']'.repeat(5000)}`]);
      const compact = insert(root, RECIPE, '  runtime_env_yaml:\n', ['    deep:', `      ${'- '.repeat(5000)}x`]);
      writeFile(root, 'clusters/dev-usw2/cluster.yaml', `name: dev-usw2\nx: ${'{a: '.repeat(250_000)}\n`);
      expect(refused(root).sort()).toEqual([
        `${APP}:${line}: ${looksLike('an AWS access key ID')}`,
        `${APP}:${line}: ${TOO_DEEP}`,
        `clusters/dev-usw2/cluster.yaml:2: ${TOO_DEEP}`,
        `${RECIPE}:${compact + 1}: ${TOO_DEEP}`,
      ]);
    },
  );

  it('aliases cannot nest the data deeper than the text: the limit holds for what the input parses to', () => {
    const root = fleet();
    const line = insert(root, RECIPE, '  runtime_env_yaml:\n', [
      `    a: &inner ${'['.repeat(40)}x${']'.repeat(40)}`,
      `    b: ${'['.repeat(40)}*inner${']'.repeat(40)}`,
    ]);
    expect(refused(root)).toEqual([`${RECIPE}:${line + 1}: ${TOO_DEEP}`]);
  });

  it('a credential in a key, in a block scalar, and written with escapes: each at its line, once', () => {
    const root = fleet();
    const line = insert(root, APP, '  config:\n', [
      `    ${AWS_KEY_ID}: 1`,
      '    chat_template: |',
      '      {{ messages }}',
      `      ${PRIVATE_KEY}`,
      `    escaped: "\\x${AWS_KEY_ID.charCodeAt(0).toString(16)}${AWS_KEY_ID.slice(1)}"`,
    ]);
    // the data's findings (with their field) come first, then the text's
    expect(refused(root)).toEqual([
      `${APP}:${line + 1}: engine.config.chat_template: ${looksLike('a private key')}`,
      `${APP}:${line + 4}: engine.config.escaped: ${looksLike('an AWS access key ID')}`,
      `${APP}:${line}: ${looksLike('an AWS access key ID')}`,
    ]);
  });
});

describe('generated files are scanned before they are staged', () => {
  it(
    'a credential that only rendering assembles (a template ' + 'in one field, the run name from others) is refused',
    () => {
      const root = fleet();
      const env = (prefix: string) => `env:\n  - name: NOTIFY_CHANNEL\n    value: ${prefix}-{{ .Release.Name }}\n`;
      const recipe = readFileSync(join(REPO, DOWNLOAD), 'utf-8');
      writeFile(root, DOWNLOAD, `${recipe}${env('channel')}`);
      const first = regenerate(root);
      if (!first.ok) throw new Error(first.problems.map(formatProblem).join('\n'));
      const runs = join(root, 'clusters/prod-use1/workloads/runs/llm-training');
      const run = readdirSync(runs).find((d) => d.startsWith('qwen3-14b-download-'))!;
      const job = readdirSync(join(runs, run)).find((f) => f.startsWith('job-'))!;
      const line =
        readFileSync(join(runs, run, job), 'utf-8')
          .split('\n')
          .findIndex((l) => l.includes('value: channel-')) + 1;

      // `xoxb-{{ .Release.Name }}` is no Slack token in the recipe; `xoxb-qwen3-14b-download-<hash>` looks like one
      writeFile(root, DOWNLOAD, `${recipe}${env(join0('xo', 'xb'))}`);
      const [problem, ...rest] = refused(root);
      expect(rest).toEqual([]);
      const generated =
        'clusters/prod-use1/workloads/runs/llm-training/qwen3-14b-download-[0-9a-f]+/' +
        'job-llm-training-hf-snapshot-qwen3-14b-download-[0-9a-f]+\\.yaml';
      const message = `looks like a Slack token, rendered from ${DOWNLOAD}; ${SECRET_HELP}`;
      expect(problem).toMatch(new RegExp(`^${generated}:${line}: `));
      expect(problem.slice(problem.indexOf(`:${line}: `) + `:${line}: `.length)).toBe(message);
    },
  );

  it('the scan of one generated file: its path, the line, and the input its marker names', () => {
    const content =
      `# ${markerLine('apps/inference/x.yaml')}\napiVersion: ` +
      `v1\nkind: ConfigMap\ndata:\n  key: "${PRIVATE_KEY}"\n`;
    expect(findSecretInGenerated('clusters/c/services/x/configmap.yaml', content)).toEqual({
      file: 'clusters/c/services/x/configmap.yaml',
      line: 5,
      field: '',
      message: `looks like a private key, rendered from apps/inference/x.yaml; ${SECRET_HELP}`,
    });
    expect(findSecretInGenerated('clusters/c/x.yaml', content.replace(PRIVATE_KEY, 'public'))).toBeUndefined();
  });

  it('nothing the repository generates is flagged', () => {
    const files = execFileSync('git', ['ls-files', 'clusters'], { cwd: REPO, encoding: 'utf-8' })
      .split('\n')
      .filter((f) => f && !f.endsWith('/cluster.yaml'));
    expect(files.length).toBeGreaterThan(100);
    expect(files.map((f) => findSecretInGenerated(f, readFileSync(join(REPO, f), 'utf-8'))).filter(Boolean)).toEqual(
      [],
    );
  });
});
