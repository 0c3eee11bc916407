import { mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cleanupTemps, exampleInputs, FLEET, regenerate, REPO, writeFile } from './support/fleet';
import { sortProblems } from '../generator/config/problems';
import { generateFleet } from '../generator/fleet/generate';

afterAll(cleanupTemps);

type Obj = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels: Record<string, string>; annotations?: Record<string, string> };
  spec: any;
  data?: Record<string, string>;
}; // eslint-disable-line @typescript-eslint/no-explicit-any

const generated = generateFleet({ root: REPO, ...FLEET });
if (!generated.ok) throw new Error('example fleet is invalid');
const files = new Map(generated.files.map((f) => [f.path, f.content]));
const PROD = 'clusters/prod-use1/workloads';

/** The objects of one run or service folder, by kind. */
function folder(prefix: string): Obj[] {
  const paths = [...files.keys()].filter((p) => p.startsWith(prefix) && p.endsWith('.yaml'));
  expect(paths.length, prefix).toBeGreaterThan(0);
  return paths.map((p) => parse(files.get(p)!) as Obj);
}
function runFolder(team: string, recipe: string): { run: string; objects: Obj[] } {
  const dir = `${PROD}/runs/${team}/`;
  const run = [
    ...new Set(
      [...files.keys()].filter((p) => p.startsWith(`${dir}${recipe}-`)).map((p) => p.slice(dir.length).split('/')[0]),
    ),
  ];
  expect(run, recipe).toHaveLength(1);
  return { run: run[0], objects: folder(`${dir}${run[0]}/`) };
}
const only = (objects: Obj[], kind: string) => {
  const found = objects.filter((o) => o.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0];
};

const runDirs = (root: string, team: string) =>
  readdirSync(join(root, 'clusters/prod-use1/workloads/runs', team))
    .filter((d) => !d.endsWith('.md'))
    .sort();

