import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { cleanupTemps, exampleInputs, regenerate, REPO, writeFile } from './support/fleet';
import { formatProblem, type Problem } from '../generator/config/problems';
import { KIND_KEYS, SERVICE_KINDS, type RecipeBody } from '../generator/recipes/recipe-schema';
import { importSeedRecipe } from '../generator/recipes/seed-import';
import { PATH_FIELDS, PATH_KINDS, pathProblems } from '../generator/workloads/path-policy';

afterAll(cleanupTemps);

type Kind = keyof typeof KIND_KEYS;
type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const NGC = 'nvcr.io/nvidia/pytorch:25.10-py3';
const SERVE =
  'applications:\n  - name: app\n    import_path: ' +
  'openai_api:deployment\n    deployments:\n      - name: VLLMDeployment\n';
/** A recipe body of each kind that passes every check on prod-use1: the path fields are added to it. */
const BASE: Record<Kind, () => Body> = {
  'pytorch-distributed': () => ({ image: NGC, train: { command: ['torchrun', 'train.py'] } }),
  'pytorch-elastic': () => ({ image: NGC, train: { command: ['torchrun', 'train.py'] } }),
  'ray-train': () => ({ image: NGC, train: { command: ['python', 'train.py'] } }),
  mpi: () => ({ image: NGC, train: { command: ['mpirun', 'python', 'train.py'] } }),
  'data-process': () => ({ image: NGC, process: { command: ['python', 'prep.py'] } }),
  'model-download': () => ({ hf_model_id: 'Qwen/Qwen3-14B' }),
  'rayserve-vllm': () => ({
    image: '777788889999.dkr.ecr.us-east-1.amazonaws.com/ray-vllm:2.54.1-vllm-0.19.0',
    ray: { serve_config_v2: { serveConfigV2: SERVE } },
    engine: { config: { model: 'Qwen/Qwen3-14B' } },
  }),
  triton: () => ({
    image: { name: 'nvcr.io/nvidia/tritonserver:25.10-vllm-python-py3' },
    server: { command: ['tritonserver'] },
  }),
  'djl-lmi': () => ({ image: 'public.ecr.aws/djl/djl-serving:0.33.0', server: { command: ['djl-serving'] } }),
  kserve: () => ({ storage_uri: 's3://acme-models/qwen3-14b' }),
  'model-compile': () => ({
    image: 'public.ecr.aws/neuron/pytorch-inference-neuronx:2.8.0-neuronx-py311-sdk2.26.0-ubuntu22.04',
    resources: { node_type: 'inf2.xlarge' },
    compile: {
      target: 'neuron',
      models: [{ source: 'google-bert/bert-base-uncased', output: '/efs/home/llm-training/m' }],
    },
  }),
  // the packed set of the first case (every case's recipes are in one fleet)
  'load-test': () => ({
    load_test: { target: { app: 'c0-packed-models' }, rates: [10], results: '/efs/home/llm-training/loadtests' },
  }),
  'pachyderm-pipeline': () => ({
    image: 'public.ecr.aws/docker/library/python:3.11.11-slim-bookworm',
    resources: { node_type: 'm6i.4xlarge' },
    pachyderm: { input: { pfs: { repo: 'raw', glob: '/*' } }, transform: { cmd: ['python3', 'prep.py'] } },
  }),
  'determined-experiment': () => ({
    image: NGC,
    resources: { node_type: 'g6e.xlarge' },
    determined: {
      entrypoint: 'python3 train.py',
      searcher: { name: 'single', metric: 'validation_loss' },
      checkpoint_storage: { type: 's3', bucket: 'prod-use1-777788889999-determined' },
      user_secret_name: 'determined-user',
    },
  }),
  'packed-models': () => ({
    image: 'public.ecr.aws/neuron/pytorch-inference-neuronx:2.8.0-neuronx-py311-sdk2.26.0-ubuntu22.04',
    resources: { node_type: 'inf2.xlarge' },
    models: [{ name: 'bert', cpu: 1, memory: '2Gi', neuron_cores: 1 }],
  }),
};
const teamOf = (kind: Kind) => ((SERVICE_KINDS as readonly string[]).includes(kind) ? 'inference' : 'llm-training');

