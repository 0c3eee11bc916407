import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PLATFORM_MODULES } from '../../platform';
import { checkCharts, type ModuleCheck } from '../charts/check-charts';
import { locateHelm } from '../charts/helm-binary';
import { formatProblem } from '../config/problems';

const USAGE =
  'usage: npx projen charts:check [--charts DIR] [--cluster ' +
  'NAME]... [--module NAME]... [--no-pull] [--helm BIN] [--verbose]';
/** The exit code when the only problems are charts that could not be had. */
const EXIT_UNAVAILABLE = 3;
/** Pulled charts, `<chart>-<version>.tgz` (never committed: under node_modules/). */
const CHART_CACHE = join('node_modules', '.cache', 'eks-mlops-fleet', 'charts');

/**
 * `npx projen charts:check`: renders every enabled module's pinned chart with real Helm and the cluster's values,
 * validates each rendered object strictly, and checks that what each module declares (`provides`, `crds`) is
 * rendered. Charts come from `--charts DIR` when there, else from the cache of pulled charts, else are pulled.
 */
async function main() {
  const args = parseArgs(process.argv.slice(2));
  if ('error' in args) {
    console.error(`${args.error}\n${USAGE}`);
    process.exit(2);
  }
  const root = process.cwd();
  const located = locateHelm({ root, explicit: args.helm });
  if (!located.ok) {
    console.error(`charts:check: ${located.message}`);
    process.exit(1);
  }
  const helm = located.helm;
  console.log(`helm ${helm.version} (${helm.from})${args.charts ? `, charts from ${args.charts}` : ''}`);
  const report = await checkCharts({
    root,
    catalog: PLATFORM_MODULES,
    helm,
    chartsDir: args.charts,
    cacheDir: join(root, CHART_CACHE),
    pull: !args.noPull,
    clusters: args.clusters.length ? args.clusters : undefined,
    modules: args.modules.length ? args.modules : undefined,
  });

  let cluster = '';
  for (const check of report.modules) {
    if (check.cluster !== cluster) {
      cluster = check.cluster;
      console.log(`\n${cluster}`);
    }
    console.log(`  ${check.module.padEnd(30)} ${summary(check)}`);
    if (args.verbose) {
      for (const [gvk, n] of [...check.kinds.entries()].sort()) {
        console.log(`  ${''.padEnd(30)}   ${String(n).padStart(4)}  ${gvk}`);
      }
    }
    for (const note of check.notes) console.log(`  ${''.padEnd(30)}   note: ${note}`);
  }
  const rendered = report.modules.filter((m) => !m.skipped);
  const objects = rendered.reduce((sum, m) => sum + [...m.kinds.values()].reduce((a, b) => a + b, 0), 0);
  console.log(
    `\n${objects} objects rendered by ${rendered.length} module(s) ` +
      `on ${new Set(report.modules.map((m) => m.cluster)).size} cluster(s)`,
  );
  if (report.problems.length) {
    console.error(`\n${report.problems.map(formatProblem).join('\n')}\n\n${report.problems.length} problem(s).`);
    // only charts that could not be had (no network): a distinct exit code, for a CI step that may tolerate it
    if (report.problems.length === report.unavailable.length) {
      console.error(
        `${report.unavailable.length} chart(s) not available and nothing else ` +
          `wrong in what rendered (exit ${EXIT_UNAVAILABLE}); pass --charts DIR`,
      );
      process.exit(EXIT_UNAVAILABLE);
    }
    process.exit(1);
  }
  console.log('every chart renders, every object is valid, every declared object and CRD is rendered');
}

function summary(check: ModuleCheck): string {
  if (check.skipped) return `skipped: ${check.skipped}`;
  const charts = check.charts
    .map((c) => `${c.chart} ${c.version}${c.from ? ` (${c.from}): ${c.objects} objects` : ': not available'}`)
    .join(' + ');
  if (check.charts.every((c) => !c.from)) return `${charts}; not checked`;
  const unvalidated = check.unvalidated
    ? `, ${check.unvalidated} of custom kinds without a schema (kind checked only)`
    : '';
  const problems = check.problems.length ? `; ${check.problems.length} problem(s)` : '';
  return `${charts}; ${check.provided} declared found${unvalidated}${problems}`;
}

interface Args {
  charts?: string;
  helm?: string;
  clusters: string[];
  modules: string[];
  noPull: boolean;
  verbose: boolean;
}

function parseArgs(argv: string[]): Args | { error: string } {
  const args: Args = { clusters: [], modules: [], noPull: false, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--charts': {
        const dir = value();
        if (!dir) return { error: '--charts needs a folder' };
        if (!existsSync(dir) || !statSync(dir).isDirectory()) return { error: `--charts ${dir}: no such folder` };
        args.charts = resolve(dir);
        break;
      }
      case '--helm':
        args.helm = value();
        if (!args.helm) return { error: '--helm needs an executable' };
        break;
      case '--cluster':
        args.clusters.push(value() ?? '');
        break;
      case '--module':
        args.modules.push(value() ?? '');
        break;
      case '--no-pull':
        args.noPull = true;
        break;
      case '--verbose':
        args.verbose = true;
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        return { error: `unknown argument ${arg}` };
    }
  }
  return args;
}

void main();
