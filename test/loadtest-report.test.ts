import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoadTestResultsError, readLoadTests, type TestMeta } from '../generator/loadtest/k6-results';
import { FloatBuffer, nearestRank } from '../generator/loadtest/percentiles';
import { buildReport, COST_CHART, LATENCY_CHART } from '../generator/loadtest/report';
import { escapeXml, linearScale, logScale } from '../generator/loadtest/svg-chart';

/**
 * `npx projen loadtest:report`: k6 NDJSON results built here with known latencies, rates and failures, in temporary
 * folders (never the repository), read by the report function and by the command as `npx projen` runs it.
 */

const REPO = join(__dirname, '..');
const TSX = join(REPO, 'node_modules', '.bin', 'tsx');
const CLI = join(REPO, 'generator', 'cli', 'loadtest-report.ts');
/** The vendored instance table the report prices with: the expected costs are computed from it here. */
const PRICES = (
  JSON.parse(readFileSync(join(REPO, 'vendor', 'data', 'ec2-instance-types.json'), 'utf-8')) as {
    instanceTypes: Record<string, { onDemandUsdPerHour: Record<string, number | null> }>;
  }
).instanceTypes;

const temps: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** One k6 scenario: its requests `intervalMs` apart, with these latencies (ms) in a scrambled order. */
interface StepSpec {
  readonly scenario: string;
  readonly intervalMs: number;
  readonly latencies: readonly number[];
  /** Indexes of failed requests (http_req_failed 1, status 503). */
  readonly failed?: readonly number[];
  /** The status tag of request i; default 200, or 503 when failed. */
  readonly status?: (i: number) => string;
}

/** `n` latencies `base + k x step` for k = 1..n: their nearest-rank percentiles are known by hand. */
function ladder(n: number, base: number, step: number): number[] {
  return Array.from({ length: n }, (_, k) => base + (k + 1) * step);
}

/** k6's RFC 3339 time with nanoseconds, at a UTC offset of `offsetHours` (k6 writes the machine's local zone). */
function k6Time(ms: number, offsetHours = 0): string {
  const local = new Date(ms + offsetHours * 3_600_000).toISOString().replace('Z', '');
  const zone =
    offsetHours === 0 ? 'Z' : `${offsetHours > 0 ? '+' : '-'}${String(Math.abs(offsetHours)).padStart(2, '0')}:00`;
  return `${local}000000${zone}`;
}

/**
 * k6's NDJSON as `k6 run --out json` writes it: the Metric lines, then per request its http_reqs, http_req_duration,
 * other timing and http_req_failed points, and gauges without tags in between. `reqs: false` leaves out http_reqs
 * and http_req_failed (the reader then counts http_req_duration points and reads the status tag).
 */
function k6Output(startMs: number, steps: readonly StepSpec[], options: { reqs?: boolean; offset?: number } = {}) {
  const reqs = options.reqs ?? true;
  const lines = ['http_reqs', 'http_req_duration', 'http_req_waiting', 'http_req_failed', 'vus'].map((metric) =>
    JSON.stringify({
      type: 'Metric',
      data: { type: 'trend', contains: 'time', tainted: null, thresholds: [], submetrics: null },
      metric,
    }),
  );
  let at = startMs;
  for (const step of steps) {
    const n = step.latencies.length;
    for (let i = 0; i < n; i++) {
      const failed = step.failed?.includes(i) ?? false;
      const tags = {
        expected_response: String(!failed),
        method: 'POST',
        name: 'http://llm.serving.svc/v1/completions',
        proto: 'HTTP/1.1',
        scenario: step.scenario,
        status: step.status?.(i) ?? (failed ? '503' : '200'),
        url: 'http://llm.serving.svc/v1/completions',
      };
      const time = k6Time(at + i * step.intervalMs, options.offset);
      const point = (metric: string, value: number) =>
        JSON.stringify({ type: 'Point', data: { time, value, tags }, metric });
      // 7919 is prime: i -> 7919 i mod n visits every latency once, in an order far from sorted
      const latency = step.latencies[(i * 7919) % n];
      if (reqs) lines.push(point('http_reqs', 1));
      lines.push(point('http_req_duration', latency), point('http_req_waiting', latency - 0.5));
      if (reqs) lines.push(point('http_req_failed', failed ? 1 : 0));
      if (i % 50 === 0) {
        lines.push(JSON.stringify({ type: 'Point', data: { time, value: 8, tags: null }, metric: 'vus' }));
      }
    }
    at += (n - 1) * step.intervalMs + 5_000;
  }
  return `${lines.join('\n')}\n`;
}