describe('the example fleet runs and services', () => {
  it('carries at least six runs and four services on prod-use1', () => {
    const runs = new Set(
      [...files.keys()]
        .filter((p) => p.startsWith(`${PROD}/runs/`) && p.endsWith('.yaml'))
        .map((p) => p.split('/').slice(4, 6).join('/')),
    );
    const services = new Set(
      [...files.keys()].filter((p) => p.startsWith(`${PROD}/services/`)).map((p) => p.split('/').slice(4, 6).join('/')),
    );
    expect(runs.size).toBeGreaterThanOrEqual(6);
    expect([...services].sort()).toEqual([
      'inference/bert-packed-graviton',
      'inference/bert-packed-inf2',
      'inference/llama3-8b-triton',
      'inference/llama3-8b-vllm',
    ]);
  });

  it('multi-node GPU training over EFA: a TrainJob on the cuda-efa pool, queued by Kueue', () => {
    const { run, objects } = runFolder('llm-training', 'qwen3-14b-nemo2-sft');
    const job = only(objects, 'TrainJob');
    expect(job.metadata.name).toBe(run);
    expect(job.metadata.labels).toMatchObject({
      'kueue.x-k8s.io/queue-name': 'llm-training',
      'kueue.x-k8s.io/priority-class': 'high',
    });
    expect(job.spec.suspend).toBeUndefined();
    expect(job.spec.runtimeRef).toEqual({
      apiGroup: 'trainer.kubeflow.org',
      kind: 'ClusterTrainingRuntime',
      name: 'torch-distributed',
    });
    expect(job.spec.trainer).toMatchObject({
      numNodes: 2,
      numProcPerNode: 8,
      resourcesPerNode: { requests: { 'nvidia.com/gpu': '8', 'vpc.amazonaws.com/efa': '4' } },
    });
    const pod =
      job.spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[0].template.spec.template.spec;
    expect(pod.nodeSelector).toEqual({
      'karpenter.sh/nodepool': 'cuda-efa',
      'node.kubernetes.io/instance-type': 'p4d.24xlarge',
    });
    // the seed tolerates the GPU taint; the pool's EFA taint is tolerated too
    expect(pod.tolerations.map((t: { key: string }) => t.key)).toEqual(['nvidia.com/gpu', 'vpc.amazonaws.com/efa']);
    expect(only(objects, 'ConfigMap').metadata.name).toBe(`train-script-${run}`);
  });

  it('Trainium training: 4 trn1.32xlarge nodes of 16 Neuron devices in the neuron pool', () => {
    const { objects } = runFolder('neuron-research', 'llama3-8b-neuronx-pretrain');
    const job = only(objects, 'TrainJob');
    expect(job.spec.trainer.numNodes).toBe(4);
    expect(job.spec.trainer.resourcesPerNode.limits).toEqual({
      'aws.amazon.com/neuron': '16',
      'vpc.amazonaws.com/efa': '8',
    });
    const pod =
      job.spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[0].template.spec.template.spec;
    expect(pod.nodeSelector['karpenter.sh/nodepool']).toBe('neuron');
  });

  it('Ray Train, data processing and model download: a RayJob and two Jobs, none with a TTL', () => {
    const ray = only(runFolder('llm-training', 'bert-raytrain-fine-tune').objects, 'RayJob');
    expect(ray.spec.shutdownAfterJobFinishes).toBe(true);
    expect(ray.metadata.labels['kueue.x-k8s.io/queue-name']).toBe('llm-training');
    const data = only(runFolder('llm-training', 'gpt2-wikicorpus-preprocess').objects, 'Job');
    const download = runFolder('llm-training', 'qwen3-14b-download').objects;
    const hf = only(download, 'Job');
    expect(hf.spec.template.spec.containers[0].env).toContainEqual({
      name: 'SNAPSHOT_ROOT',
      value: '/fsx/pretrained-models',
    });
    expect(hf.spec.template.spec.containers[0].env).toContainEqual({ name: 'HF_MODEL_ID', value: 'Qwen/Qwen3-14B' });
    for (const job of [data, hf]) {
      expect(job.spec.ttlSecondsAfterFinished).toBeUndefined();
      expect(job.spec.suspend).toBeUndefined();
    }
    for (const [path, content] of files) {
      if (path.startsWith(`${PROD}/`)) expect(content, path).not.toMatch(/ttlSecondsAfterFinished|suspend: false/);
    }
  });

  it('a three-step pipeline: one TrainJob per step, in sync waves 0, 1, 2', () => {
    const { run, objects } = runFolder('llm-training', 'qwen3-14b-sft-pipeline');
    const jobs = objects
      .filter((o) => o.kind === 'TrainJob')
      .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
    expect(jobs.map((j) => j.metadata.name)).toEqual([`${run}-s1`, `${run}-s2`, `${run}-s3`]);
    expect(jobs.map((j) => j.metadata.annotations?.['argocd.argoproj.io/sync-wave'])).toEqual(['0', '1', '2']);
    expect(jobs.map((j) => j.metadata.labels['mlops-fleet.io/step'])).toEqual(['fine-tune', 'convert-hf', 'evaluate']);
    // a step's script ConfigMap is in its step's wave
    for (const cm of objects.filter((o) => o.kind === 'ConfigMap')) {
      expect(cm.metadata.annotations?.['argocd.argoproj.io/sync-wave']).toBe(
        String(Number(cm.metadata.name.slice(-1)) - 1),
      );
    }
  });

  it("services: Ray Serve vLLM and Triton in the inference team's namespace", () => {
    const vllm = folder(`${PROD}/services/inference/llama3-8b-vllm/`);
    const rs = only(vllm, 'RayService');
    expect(rs.metadata.namespace).toBe('ml-serving');
    expect(rs.spec.serveConfigV2).toContain('import_path: openai_api:deployment');
    expect(JSON.parse(only(vllm, 'ConfigMap').data!['engine-config.json']).model).toBe(
      '/fsx/pretrained-models/meta-llama/Meta-Llama-3-8B-Instruct',
    );
    const triton = folder(`${PROD}/services/inference/llama3-8b-triton/`);
    expect(only(triton, 'Deployment').spec.replicas).toBe(1);
    expect(only(triton, 'HorizontalPodAutoscaler').spec.maxReplicas).toBe(4);
    expect(only(triton, 'Service').spec.ports.map((p: { port: number }) => p.port)).toEqual([8000, 8001, 8002]);
  });

  it("lists every run in the cluster's runs index", () => {
    const index = files.get(`${PROD}/runs/README.md`)!;
    for (const recipe of [
      'qwen3-14b-nemo2-sft',
      'llama3-8b-neuronx-pretrain',
      'bert-raytrain-fine-tune',
      'gpt2-wikicorpus-preprocess',
      'qwen3-14b-sft-pipeline',
    ]) {
      expect(index).toContain(`recipes/`);
      expect(index).toMatch(new RegExp(`\\| \`${recipe}-[0-9a-f]{6}\` \\|`));
    }
    // cost: the pipeline's costliest step (2 x p4d.24xlarge at $21.957642/h in us-east-1) for its 20h
    expect(index).toMatch(
      /\| `qwen3-14b-sft-pipeline-[0-9a-f]{6}` \| llm-training \| pipeline \| 20h \| \$43\.92\/h, \$878\.31 \|/,
    );
  });
});

