/**
 * Reads the raw results of in-cluster load tests. The load-test recipe kind writes them in this layout, and this
 * reader is its contract (docs/loadtest.md says the same for people):
 *
 *   <results-dir>/<test-name>/meta.json   what was tested, one JSON object:
 *     {
 *       "test": "llama3-8b-inf2-packed",      the test's name (unique in the folder)
 *       "service": "llm-serving/llama3-8b",   the app or service tested
 *       "model": "llama-3-8b",
 *       "instanceType": "inf2.xlarge",        the EC2 instance type of the service's nodes
 *       "region": "us-east-1",
 *       "nodes": 2,                           how many nodes the service used during the test
 *       "modelsPerNode": 2,                   optional: model replicas packed on each node
 *       "costShare": 0.3333,                  optional: the tested model's share of the nodes' cost (0..1]
 *       "p99TargetMs": 50,                    optional: the latency target the test was run for
 *       "startedAt": "2026-07-21T09:00:00Z",  ISO 8601
 *       "generator": "k6 v1.1.0"              "k6 <version>": the tool that wrote k6.json
 *     }
 *   <results-dir>/<test-name>/k6.json     k6's raw output, `k6 run --out json=k6.json script.js` (or k6.json.gz,
 *                                          `--out json=k6.json.gz`): one JSON object a line, either
 *     {"type":"Metric","metric":"http_req_duration","data":{"type":"trend","contains":"time",...}}
 *     {"type":"Point","metric":"http_req_duration","data":{"time":"2026-07-21T09:00:01.123456789Z","value":41.7,
 *      "tags":{"scenario":"rate-50","status":"200",...}}}
 *
 * The script runs one k6 scenario per step, one after another: `rate-<requests per second>` (constant-arrival-rate
 * executor) or `vus-<n>` (a concurrency step); k6 tags every sample with its scenario. Of the points, three metrics
 * count: `http_req_duration` (latency, ms), `http_reqs` (one point a request: throughput) and `http_req_failed`
 * (1 for a failed request, 0 else: the error rate). Any other folder under <results-dir> with neither file is
 * skipped (the report folder, notes).
 */
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { FloatBuffer, nearestRank } from './percentiles';
import { describeValue } from '../config/problems';

/** What a test's meta.json says (see the layout above). */
export interface TestMeta {
  readonly test: string;
  readonly service: string;
  readonly model: string;
  readonly instanceType: string;
  readonly region: string;
  readonly nodes: number;
  readonly modelsPerNode?: number;
  /** The share of the nodes' cost that is the tested model's, when it shares them with other models (0..1]. */
  readonly costShare?: number;
  /** The latency target the test was run for (ms): the report's when no --p99-target-ms is given. */
  readonly p99TargetMs?: number;
  readonly startedAt: string;
  readonly generator: string;
}

/** What a step (one k6 scenario) asked for, read from its name. */
export type StepTarget =
  | { readonly kind: 'rate'; readonly perSecond: number }
  | { readonly kind: 'vus'; readonly vus: number }
  | { readonly kind: 'unknown' };

/** One step of a test: one k6 scenario. */
export interface StepResult {
  readonly scenario: string;
  readonly target: StepTarget;
  /** The requests counted for throughput: `http_reqs` points, or `http_req_duration` points without them. */
  readonly requests: number;
  /** Requests per second over the span from the first to the last of those points; null under two points. */
  readonly throughput: number | null;
  /** Nearest-rank percentiles of `http_req_duration`, in ms. */
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly latencySamples: number;
  /** Failed over all requests (0..1): from `http_req_failed`, else from the status tag; null when neither is there. */
  readonly errorRate: number | null;
  /** Epoch ms of the step's first sample: steps run one after another, so this orders them. */
  readonly startMs: number;
}

export interface TestResult {
  /** The test's folder, as shown in messages (relative to the working directory). */
  readonly dir: string;
  readonly meta: TestMeta;
  readonly steps: readonly StepResult[];
}

