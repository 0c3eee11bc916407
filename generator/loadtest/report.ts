import { join } from 'node:path';
import { costPerMillion, hourlyCost, type HourlyCost } from './cost';
import type { StepResult, TestResult } from './k6-results';
import { barChart, lineChart, MARKERS, PALETTE, type LegendEntry, type LineSeries } from './svg-chart';
import { instanceTable } from '../instances/instance-table';
import { writeFileAtomically } from '../util/atomic-file';

export interface ReportOptions {
  /** The results folder as the report names it. */
  readonly resultsDir: string;
  /** A step meets the latency target when its p99 is at most this many ms. */
  readonly p99TargetMs: number;
  /** ... and at most this share of its requests failed (0..1). */
  readonly maxErrorRate: number;
}

/** The report: README.md and the charts it links, by file name. */
export interface LoadTestReport {
  readonly files: ReadonlyMap<string, string>;
}

export const LATENCY_CHART = 'latency-vs-throughput.svg';
export const COST_CHART = 'cost-per-million.svg';

/** A step with what it costs. */
interface CostedStep extends StepResult {
  readonly costPerMillion: number | null;
}

/** A test with its price, its costed steps, and the cheapest step that met the target. */
interface CostedTest extends TestResult {
  readonly label: string;
  readonly color: string;
  readonly cost: HourlyCost;
  readonly steps: readonly CostedStep[];
  readonly best: CostedStep | undefined;
  /** Why no step met the target, when none did. */
  readonly missed: string | undefined;
}

/** The Markdown report and its two SVG charts for `tests` (as readLoadTests returns them). */
export function buildReport(tests: readonly TestResult[], options: ReportOptions): LoadTestReport {
  const costed = costTests(tests, options);
  return {
    files: new Map([
      ['README.md', markdown(costed, options)],
      [LATENCY_CHART, latencyChart(costed, options)],
      [COST_CHART, costChart(costed, options)],
    ]),
  };
}

/** Writes the report's files into `outDir` (created if missing); returns their paths. */
export function writeReport(report: LoadTestReport, outDir: string): string[] {
  return [...report.files].map(([name, content]) => {
    const path = join(outDir, name);
    writeFileAtomically(path, content);
    return path;
  });
}

function costTests(tests: readonly TestResult[], options: ReportOptions): CostedTest[] {
  const plain = tests.map((t) => `${t.meta.model} on ${t.meta.instanceType}`);
  return tests.map((test, i) => {
    const cost = hourlyCost(test.meta.instanceType, test.meta.region, test.meta.nodes, test.meta.costShare);
    const steps = test.steps.map((step) => ({
      ...step,
      costPerMillion: costPerMillion(cost.usdPerHour, step.throughput),
    }));
    const meeting = steps.filter((s) => s.p99 <= options.p99TargetMs);
    const good = meeting.filter((s) => s.errorRate === null || s.errorRate <= options.maxErrorRate);
    const best = good
      .filter((s) => s.costPerMillion !== null)
      .reduce<CostedStep | undefined>((a, s) => (!a || s.costPerMillion! < a.costPerMillion! ? s : a), undefined);
    let missed: string | undefined;
    if (meeting.length === 0) {
      const lowest = Math.min(...steps.map((s) => s.p99));
      missed = `p99 never at or under ${target(options)} (lowest ${ms(lowest)} ms)`;
    } else if (good.length === 0) {
      missed = `p99 at or under ${target(options)} only with more than ${percent(options.maxErrorRate)} errors`;
    } else if (!good.some((s) => s.throughput !== null)) {
      missed = 'no throughput: each step that met the target has fewer than two requests';
    }
    // two tests of one model on one instance type (packed and not) would share a legend entry without their names
    const label =
      plain.indexOf(plain[i]) === plain.lastIndexOf(plain[i]) ? plain[i] : `${plain[i]} (${test.meta.test})`;
    return {
      ...test,
      label,
      color: PALETTE[i % PALETTE.length],
      cost,
      steps,
      best,
      missed,
    };
  });
}

