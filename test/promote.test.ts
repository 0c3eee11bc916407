import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cleanupTemps, exampleInputs, REPO, regenerate, writeFile } from './support/fleet';
import { FakeGitHub } from './support/github-server';
import {
  ModelReferenceError,
  parseModelReference,
  resolveModelReference,
  type ModelReference,
} from '../generator/github/model-reference';
import { editApp, findApp, modelFields, promoteBranch } from '../generator/github/promote';

const exec = promisify(execFile);

/** A KServe app of the example fleet's inference team, serving a model from the FSx claim. */
const KSERVE_APP = 'apps/inference/bert-kserve.yaml';
const KSERVE_TEXT = `# BERT classifier behind KServe; promote changes storage_uri
name: bert-kserve
team: inference
cluster: prod-use1
kind: kserve
model_format: huggingface
storage_uri: pvc://pv-fsx/pretrained-models/bert-base-uncased   # the base model until a fine-tuned one is promoted
resources:
  requests: { "nvidia.com/gpu": 1 }
  limits: { "nvidia.com/gpu": 1 }
  node_type: g6.2xlarge
`;
const MLFLOW_URI = 's3://acme-mlflow-artifacts/1/4be1c0ffee/artifacts/model';
const CHECKPOINT = '3c8a2b4e-1f5d-4e7a-9b0c-2d6e8f1a3b5c';

/** MLflow's and Determined's registry endpoints, answering from memory on 127.0.0.1. */
class FakeRegistries {
  readonly requests: string[] = [];
  private server: Server | undefined;
  baseUrl = '';
  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      this.requests.push(`${req.method} ${url.pathname}${url.search} ${req.headers.authorization ?? ''}`.trim());
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (url.pathname === '/api/2.0/mlflow/model-versions/get-download-uri') {
        const [name, version] = [url.searchParams.get('name'), url.searchParams.get('version')];
        if (name === 'bert-classifier' && version === '3') return json(200, { artifact_uri: MLFLOW_URI });
        if (name === 'proxied' && version === '1') return json(200, { artifact_uri: 'mlflow-artifacts:/1/abc/model' });
        return json(404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Model Version (name=${name}) not found` });
      }
      if (url.pathname === '/api/v1/models/bert-classifier/versions/2') {
        return json(200, {
          model: { name: 'bert-classifier' },
          modelVersion: {
            version: 2,
            checkpoint: {
              uuid: CHECKPOINT,
              training: {
                experimentConfig: {
                  checkpoint_storage: { type: 's3', bucket: 'acme-determined', prefix: 'checkpoints/' },
                },
              },
            },
          },
        });
      }
      return json(404, { error: 'not found' });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    return this;
  }
  async stop() {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

function git(repo: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf-8' });
}

/** A git repository whose main holds the example fleet with its apps and the KServe app, regenerated. */
function fleetRepository(): string {
  const repo = exampleInputs({ withRecipes: true });
  writeFile(repo, KSERVE_APP, KSERVE_TEXT);
  const regenerated = regenerate(repo);
  if (!regenerated.ok) throw new Error(regenerated.problems.map((p) => `${p.file}: ${p.message}`).join('\n'));
  writeFile(repo, '.projen/github-settings.json', JSON.stringify({ owner: 'acme', repository: 'eks-mlops-fleet' }));
  writeFile(repo, '.gitignore', readFileSync(join(REPO, '.gitignore'), 'utf-8'));
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '-A');
  git(repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'fleet');
  return repo;
}

let root: string;
let github: FakeGitHub;
let registries: FakeRegistries;

beforeAll(async () => {
  github = await new FakeGitHub().start();
  registries = await new FakeRegistries().start();
  root = fleetRepository();
});
afterAll(async () => {
  await github.stop();
  await registries.stop();
  cleanupTemps();
});

const S3: ModelReference = { registry: 's3', uri: 's3://acme-models/bert/v7' };

describe('model references', () => {
  it('reads the three forms, and refuses anything else with the forms it takes', () => {
    expect(parseModelReference('s3://acme-models/bert/v7/')).toEqual(S3);
    expect(parseModelReference('mlflow:bert-classifier/3')).toEqual({
      registry: 'mlflow',
      model: 'bert-classifier',
      version: '3',
    });
    expect(parseModelReference('determined:bert-classifier/2')).toMatchObject({ registry: 'determined' });
    const forms = 's3://<bucket>/<key>, mlflow:<registered-model>/<version> or determined:<model>/<version>';
    for (const bad of ['mlflow:bert-classifier', 'mlflow:bert/latest', 'hf://bert', 'models:/bert/3', 'bert']) {
      expect(() => parseModelReference(bad), bad).toThrow(`"${bad}" is not a model reference: expected ${forms}`);
    }
    expect(() => parseModelReference('s3://Acme_Models/x')).toThrow('"s3://Acme_Models/x" is not an S3 URI');
  });

  it("resolves a registry's version to its S3 location, and says why when it cannot", async () => {
    const env = { MLFLOW_TRACKING_URI: registries.baseUrl, DET_MASTER: `${registries.baseUrl}/` };
    expect(await resolveModelReference(parseModelReference('mlflow:bert-classifier/3'), env)).toBe(MLFLOW_URI);
    expect(
      await resolveModelReference(parseModelReference('determined:bert-classifier/2'), {
        ...env,
        DET_USER_TOKEN: 'det-token',
      }),
    ).toBe(`s3://acme-determined/checkpoints/${CHECKPOINT}`);
    expect(registries.requests).toContain('GET /api/v1/models/bert-classifier/versions/2 Bearer det-token');
    await expect(resolveModelReference(parseModelReference('mlflow:bert-classifier/9'), env)).rejects.toThrow(
      new RegExp(`^mlflow:bert-classifier/9: ${registries.baseUrl} answered 404 \\(no such model or version\\)`),
    );
    await expect(resolveModelReference(parseModelReference('mlflow:proxied/1'), env)).rejects.toThrow(
      'mlflow:proxied/1: its artifacts are at mlflow-artifacts:/1/abc/model, which the apps cannot read',
    );
    await expect(resolveModelReference(parseModelReference('mlflow:bert-classifier/3'), {})).rejects.toThrow(
      new ModelReferenceError(
        "mlflow:bert-classifier/3: set MLFLOW_TRACKING_URI to the registry's http(s) address " + 'to resolve it',
      ),
    );
  });
});