const R = '{{ .Release.Name }}';
const homes = (team: string, run: boolean) =>
  ['/fsx', '/efs'].flatMap((m) => [`${m}/home/${team}/`, ...(run ? [`${m}/home/${R}/`] : [])]).join(', ');
const MODELS = 'the models folder (/fsx/pretrained-models/, read only)';
const SHARED = "it is on a file system all teams share, outside the team's folders";
const READ_ONLY =
  'the models folder is read only; only a model download writes it, at /fsx/pretrained-models/<org>/<name>';
/**
 * The message of a path in free text (an environment value fills `{{ .Release.Name }}` in, a Serve config does not).
 */
const valueMessage = (team: string, v: string, run = true) =>
  `expected a path in the team's home (${homes(team, run)}) or ${MODELS}, got "${v}": ${SHARED}`;
const nameMessage = (v: string) =>
  `expected a name (letters, digits, ".", "_", "-"), got "${v}": a path leaves its folder`;
const env = (name: string, value: string) => [{ name, value }];

interface Case {
  /** The PATH_FIELDS entry. */
  readonly field: string;
  /** The kinds that have it; by default those whose schema holds the field's first key. */
  readonly kinds?: readonly Kind[];
  readonly set: (body: Body, value: string, kind: Kind) => void;
  /** A value that reaches outside the team's roots, and one inside them. */
  readonly escape: string;
  readonly allowed: string;
  /** `<field path>: <message>` of the escaping value. */
  readonly problem: (team: string, kind: Kind) => string;
  /** Text on the line the problem names, when it is not the value's own (a key holding YAML text). */
  readonly mark?: (kind: Kind) => string;
}