function markdown(tests: readonly CostedTest[], options: ReportOptions): string {
  const goal = `p99 ≤ ${target(options)}`;
  const stepCount = tests.reduce((sum, t) => sum + t.steps.length, 0);
  const out: string[] = [
    '# Load test report',
    '',
    `${tests.length} test(s), ${stepCount} step(s), from \`${code(options.resultsDir)}\`. Latency: nearest-rank ` +
      'percentiles of `http_req_duration` over every request of a step; throughput: requests per second from ' +
      "a step's first request to its last. Cost: the nodes' on-demand list price from the instance table of " +
      `${instanceTable().asOf} (no storage, traffic, EKS fee or discounts). Latency target: ${goal} with at most ` +
      `${percent(options.maxErrorRate)} errors.`,
    '',
    `![p50 and p99 latency against throughput](${LATENCY_CHART})`,
    '',
    `![lowest cost per million requests with ${goal}](${COST_CHART})`,
    '',
    '## Overall',
    '',
    `| test | model | instance type | nodes | region | max throughput (req/s) | lowest cost per 1M requests ` +
      `(${goal}) | at step | its p99 (ms) | cost per hour |`,
    '|---|---|---|---:|---|---:|---:|---|---:|---:|',
  ];
  for (const t of tests) {
    const max = Math.max(...t.steps.map((s) => s.throughput ?? 0));
    const best = t.best;
    out.push(
      row([
        t.meta.test,
        t.meta.model,
        t.meta.instanceType,
        String(t.meta.nodes),
        t.meta.region,
        max > 0 ? rate(max) : 'n/a',
        best ? usd(best.costPerMillion!) : t.missed ? 'target not met' : 'no price',
        best ? best.scenario : '',
        best ? ms(best.p99) : '',
        t.cost.usdPerHour === null ? 'no price' : usd(t.cost.usdPerHour),
      ]),
    );
  }
  const missed = tests.filter((t) => t.missed);
  if (missed.length) {
    out.push('', `Never met ${goal}:`, '');
    for (const t of missed) out.push(`- \`${code(t.meta.test)}\`: ${t.missed}`);
  }
  const unpriced = tests.filter((t) => t.cost.usdPerHour === null);
  if (unpriced.length) {
    out.push('', 'No price:', '');
    for (const t of unpriced) out.push(`- \`${code(t.meta.test)}\`: ${t.cost.note}`);
  }
  for (const t of tests) {
    const { meta } = t;
    const packing = meta.modelsPerNode !== undefined ? `, ${meta.modelsPerNode} model(s) per node` : '';
    out.push(
      '',
      `## ${cell(meta.test)}`,
      '',
      `\`${code(meta.service)}\` serving ${cell(meta.model)} on ${meta.nodes} x ${cell(meta.instanceType)} in ` +
        `${cell(meta.region)}${packing}; started ${cell(meta.startedAt)}, ${cell(meta.generator)}; results in ` +
        `\`${code(t.dir)}\`. Cost: ${t.cost.usdPerHour === null ? `no price (${t.cost.note})` : t.cost.note}.`,
      '',
      '| step | target | throughput (req/s) | p50 (ms) | p90 (ms) | p99 (ms) | error rate | cost per hour | ' +
        'cost per 1M requests |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const s of t.steps) {
      const meets = s.p99 <= options.p99TargetMs;
      out.push(
        row([
          s === t.best ? `**${s.scenario}**` : s.scenario,
          s.target.kind === 'rate'
            ? `${s.target.perSecond} req/s`
            : s.target.kind === 'vus'
              ? `${s.target.vus} VUs`
              : '',
          s.throughput === null ? 'n/a' : rate(s.throughput),
          ms(s.p50),
          ms(s.p90),
          meets ? ms(s.p99) : `${ms(s.p99)} ✗`,
          s.errorRate === null ? 'n/a' : percent(s.errorRate),
          t.cost.usdPerHour === null ? 'no price' : usd(t.cost.usdPerHour),
          s.costPerMillion === null ? (t.cost.usdPerHour === null ? 'no price' : 'n/a') : usd(s.costPerMillion),
        ]),
      );
    }
  }
  out.push(
    '',
    `In bold: the step with the lowest cost per million requests that met the target; ✗: p99 over ` +
      `${target(options)}.`,
    '',
  );
  return out.join('\n');
}

