import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { median, timed, type Measure } from './measure';
import { buildSyntheticFleet, clusterName, exampleRecipes, runName } from './synthetic-fleet';

/**
 * `npm run bench`: regenerates synthetic fleets of about 1,000, 10,000 and 50,000 rendered objects with the
 * README's regenerate command (`npx projen`), and prints CPU and wall time, files written and peak memory of
 * a full, a no-op and a one-recipe regenerate, against the floor (the same objects serialized with `yaml`
 * and written by a minimal script) and the fixed cost (an empty fleet). Medians of several runs, on the
 * normal disk and on a tmpfs. Writes the table to docs/benchmarks.md.
 *
 * Options (environment): BENCH_SIZES=1k,10k,50k  BENCH_RUNS=3  BENCH_DISKS=disk,tmpfs
 */

const REPO = resolve(__dirname, '..');
const SIZES: Record<string, { clusters: number; runsPerCluster: number }> = {
  // a copy of prod-use1 renders about 100 objects, a run about 5.3 (the example recipes in turn)
  '1k': { clusters: 1, runsPerCluster: 170 },
  '10k': { clusters: 6, runsPerCluster: 297 },
  '50k': { clusters: 30, runsPerCluster: 297 },
};
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** The fixed cost is small and noisy: more runs. */
const FIXED_RUNS = Math.max(RUNS, 5);
const sizes = (process.env.BENCH_SIZES ?? '1k,10k,50k').split(',');
const disks = (process.env.BENCH_DISKS ?? 'disk,tmpfs')
  .split(',')
  .filter((d) => d !== 'tmpfs' || existsSync('/dev/shm'));

const REGENERATE = ['npx', 'projen'];

function medianOf(measures: Measure[]): Measure {
  return {
    cpu: median(measures.map((m) => m.cpu)),
    wall: median(measures.map((m) => m.wall)),
    rssMiB: Math.max(...measures.map((m) => m.rssMiB)),
    written: measures[0].written === undefined ? undefined : median(measures.map((m) => m.written!)),
  };
}

/** Generated files, from the generator's manifest. */
function generatedFiles(dir: string): string[] {
  return (JSON.parse(readFileSync(join(dir, '.projen/fleet-files.json'), 'utf-8')) as { files: string[] }).files;
}

/**
 * Removes every generated file and the generator's caches (rendered files, parsed recipes): the next regenerate
 * starts from an empty tree, as on a clean clone. The launcher's bundle stays, as it does on a laptop.
 */
function emptyTree(dir: string) {
  for (const entry of readdirSync(join(dir, 'clusters'), { withFileTypes: true })) {
    if (!entry.isDirectory()) {
      rmSync(join(dir, 'clusters', entry.name));
      continue;
    }
    for (const inner of readdirSync(join(dir, 'clusters', entry.name))) {
      if (inner !== 'cluster.yaml') rmSync(join(dir, 'clusters', entry.name, inner), { recursive: true });
    }
  }
  for (const file of ['.projen/fleet-files.json', '.projen/fleet-cache.json', '.projen/fleet-recipes-cache.json']) {
    rmSync(join(dir, file), { force: true });
  }
}

/** Files whose modification time changed since `before` (what a regenerate wrote). */
function mtimes(dir: string, files: string[]): Map<string, number> {
  return new Map(files.map((f) => [f, existsSync(join(dir, f)) ? statSync(join(dir, f)).mtimeMs : -1]));
}
function countWritten(dir: string, before: Map<string, number>): { count: number; paths: string[] } {
  const paths = generatedFiles(dir).filter((f) => before.get(f) !== statSync(join(dir, f)).mtimeMs);
  return { count: paths.length, paths };
}

/** The floor's input: every generated file, as plain data (YAML objects) or text, and the floor script. */
function prepareFloor(dir: string, floorDir: string) {
  const items: { path: string; header?: string; object?: unknown; text?: string }[] = [];
  let objects = 0;
  for (const path of generatedFiles(dir)) {
    const text = readFileSync(join(dir, path), 'utf-8');
    if (path.endsWith('.yaml')) {
      const [header] = text.split('\n', 1);
      items.push({ path, header, object: parseAllDocuments(text)[0].toJS() });
      objects++;
    } else {
      items.push({ path, text });
    }
  }
  mkdirSync(floorDir, { recursive: true });
  writeFileSync(join(floorDir, 'data.json'), JSON.stringify(items));
  writeFileSync(
    join(floorDir, 'floor.js'),
    `const { mkdirSync, writeFileSync, readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const { stringify } = require(${JSON.stringify(join(REPO, 'node_modules/yaml'))});
const items = JSON.parse(readFileSync(join(__dirname, 'data.json'), 'utf-8'));
const out = process.argv[2];
const made = new Set();
for (const item of items) {
  const path = join(out, item.path);
  const dir = dirname(path);
  if (!made.has(dir)) { mkdirSync(dir, { recursive: true }); made.add(dir); }
  const options = { lineWidth: 0, aliasDuplicateObjects: false, version: '1.2' };
  writeFileSync(path, item.object === undefined ? item.text : item.header + '\\n' + stringify(item.object, options));
}
`,
  );
  return { objects, files: items.length };
}