const CASES: readonly Case[] = [
  {
    field: 'pvc[].mount_path',
    escape: '/fsx/../efs',
    allowed: '/fsx',
    set: (b, v) => {
      b.pvc = [
        { name: 'pv-fsx', mount_path: v },
        { name: 'pv-efs', mount_path: '/efs' },
      ];
    },
    problem: () => 'pvc[0].mount_path: expected a path without ".." segments, got "/fsx/../efs"',
  },
  {
    field: 'ebs.mount_path',
    escape: '/scratch/../fsx',
    allowed: '/scratch',
    set: (b, v) => {
      b.ebs = { storage: '10Gi', mount_path: v };
    },
    problem: () => 'ebs.mount_path: expected a path without ".." segments, got "/scratch/../fsx"',
  },
  {
    field: 'hf_model_id',
    escape: '../../../fsx/home/other-team',
    allowed: 'meta-llama/Meta-Llama-3-8B-Instruct',
    set: (b, v) => {
      b.hf_model_id = v;
    },
    problem: () =>
      'hf_model_id: expected a Hugging Face model id (<org>/<name>), got ' +
      '"../../../fsx/home/other-team": it would write outside /fsx/pretrained-models/',
  },
  {
    field: 'snapshot.dir',
    escape: '/fsx/home/other-team',
    allowed: '/fsx/home/llm-training/models',
    set: (b, v) => {
      b.snapshot = { dir: v };
    },
    problem: (t) =>
      `snapshot.dir: expected /fsx/pretrained-models/ itself or a path in the ` +
      `team's home (${homes(t, false)}), got "/fsx/home/other-team": ${SHARED}`,
  },
  {
    field: 'env[].name',
    escape: 'SNAPSHOT_ROOT',
    allowed: 'HF_HUB_OFFLINE',
    set: (b, v) => {
      b.env = env(v, '1');
    },
    problem: () =>
      'env[0].name: is set by the model download from snapshot.dir; ' +
      'an env entry of that name would replace it unchecked',
  },
  {
    field: 'env[].value',
    escape: '/efs/home/other-team/cache',
    allowed: `/efs/home/${R}/cache`,
    set: (b, v) => {
      b.env = env('HF_HOME', v);
    },
    problem: (t) => `env[0].value: ${valueMessage(t, '/efs/home/other-team/cache')}`,
  },
  ...(['train', 'process', 'server'] as const).map((key): Case => ({
    field: `${key}.env[].value`,
    escape: '/fsx/home/other-team/checkpoints',
    allowed: '/fsx/home/{team}/checkpoints',
    set: (b, v) => {
      b[key] = { ...b[key], env: env('CKPT_ROOT', v) };
    },
    problem: (t) => `${key}.env[0].value: ${valueMessage(t, '/fsx/home/other-team/checkpoints')}`,
  })),
  {
    field: 'ray.env[].value',
    escape: '/efs/home/other-team/logs',
    allowed: `/efs/home/${R}/logs`,
    set: (b, v) => {
      b.ray = { ...b.ray, env: env('LOG_ROOT', v) };
    },
    problem: (t) => `ray.env[0].value: ${valueMessage(t, '/efs/home/other-team/logs')}`,
  },
  {
    field: 'framework',
    escape: '../../../fsx/home/other-team',
    allowed: 'accelerate',
    set: (b, v, kind) => {
      b.framework = kind === 'rayserve-vllm' && v === 'accelerate' ? 'vllm-0.19.0' : v;
    },
    problem: () => `framework: ${nameMessage('../../../fsx/home/other-team')}`,
  },
  {
    field: 'git.repo_url',
    escape: 'file:///fsx/home/other-team/repo.git',
    allowed: 'https://github.com/acme/train.git',
    set: (b, v) => {
      b.git = { repo_url: v, branch: 'main' };
    },
    problem: (t) =>
      `git.repo_url: expected a URL or a path in the team's home (${homes(t, false)}) ` +
      `or ${MODELS}, got "/fsx/home/other-team/repo.git": ${SHARED}`,
  },
  {
    field: 'models[].model_path',
    escape: '/fsx/home/other-team/model.pt',
    allowed: '/fsx/home/inference/models/bert.pt',
    set: (b, v) => {
      b.models[0].model_path = v;
    },
    problem: (t) =>
      `models[0].model_path: expected a Hugging Face model id ` +
      `(<org>/<name>) or a path in the team's home (${homes(t, false)}) ` +
      `or ${MODELS}, got "/fsx/home/other-team/model.pt": ${SHARED}`,
  },
  {
    field: 'compile.models[].source',
    escape: '/fsx/home/other-team/model',
    allowed: '/fsx/home/llm-training/model',
    set: (b, v) => {
      b.compile.models[0].source = v;
    },
    problem: (t) =>
      `compile.models[0].source: expected a Hugging Face model id ` +
      `(<org>/<name>) or a path in the team's home (${homes(t, false)}) ` +
      `or ${MODELS}, got "/fsx/home/other-team/model": ${SHARED}`,
  },
  {
    field: 'compile.models[].output',
    escape: '/fsx/pretrained-models/bert',
    allowed: '/fsx/home/llm-training/models/bert',
    set: (b, v) => {
      b.compile.models[0].output = v;
    },
    problem: (t) =>
      `compile.models[0].output: expected a path in the team's home ` +
      `(${homes(t, false)}), got "/fsx/pretrained-models/bert": ${READ_ONLY}`,
  },
  {
    field: 'load_test.results',
    escape: '/efs/home/other-team/results',
    allowed: '/efs/home/llm-training/results',
    set: (b, v) => {
      b.load_test.results = v;
    },
    problem: (t) =>
      `load_test.results: expected a path in the team's home ` +
      `(${homes(t, false)}), got "/efs/home/other-team/results": ${SHARED}`,
  },
  {
    field: 'models[].env[].value',
    escape: '/efs/home/other-team/cache',
    allowed: `/efs/home/${R}/cache`,
    set: (b, v) => {
      b.models[0].env = env('CACHE_DIR', v);
    },
    problem: (t) => `models[0].env[0].value: ${valueMessage(t, '/efs/home/other-team/cache')}`,
  },
  ...(['model', 'tokenizer'] as const).map((key): Case => ({
    field: `engine.config.${key}`,
    escape: '/fsx/home/other-team/model',
    allowed: '/fsx/pretrained-models/Qwen/Qwen3-14B',
    set: (b, v) => {
      b.engine.config[key] = v;
    },
    problem: (t) =>
      `engine.config.${key}: expected a Hugging Face model id ` +
      `(<org>/<name>) or a path in the team's home (${homes(t, false)}) ` +
      `or ${MODELS}, got "/fsx/home/other-team/model": ${SHARED}`,
  })),
  {
    field: 'engine.config.download_dir',
    escape: '/fsx/pretrained-models/cache',
    allowed: '/fsx/home/inference/cache',
    set: (b, v) => {
      b.engine.config.download_dir = v;
    },
    problem: (t) =>
      `engine.config.download_dir: expected a path in the team's home ` +
      `(${homes(t, false)}), got "/fsx/pretrained-models/cache": ${READ_ONLY}`,
  },
  {
    field: 'engine.config.*',
    escape: '/efs/home/other-team/chat.jinja',
    allowed: '/efs/home/inference/chat.jinja',
    set: (b, v) => {
      b.engine.config.chat_template = v;
    },
    problem: (t) => `engine.config.chat_template: ${valueMessage(t, '/efs/home/other-team/chat.jinja', false)}`,
  },
  {
    field: 'engine.code',
    escape: '../evil.py',
    allowed: 'tools.py',
    mark: () => 'code:',
    set: (b, v) => {
      b.engine.code = `${v}: |\n  print("hello")\n`;
    },
    problem: () => `engine.code: ${nameMessage('../evil.py')}`,
  },
  ...(
    [
      [
        'runtime_env.working_dir, runtime_env.py_modules[]',
        'working_dir',
        '/fsx/home/other-team/app',
        'https://github.com/acme/app/archive/main.zip',
        (t: string) =>
          `expected a URL or a path in the team's home (${homes(t, false)}) ` +
          `or ${MODELS}, got "/fsx/home/other-team/app": ${SHARED}`,
      ],
      [
        'runtime_env.env_vars.*',
        'env_vars.ENGINE_CONFIG',
        '/efs/home/other-team/engine.json',
        '/etc/engine-config/engine-config.json',
        (t: string) => valueMessage(t, '/efs/home/other-team/engine.json', false),
      ],
    ] as const
  ).map(([field, key, escape, allowed, message]): Case => ({
    field,
    escape,
    allowed,
    kinds: ['rayserve-vllm', 'ray-train'],
    mark: (kind) => (kind === 'rayserve-vllm' ? 'serveConfigV2:' : 'runtimeEnvYAML:'),
    set: (b, v, kind) => {
      const runtime = key === 'working_dir' ? `working_dir: ${v}` : `env_vars:\n  ENGINE_CONFIG: ${v}`;
      if (kind === 'rayserve-vllm') {
        b.ray.serve_config_v2.serveConfigV2 += `    runtime_env:\n${runtime.replace(/^/gm, '      ')}\n`;
      } else {
        b.ray = { runtime_env_yaml: { runtimeEnvYAML: `${runtime}\n` } };
      }
    },
    problem: (t, kind) =>
      kind === 'rayserve-vllm'
        ? `ray.serve_config_v2.serveConfigV2: applications[0].runtime_env.${key}: ${message(t)}`
        : `ray.runtime_env_yaml.runtimeEnvYAML: runtimeEnvYAML.${key}: ${message(t)}`,
  })),
  {
    field: 'storage_uri',
    escape: 'pvc://pv-fsx/home/other-team/model',
    allowed: 'pvc://pv-fsx/pretrained-models/Qwen/Qwen3-14B',
    set: (b, v) => {
      b.storage_uri = v;
    },
    problem: (t) =>
      `storage_uri: expected a path in the team's home (pvc://pv-fsx/home/${t}/) ` +
      `or the models folder (pvc://pv-fsx/pretrained-models/, ` +
      `read only), got "pvc://pv-fsx/home/other-team/model": ${SHARED}`,
  },
];

