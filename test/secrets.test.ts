import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cleanupTemps, exampleInputs, regenerate, REPO, snapshotTree, tempDir, writeFile } from './support/fleet';
import { SECRET_HELP } from '../generator/config/secrets';

afterAll(cleanupTemps);

/*
 * Fake credentials, assembled at run time from harmless pieces: they have the shape the detector looks for,
 * and the repository itself never holds a string that looks like a real secret.
 */
const join0 = (...parts: string[]) => parts.join('');
const FAKE = {
  awsKeyId: join0('AK', 'IA', 'FAKEFAKEFAKE', 'FAKE'),
  awsSessionKeyId: join0('AS', 'IA', 'FAKEFAKEFAKE', 'FAKE'),
  awsSecret: 'fake'.repeat(10),
  github: join0('gh', 'p_', 'Fake0'.repeat(8)),
  githubOauth: join0('gh', 'o_', 'Fake0'.repeat(8)),
  githubPat: join0('github', '_pat_', 'Fake0'.repeat(6)),
  huggingFace: join0('h', 'f_', 'Fake'.repeat(9)),
  slack: join0('xo', 'xb-', '000000-fake-fake'),
  privateKey: join0('-----BEGIN ', 'RSA PRIVATE', ' KEY-----\\nAAAA\\n-----END ', 'RSA PRIVATE', ' KEY-----'),
};

const DOWNLOAD = 'recipes/llm-training/qwen3-14b-download.yaml';
const NEMO = 'recipes/llm-training/qwen3-14b-nemo2-sft.yaml';
const CLUSTER = 'clusters/prod-use1/cluster.yaml';

function fleet(): { root: string; outside: string } {
  const root = exampleInputs();
  for (const dir of ['recipes', 'apps', 'images']) cpSync(join(REPO, dir), join(root, dir), { recursive: true });
  const outside = tempDir('outside-');
  writeFileSync(join(outside, 'keep.txt'), 'x');
  return { root, outside };
}

/** The problems of a regenerate that must be refused with nothing written, as `file:line: field: message`. */
function refused(root: string, outside: string): string[] {
  const before = snapshotTree(root);
  const result = regenerate(root);
  expect(result.ok).toBe(false);
  expect(snapshotTree(root)).toEqual(before);
  expect(snapshotTree(outside)).toEqual(new Map([['keep.txt', 'x']]));
  return result.ok ? [] : result.problems.map((p) => `${p.file}:${p.line}: ${p.field}: ${p.message}`);
}

function append(root: string, file: string, text: string): number {
  const current = readFileSync(join(root, file), 'utf-8');
  writeFile(root, file, `${current.replace(/\n*$/, '\n')}${text}`);
  return current.replace(/\n*$/, '\n').split('\n').length;
}