describe('a finished run is never relaunched', () => {
  const recipe = 'recipes/llm-training/gpt2-wikicorpus-preprocess.yaml';

  it('editing a recipe is a new run under a new name; reformatting it is not', () => {
    const root = exampleInputs({ withRecipes: true });
    expect(regenerate(root).ok).toBe(true);
    const [first] = runDirs(root, 'llm-training').filter((d) => d.startsWith('gpt2-wikicorpus-preprocess-'));
    const text = readFileSync(join(root, recipe), 'utf-8');
    // a comment, another duration: the same run
    writeFile(root, recipe, `# reviewed\n${text.replace('kind: data-process', 'kind: data-process\nduration: 2h')}`);
    expect(regenerate(root).ok).toBe(true);
    expect(runDirs(root, 'llm-training').filter((d) => d.startsWith('gpt2-wikicorpus-preprocess-'))).toEqual([first]);
    // a changed value: a new run, the old folder gone (its finished Job is pruned, never re-run)
    writeFile(root, recipe, text.replace('"nvidia.com/gpu": 1', '"nvidia.com/gpu": 2'));
    expect(regenerate(root).ok).toBe(true);
    const [second] = runDirs(root, 'llm-training').filter((d) => d.startsWith('gpt2-wikicorpus-preprocess-'));
    expect(second).not.toBe(first);
    expect(runDirs(root, 'llm-training')).not.toContain(first);
  });

  it('archiving (archived: true, or a move to recipes/archive/) removes the folder and keeps the record', () => {
    for (const how of ['flag', 'move'] as const) {
      const root = exampleInputs({ withRecipes: true });
      expect(regenerate(root).ok).toBe(true);
      const [run] = runDirs(root, 'llm-training').filter((d) => d.startsWith('gpt2-wikicorpus-preprocess-'));
      if (how === 'flag') {
        writeFile(
          root,
          recipe,
          readFileSync(join(root, recipe), 'utf-8').replace('kind: data-process', 'kind: data-process\narchived: true'),
        );
      } else {
        mkdirSync(join(root, 'recipes/archive/llm-training'), { recursive: true });
        renameSync(join(root, recipe), join(root, 'recipes/archive/llm-training/gpt2-wikicorpus-preprocess.yaml'));
      }
      const result = regenerate(root);
      expect(result.ok, how).toBe(true);
      expect(runDirs(root, 'llm-training'), how).not.toContain(run);
      const index = readFileSync(join(root, 'clusters/prod-use1/workloads/runs/README.md'), 'utf-8');
      expect(index, how).toMatch(
        new RegExp(`\\| \`${run}\` \\| llm-training \\| data-process \\|.*\\| archived \\(not on the cluster\\) \\|`),
      );
    }
  });
});