describe('the edit of a serving app', () => {
  const changedLines = (before: string, after: string) => {
    const [a, b] = [before.split('\n'), after.split('\n')];
    expect(b.length).toBe(a.length);
    return b.flatMap((line, i) => (line === a[i] ? [] : [[a[i], line]]));
  };

  it('KServe: storage_uri, the comment on its line giving way to the reference', () => {
    const app = findApp(root, KSERVE_APP);
    const fields = modelFields(app);
    expect(fields.map((f) => [f.label, f.from])).toEqual([
      ['storage_uri', 'pvc://pv-fsx/pretrained-models/bert-base-uncased'],
    ]);
    const ref = parseModelReference('mlflow:bert-classifier/3');
    expect(changedLines(app.text, editApp(app, fields, MLFLOW_URI, ref))).toEqual([
      [
        'storage_uri: pvc://pv-fsx/pretrained-models/bert-base-uncased   ' +
          '# the base model until a fine-tuned one is promoted',
        `storage_uri: ${MLFLOW_URI} # promoted from mlflow:bert-classifier/3`,
      ],
    ]);
    // an S3 URI needs no note: the line's comment stays
    expect(changedLines(app.text, editApp(app, fields, S3.uri, S3))[0][1]).toBe(
      'storage_uri: s3://acme-models/bert/v7   # the base model until a fine-tuned one is promoted',
    );
  });

  it("Triton: the MODEL_PATH the server loads; vLLM: the engine's model and the tokenizer that followed it", () => {
    const triton = findApp(root, 'inference/llama3-8b-triton');
    const tritonText = editApp(triton, modelFields(triton), S3.uri, S3);
    expect(changedLines(triton.text, tritonText)).toEqual([
      ['      value: "/fsx/pretrained-models/meta-llama/Meta-Llama-3-8B-Instruct"', `      value: "${S3.uri}"`],
    ]);
    const vllm = findApp(root, 'llama3-8b-vllm');
    const vllmText = editApp(vllm, modelFields(vllm), S3.uri, S3);
    expect(changedLines(vllm.text, vllmText).map(([, after]) => after)).toEqual([
      `    model: "${S3.uri}"`,
      `    tokenizer: "${S3.uri}"`,
    ]);
    expect(parse(vllmText).engine.config).toMatchObject({
      model: S3.uri,
      served_model_name: 'meta-llama3-8b-instruct',
    });
  });

  it('refuses an unknown app, a kind that serves no registered model, and an app without the field', () => {
    expect(() => findApp(root, 'inference/nope')).toThrow(
      '--to inference/nope: no app of that name or file under apps/ (the apps: inference/bert-kserve, ' +
        'inference/bert-packed-graviton, inference/bert-packed-inf2, inference/llama3-8b-triton, ' +
        'inference/llama3-8b-vllm)',
    );
    expect(() => modelFields(findApp(root, 'bert-packed-inf2'))).toThrow(
      'apps/inference/bert-packed-inf2.yaml: kind packed-models cannot be promoted: promote changes the model of a ' +
        'kserve, triton, rayserve-vllm app',
    );
    const app = findApp(root, KSERVE_APP);
    expect(() => modelFields({ ...app, text: app.text.replace(/^storage_uri:.*\n/m, '') })).toThrow(
      `${KSERVE_APP}: expected storage_uri (the model KServe serves), found none, so promote has nothing to change`,
    );
  });

  it('names its branch after the app and the model location', () => {
    const app = findApp(root, KSERVE_APP);
    expect(promoteBranch(app, MLFLOW_URI)).toMatch(/^promote\/bert-kserve-[0-9a-f]{8}$/);
    expect(promoteBranch(app, MLFLOW_URI)).not.toBe(promoteBranch(app, S3.uri));
  });
});