/** Results that are not in the layout above: one line naming the file (and line) and what was expected. */
export class LoadTestResultsError extends Error {}

/** The results of every test under `resultsDir`, ordered by test name; `skip` lists folders that are not tests. */
export async function readLoadTests(
  resultsDir: string,
  options: { skip?: readonly string[] } = {},
): Promise<{ tests: TestResult[]; skipped: string[] }> {
  const shownDir = shown(resultsDir);
  if (!existsSync(resultsDir) || !statSync(resultsDir).isDirectory()) {
    throw new LoadTestResultsError(`${shownDir}: no such folder; expected a folder of load-test results`);
  }
  const skip = new Set((options.skip ?? []).map((dir) => join(dir)));
  const tests: TestResult[] = [];
  const skipped: string[] = [];
  const folders = readdirSync(resultsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => join(resultsDir, entry.name))
    .filter((dir) => !skip.has(dir))
    .sort();
  for (const dir of folders) {
    if (!existsSync(join(dir, 'meta.json')) && !k6File(dir)) skipped.push(shown(dir));
    else tests.push(await readTest(dir));
  }
  if (tests.length === 0) {
    throw new LoadTestResultsError(
      `${shownDir}: no test folders; expected <test-name>/meta.json and <test-name>/k6.json (see docs/loadtest.md)`,
    );
  }
  const byName = new Map<string, string>();
  for (const { dir, meta } of tests) {
    const other = byName.get(meta.test);
    if (other) {
      throw new LoadTestResultsError(
        `${dir}/meta.json: "test" is "${meta.test}", as in ${other}/meta.json; each test needs its own name`,
      );
    }
    byName.set(meta.test, dir);
  }
  tests.sort((a, b) => (a.meta.test < b.meta.test ? -1 : a.meta.test > b.meta.test ? 1 : 0));
  return { tests, skipped };
}

/** One test folder: its meta.json and its k6 output. */
export async function readTest(dir: string): Promise<TestResult> {
  const meta = readMeta(join(dir, 'meta.json'));
  const file = k6File(dir);
  if (!file) {
    throw new LoadTestResultsError(
      `${shown(join(dir, 'k6.json'))}: missing; expected k6's output (k6 run --out json=k6.json script.js)`,
    );
  }
  return { dir: shown(dir), meta, steps: await readK6(file) };
}

function k6File(dir: string): string | undefined {
  return ['k6.json', 'k6.json.gz'].map((name) => join(dir, name)).find((path) => existsSync(path));
}

