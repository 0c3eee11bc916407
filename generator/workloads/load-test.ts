import { RUN_LABEL, STEP_LABEL } from './pipeline';
import {
  compact,
  containerResources,
  nodeSelector,
  podMetadata,
  podTolerations,
  podVolumes,
  queuedMeta,
  scriptConfigMap,
  type LoadTestTarget,
  type WorkloadContext,
} from './pod-parts';
import { imageName } from './pytorchjob';
import { KubeJob, type PodSpec } from '../imports/k8s';
import type { K8sObject } from '../model/k8s-object';
import type { LoadTestSpec, RecipeBody } from '../recipes/recipe-schema';

/** k6, pinned by the digest of its multi-arch image: the load generator whose output loadtest:report reads. */
export const K6_VERSION = 'v1.7.1';
export const K6_IMAGE =
  `docker.io/grafana/k6:${K6_VERSION.slice(1)}` +
  '@sha256:4fd3a694926b064d3491d9b02b01cde886583c4931f1223816e3d9a7bdfa7e0f';
const SCRIPT_KEY = 'script.js';
const SCRIPT_DIR = '/etc/load-test';
/** Time k6 gives a step's last requests before the next step starts. */
const GRACEFUL_STOP_SECONDS = 10;

/** Seconds of a duration such as `30s`, `2m`, `1h`. */
export function durationSeconds(duration: string): number {
  const n = Number(duration.slice(0, -1));
  return n * { s: 1, m: 60, h: 3600 }[duration.slice(-1) as 's' | 'm' | 'h'];
}

/** The k6 scenarios: one per rate or user count, one after another, named as loadtest:report reads them. */
export function scenarios(spec: LoadTestSpec): Record<string, Record<string, unknown>> {
  const seconds = durationSeconds(spec.step_duration);
  const steps = spec.rates
    ? spec.rates.map((rate) => ({
        name: `rate-${rate}`,
        scenario: {
          executor: 'constant-arrival-rate',
          rate,
          timeUnit: '1s',
          preAllocatedVUs: Math.min(rate, spec.max_vus),
          maxVUs: spec.max_vus,
        },
      }))
    : (spec.vus ?? []).map((vus) => ({ name: `vus-${vus}`, scenario: { executor: 'constant-vus', vus } }));
  return Object.fromEntries(
    steps.map((s, i) => [
      s.name,
      {
        ...s.scenario,
        duration: `${seconds}s`,
        startTime: `${i * (seconds + GRACEFUL_STOP_SECONDS)}s`,
        gracefulStop: `${GRACEFUL_STOP_SECONDS}s`,
      },
    ]),
  );
}

/** What meta.json says of the test, but its start (k6 writes that when it ends, docs/loadtest.md). */
export function testMeta(test: string, spec: LoadTestSpec, target: LoadTestTarget, region: string) {
  return compact<Record<string, unknown>>({
    test,
    service: target.service,
    model: target.model,
    instanceType: target.instanceType,
    region,
    nodes: target.nodes,
    modelsPerNode: target.modelsPerNode,
    costShare: target.costShare,
    p99TargetMs: spec.p99_target_ms,
    generator: `k6 ${K6_VERSION}`,
  });
}

/** The k6 script: the request, the steps, and meta.json written by handleSummary once the steps have run. */
export function k6Script(spec: LoadTestSpec, target: LoadTestTarget, meta: Record<string, unknown>): string {
  const method = spec.target.method ?? (spec.target.body === undefined ? 'GET' : 'POST');
  const headers =
    spec.target.body !== undefined && !Object.keys(spec.target.headers).some((h) => h.toLowerCase() === 'content-type')
      ? { 'Content-Type': 'application/json', ...spec.target.headers }
      : spec.target.headers;
  const json = (value: unknown) => JSON.stringify(value, null, 2);
  return [
    "import http from 'k6/http';",
    '',
    `const URL = ${JSON.stringify(target.url)};`,
    `const METHOD = ${JSON.stringify(method)};`,
    `const BODY = ${spec.target.body === undefined ? 'null' : JSON.stringify(spec.target.body)};`,
    `const PARAMS = ${json({ headers, timeout: '60s' })};`,
    `const META = ${json(meta)};`,
    '',
    `export const options = ${json({ discardResponseBodies: true, scenarios: scenarios(spec) })};`,
    '',
    'export default function () {',
    '  http.request(METHOD, URL, BODY, PARAMS);',
    '}',
    '',
    'export function handleSummary(data) {',
    '  const startedAt = new Date(Date.now() - data.state.testRunDurationMs).toISOString();',
    "  const meta = JSON.stringify(Object.assign({}, META, { startedAt }), null, 2) + '\\n';",
    "  return { [__ENV.RESULTS_DIR + '/meta.json']: meta, stdout: 'wrote ' + __ENV.RESULTS_DIR + '\\n' };",
    '}',
    '',
  ].join('\n');
}

/** The test's name in the results folder: the run's, and a pipeline step's name after it. */
export function loadTestName(ctx: WorkloadContext): string {
  const run = ctx.labels[RUN_LABEL] ?? ctx.release;
  const step = ctx.labels[STEP_LABEL];
  return step ? `${run}-${step}` : run;
}

/**
 * `load-test`: a Job running k6 against the target's Service from the same cluster; the raw results go to
 * `<results>/<test>/k6.json.gz` and `meta.json`, the layout `npx projen loadtest:report` reads.
 */
export function renderLoadTest(body: RecipeBody, ctx: WorkloadContext): K8sObject[] {
  const spec = body.load_test;
  const target = ctx.loadTestTarget;
  if (!spec || !target) return []; // placement reports it
  const test = loadTestName(ctx);
  const results = `${spec.results.replace(/\/+$/, '')}/${test}`;
  const configMap = `load-test-${ctx.release}`;
  const { volumes, mounts } = podVolumes(body, ctx, {
    script: { configMap, key: SCRIPT_KEY, mountPath: SCRIPT_DIR },
    shm: false,
  });
  const script = k6Script(spec, target, testMeta(test, spec, target, ctx.cluster.aws.region));
  const spec_ = compact<PodSpec>({
    restartPolicy: 'Never',
    tolerations: podTolerations(body.tolerations, ctx),
    nodeSelector: nodeSelector(body.resources?.node_type, ctx),
    volumes,
    containers: [
      {
        name: 'k6',
        image: imageName(body) ?? K6_IMAGE,
        imagePullPolicy: 'IfNotPresent',
        command: ['sh', '-c', 'mkdir -p "$RESULTS_DIR" && exec k6 run --out "json=$RESULTS_DIR/k6.json.gz" "$1"', 'k6'],
        args: [`${SCRIPT_DIR}/${SCRIPT_KEY}`],
        env: [
          { name: 'RESULTS_DIR', value: results },
          { name: 'K6_NO_USAGE_REPORT', value: 'true' },
        ],
        // the shared file systems' folders belong to root, as the seed's runs write them
        securityContext: { runAsUser: 0 },
        volumeMounts: mounts,
        resources: containerResources(
          { cpu: '2', memory: '2Gi', ...body.resources?.requests },
          { memory: '2Gi', ...body.resources?.limits },
        ),
      },
    ],
  });
  return [
    scriptConfigMap(ctx, configMap, SCRIPT_KEY, script),
    KubeJob.manifest({
      metadata: queuedMeta(ctx, `load-test-${ctx.release}`),
      spec: { backoffLimit: 0, template: { metadata: podMetadata(ctx), spec: spec_ } },
    }),
  ];
}
