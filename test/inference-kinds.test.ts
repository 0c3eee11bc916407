import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cleanupTemps, exampleInputs, lineOf, regenerate, REPO, tempDir, writeFile } from './support/fleet';
import { formatProblem } from '../generator/config/problems';
import { readLoadTests } from '../generator/loadtest/k6-results';
import { buildReport, testsTarget } from '../generator/loadtest/report';

afterAll(cleanupTemps);

const RECIPE = 'recipes/inference/bert-inf2-vs-graviton.yaml';
const recipeText = () => readFileSync(join(REPO, RECIPE), 'utf-8');
const RUNS = 'clusters/prod-use1/workloads/runs/inference';

interface Doc {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string>; labels: Record<string, string> };
  data?: Record<string, string>;
  spec: {
    ports?: { port: number; name: string }[];
    template: {
      spec: {
        nodeSelector?: Record<string, string>;
        containers: {
          image: string;
          command: string[];
          env: { name: string; value: string }[];
          resources: { requests: Record<string, string | number>; limits?: Record<string, string | number> };
        }[];
      };
    };
  };
}

/** The pipeline's rendered objects, by their file names' order. */
function runObjects(root: string): Doc[] {
  const [run] = readdirSync(join(root, RUNS)).filter((d) => d.startsWith('bert-inf2-vs-graviton-'));
  const dir = join(root, RUNS, run);
  return readdirSync(dir)
    .sort()
    .map((f) => parse(readFileSync(join(dir, f), 'utf-8')) as Doc);
}

function problemsWith(edit: (text: string) => string): string[] {
  const root = exampleInputs({ withRecipes: true });
  writeFile(root, RECIPE, edit(recipeText()));
  const result = regenerate(root);
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.problems.map(formatProblem);
}

/** The k6 script's options and its handleSummary, run as k6 would run them (its one import given). */
function loadScript(script: string): { options: any; handleSummary: (data: unknown) => Record<string, string> } {
  expect(script.startsWith("import http from 'k6/http';\n")).toBe(true);
  const body = script
    .replace("import http from 'k6/http';\n", '')
    .replace('export const options', 'const options')
    .replace('export default function', 'function run')
    .replace('export function handleSummary', 'function handleSummary');
  const requests: unknown[][] = [];
  const http = { request: (...args: unknown[]) => requests.push(args) };
  const module = new Function('http', '__ENV', `${body}\nrun();\nreturn { options, handleSummary, requests: null };`);
  const loaded = module(http, { RESULTS_DIR: '/results/t' });
  expect(requests).toHaveLength(1);
  return { ...loaded, requests };
}