describe("frameworks follow the cluster's modules", () => {
  it(
    'renders a PyTorchJob (master + workers) where the ' + 'cluster runs the training operator instead of Trainer v2',
    () => {
      const root = exampleInputs({ withRecipes: true });
      const spec = join(root, 'clusters/prod-use1/cluster.yaml');
      writeFile(
        root,
        'clusters/prod-use1/cluster.yaml',
        readFileSync(spec, 'utf-8').replace('  kubeflow-trainer: true\n', '  kubeflow-trainer: false\n'),
      );
      expect(regenerate(root).ok).toBe(true);
      const dir = join(root, 'clusters/prod-use1/workloads/runs/llm-training');
      const run = readdirSync(dir).find((d) => d.startsWith('qwen3-14b-nemo2-sft-'))!;
      const file = readdirSync(join(dir, run)).find((f) => f.startsWith('pytorchjob-'))!;
      const job = parse(readFileSync(join(dir, run, file), 'utf-8')) as Obj;
      expect(job.apiVersion).toBe('kubeflow.org/v1');
      expect(job.spec.pytorchReplicaSpecs.Master.replicas).toBe(1);
      expect(job.spec.pytorchReplicaSpecs.Worker.replicas).toBe(1);
      expect(job.spec.nprocPerNode).toBe('8');
      expect(job.spec.runPolicy).toEqual({ backoffLimit: 2000, cleanPodPolicy: 'Running' });
    },
  );

  it('refuses a kind whose module the cluster does not run, naming the module', () => {
    const root = exampleInputs({ withRecipes: true });
    const spec = join(root, 'clusters/prod-use1/cluster.yaml');
    writeFile(root, 'clusters/prod-use1/cluster.yaml', readFileSync(spec, 'utf-8').replace('  kuberay: true\n', ''));
    const result = regenerate(root);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(sortProblems(result.problems).map((p) => `${p.file}: ${p.field}: ${p.message}`)).toEqual([
      'apps/inference/llama3-8b-vllm.yaml: kind: "rayserve-vllm" needs module "kuberay" (a ' +
        'RayService), which is off on cluster "prod-use1"; turn it on in clusters/prod-use1/cluster.yaml',
      'recipes/llm-training/bert-raytrain-fine-tune.yaml: kind: "ray-train" needs module "kuberay" ' +
        '(a RayJob), which is off on cluster "prod-use1"; turn it on in clusters/prod-use1/cluster.yaml',
    ]);
  });
});

describe('arm64 (Graviton) pools', () => {
  it("a run on a Graviton node type lands on the arm64 pool, with its node selector and the pool's toleration", () => {
    const root = exampleInputs();
    const spec = readFileSync(join(root, 'clusters/dev-usw2/cluster.yaml'), 'utf-8');
    writeFile(root, 'clusters/dev-usw2/cluster.yaml', `${spec}modules:\n  kueue: true\n`);
    writeFile(
      root,
      'recipes/ml-dev/tokenize-arm64.yaml',
      `name: tokenize-arm64
team: ml-dev
cluster: dev-usw2
kind: data-process
image: public.ecr.aws/docker/library/python:3.12
resources:
  requests: { cpu: "8", memory: 32Gi }
  node_type: m7g.2xlarge
process:
  command: [python, -c, "print('tokenized')"]
`,
    );
    const result = regenerate(root);
    expect(result.ok ? [] : result.problems).toEqual([]);
    const dir = join(root, 'clusters/dev-usw2/workloads/runs/ml-dev');
    const run = readdirSync(dir).find((d) => d.startsWith('tokenize-arm64-'))!;
    const job = parse(
      readFileSync(
        join(
          dir,
          run,
          readdirSync(join(dir, run)).find((f) => f.startsWith('job-'))!,
        ),
        'utf-8',
      ),
    ) as Obj;
    const pod = job.spec.template.spec;
    expect(pod.nodeSelector).toEqual({
      'node.kubernetes.io/instance-type': 'm7g.2xlarge',
      'karpenter.sh/nodepool': 'graviton',
    });
    expect(pod.tolerations).toContainEqual({ key: 'mlops-fleet.io/arch', operator: 'Exists', effect: 'NoSchedule' });
    const pool = parse(
      readFileSync(join(root, 'clusters/dev-usw2/platform/karpenter/nodepool-graviton.yaml'), 'utf-8'),
    ) as Obj;
    expect(pool.spec.template.spec.requirements).toContainEqual({
      key: 'kubernetes.io/arch',
      operator: 'In',
      values: ['arm64'],
    });
    expect(pool.spec.template.spec.taints).toEqual([
      { key: 'mlops-fleet.io/arch', value: 'arm64', effect: 'NoSchedule' },
    ]);
  });
});