function latencyChart(tests: readonly CostedTest[], options: ReportOptions): string {
  const series: LineSeries[] = [];
  const legend: LegendEntry[] = [];
  tests.forEach((t, i) => {
    const marker = MARKERS[i % MARKERS.length];
    const measured = t.steps.filter((s) => s.throughput !== null);
    series.push(
      { color: t.color, marker, points: measured.map((s) => [s.throughput!, s.p99] as const) },
      {
        color: t.color,
        marker,
        hollow: true,
        dash: '6 4',
        points: measured.map((s) => [s.throughput!, s.p50] as const),
      },
    );
    legend.push({ label: t.label, color: t.color, marker });
  });
  legend.push(
    { label: 'p99 (solid, filled)', color: '#555555', marker: 'circle', newRow: true },
    { label: 'p50 (dashed, hollow)', color: '#555555', marker: 'circle', hollow: true, dash: '6 4' },
  );
  return lineChart({
    title: 'Latency against throughput: p50 and p99 per step',
    xTitle: 'achieved throughput (requests/s)',
    yTitle: 'latency (ms)',
    series,
    legend,
    references: [{ y: options.p99TargetMs, label: `p99 target: ${target(options)}` }],
    xFromZero: true,
    yLogFromRatio: 30,
  });
}

function costChart(tests: readonly CostedTest[], options: ReportOptions): string {
  // the cheapest first; then the tests without a bar, which say why
  const ordered = [
    ...tests.filter((t) => t.best).sort((a, b) => a.best!.costPerMillion! - b.best!.costPerMillion!),
    ...tests.filter((t) => !t.best),
  ];
  return barChart({
    title: `Lowest cost per million requests with p99 ≤ ${target(options)}`,
    xTitle: 'on-demand cost per million requests (USD)',
    bars: ordered.map((t) => ({
      label: t.label,
      color: t.color,
      value: t.best ? t.best.costPerMillion : null,
      valueLabel: t.best
        ? `${usd(t.best.costPerMillion!)} at ${rate(t.best.throughput!)} req/s`
        : t.missed
          ? `target not met: ${t.missed}`
          : 'no price',
    })),
  });
}

function row(cells: readonly string[]): string {
  return `| ${cells.map(cell).join(' | ')} |`;
}

/** Text from the results (names a test's author chose) made safe inside a Markdown table cell or line. */
function cell(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r?\n/g, ' ');
}

/** Text inside backticks: a backtick in it would end the code span early. */
function code(text: string): string {
  return text.replace(/`/g, "'").replace(/\r?\n/g, ' ');
}

/** The latency target as set: `100 ms`, `99.5 ms`. */
function target(options: ReportOptions): string {
  return `${Number(options.p99TargetMs.toFixed(3))} ms`;
}

/** ms with one decimal: `41.7`, `1,150.6`. */
function ms(value: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

/** requests per second with one decimal: `149.9`, `1,204.5`. */
function rate(value: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

/** a share as a percentage with two decimals: `0.25%`. */
function percent(share: number): string {
  return `${(share * 100).toFixed(2)}%`;
}

/** USD with cents, or a tenth of a cent under a dollar (a million requests often costs less): `$1.52`, `$0.403`. */
export function usd(value: number): string {
  if (value > 0 && value < 0.001) return '< $0.001';
  const decimals = value < 1 ? 3 : 2;
  return `$${value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals })}`;
}

/**
 * The target the tests were run for (their meta.json's p99TargetMs), for a report not told one: the strictest when
 * they differ (listed in `differing`), 100 ms when none says.
 */
export function testsTarget(tests: readonly TestResult[]): { ms: number; differing: number[] } {
  const targets = [...new Set(tests.flatMap((t) => (t.meta.p99TargetMs === undefined ? [] : [t.meta.p99TargetMs])))];
  return {
    ms: targets.length ? Math.min(...targets) : DEFAULT_P99_TARGET_MS,
    differing: targets.length > 1 ? targets : [],
  };
}
export const DEFAULT_P99_TARGET_MS = 100;