function writeTest(root: string, folder: string, meta: Partial<TestMeta> | undefined, k6: string | Buffer, gz = false) {
  mkdirSync(join(root, folder), { recursive: true });
  if (meta) writeFileSync(join(root, folder, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
  writeFileSync(join(root, folder, gz ? 'k6.json.gz' : 'k6.json'), k6);
}

const START = Date.parse('2026-07-21T09:00:00Z');
const META = { startedAt: '2026-07-21T09:00:00Z', generator: 'k6 v1.1.0' };

/** Packed Inferentia: meets 100 ms up to 20 req/s; asked for 40, it reaches 25 with 2% failed and p99 596 ms. */
const INF2_PACKED = {
  meta: {
    test: 'llama3-8b-inf2-packed',
    service: 'llm-serving/llama3-8b',
    model: 'llama-3-8b',
    instanceType: 'inf2.xlarge',
    region: 'us-east-1',
    nodes: 2,
    modelsPerNode: 2,
    ...META,
  },
  steps: [
    { scenario: 'rate-10', intervalMs: 100, latencies: ladder(100, 30, 0.5) },
    { scenario: 'rate-20', intervalMs: 50, latencies: ladder(200, 40, 0.25) },
    { scenario: 'rate-40', intervalMs: 40, latencies: ladder(250, 100, 2), failed: [3, 50, 99, 150, 249] },
  ],
};

/** Graviton on CPU, a small model: 50 req/s within 100 ms, 100 req/s not; times at +02:00 as k6 on a laptop. */
const C7G = {
  meta: {
    test: 'distilbert-c7g',
    service: 'nlp/distilbert',
    model: 'distilbert-base',
    instanceType: 'c7g.xlarge',
    region: 'us-west-2',
    nodes: 4,
    ...META,
  },
  steps: [
    { scenario: 'rate-50', intervalMs: 20, latencies: ladder(500, 10, 0.125) },
    { scenario: 'rate-100', intervalMs: 10, latencies: ladder(1000, 20, 0.125) },
  ],
};

/** One model a node: concurrency steps, never within 100 ms; no http_reqs or http_req_failed points. */
const INF2_SINGLE = {
  meta: {
    test: 'llama3-8b-inf2-single',
    service: 'llm-serving/llama3-8b',
    model: 'llama-3-8b',
    instanceType: 'inf2.xlarge',
    region: 'us-east-1',
    nodes: 1,
    modelsPerNode: 1,
    ...META,
  },
  steps: [
    { scenario: 'vus-4', intervalMs: 40, latencies: ladder(100, 100, 1) },
    {
      scenario: 'vus-8',
      intervalMs: 25,
      latencies: ladder(100, 150, 2),
      status: (i: number) => (i < 3 ? '503' : i === 3 ? '0' : '200'),
    },
  ],
};

function writeExample(root: string) {
  writeTest(root, INF2_PACKED.meta.test, INF2_PACKED.meta, k6Output(START, INF2_PACKED.steps));
  writeTest(root, C7G.meta.test, C7G.meta, k6Output(START, C7G.steps, { offset: 2 }));
  writeTest(root, INF2_SINGLE.meta.test, INF2_SINGLE.meta, k6Output(START, INF2_SINGLE.steps, { reqs: false }));
}

/** `usd x nodes per hour` over `perSecond` requests a second, per million requests. */
function perMillion(instanceType: string, region: string, nodes: number, perSecond: number): number {
  return ((PRICES[instanceType].onDemandUsdPerHour[region]! * nodes) / (perSecond * 3600)) * 1e6;
}

/**
 * A check that an SVG is well-formed XML, by a stack of open tags: every tag closed in order, one root `svg`, text
 * without a bare `<` or `&`, quoted attributes. Returns the text of every `<text>` element.
 */
function parseSvg(svg: string): string[] {
  const body = svg.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  const texts: string[] = [];
  let roots = 0;
  let last = 0;
  for (const match of body.matchAll(/<[^<>]*>/g)) {
    const between = body.slice(last, match.index);
    expect(between, `bare text at ${match.index}`).not.toMatch(/<|&(?!(amp|lt|gt|quot|apos|#\d+);)/);
    if (stack[stack.length - 1] === 'text') texts.push(unescape(between));
    last = match.index + match[0].length;
    const tag = match[0];
    const parsed = /^<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>$/.exec(tag);
    expect(parsed, `malformed tag ${tag}`).not.toBeNull();
    const [, closing, name, , selfClosing] = parsed!;
    if (closing) {
      expect(stack.pop(), `</${name}> closes the wrong element`).toBe(name);
    } else if (!selfClosing) {
      if (stack.length === 0) roots++;
      stack.push(name);
    } else if (stack.length === 0) {
      roots++;
    }
  }
  expect(body.slice(last).trim()).toBe('');
  expect(stack, 'unclosed elements').toEqual([]);
  expect(roots).toBe(1);
  expect(body.startsWith('<svg ')).toBe(true);
  return texts;
}

function unescape(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Runs the command as `npx projen loadtest:report` does (tsx generator/cli/loadtest-report.ts ...). */
function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(TSX, [CLI, ...args], { cwd: REPO, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('percentiles', () => {
  it('are the nearest rank: the value of rank ceil(p/100 x n)', () => {
    const sorted = Float64Array.from([15, 20, 35, 40, 50]);
    expect([5, 30, 40, 50, 100].map((p) => nearestRank(sorted, p))).toEqual([15, 20, 20, 35, 50]);
    const hundred = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    expect([29, 50, 90, 99, 100].map((p) => nearestRank(hundred, p))).toEqual([29, 50, 90, 99, 100]);
    expect(nearestRank(new Float64Array(0), 50)).toBeNaN();
    expect(() => nearestRank(sorted, 0)).toThrow(RangeError);
  });

  it('keep any number of values in a growing Float64Array and sort them as numbers', () => {
    const buffer = new FloatBuffer();
    for (let i = 5000; i >= 1; i--) buffer.push(i / 10);
    const sorted = buffer.sorted();
    expect(sorted).toBeInstanceOf(Float64Array);
    expect(sorted.length).toBe(5000);
    expect([sorted[0], sorted[1], sorted[4999]]).toEqual([0.1, 0.2, 500]);
    expect(nearestRank(sorted, 99)).toBe(495);
  });
});

describe('chart scales', () => {
  it('tick at 1, 2, 2.5 or 5 x a power of ten and end on a tick', () => {
    expect(linearScale(0, 596).labels).toEqual(['0', '100', '200', '300', '400', '500', '600']);
    expect(linearScale(0, 100).labels).toEqual(['0', '20', '40', '60', '80', '100']);
    expect(linearScale(0, 1.3).labels).toEqual(['0.00', '0.25', '0.50', '0.75', '1.00', '1.25', '1.50']);
    expect(linearScale(0, 12_000, 5).labels).toEqual(['0', '2,500', '5,000', '7,500', '10,000', '12,500']);
    expect(linearScale(0, 0).ticks.length).toBeGreaterThan(1);
    expect(logScale(3.2, 4100).labels).toEqual([
      '2',
      '5',
      '10',
      '20',
      '50',
      '100',
      '200',
      '500',
      '1,000',
      '2,000',
      '5,000',
    ]);
  });

  it('escape text', () => {
    expect(escapeXml(`a<b>&"c"'`)).toBe('a&lt;b&gt;&amp;&quot;c&quot;&apos;');
  });
});

describe('loadtest report', () => {
  let root: string;
  let report: ReadonlyMap<string, string>;
  let readme: string;

  beforeAll(async () => {
    root = tempDir('loadtest-report-');
    writeExample(root);
    const { tests } = await readLoadTests(root);
    report = buildReport(tests, { resultsDir: 'results', p99TargetMs: 100, maxErrorRate: 0.01 }).files;
    readme = report.get('README.md')!;
  });

  it('reads each step: exact percentiles, throughput over its span, error rate', async () => {
    const { tests, skipped } = await readLoadTests(root);
    expect(skipped).toEqual([]);
    expect(tests.map((t) => t.meta.test)).toEqual(['distilbert-c7g', 'llama3-8b-inf2-packed', 'llama3-8b-inf2-single']);
    const steps = Object.fromEntries(
      tests.map((t) => [
        t.meta.test,
        t.steps.map((s) => ({
          scenario: s.scenario,
          requests: s.requests,
          p: [s.p50, s.p90, s.p99],
          errorRate: s.errorRate,
          throughput: s.throughput,
        })),
      ]),
    );
    // ladder(n, base, step): the value of rank r is base + r x step, r = ceil(p/100 x n)
    expect(steps['llama3-8b-inf2-packed']).toEqual([
      { scenario: 'rate-10', requests: 100, p: [55, 75, 79.5], errorRate: 0, throughput: expect.closeTo(10, 9) },
      { scenario: 'rate-20', requests: 200, p: [65, 85, 89.5], errorRate: 0, throughput: expect.closeTo(20, 9) },
      // 250 requests: p99 is rank ceil(247.5) = 248; 5 of 250 failed; asked for 40 a second, 25 came through
      { scenario: 'rate-40', requests: 250, p: [350, 550, 596], errorRate: 0.02, throughput: expect.closeTo(25, 9) },
    ]);
    // a zone offset of +02:00 in every time: the spans are the same
    expect(steps['distilbert-c7g']).toEqual([
      {
        scenario: 'rate-50',
        requests: 500,
        p: [41.25, 66.25, 71.875],
        errorRate: 0,
        throughput: expect.closeTo(50, 9),
      },
      {
        scenario: 'rate-100',
        requests: 1000,
        p: [82.5, 132.5, 143.75],
        errorRate: 0,
        throughput: expect.closeTo(100, 9),
      },
    ]);
    // no http_reqs points: http_req_duration counted; no http_req_failed: 3 x 503 and one status 0 of 100 failed
    expect(steps['llama3-8b-inf2-single']).toEqual([
      { scenario: 'vus-4', requests: 100, p: [150, 190, 199], errorRate: 0, throughput: expect.closeTo(25, 9) },
      { scenario: 'vus-8', requests: 100, p: [250, 330, 348], errorRate: 0.04, throughput: expect.closeTo(40, 9) },
    ]);
    expect(tests[1].meta).toEqual(INF2_PACKED.meta);
  });

  it('writes a table per test with cost per hour and per million requests from the instance table', () => {
    const inf2Hour = PRICES['inf2.xlarge'].onDemandUsdPerHour['us-east-1']! * 2;
    const money = (v: number) => `$${v.toFixed(v < 1 ? 3 : 2)}`;
    expect(readme).toContain(
      '| step | target | throughput (req/s) | p50 (ms) | p90 (ms) | p99 (ms) | error rate | cost per hour | ' +
        'cost per 1M requests |',
    );
    const packed = [
      `| rate-10 | 10 req/s | 10.0 | 55.0 | 75.0 | 79.5 | 0.00% | ${money(inf2Hour)} | ` +
        `${money(perMillion('inf2.xlarge', 'us-east-1', 2, 10))} |`,
      // the cheapest step within 100 ms, in bold
      `| **rate-20** | 20 req/s | 20.0 | 65.0 | 85.0 | 89.5 | 0.00% | ${money(inf2Hour)} | ` +
        `${money(perMillion('inf2.xlarge', 'us-east-1', 2, 20))} |`,
      `| rate-40 | 40 req/s | 25.0 | 350.0 | 550.0 | 596.0 ✗ | 2.00% | ${money(inf2Hour)} | ` +
        `${money(perMillion('inf2.xlarge', 'us-east-1', 2, 25))} |`,
    ];
    expect(readme).toContain(packed.join('\n'));
    expect(money(perMillion('inf2.xlarge', 'us-east-1', 2, 20))).toBe('$21.06');
    const c7gHour = PRICES['c7g.xlarge'].onDemandUsdPerHour['us-west-2']! * 4;
    expect(readme).toContain(
      // toFixed(1) rounds a tie up: 41.25 is 41.3
      `| **rate-50** | 50 req/s | 50.0 | 41.3 | 66.3 | 71.9 | 0.00% | ${money(c7gHour)} | ` +
        `${money(perMillion('c7g.xlarge', 'us-west-2', 4, 50))} |`,
    );
    expect(readme).toContain('| vus-8 | 8 VUs | 40.0 | 250.0 | 330.0 | 348.0 ✗ | 4.00% |');
    expect(readme).toContain('2 x inf2.xlarge at $0.7582/h on demand in us-east-1 (instance table of 2026-07-20)');
  });

  it('writes an overall table: the lowest cost per million requests within the target, and who never met it', () => {
    const c7g = `$${perMillion('c7g.xlarge', 'us-west-2', 4, 50).toFixed(2)}`;
    const inf2 = `$${perMillion('inf2.xlarge', 'us-east-1', 2, 20).toFixed(2)}`;
    // under a dollar, to a tenth of a cent
    const hour = (type: string, region: string, nodes: number) => {
      const usd = PRICES[type].onDemandUsdPerHour[region]! * nodes;
      return `$${usd.toFixed(usd < 1 ? 3 : 2)}`;
    };
    expect(readme).toContain(
      [
        '| test | model | instance type | nodes | region | max throughput (req/s) | lowest cost per 1M requests ' +
          '(p99 ≤ 100 ms) | at step | its p99 (ms) | cost per hour |',
        '|---|---|---|---:|---|---:|---:|---|---:|---:|',
        `| distilbert-c7g | distilbert-base | c7g.xlarge | 4 | us-west-2 | 100.0 | ${c7g} | rate-50 | 71.9 | ` +
          `${hour('c7g.xlarge', 'us-west-2', 4)} |`,
        `| llama3-8b-inf2-packed | llama-3-8b | inf2.xlarge | 2 | us-east-1 | 25.0 | ${inf2} | rate-20 | 89.5 | ` +
          `${hour('inf2.xlarge', 'us-east-1', 2)} |`,
        '| llama3-8b-inf2-single | llama-3-8b | inf2.xlarge | 1 | us-east-1 | 40.0 | target not met |  |  | ' +
          `${hour('inf2.xlarge', 'us-east-1', 1)} |`,
      ].join('\n'),
    );
    expect(readme).toContain(
      'Never met p99 ≤ 100 ms:\n\n- `llama3-8b-inf2-single`: p99 never at or under 100 ms (lowest 199.0 ms)',
    );
    expect(readme).toContain(`![p50 and p99 latency against throughput](${LATENCY_CHART})`);
    expect(readme).toContain(`](${COST_CHART})`);
  });

  it('draws latency against throughput: well-formed, axis titles with units, ticks, a legend entry per test', () => {
    const texts = parseSvg(report.get(LATENCY_CHART)!);
    expect(texts).toContain('achieved throughput (requests/s)');
    expect(texts).toContain('latency (ms)');
    // x: 0 to 100 req/s in steps of 20; y: 0 to 596 ms in steps of 100
    for (const tick of ['0', '20', '40', '60', '80', '100', '200', '300', '400', '500', '600']) {
      expect(texts).toContain(tick);
    }
    // the two tests of one model on one instance type are told apart by their names
    for (const label of [
      'distilbert-base on c7g.xlarge',
      'llama-3-8b on inf2.xlarge (llama3-8b-inf2-packed)',
      'llama-3-8b on inf2.xlarge (llama3-8b-inf2-single)',
      'p99 (solid, filled)',
      'p50 (dashed, hollow)',
      'p99 target: 100 ms',
    ]) {
      expect(texts).toContain(label);
    }
    // one p99 and one p50 line per test, a marker per step on each
    const svg = report.get(LATENCY_CHART)!;
    expect(svg.match(/<polyline /g)).toHaveLength(6);
    expect(svg).toMatch(/<svg [^>]*width="820"/);
  });

  it('draws the lowest cost per million requests as bars labelled in dollars, and says which test missed', () => {
    const texts = parseSvg(report.get(COST_CHART)!);
    expect(texts).toContain('on-demand cost per million requests (USD)');
    const c7g = perMillion('c7g.xlarge', 'us-west-2', 4, 50);
    const inf2 = perMillion('inf2.xlarge', 'us-east-1', 2, 20);
    expect(texts).toContain(`$${c7g.toFixed(2)} at 50.0 req/s`);
    expect(texts).toContain(`$${inf2.toFixed(2)} at 20.0 req/s`);
    expect(texts).toContain('target not met: p99 never at or under 100 ms (lowest 199.0 ms)');
    // the cheapest first
    expect(texts.indexOf('distilbert-base on c7g.xlarge')).toBeLessThan(
      texts.indexOf('llama-3-8b on inf2.xlarge (llama3-8b-inf2-packed)'),
    );
    expect(report.get(COST_CHART)!.match(/<rect [^>]*fill="#/g)!.length).toBeGreaterThanOrEqual(3);
  });

  it('says "no price" for an instance type or region the table has no price for, and reads k6.json.gz', async () => {
    const dir = tempDir('loadtest-noprice-');
    const steps = [{ scenario: 'rate-5', intervalMs: 200, latencies: ladder(20, 10, 1) }];
    writeTest(
      dir,
      'unknown-type',
      { ...INF2_PACKED.meta, test: 'unknown-type', instanceType: 'inf9.huge' },
      k6Output(START, steps),
    );
    writeTest(
      dir,
      'unpriced-region',
      { ...C7G.meta, test: 'unpriced-region', region: 'eu-central-1' },
      gzipSync(k6Output(START, steps)),
      true,
    );
    const { tests } = await readLoadTests(dir);
    const files = buildReport(tests, { resultsDir: dir, p99TargetMs: 100, maxErrorRate: 0.01 }).files;
    const text = files.get('README.md')!;
    expect(text).toContain('| rate-5 | 5 req/s | 5.0 | 20.0 | 28.0 | 30.0 | 0.00% | no price | no price |');
    expect(text).toContain('- `unknown-type`: inf9.huge is not in the instance table');
    expect(text).toContain(
      '- `unpriced-region`: the instance table has no on-demand price of c7g.xlarge in eu-central-1',
    );
    expect(parseSvg(files.get(COST_CHART)!).filter((t) => t === 'no price')).toHaveLength(2);
    parseSvg(files.get(LATENCY_CHART)!);
  });

  it('refuses results out of the layout with the file, the line and what was expected', async () => {
    const broken = (k6: string, meta: Partial<TestMeta> | null = INF2_PACKED.meta) => {
      const dir = tempDir('loadtest-broken-');
      writeTest(dir, 't', meta ?? undefined, k6);
      return dir;
    };
    const good = k6Output(START, [{ scenario: 'rate-5', intervalMs: 200, latencies: ladder(20, 10, 1) }]).split('\n');
    // line 7: the first request's http_req_duration point, its colon after "value" lost
    expect(good[6]).toContain('"metric":"http_req_duration"');
    const colonLost = good.map((l, i) => (i === 6 ? l.replace('"value":', '"value"') : l)).join('\n');
    await expect(readLoadTests(broken(colonLost))).rejects.toThrow(/^\S+\/t\/k6\.json:7: not JSON \(/);
    // a line cut short (k6 stopped mid-write) loses its "metric", which k6 writes last: still refused at its line
    const vus = good.findIndex((l) => l.includes('"metric":"vus"') && l.includes('Point'));
    const cut = good.map((l, i) => (i === vus ? l.slice(0, 30) : l)).join('\n');
    await expect(readLoadTests(broken(cut))).rejects.toThrow(
      new RegExp(`/t/k6\\.json:${vus + 1}: expected one JSON object a line \\(k6 --out json\\)$`),
    );
    const cutLast = good.map((l, i) => (i === 6 ? l.slice(0, 60) : l)).join('\n');
    await expect(readLoadTests(broken(cutLast))).rejects.toThrow(/\/t\/k6\.json:7: expected one JSON object a line/);
    const noDuration = good.filter((l) => !l.includes('"http_req_duration"')).join('\n');
    await expect(readLoadTests(broken(noDuration))).rejects.toThrow(/\/t\/k6\.json: no http_req_duration points;/);
    await expect(readLoadTests(broken(good.join('\n'), null))).rejects.toThrow(
      /\/t\/meta\.json: missing; each test folder needs meta\.json/,
    );
    await expect(readLoadTests(broken(good.join('\n'), { ...INF2_PACKED.meta, nodes: 0 }))).rejects.toThrow(
      /\/t\/meta\.json: "nodes": expected a positive integer, got 0$/,
    );
    const badValue = good.map((l) => l.replace(/"value":\d+(\.\d+)?,/, '"value":"fast",')).join('\n');
    await expect(readLoadTests(broken(badValue))).rejects.toThrow(/k6\.json:6: "data\.value": expected a number/);
    const error = await readLoadTests(broken(cut)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoadTestResultsError);
    await expect(readLoadTests(broken(good.join('\n')))).resolves.toBeDefined();
  });
});

describe('npx projen loadtest:report', () => {
  it('writes README.md and the charts into <results-dir>/report, and a second run skips that folder', async () => {
    const root = tempDir('loadtest-cli-');
    writeExample(root);
    mkdirSync(join(root, 'notes'));
    const first = await cli([root]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`skipped ${join(root, 'notes')}: neither meta.json nor k6.json`);
    expect(first.stdout).toContain(`3 test(s), 7 step(s): wrote ${join(root, 'report', 'README.md')}`);
    for (const name of ['README.md', LATENCY_CHART, COST_CHART]) {
      expect(existsSync(join(root, 'report', name))).toBe(true);
    }
    const readme = readFileSync(join(root, 'report', 'README.md'), 'utf-8');
    expect(readme).toContain('| **rate-20** | 20 req/s | 20.0 | 65.0 | 85.0 | 89.5 | 0.00% |');
    parseSvg(readFileSync(join(root, 'report', LATENCY_CHART), 'utf-8'));
    const again = await cli([root, '--p99-target-ms', '60']);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain(`skipped ${join(root, 'report')}`);
    // with a 60 ms target no test meets it
    const stricter = readFileSync(join(root, 'report', 'README.md'), 'utf-8');
    expect(stricter).toContain('- `llama3-8b-inf2-packed`: p99 never at or under 60 ms (lowest 79.5 ms)');
  });

  it('writes where --out says', async () => {
    const root = tempDir('loadtest-cli-out-');
    writeExample(root);
    const out = join(tempDir('loadtest-cli-dest-'), 'comment');
    const result = await cli([root, '--out', out]);
    expect(result.code).toBe(0);
    expect(existsSync(join(out, 'README.md'))).toBe(true);
    expect(existsSync(join(root, 'report'))).toBe(false);
  });

  it('fails in one line, without a stack trace, naming the file and line', async () => {
    const root = tempDir('loadtest-cli-bad-');
    writeExample(root);
    const path = join(root, INF2_SINGLE.meta.test, 'k6.json');
    const lines = readFileSync(path, 'utf-8').split('\n');
    // line 11: the third request's http_req_duration point (no http_reqs points in this test)
    expect(lines[10]).toContain('"metric":"http_req_duration"');
    lines[10] = lines[10].replace('"tags":{', '"tags":{,');
    writeFileSync(path, lines.join('\n'));
    const malformed = await cli([root]);
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toMatch(new RegExp(`^error: ${path.replace(/[.]/g, '\\.')}:11: not JSON \\(.*\\)\\n$`));
    rmSync(join(root, C7G.meta.test, 'meta.json'));
    const missing = await cli([root]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      `error: ${join(root, C7G.meta.test, 'meta.json')}: missing; each test folder needs meta.json (test, service, ` +
        'model, instanceType, region, nodes, startedAt, generator; see docs/loadtest.md)\n',
    );
    expect(existsSync(join(root, 'report'))).toBe(false);
    const nowhere = await cli([join(root, 'no-such-dir')]);
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toBe(
      `error: ${join(root, 'no-such-dir')}: no such folder; expected a folder of load-test results\n`,
    );
    const usage = await cli([]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^usage: npx projen loadtest:report <results-dir>/);
    const badTarget = await cli([root, '--p99-target-ms', 'soon']);
    expect(badTarget.code).toBe(2);
    expect(badTarget.stderr).toContain('--p99-target-ms: expected a number of milliseconds above 0, got "soon"');
  });
});