/** A test's meta.json, checked field by field. */
export function readMeta(path: string): TestMeta {
  const where = shown(path);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf-8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new LoadTestResultsError(
        `${where}: missing; each test folder needs meta.json (test, service, model, instanceType, region, nodes, ` +
          'startedAt, generator; see docs/loadtest.md)',
      );
    }
    throw new LoadTestResultsError(`${where}: not JSON (${(error as Error).message})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new LoadTestResultsError(`${where}: expected a JSON object, got ${describeValue(data)}`);
  }
  const fields = data as Record<string, unknown>;
  const fail = (field: string, expected: string): never => {
    throw new LoadTestResultsError(`${where}: "${field}": expected ${expected}, got ${describeValue(fields[field])}`);
  };
  const text = (field: string): string => {
    const value = fields[field];
    return typeof value === 'string' && value.trim() !== '' ? value : fail(field, 'a non-empty string');
  };
  const count = (field: string): number => {
    const value = fields[field];
    return typeof value === 'number' && Number.isInteger(value) && value > 0
      ? value
      : fail(field, 'a positive integer');
  };
  const fraction = (field: string): number => {
    const value = fields[field];
    return typeof value === 'number' && value > 0 && value <= 1 ? value : fail(field, 'a number above 0, at most 1');
  };
  const positive = (field: string): number => {
    const value = fields[field];
    return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fail(field, 'a number above 0');
  };
  const meta: TestMeta = {
    test: text('test'),
    service: text('service'),
    model: text('model'),
    instanceType: text('instanceType'),
    region: text('region'),
    nodes: count('nodes'),
    ...(fields.modelsPerNode === undefined ? {} : { modelsPerNode: count('modelsPerNode') }),
    ...(fields.costShare === undefined ? {} : { costShare: fraction('costShare') }),
    ...(fields.p99TargetMs === undefined ? {} : { p99TargetMs: positive('p99TargetMs') }),
    startedAt: text('startedAt'),
    generator: text('generator'),
  };
  if (!/^\d{4}-\d\d-\d\dT/.test(meta.startedAt) || Number.isNaN(Date.parse(meta.startedAt))) {
    fail('startedAt', 'an ISO 8601 time such as "2026-07-21T09:00:00Z"');
  }
  // the only output this reader understands; another tool's file would be misread, not refused, further down
  if (!/^k6 \S+/.test(meta.generator)) fail('generator', '"k6 <version>"');
  return meta;
}

/** The metrics the report reads; k6 writes about a dozen a request, the rest are skipped unparsed. */
const COUNTED = /"metric"\s*:\s*"(?:http_req_duration|http_reqs|http_req_failed)"/;

/** What is gathered of one scenario while the file streams by. */
class ScenarioSamples {
  readonly latencies = new FloatBuffer();
  requests = 0;
  firstRequestMs = Infinity;
  lastRequestMs = -Infinity;
  firstLatencyMs = Infinity;
  lastLatencyMs = -Infinity;
  failed = 0;
  failureSamples = 0;
  statusFailed = 0;
  statusSeen = 0;
  startMs = Infinity;
}

/**
 * The steps of a k6 NDJSON file, in the order they ran. Streamed line by line: results of a long test run to hundreds
 * of MB, so neither the file nor a list of its points is ever held whole; only each step's latencies are kept, as
 * doubles, for its percentiles. Lines of other metrics are not parsed (most of the file; JSON.parse is most of the
 * time), only checked to be one object each, which catches a line cut short when k6 was stopped mid-write.
 */
export async function readK6(path: string): Promise<StepResult[]> {
  const where = shown(path);
  const scenarios = new Map<string, ScenarioSamples>();
  let input: Readable = createReadStream(path);
  if (path.endsWith('.gz')) input = input.pipe(createGunzip());
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  try {
    for await (const raw of lines) {
      lineNo++;
      const line = raw.trim();
      if (line === '') continue;
      if (!COUNTED.test(line)) {
        if (line[0] !== '{' || line[line.length - 1] !== '}') {
          throw new LoadTestResultsError(`${where}:${lineNo}: expected one JSON object a line (k6 --out json)`);
        }
        continue;
      }
      readPoint(line, `${where}:${lineNo}`, scenarios);
    }
  } catch (error) {
    if (error instanceof LoadTestResultsError) throw error;
    throw new LoadTestResultsError(`${where}: cannot be read (${(error as Error).message})`);
  } finally {
    lines.close();
    input.destroy();
  }
  const steps: StepResult[] = [];
  for (const [scenario, samples] of scenarios) {
    // a scenario of only http_reqs points (no latency) is not a step the report can say anything of
    if (samples.latencies.length > 0) steps.push(stepOf(scenario, samples));
  }
  if (steps.length === 0) {
    throw new LoadTestResultsError(
      `${where}: no http_req_duration points; expected k6's output of a script that sends HTTP requests`,
    );
  }
  return steps.sort((a, b) => a.startMs - b.startMs || (a.scenario < b.scenario ? -1 : 1));
}