describe('model-compile and load-test: compile, deploy, test in one pipeline', () => {
  it('renders the example: compile Jobs on their targets, packed sets, k6 Jobs against the sets just deployed', () => {
    const root = exampleInputs({ withRecipes: true });
    expect(regenerate(root).ok).toBe(true);
    const docs = runObjects(root);
    const wave = (d: Doc) => Number(d.metadata.annotations?.['argocd.argoproj.io/sync-wave']);
    const jobs = docs.filter((d) => d.kind === 'Job');
    const byStep = (step: string) => docs.filter((d) => d.metadata.labels['mlops-fleet.io/step'] === step);

    // steps in order: each waits for the one before it (Jobs complete, Deployments available)
    expect(
      ['compile-neuron', 'compile-graviton', 'serve-inf2', 'test-inf2', 'serve-graviton', 'test-graviton'].map((s) =>
        [...new Set(byStep(s).map(wave))].join(),
      ),
    ).toEqual(['0', '1', '2', '3', '4', '5']);

    const [neuron, cpu] = jobs.filter((j) => j.metadata.name.startsWith('compile-'));
    const neuronPod = neuron.spec.template.spec;
    expect(neuronPod.nodeSelector).toEqual({
      'karpenter.sh/nodepool': 'inf2',
      'node.kubernetes.io/instance-type': 'inf2.xlarge',
    });
    // a whole Neuron device: the resource Kueue's ClusterQueue covers
    expect(neuronPod.containers[0].resources.requests['aws.amazon.com/neuron']).toBe('1');
    const env = Object.fromEntries(neuronPod.containers[0].env.map((e) => [e.name, e.value]));
    expect(env.COMPILE_TARGET).toBe('neuron');
    expect(JSON.parse(env.MODELS)).toContainEqual({
      source: 'google-bert/bert-base-uncased',
      output: '/fsx/home/inference/models/bert-base-uncased-neuron',
    });
    expect(cpu.spec.template.spec.nodeSelector?.['karpenter.sh/nodepool']).toBe('graviton');
    expect(cpu.spec.template.spec.containers[0].resources.requests['aws.amazon.com/neuron']).toBeUndefined();
    // the image built for arm64, by its digest
    expect(cpu.spec.template.spec.containers[0].image).toMatch(/bert-cpu-server@sha256:[0-9a-f]{64}$/);

    // the models the sets serve are the ones the compile steps write
    const outputs = new Set(
      jobs
        .filter((j) => j.metadata.name.startsWith('compile-'))
        .flatMap((j) => JSON.parse(j.spec.template.spec.containers[0].env.find((e) => e.name === 'MODELS')!.value))
        .map((m: { output: string }) => `${m.output}/model.pt`),
    );
    const served = docs
      .filter((d) => d.kind === 'Deployment')
      .flatMap((d) => d.spec.template.spec.containers.map((c) => c.env.find((e) => e.name === 'MODEL_PATH')!.value));
    expect(served.length).toBe(12);
    for (const path of served) expect(outputs.has(path)).toBe(true);

    // each load test reaches a Service of this folder, on a port it has
    const services = new Map(docs.filter((d) => d.kind === 'Service').map((s) => [s.metadata.name, s]));
    for (const [step, set, nodes] of [
      ['test-inf2', 'serve-inf2', 3],
      ['test-graviton', 'serve-graviton', 2],
    ] as const) {
      const map = byStep(step).find((d) => d.kind === 'ConfigMap')!;
      const { options, handleSummary, requests } = loadScript(map.data!['script.js']) as never as {
        options: { scenarios: Record<string, { startTime: string; duration: string }> };
        handleSummary: (data: unknown) => Record<string, string>;
        requests: [string, string, string][];
      };
      const url = new URL(requests[0][1]);
      const [service, namespace] = url.hostname.split('.');
      expect(namespace).toBe('ml-serving');
      const svc = services.get(service);
      expect(svc?.metadata.labels['mlops-fleet.io/step']).toBe(set);
      expect(svc!.spec.ports!.map((p) => p.port)).toContain(Number(url.port || 80));
      expect(requests[0][0]).toBe('POST');
      expect(url.pathname).toBe('/predict');
      // the steps one after another, named as the report reads them
      expect(Object.keys(options.scenarios)).toEqual(['rate-25', 'rate-50', 'rate-100', 'rate-200', 'rate-400']);
      expect(Object.values(options.scenarios).map((s) => s.startTime)).toEqual(['0s', '130s', '260s', '390s', '520s']);
      const files = handleSummary({ state: { testRunDurationMs: 650_000 } });
      const meta = JSON.parse(files['/results/t/meta.json']);
      expect(meta).toMatchObject({ model: 'bert-base', region: 'us-east-1', nodes, p99TargetMs: 50 });
      expect(meta.service).toBe(`ml-serving/${service}`);
      expect(Date.parse(meta.startedAt)).toBeLessThanOrEqual(Date.now() - 650_000 + 1000);
      const job = byStep(step).find((d) => d.kind === 'Job')!;
      expect(job.spec.template.spec.containers[0].image).toMatch(
        /^docker\.io\/grafana\/k6:[0-9.]+@sha256:[0-9a-f]{64}$/,
      );
      expect(job.metadata.labels['kueue.x-k8s.io/queue-name']).toBe('inference');
    }
  });

  it("writes results the report reads: meta.json from k6's handleSummary, the model's cost share", async () => {
    const root = exampleInputs({ withRecipes: true });
    expect(regenerate(root).ok).toBe(true);
    const docs = runObjects(root);
    const results = tempDir('loadtest-results-');
    for (const step of ['test-inf2', 'test-graviton']) {
      const map = docs.find((d) => d.kind === 'ConfigMap' && d.metadata.labels['mlops-fleet.io/step'] === step)!;
      const { handleSummary } = loadScript(map.data!['script.js']);
      const meta = JSON.parse(handleSummary({ state: { testRunDurationMs: 1000 } })['/results/t/meta.json']);
      const dir = join(results, meta.test);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta));
      // k6's JSON output of a 10 s step at 25 requests a second, 20 ms each
      const lines = [
        '{"type":"Metric","data":{"type":"trend","contains":"time"},"metric":"http_req_duration"}',
        ...Array.from({ length: 250 }, (_, i) => {
          const time = new Date(Date.UTC(2026, 11, 5, 9, 0, 0, i * 40)).toISOString();
          const tags = '{"scenario":"rate-25","status":"200"}';
          return [
            `{"type":"Point","data":{"time":"${time}","value":20,"tags":${tags}},"metric":"http_req_duration"}`,
            `{"type":"Point","data":{"time":"${time}","value":1,"tags":${tags}},"metric":"http_reqs"}`,
          ].join('\n');
        }),
      ];
      writeFileSync(join(dir, 'k6.json'), `${lines.join('\n')}\n`);
    }
    const { tests } = await readLoadTests(results);
    expect(tests.map((t) => t.meta.instanceType)).toEqual(['c7g.2xlarge', 'inf2.xlarge']);
    expect(testsTarget(tests)).toEqual({ ms: 50, differing: [] });
    const inf2 = tests.find((t) => t.meta.instanceType === 'inf2.xlarge')!;
    // bert-base's 2 of the set's 6 equal replicas: a third of the 3 nodes
    expect(inf2.meta.costShare).toBeCloseTo(1 / 3, 3);
    const readme = buildReport(tests, { resultsDir: results, p99TargetMs: 50, maxErrorRate: 0.01 }).files.get(
      'README.md',
    )!;
    expect(readme).toMatch(/of which the model's share 33\.3%/);
  });

  it('tests an app of the cluster, and renders again when the app changes (the kept folder would be stale)', () => {
    const root = exampleInputs({ withRecipes: true });
    const test = 'recipes/inference/bert-app-load-test.yaml';
    writeFile(
      root,
      test,
      [
        'name: bert-app-load-test',
        'team: inference',
        'cluster: prod-use1',
        'kind: load-test',
        'pvc: [{ name: pv-fsx, mount_path: /fsx }]',
        'load_test:',
        '  target: { app: bert-packed-inf2, model: distilbert, path: /predict, body: \'{"text": "hi"}\' }',
        '  vus: [1, 8]',
        '  step_duration: 30s',
        '  results: /fsx/home/inference/loadtests',
        '',
      ].join('\n'),
    );
    const metaOf = () => {
      const [run] = readdirSync(join(root, RUNS)).filter((d) => d.startsWith('bert-app-load-test-'));
      const dir = join(root, RUNS, run);
      const map = readdirSync(dir).find((f) => f.startsWith('configmap-'))!;
      const doc = parse(readFileSync(join(dir, map), 'utf-8')) as Doc;
      const { handleSummary, requests, options } = loadScript(doc.data!['script.js']) as never as {
        handleSummary: (data: unknown) => Record<string, string>;
        requests: [string, string][];
        options: { scenarios: Record<string, { executor: string; vus: number }> };
      };
      expect(requests[0][1]).toBe('http://bert-packed-inf2-distilbert.ml-serving.svc.cluster.local:80/predict');
      expect(Object.keys(options.scenarios)).toEqual(['vus-1', 'vus-8']);
      expect(options.scenarios['vus-8']).toMatchObject({ executor: 'constant-vus', vus: 8 });
      return JSON.parse(handleSummary({ state: { testRunDurationMs: 1 } })['/results/t/meta.json']);
    };
    expect(regenerate(root).ok).toBe(true);
    expect(metaOf()).toMatchObject({ test: expect.stringMatching(/^bert-app-load-test-/), nodes: 3, modelsPerNode: 2 });
    // four replicas a model: 12 NeuronCores, 6 nodes; the test's own recipe did not change
    const app = 'apps/inference/bert-packed-inf2.yaml';
    writeFile(root, app, readFileSync(join(REPO, app), 'utf-8').replace(/replicas: 2/g, 'replicas: 4'));
    const again = regenerate(root);
    expect(again.ok && again.report.written.some((p) => p.includes('/bert-app-load-test-'))).toBe(true);
    expect(metaOf()).toMatchObject({ nodes: 6, modelsPerNode: 2 });
  });

  /** Whether a problem at `field` (as formatted, after the line) has `message`. */
  const has = (problems: string[], field: string, message: string) =>
    problems.some((p) => p.startsWith(`${RECIPE}:`) && p.endsWith(`: ${field}: ${message}`));
  const TEST_INF2_LOAD = [
    '      rates: [25, 50, 100, 200, 400]',
    '      step_duration: 2m',
    '      p99_target_ms: 50',
    '      results: /fsx/home/inference/loadtests',
    '  - name: serve-graviton',
  ].join('\n');

  it('refuses a load test before its deployment, an unknown app or model, and a compile on a node of no target', () => {
    const problems = problemsWith((text) =>
      text
        .replace('step: serve-inf2', 'step: serve-graviton')
        .replace(
          'node_type: inf2.xlarge\n      requests: { cpu: 3',
          'node_type: c7g.2xlarge\n      requests: { cpu: 3',
        ),
    );
    const nodeTypeLine = lineOf(RECIPE, '      requests: { cpu: 3, memory: 12Gi }') - 1;
    expect(problems).toContain(
      `${RECIPE}:${nodeTypeLine}: steps[0].resources.node_type: "c7g.2xlarge" cannot compile for target ` +
        '"neuron": expected a node type with Neuron devices (inf2, trn1, trn2)',
    );
    expect(
      has(
        problems,
        'steps[3].load_test.target.step',
        '"serve-graviton" is no earlier packed-models step of this pipeline (those before this step: ' +
          'serve-inf2); a load test follows the deployment it tests',
      ),
    ).toBe(true);

    const unknownApp = problemsWith((text) => text.replace('step: serve-inf2', 'app: bert-packed-inf3'));
    expect(
      has(
        unknownApp,
        'steps[3].load_test.target.app',
        '"bert-packed-inf3" is no app on cluster "prod-use1" (its apps: bert-packed-graviton, bert-packed-inf2, ' +
          'llama3-8b-triton, llama3-8b-vllm)',
      ),
    ).toBe(true);

    const otherModels = problemsWith((text) =>
      text
        .replace('step: serve-inf2\n        model: bert-base\n', 'app: bert-packed-inf2\n')
        .replace('step: serve-graviton\n        model: bert-base\n', 'step: serve-graviton\n        model: bert-xl\n'),
    );
    expect(
      has(
        otherModels,
        'steps[3].load_test.target.model',
        'is required: the set serves more than one model (its models: bert-base, distilbert, roberta-base)',
      ),
    ).toBe(true);
    expect(
      has(
        otherModels,
        'steps[5].load_test.target.model',
        '"bert-xl" is no model of the set (its models: bert-base, distilbert, roberta-base)',
      ),
    ).toBe(true);
  });

  it('refuses compiler arguments for a target without a Neuron compiler, and two of rates and vus', () => {
    const args = problemsWith((text) =>
      text.replace('      target: cpu\n', '      target: cpu\n      compiler_args: ["--optlevel", "2"]\n'),
    );
    expect(has(args, 'steps[1].compile.compiler_args', 'are Neuron compiler arguments; target is "cpu"')).toBe(true);
    const problems = problemsWith((text) =>
      text.replace(TEST_INF2_LOAD, TEST_INF2_LOAD.replace('  step_duration: 2m', '  vus: [4]')),
    );
    expect(problems.some((p) => p.includes('steps[3].load_test: expected exactly one of rates and vus'))).toBe(true);
    // said once: a step whose load_test is refused is not also told it lacks one
    expect(problems.filter((p) => p.includes('steps[3].load_test'))).toHaveLength(1);
  });
});