describe('promote command', () => {
  const run = async (args: string[], env: Record<string, string> = {}) => {
    try {
      const { stdout, stderr } = await exec(
        join(REPO, 'node_modules', '.bin', 'tsx'),
        [join(REPO, 'generator/cli/promote.ts'), ...args],
        {
          cwd: root,
          env: {
            ...process.env,
            GITHUB_TOKEN: '',
            GH_TOKEN: 'person-token',
            GITHUB_API_URL: github.baseUrl,
            MLFLOW_TRACKING_URI: registries.baseUrl,
            ...env,
          },
        },
      );
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  it('refuses a bad reference, an unknown app and a kind it cannot promote before asking GitHub', async () => {
    expect(await run(['mlflow:bert', '--to', 'bert-kserve'])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('"mlflow:bert" is not a model reference'),
    });
    expect(await run([S3.uri, '--to', 'inference/nope'])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('--to inference/nope: no app of that name or file under apps/'),
    });
    expect(await run([S3.uri, '--to', 'bert-packed-graviton'])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('kind packed-models cannot be promoted'),
    });
    expect(await run([S3.uri])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^usage: npx projen promote/) });
    expect(github.requests).toEqual([]);
    expect(git(root, 'status', '--porcelain')).toBe('');
  });

  it('opens a pull request: the branch, the app and its InferenceService changed, the preview', async () => {
    const result = await run(['mlflow:bert-classifier/3', '--to', 'inference/bert-kserve']);
    expect(result.code, result.stderr).toBe(0);
    const branch = promoteBranch(findApp(root, KSERVE_APP), MLFLOW_URI);
    expect(result.stdout).toContain(`opened https://github.com/acme/eks-mlops-fleet/pull/1 (branch ${branch}, `);
    const pr = github.pulls[0];
    expect(pr).toMatchObject({
      head: branch,
      base: 'main',
      title: 'Promote mlflow:bert-classifier/3 to inference/bert-kserve',
    });
    const commit = github.commits.get(github.refs.get(`heads/${branch}`)!)!;
    const paths = [...commit.files.keys()];
    expect(parse(commit.files.get(KSERVE_APP)!).storage_uri).toBe(MLFLOW_URI);
    const isvcPath = paths.find((p) =>
      /^clusters\/prod-use1\/workloads\/services\/inference\/bert-kserve\/inferenceservice-.*\.yaml$/.test(p),
    );
    expect(isvcPath, paths.join('\n')).toBeDefined();
    expect(parse(commit.files.get(isvcPath!)!).spec.predictor.model.storageUri).toBe(MLFLOW_URI);
    // only the app and what was generated from it (and the generator's file list)
    for (const path of paths) {
      expect(path === KSERVE_APP || path.startsWith('clusters/prod-use1/') || path.startsWith('.projen/'), path).toBe(
        true,
      );
    }
    // the body: what changed, and the run preview with the rendered objects' diff
    expect(pr.body).toContain(
      `| \`storage_uri\` | \`pvc://pv-fsx/pretrained-models/bert-base-uncased\` | \`${MLFLOW_URI}\` |`,
    );
    expect(pr.body).toContain('## ML run preview');
    expect(pr.body).toContain('### `bert-kserve` on `prod-use1`');
    expect(pr.body).toMatch(/^-\s+storageUri: pvc:\/\/pv-fsx\/pretrained-models\/bert-base-uncased$/m);
    expect(pr.body).toContain(`+      storageUri: ${MLFLOW_URI}`);
    expect(pr.body).not.toContain('<!--');
  });
});