function readPoint(line: string, where: string, scenarios: Map<string, ScenarioSamples>): void {
  let entry: { type?: unknown; metric?: unknown; data?: { time?: unknown; value?: unknown; tags?: unknown } };
  try {
    entry = JSON.parse(line);
  } catch (error) {
    throw new LoadTestResultsError(`${where}: not JSON (${(error as Error).message})`);
  }
  if (entry.type !== 'Point') return;
  const data = entry.data;
  if (typeof data !== 'object' || data === null) {
    throw new LoadTestResultsError(`${where}: a Point without "data"; expected {"time":..., "value":..., "tags":...}`);
  }
  const time = typeof data.time === 'string' ? Date.parse(data.time) : NaN;
  if (Number.isNaN(time)) {
    throw new LoadTestResultsError(`${where}: "data.time": expected an ISO 8601 time, got ${describeValue(data.time)}`);
  }
  const value = data.value;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new LoadTestResultsError(`${where}: "data.value": expected a number >= 0, got ${describeValue(value)}`);
  }
  const tags = (typeof data.tags === 'object' && data.tags !== null ? data.tags : {}) as Record<string, unknown>;
  // k6 names the scenario of a script without scenarios "default"
  const name = typeof tags.scenario === 'string' && tags.scenario !== '' ? tags.scenario : 'default';
  let samples = scenarios.get(name);
  if (!samples) {
    samples = new ScenarioSamples();
    scenarios.set(name, samples);
  }
  samples.startMs = Math.min(samples.startMs, time);
  if (entry.metric === 'http_req_duration') {
    samples.latencies.push(value);
    samples.firstLatencyMs = Math.min(samples.firstLatencyMs, time);
    samples.lastLatencyMs = Math.max(samples.lastLatencyMs, time);
    if (typeof tags.status === 'string') {
      samples.statusSeen++;
      // k6's default expected statuses are 200-399; "0" is a request that got no response
      if (!/^[23]\d\d$/.test(tags.status)) samples.statusFailed++;
    }
  } else if (entry.metric === 'http_reqs') {
    samples.requests++;
    samples.firstRequestMs = Math.min(samples.firstRequestMs, time);
    samples.lastRequestMs = Math.max(samples.lastRequestMs, time);
  } else if (entry.metric === 'http_req_failed') {
    samples.failureSamples++;
    if (value !== 0) samples.failed++;
  }
}

function stepOf(scenario: string, samples: ScenarioSamples): StepResult {
  const fromReqs = samples.requests > 0;
  const requests = fromReqs ? samples.requests : samples.latencies.length;
  const spanMs = fromReqs
    ? samples.lastRequestMs - samples.firstRequestMs
    : samples.lastLatencyMs - samples.firstLatencyMs;
  // n requests spread over a span have n - 1 gaps: n / span would overstate a short step's rate
  const throughput = requests > 1 && spanMs > 0 ? (requests - 1) / (spanMs / 1000) : null;
  const sorted = samples.latencies.sorted();
  const errorRate =
    samples.failureSamples > 0
      ? samples.failed / samples.failureSamples
      : samples.statusSeen > 0
        ? samples.statusFailed / samples.statusSeen
        : null;
  return {
    scenario,
    target: targetOf(scenario),
    requests,
    throughput,
    p50: nearestRank(sorted, 50),
    p90: nearestRank(sorted, 90),
    p99: nearestRank(sorted, 99),
    latencySamples: sorted.length,
    errorRate,
    startMs: samples.startMs,
  };
}

/** `rate-50` asks for 50 requests a second, `vus-8` for 8 concurrent users; other names ask for nothing known. */
export function targetOf(scenario: string): StepTarget {
  const rate = /^rate-(\d+(?:\.\d+)?)$/.exec(scenario);
  if (rate) return { kind: 'rate', perSecond: Number(rate[1]) };
  const vus = /^vus-(\d+)$/.exec(scenario);
  if (vus) return { kind: 'vus', vus: Number(vus[1]) };
  return { kind: 'unknown' };
}

/** A path as messages show it: relative to the working directory when under it, else absolute. */
export function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? resolve(path) : rel;
}
