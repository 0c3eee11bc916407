import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { median, timed, type Measure } from './measure';
import { buildSyntheticFleet } from './synthetic-fleet';

/**
 * `npx projen bench:checks`: the offline checks of a pull request, `npx projen validate` and `npx projen expand`,
 * on the example fleet and on the 10k bench fleet: CPU and wall seconds, objects per second, peak memory. Writes
 * its section of docs/benchmarks.md. Options (environment): BENCH_RUNS=3  BENCH_SIZES=example,10k
 */

const REPO = resolve(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SIZES = (process.env.BENCH_SIZES ?? 'example,10k').split(',');
const SECTION = '## The pull request checks: validate and expand';

interface Row {
  readonly fleet: string;
  readonly objects: number;
  readonly validate: Measure;
  readonly expand: Measure;
  readonly expandObjects: number;
}

/** A project folder holding the fleet of `size`, regenerated. */
function fleetOf(size: string, dir: string) {
  if (size === 'example') {
    buildSyntheticFleet(REPO, dir, { clusters: 0, runsPerCluster: 0 });
    for (const path of ['clusters', 'recipes', 'apps', 'images']) {
      cpSync(join(REPO, path), join(dir, path), { recursive: true });
    }
  } else if (size === '10k') {
    buildSyntheticFleet(REPO, dir, { clusters: 6, runsPerCluster: 530 });
  } else {
    throw new Error(`unknown size ${size}: example or 10k`);
  }
  timed(dir, ['npx', 'projen']);
}

/** Runs a check RUNS times; the median, and the number the check printed before `pattern`. */
function check(dir: string, task: string, pattern: RegExp): { measure: Measure; count: number } {
  const runs = Array.from({ length: RUNS }, () => timed(dir, ['npx', 'projen', task]));
  const count = Number(pattern.exec(runs[0].stdout ?? '')?.[1] ?? NaN);
  return {
    measure: {
      cpu: median(runs.map((r) => r.cpu)),
      wall: median(runs.map((r) => r.wall)),
      rssMiB: Math.max(...runs.map((r) => r.rssMiB)),
    },
    count,
  };
}

function benchFleet(size: string): Row {
  const dir = mkdtempSync(join(REPO, '..', `checks-bench-${size}-`));
  try {
    fleetOf(size, dir);
    const validate = check(dir, 'validate', /^\s*(\d+)\s+objects in \d+ generated files$/m);
    const expand = check(dir, 'expand', /Applications; (\d+) objects in their sources/);
    return {
      fleet: size,
      objects: validate.count,
      validate: validate.measure,
      expand: expand.measure,
      expandObjects: expand.count,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const f = (n: number, digits = 2) => n.toFixed(digits);

function table(rows: Row[]): string {
  const lines = [
    '| fleet | objects | validate CPU s (wall) | validate objects/s (wall) | ' +
      'validate peak RSS MiB | expand objects | expand CPU s (wall) | expand objects/s ' +
      '(wall) | expand peak RSS MiB | validate + expand wall s, peak RSS MiB |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.fleet} | ${r.objects} | ${f(r.validate.cpu)} (${f(r.validate.wall)}) ` +
        `| ${f(r.objects / r.validate.wall, 0)} | ${f(r.validate.rssMiB, 0)} | ` +
        (`${r.expandObjects} | ${f(r.expand.cpu)} (${f(r.expand.wall)}) ` +
          `| ${f(r.expandObjects / r.expand.wall, 0)} | ${f(r.expand.rssMiB, 0)} | `) +
        `${f(r.validate.wall + r.expand.wall)}, ${f(Math.max(r.validate.rssMiB, r.expand.rssMiB), 0)} |`,
    );
  }
  return lines.join('\n');
}

function main() {
  const rows = SIZES.map((size) => {
    const row = benchFleet(size);
    console.log(table([row]).split('\n').pop());
    return row;
  });
  const section = [
    SECTION,
    '',
    '<!-- Written by `npx projen bench:checks` (bench/checks-bench.ts). -->',
    `Measured ${new Date().toISOString().slice(0, 10)}; the median of ${RUNS} ` +
      `runs of each command as the workflow runs it (\`npx projen validate\`, ` +
      ('`npx projen expand`), CPU user + sys and wall seconds from GNU time, ' +
        'peak RSS of the largest process. Objects per second are of wall time, ') +
      ("the whole command included (npx, projen's task runner, loading the command, reading " +
        "the schemas). The example fleet is the repository's; the 10k fleet is `npm run bench`'s."),
    '',
    table(rows),
    '',
  ].join('\n');
  console.log(`\n${section}`);
  if (process.env.BENCH_WRITE !== 'false') {
    const path = join(REPO, 'docs/benchmarks.md');
    const previous = existsSync(path) ? readFileSync(path, 'utf-8') : '';
    const start = previous.indexOf(SECTION);
    const end = start < 0 ? -1 : previous.indexOf('\n## ', start + SECTION.length);
    const next =
      start < 0
        ? `${previous.trimEnd()}\n\n${section}`
        : `${previous.slice(0, start)}${section}${end < 0 ? '' : previous.slice(end)}`;
    mkdirSync(join(REPO, 'docs'), { recursive: true });
    writeFileSync(path, next);
    console.log('written to docs/benchmarks.md');
  }
}

main();