describe('the other kinds, on the example cluster', () => {
  const recipes: Record<string, string> = {
    'recipes/llm-training/horovod-mpi.yaml': `name: horovod-mpi
team: llm-training
cluster: prod-use1
kind: mpi
image: 777788889999.dkr.ecr.us-east-1.amazonaws.com/horovod:0.28.1
resources:
  requests: { "nvidia.com/gpu": 8 }
  limits: { "nvidia.com/gpu": 8 }
  nnodes: 2
  nproc_per_node: 8
  node_type: p4d.24xlarge
train:
  command: [mpirun, -np, "16", python, train.py]
`,
    'recipes/llm-training/prep-then-train.yaml': `name: prep-then-train
team: llm-training
cluster: prod-use1
kind: pipeline
steps:
  - name: download
    kind: model-download
    hf_model_id: meta-llama/Meta-Llama-3-8B
  - name: tokenize
    kind: data-process
    image: public.ecr.aws/docker/library/python:3.12
    process:
      command: [python, tokenize.py]
  - name: train
    kind: ray-train
    image: 777788889999.dkr.ecr.us-east-1.amazonaws.com/ray:2.22.0-gpu
    resources:
      requests: { "nvidia.com/gpu": 1 }
      limits: { "nvidia.com/gpu": 1 }
      nnodes: 2
      node_type: g6.2xlarge
    train:
      command: [python, train.py]
`,
    'apps/inference/llama3-8b-kserve.yaml': `name: llama3-8b-kserve
team: inference
cluster: prod-use1
kind: kserve
model_format: huggingface
storage_uri: pvc://pv-fsx/pretrained-models/meta-llama/Meta-Llama-3-8B-Instruct
resources:
  requests: { "nvidia.com/gpu": 1 }
  limits: { "nvidia.com/gpu": 1 }
  node_type: g6.2xlarge
`,
    'apps/inference/mixtral-lws.yaml': `name: mixtral-lws
team: inference
cluster: prod-use1
kind: triton
image:
  name: nvcr.io/nvidia/tritonserver:25.10-trtllm-python-py3
lws:
  size: 2
resources:
  node_type: g6.2xlarge
  requests: { "nvidia.com/gpu": 1 }
  limits: { "nvidia.com/gpu": 1 }
server:
  command: [tritonserver]
  args: [--model-repository=/fsx/models]
  ports: [{ name: http, value: 8000 }]
  autoscaling: { minReplicas: 1, maxReplicas: 2 }
`,
  };

  it('MPIJob, KServe, LeaderWorkerSet and a mixed pipeline render valid objects', async () => {
    const root = exampleInputs({ withRecipes: true });
    for (const [path, text] of Object.entries(recipes)) writeFile(root, path, text);
    const result = generateFleet({ root, ...FLEET });
    if (!result.ok) throw new Error(result.problems.map((p) => `${p.file}: ${p.field}: ${p.message}`).join('\n'));
    const { checkManifests } = await import('../generator/checks/check-manifests');
    const { SchemaRegistry } = await import('../generator/checks/schema-registry');
    const registry = SchemaRegistry.forFleet();
    const mine = result.files.filter((f) =>
      /workloads\/(runs|services)\/[^/]+\/(horovod-mpi|prep-then-train|llama3-8b-kserve|mixtral-lws)/.test(f.path),
    );
    const report = checkManifests(mine, registry);
    expect(report.problems).toEqual([]);
    const byKind = (kind: string) => mine.map((f) => parse(f.content) as Obj).filter((o) => o.kind === kind);
    const [mpi] = byKind('MPIJob');
    expect(mpi.apiVersion).toBe('kubeflow.org/v2beta1');
    expect(mpi.spec.slotsPerWorker).toBe(8);
    expect(mpi.spec.mpiReplicaSpecs.Worker.replicas).toBe(2);
    expect(mpi.metadata.labels['kueue.x-k8s.io/queue-name']).toBe('llm-training');
    const [isvc] = byKind('InferenceService');
    expect(isvc.spec.predictor.model.storageUri).toBe(
      'pvc://pv-fsx/pretrained-models/meta-llama/Meta-Llama-3-8B-Instruct',
    );
    const [lws] = byKind('LeaderWorkerSet');
    expect(lws.spec.leaderWorkerTemplate.size).toBe(2);
    expect(byKind('HorizontalPodAutoscaler')[0].spec.scaleTargetRef.kind).toBe('LeaderWorkerSet');
    // the pipeline: a model download, a data-processing Job and a RayJob, in waves 0, 1, 2
    const waves = ['Job', 'RayJob']
      .flatMap((k) => byKind(k))
      .filter((o) => o.metadata.labels['mlops-fleet.io/step'])
      .map((o) => {
        const wave = o.metadata.annotations?.['argocd.argoproj.io/sync-wave'];
        return `${wave}:${o.kind}:${o.metadata.labels['mlops-fleet.io/step']}`;
      })
      .sort();
    expect(waves).toEqual(['0:Job:download', '1:Job:tokenize', '2:RayJob:train']);
  }, 60_000);
});