/** The first key of a field (`train` of `train.env[].value`); the runtime environments live under `ray`. */
const keyOf = (field: string) => (field.startsWith('runtime_env') ? 'ray' : field.split(/[.[]/)[0]);
const kindsOf = (c: Case) =>
  c.kinds ?? (Object.keys(KIND_KEYS) as Kind[]).filter((k) => (KIND_KEYS[k] as string[]).includes(keyOf(c.field)));

interface Written {
  readonly label: string;
  readonly file: string;
  readonly line: number;
  readonly expected: string;
}

/** One fleet holding a recipe per field and kind, the field set to `pick(case)`; the line of each field. */
function fleet(pick: (c: Case) => string): { problems: Problem[]; written: Written[] } {
  const root = exampleInputs();
  const written = CASES.flatMap((c, i) =>
    kindsOf(c).map((kind): Written => {
      const team = teamOf(kind);
      const name = `c${i}-${kind}`;
      const body = BASE[kind]();
      const value = pick(c).replace('{team}', team);
      c.set(body, value, kind);
      const text = stringify({ name, team, cluster: 'prod-use1', kind, ...body }, { lineWidth: 0 });
      const file = `${team === 'inference' ? 'apps' : 'recipes'}/${team}/${name}.yaml`;
      writeFile(root, file, text);
      const mark = c.mark?.(kind) ?? value;
      const line = text.split('\n').findIndex((l) => l.includes(mark)) + 1;
      return { label: `${c.field} on ${kind}`, file, line, expected: `${file}:${line}: ${c.problem(team, kind)}` };
    }),
  );
  const result = regenerate(root);
  return { problems: result.ok ? [] : result.problems, written };
}

describe('the path policy, for every path-like field of every kind', () => {
  it('has a case for every field of the policy table', () => {
    expect(new Set(CASES.map((c) => c.field))).toEqual(new Set(PATH_FIELDS.map((f) => f.field)));
    for (const c of CASES) expect(kindsOf(c).length, c.field).toBeGreaterThan(0);
  });

  const escaping = fleet((c) => c.escape);
  it.each(escaping.written.map((w) => [w.label, w] as const))(
    '%s: a value reaching outside the team is refused at its line',
    (_l, w) => {
      expect(escaping.problems.filter((p) => p.file === w.file).map(formatProblem)).toEqual([w.expected]);
    },
  );

  const allowed = fleet((c) => c.allowed);
  it.each(allowed.written.map((w) => [w.label, w] as const))(
    "%s: a value inside the team's roots is accepted",
    (_l, w) => {
      expect(allowed.problems.filter((p) => p.file === w.file).map(formatProblem)).toEqual([]);
    },
  );

  it("a pipeline step's field is named and placed by its step", () => {
    const root = exampleInputs();
    const file = 'recipes/llm-training/steps-escape.yaml';
    const text = [
      'name: steps-escape',
      'team: llm-training',
      'cluster: prod-use1',
      'kind: pipeline',
      'steps:',
      '  - name: prep',
      '    kind: data-process',
      `    image: ${NGC}`,
      '    process:',
      '      command: [python, prep.py]',
      '  - name: train',
      '    kind: pytorch-distributed',
      `    image: ${NGC}`,
      '    train:',
      '      command: [torchrun, train.py]',
      '      env:',
      '        - name: DATA_ROOT',
      '          value: /fsx/home/other-team/data',
      '',
    ].join('\n');
    writeFile(root, file, text);
    const result = regenerate(root);
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([
      `${file}:18: steps[1].train.env[0].value: ${valueMessage('llm-training', '/fsx/home/other-team/data')}`,
    ]);
  });

  it("the seed's coco-2017 download, which fills /fsx/data/ for every team, is refused as written", () => {
    const root = exampleInputs();
    const seed = 'legacy/maskrcnn/coco-2017.yaml';
    const imported = importSeedRecipe(seed, readFileSync(join(REPO, 'test/fixtures/seed-recipes', seed), 'utf-8'), {
      team: 'llm-training',
      cluster: 'prod-use1',
      name: 'coco-2017',
    });
    if (!imported.ok) throw new Error(imported.reason);
    writeFile(root, 'recipes/llm-training/coco-2017.yaml', imported.text);
    const result = regenerate(root);
    expect(result.ok ? [] : result.problems.map(formatProblem)).toContainEqual(
      expect.stringMatching(
        new RegExp(
          String.raw`^recipes/llm-training/coco-2017\.yaml:\d+: process\.env\[0\]\.value: .*, ` +
            String.raw`got "/fsx/data/coco2017": it is on a file system all teams share`,
        ),
      ),
    );
  });
});

describe('what the policy takes for a path', () => {
  const messages = (body: Body, team = 'llm-training') =>
    pathProblems(
      { tolerations: [], inline_script: [], pre_script: [], post_script: [], ...body } as RecipeBody,
      team,
    ).map((p) => `${p.field}: ${p.message}`);

  it('a Hugging Face id by the hub\'s rule: <org>/<name> of letters, digits, "-", "_", "."', () => {
    for (const id of ['Qwen/Qwen3-14B', 'meta-llama/Llama-3.1-8B', 'BAAI/bge-reranker-v2-m3', 'a_b/c.d']) {
      expect(messages({ hf_model_id: id }), id).toEqual([]);
    }
    for (const id of ['Qwen', 'a/b/c', '-a/b', 'a/b.', 'a--b/c', 'a/b..c', 'a/b.git', 'a/b c', '/fsx/x']) {
      expect(messages({ hf_model_id: id }), id).toEqual([
        `hf_model_id: expected a Hugging Face model id (<org>/<name>), got "${id}"`,
      ]);
    }
  });

  it('normalises "." and empty segments; refuses ".." and names that look like links', () => {
    const value = (v: string) => messages({ train: { env: env('X', v), command: [], args: [] } });
    expect(value('/fsx/./home//llm-training/')).toEqual([]);
    expect(value('/efs/home/llm-training/../other-team')).toEqual([
      'train.env[0].value: expected a path without ".." segments, got "/efs/home/llm-training/../other-team"',
    ]);
    for (const [v, name] of [
      ['/proc/self/root/fsx/home/other-team', '/proc/self'],
      ['/dev/fd/3/x', '/dev/fd'],
      ['/efs/home/~other/x', '~other'],
      ['/fsx/home/llm-training/latest->v2', 'latest->v2'],
      ['/fsx/home/llm-training/latest@', 'latest@'],
    ]) {
      expect(value(v)[0], v).toMatch(
        new RegExp(
          `^train\\.env\\[0\\]\\.value: expected a plain path, got ` +
            `".*": "${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`,
        ),
      );
    }
  });

  it("places a path through the recipe's own mounts: pv-fsx at /data makes /data/home/<other> another team's", () => {
    const body = {
      pvc: [{ name: 'pv-fsx', mount_path: '/data' }],
      train: { env: env('X', '/data/home/other-team'), command: [], args: [] },
    };
    expect(messages(body)).toEqual([
      `train.env[0].value: expected a path in the team's home ` +
        `(/data/home/llm-training/, /data/home/${R}/) or the models folder ` +
        `(/data/pretrained-models/, read only), got "/data/home/other-team": ${SHARED}`,
    ]);
    // not mounted, /fsx is the container's own folder
    expect(messages({ ...body, train: { env: env('X', '/fsx/home/other-team'), command: [], args: [] } })).toEqual([]);
  });

  it("free text: every path in a value is checked, the container's own paths and URLs are left alone", () => {
    const value = (v: string) => messages({ train: { env: env('X', v), command: [], args: [] } });
    for (const ok of [
      '/etc/framework-scripts',
      '^lo,docker0',
      '/usr/lib:/usr/local/cuda/lib64',
      'https://fsx/home/other-team',
      `/efs/home/${R}`,
    ]) {
      expect(value(ok), ok).toEqual([]);
    }
    expect(value('--cache_dir=/fsx/home/other-team --x')[0]).toContain('got "/fsx/home/other-team"');
    expect(value('/usr/lib:/efs/home/other-team/lib')[0]).toContain('got "/efs/home/other-team/lib"');
    // {{ .Release.Name }} is filled in only in environment values: in a download root it would be a folder of that name
    expect(messages({ hf_model_id: 'Qwen/Qwen3-14B', snapshot: { dir: `/fsx/home/${R}` } })[0]).toContain(
      `(${R} is filled in only in environment values)`,
    );
  });

  it(
    'the model download writes the models folder only at ' +
      '<org>/<name>: the folder itself as its root, nothing below',
    () => {
      expect(messages({ hf_model_id: 'Qwen/Qwen3-14B', snapshot: { dir: '/fsx/pretrained-models' } })).toEqual([]);
      expect(messages({ hf_model_id: 'Qwen/Qwen3-14B', snapshot: { dir: '/fsx/pretrained-models/Qwen' } })).toEqual([
        `snapshot.dir: expected /fsx/pretrained-models/ itself or a ` +
          `path in the team's home (${homes('llm-training', false)}), ` +
          `got "/fsx/pretrained-models/Qwen": ${READ_ONLY}`,
      ]);
    },
  );
});

describe('the README documents the policy table', () => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf-8').split('\n');
  it.each(PATH_FIELDS.map((f) => [f.field, f] as const))('%s', (_f, f) => {
    const row = readme.find((l) => l.startsWith(`| \`${f.field}\` `));
    expect(row, f.field).toBeDefined();
    expect(row).toContain(`| ${f.what} | ${PATH_KINDS[f.what].allowed} |`);
  });
});
