import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { InstanceTableMissing } from '../instances/instance-table';
import { LoadTestResultsError, readLoadTests, shown } from '../loadtest/k6-results';
import { buildReport, testsTarget, writeReport } from '../loadtest/report';

/**
 * `npx projen loadtest:report <results-dir> [--out <dir>] [--p99-target-ms <ms>] [--max-error-rate 0.01]`: reads the
 * raw results of in-cluster load tests (one folder per test: meta.json and k6's NDJSON output; the layout is in
 * generator/loadtest/k6-results.ts and docs/loadtest.md) and writes a Markdown report with SVG charts, for a pull
 * request comment, to `<out>/README.md` (default `<results-dir>/report/`).
 */
async function main(argv: string[]): Promise<number> {
  const usage =
    'usage: npx projen loadtest:report <results-dir> [--out <dir>] [--p99-target-ms <ms>] [--max-error-rate <0..1>]';
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (positionals.length !== 1) {
    console.error(usage);
    return 2;
  }
  const given = values['p99-target-ms'] === undefined ? undefined : Number(values['p99-target-ms']);
  if (given !== undefined && (!(given > 0) || !Number.isFinite(given))) {
    console.error(`--p99-target-ms: expected a number of milliseconds above 0, got "${values['p99-target-ms']}"`);
    return 2;
  }
  const maxErrorRate = Number(values['max-error-rate'] ?? '0.01');
  if (!(maxErrorRate >= 0 && maxErrorRate <= 1) || values['max-error-rate']?.trim() === '') {
    console.error(`--max-error-rate: expected a share from 0 to 1 (0.01 is 1%), got "${values['max-error-rate']}"`);
    return 2;
  }
  const resultsDir = resolve(positionals[0]);
  const outDir = resolve(values.out ?? join(resultsDir, 'report'));
  // the report folder may sit among the test folders (its default does): it is not a test
  const { tests, skipped } = await readLoadTests(resultsDir, { skip: [outDir] });
  for (const dir of skipped) console.log(`skipped ${dir}: neither meta.json nor k6.json`);
  const target = testsTarget(tests);
  if (given === undefined && target.differing.length > 1) {
    console.log(`the tests' p99 targets differ (${target.differing.join(', ')} ms): the report uses the lowest`);
  }
  const p99TargetMs = given ?? target.ms;
  const report = buildReport(tests, { resultsDir: shown(resultsDir), p99TargetMs, maxErrorRate });
  const written = writeReport(report, outDir);
  const steps = tests.reduce((sum, t) => sum + t.steps.length, 0);
  console.log(`${tests.length} test(s), ${steps} step(s): wrote ${written.map(shown).join(', ')}`);
  return 0;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      'p99-target-ms': { type: 'string' },
      'max-error-rate': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // a mistake in the results, a broken checkout's instance table or an out folder that cannot be written is one
    // line naming the file; anything else is a bug, with its stack
    const systemError = typeof (error as NodeJS.ErrnoException).code === 'string';
    if (error instanceof LoadTestResultsError || error instanceof InstanceTableMissing || systemError) {
      console.error(`error: ${(error as Error).message}`);
    } else {
      console.error(error);
    }
    process.exit(1);
  },
);