describe('credentials in any input are refused with the way to reference a secret', () => {
  const cases: {
    what: string;
    file: string;
    yaml: (v: string) => string;
    value: string;
    field: string;
    lineOffset: number;
  }[] = [
    {
      what: 'an AWS access key ID',
      file: CLUSTER,
      yaml: (v) => `  access: ${v}\n`,
      value: FAKE.awsKeyId,
      field: 'tags.access',
      lineOffset: 0,
    },
    {
      what: 'an AWS access key ID',
      file: DOWNLOAD,
      yaml: (v) => `env:\n  - name: AWS_ACCESS_KEY_ID\n    value: ${v}\n`,
      value: FAKE.awsSessionKeyId,
      field: 'env[0].value',
      lineOffset: 2,
    },
    {
      what: 'an AWS secret access key',
      file: NEMO,
      yaml: (v) => `post_script:\n  - export AWS_SECRET_ACCESS_KEY=${v}\n`,
      value: FAKE.awsSecret,
      field: 'post_script[0]',
      lineOffset: 1,
    },
    {
      what: 'a GitHub token',
      file: NEMO,
      yaml: (v) => `post_script:\n  - git clone https://${v}@github.com/acme/private.git\n`,
      value: FAKE.github,
      field: 'post_script[0]',
      lineOffset: 1,
    },
    {
      what: 'a GitHub token',
      file: DOWNLOAD,
      yaml: (v) => `env:\n  - name: GH\n    value: ${v}\n`,
      value: FAKE.githubOauth,
      field: 'env[0].value',
      lineOffset: 2,
    },
    {
      what: 'a GitHub fine-grained token',
      file: 'apps/inference/llama3-8b-vllm.yaml',
      yaml: (v) => `notes: ${v}\n`,
      value: FAKE.githubPat,
      field: 'notes',
      lineOffset: 0,
    },
    {
      what: 'a Hugging Face token',
      file: DOWNLOAD,
      yaml: (v) => `env:\n  - name: HF_TOKEN\n    value: ${v}\n`,
      value: FAKE.huggingFace,
      field: 'env[0].value',
      lineOffset: 2,
    },
    {
      what: 'a Slack token',
      file: NEMO,
      yaml: (v) => `post_script:\n  - 'curl -H "Authorization: Bearer ${v}" https://slack.com/api/chat.postMessage'\n`,
      value: FAKE.slack,
      field: 'post_script[0]',
      lineOffset: 1,
    },
    {
      what: 'a private key',
      file: 'apps/inference/llama3-8b-triton.yaml',
      yaml: (v) => `post_script:\n  - "${v}"\n`,
      value: FAKE.privateKey,
      field: 'post_script[0]',
      lineOffset: 1,
    },
    {
      what: 'a credential assigned in a script',
      file: NEMO,
      yaml: (v) => `post_script:\n  - export WANDB_API_KEY=${v}\n`,
      value: 'wandb0fake0value',
      field: 'post_script[0]',
      lineOffset: 1,
    },
    {
      what: 'a credential (a literal value for the variable "DB_PASSWORD")',
      file: DOWNLOAD,
      yaml: (v) => `env:\n  - name: DB_PASSWORD\n    value: ${v}\n`,
      value: 'not-a-reference',
      field: 'env[0].value',
      lineOffset: 2,
    },
    {
      what: 'a credential (a literal value for "token")',
      file: CLUSTER,
      yaml: (v) => `  token: ${v}\n`,
      value: 'plain-text-value',
      field: 'tags.token',
      lineOffset: 0,
    },
  ];

  for (const c of cases) {
    it(`${c.what} in ${c.file}`, () => {
      const { root, outside } = fleet();
      let line: number;
      if (c.file === CLUSTER) {
        // into the tags mapping, so that only the credential is wrong
        const text = readFileSync(join(root, CLUSTER), 'utf-8');
        const at = text.indexOf('tags:\n') + 'tags:\n'.length;
        writeFile(root, CLUSTER, text.slice(0, at) + c.yaml(c.value) + text.slice(at));
        line = text.slice(0, at).split('\n').length;
      } else {
        line = append(root, c.file, c.yaml(c.value));
      }
      expect(refused(root, outside)).toEqual([
        `${c.file}:${line + c.lineOffset}: ${c.field}: looks like ${c.what}; ${SECRET_HELP}`,
      ]);
    });
  }

  it('the message names the way to do it, and never repeats the value', () => {
    expect(SECRET_HELP).toMatch(/ExternalSecret \(platform module external-secrets\)/);
    expect(SECRET_HELP).toMatch(/Kubernetes Secret out of band/);
    expect(SECRET_HELP).toMatch(/valueFrom: \{secretKeyRef: \{name: <secret>, key: <key>\}\}/);
  });

  it('references are not credentials: a secretKeyRef, $VARIABLES, an empty value, a Secret name', () => {
    const { root } = fleet();
    append(
      root,
      DOWNLOAD,
      'env:\n  - name: HF_TOKEN\n    valueFrom: { secretKeyRef: { name: hf-token, key: token ' +
        '} }\n  - name: API_TOKEN\n    value: ${HF_TOKEN}\n  - name: PASSWORD\n    value: ""\n',
    );
    append(root, NEMO, 'post_script:\n  - export HF_TOKEN=$HF_TOKEN\n  - echo "TOKENIZERS_PARALLELISM=false"\n');
    const result = regenerate(root);
    if (!result.ok) {
      throw new Error(result.problems.map((p) => `${p.file}:${p.line}: ${p.field}: ${p.message}`).join('\n'));
    }
    const runs = join(root, 'clusters/prod-use1/workloads/runs/llm-training');
    const run = join(
      runs,
      readdirSync(runs).find((d) => d.startsWith('qwen3-14b-download-'))!,
    );
    const job = readdirSync(run)
      .map((f) => parse(readFileSync(join(run, f), 'utf-8')))
      .find((o) => o.kind === 'Job');
    const env = job.spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-token', key: 'token' } } });
  });

  it('an env entry must have either value or valueFrom', () => {
    const { root, outside } = fleet();
    const line = append(root, DOWNLOAD, 'env:\n  - name: HF_TOKEN\n');
    expect(refused(root, outside)).toEqual([
      `${DOWNLOAD}:${line + 1}: env[0]: expected exactly one of value ` +
        `and valueFrom ({secretKeyRef: {name, key}}), got a mapping`,
    ]);
  });
});