interface Row {
  size: string;
  disk: string;
  objects: number;
  files: number;
  full: Measure;
  noop: Measure;
  one: Measure;
  oneExpected: number;
  floor: Measure;
  /** Median of the ratios full/floor CPU of each run and the floor run after it. */
  fullOverFloor: number;
  fixed: Fixed;
}

function benchSize(label: string, disk: string, fixed: Fixed): Row {
  const base = disk === 'tmpfs' ? '/dev/shm' : join(REPO, '..');
  const dir = mkdtempSync(join(base, `fleet-bench-${label}-`));
  try {
    buildSyntheticFleet(REPO, dir, SIZES[label]);
    timed(dir, REGENERATE); // projen's synthesis, once: it builds the launcher's bundle
    const floorDir = join(dir, '.floor');
    const { objects } = prepareFloor(dir, floorDir);
    // full regenerate and floor in turn, each after a sync: both meet the disk in the same state, and neither
    // pays for the write-back of what the previous run deleted
    const full: Measure[] = [];
    const floor: Measure[] = [];
    for (let i = 0; i < RUNS; i++) {
      emptyTree(dir);
      execFileSync('sync');
      full.push(timed(dir, REGENERATE));
      rmSync(join(floorDir, 'out'), { recursive: true, force: true });
      execFileSync('sync');
      floor.push(timed(floorDir, ['node', 'floor.js', join(floorDir, 'out')]));
    }
    const files = generatedFiles(dir);

    const noop: Measure[] = [];
    for (let i = 0; i < RUNS; i++) {
      const before = mtimes(dir, files);
      const m = timed(dir, REGENERATE);
      noop.push({ ...m, written: countWritten(dir, before).count });
    }

    // one recipe changed: the image tag of one run of the first cluster (a run whose images are pulled, not built
    // from images/, where a renamed image would be a folder that does not exist)
    const templates = exampleRecipes(REPO).filter((r) => r.text.includes('cluster: prod-use1'));
    const run = templates.findIndex((r) => !r.text.includes('image: images/'));
    const template = templates[run];
    const changed = runName(0, run, template.name);
    const recipeFile = join(dir, 'recipes', template.team, `${changed}.yaml`);
    const one: Measure[] = [];
    let oneExpected = 0;
    for (let i = 0; i < RUNS; i++) {
      const text = readFileSync(recipeFile, 'utf-8');
      writeFileSync(
        recipeFile,
        text
          .replace(/\nname: (\S+)\n/, `\n# bench edit ${Date.now()}-${i}\nname: $1\n`)
          .replace(/image: (\S+)/, `image: $1-b${i}`),
      );
      const before = mtimes(dir, generatedFiles(dir));
      const m = timed(dir, REGENERATE);
      const written = countWritten(dir, before);
      // what must change: the run's own folder (new name), the runs index, the cluster README, the manifest
      oneExpected = generatedFiles(dir).filter((f) =>
        f.includes(`/${clusterName(0)}/workloads/runs/${template.team}/${changed}-`),
      ).length;
      one.push({ ...m, written: written.count });
    }

    const fullOverFloor = median(full.map((m, i) => m.cpu / floor[i].cpu));
    return {
      size: label,
      disk,
      objects,
      files: files.length,
      full: medianOf(full),
      noop: medianOf(noop),
      one: medianOf(one),
      oneExpected,
      floor: medianOf(floor),
      fullOverFloor,
      fixed,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The regenerate command on an empty fleet, and the part of it that is the default task's own command (the launcher).
 */
interface Fixed {
  readonly command: Measure;
  readonly launcher: Measure;
}

function benchFixed(disk: string): Fixed {
  const base = disk === 'tmpfs' ? '/dev/shm' : join(REPO, '..');
  const dir = mkdtempSync(join(base, 'fleet-bench-empty-'));
  try {
    buildSyntheticFleet(REPO, dir, { clusters: 0, runsPerCluster: 0 });
    mkdirSync(join(dir, 'clusters'), { recursive: true });
    timed(dir, REGENERATE); // warm the transform cache, as on a laptop
    const command = medianOf(Array.from({ length: FIXED_RUNS }, () => timed(dir, REGENERATE)));
    // what npx and projen's task runner start: the rest of the command's cost is theirs
    const launcher = medianOf(
      Array.from({ length: FIXED_RUNS }, () =>
        timed(dir, ['node', 'generator/projen/launcher.cjs', 'tsx', '.projenrc.ts']),
      ),
    );
    return { command, launcher };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const f = (n: number, digits = 2) => n.toFixed(digits);
const READING = '## Reading the figures';

function table(rows: Row[]): string {
  const lines = [
    '| size | disk | objects | files | full CPU s (wall) | floor CPU s (wall) | ' +
      'full/floor CPU | no-op CPU s (wall) | no-op written | no-op/full | one-change CPU ' +
      "s (wall) | one-change written (of them the run's own) | one/full | fixed cost " +
      'CPU s (wall): command / its launcher alone | peak RSS MiB full / no-op / floor |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.size} | ${r.disk} | ${r.objects} | ${r.files} | ${f(r.full.cpu)} ` +
        `(${f(r.full.wall)}) | ${f(r.floor.cpu)} (${f(r.floor.wall)}) | ${f(r.fullOverFloor)} | ` +
        (`${f(r.noop.cpu)} (${f(r.noop.wall)}) | ${r.noop.written} | ${f(r.noop.cpu / r.full.cpu)} ` +
          `| ${f(r.one.cpu)} (${f(r.one.wall)}) | ${r.one.written} (${r.oneExpected}) | `) +
        (`${f(r.one.cpu / r.full.cpu)} | ${f(r.fixed.command.cpu)} (${f(r.fixed.command.wall)}) ` +
          `/ ${f(r.fixed.launcher.cpu)} (${f(r.fixed.launcher.wall)}) ` +
          `| ${f(r.full.rssMiB, 0)} / ${f(r.noop.rssMiB, 0)} / ${f(r.floor.rssMiB, 0)} |`),
    );
  }
  return lines.join('\n');
}

function scaling(rows: Row[]): string[] {
  const out: string[] = [];
  for (const disk of disks) {
    const a = rows.find((r) => r.disk === disk && r.size === '10k');
    const b = rows.find((r) => r.disk === disk && r.size === '50k');
    if (!a || !b) continue;
    const exponent = (x: number, y: number) => Math.log(y / x) / Math.log(b.objects / a.objects);
    out.push(
      `- ${disk}: scaling exponent from ${a.objects} to ${b.objects} objects: full ` +
        `CPU ${f(exponent(a.full.cpu, b.full.cpu))}, full ` +
        `wall ${f(exponent(a.full.wall, b.full.wall))}, floor CPU ${f(exponent(a.floor.cpu, b.floor.cpu))}`,
    );
  }
  return out;
}

function machine(): string {
  const cpu = cpus();
  const node = process.version;
  const kernel = execFileSync('uname', ['-sr'], { encoding: 'utf-8' }).trim();
  return (
    `${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} ` +
    `GiB memory, ${kernel}, Node ${node}; disk: the repository's file system; tmpfs: /dev/shm`
  );
}

function main() {
  const rows: Row[] = [];
  const fixed = new Map(disks.map((d) => [d, benchFixed(d)]));
  for (const size of sizes) {
    for (const disk of disks) {
      const row = benchSize(size, disk, fixed.get(disk)!);
      rows.push(row);
      console.log(table([row]).split('\n').pop());
    }
  }
  const report = [
    '<!-- Written by `npm run bench` (bench/fleet-bench.ts). -->',
    '# Benchmarks',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}.`,
    `Each figure is the median of ${RUNS} runs (fixed cost: ${FIXED_RUNS}); CPU is user + sys ` +
      `of the whole command and its children, from GNU time; peak RSS is the largest process.`,
    "The regenerate command is `npx projen` (the README's), on a synthetic " +
      'fleet: copies of `prod-use1` (every module, four node pools, three teams) ' +
      'with runs made from the example recipes (`bench/synthetic-fleet.ts`).',
    'The floor is the same objects, already built as plain data, serialized with ' +
      '`yaml` and written to the same files by a minimal script (`node floor.js`).',
    'Full regenerates and floor runs alternate, each after a ' +
      '`sync`; full/floor is the median of the ratios of each pair.',
    "The fixed cost is the regenerate command on an empty fleet; its launcher alone is the default task's " +
      "own command (`node generator/projen/launcher.cjs ...`), without npx and projen's CLI in front of it.",
    "A one-recipe change renames the run (its name carries the recipe's hash): " +
      "it writes the run's new files and rewrites the two files that list runs " +
      "(the cluster README and the runs index), and deletes the old run's files.",
    '',
    table(rows),
    '',
    ...scaling(rows),
    '',
  ].join('\n');
  console.log(`\n${report}`);
  if (process.env.BENCH_WRITE !== 'false') {
    mkdirSync(join(REPO, 'docs'), { recursive: true });
    // the reading of the figures is written by hand: kept from the previous report
    const previous = existsSync(join(REPO, 'docs/benchmarks.md'))
      ? readFileSync(join(REPO, 'docs/benchmarks.md'), 'utf-8')
      : '';
    const reading = previous.indexOf(`\n${READING}`);
    writeFileSync(join(REPO, 'docs/benchmarks.md'), reading < 0 ? report : `${report}\n${previous.slice(reading + 1)}`);
    console.log('written to docs/benchmarks.md');
  }
}

if (!existsSync(dirname(REGENERATE[0])) && !existsSync(join(REPO, 'node_modules/.bin/projen'))) {
  throw new Error('run npm ci first');
}
main();
