import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PLATFORM_MODULES } from '../../platform';
import { readGitHubSettings, tokenFromEnv } from '../config/github-settings-file';
import { loadFleet } from '../config/load-fleet';
import { formatProblem, sortProblems, type Problem } from '../config/problems';
import { accountOfOwner, changedUnits, ownerFolder, readUnits } from '../github/changed-units';
import { createGitHubClient, GitHubError, type GitHubClient } from '../github/github-client';
import { PLAN_MARKER, renderPlanComment } from '../github/plan-comment';
import { upsertComment } from '../github/pr-comment';
import { runUnits, type ClusterRunResult, type TerragruntMode } from '../github/terragrunt-run';
import { lastSuccessfulRunCommit } from '../github/workflow-runs';
import { accountRegion, awsPartition } from '../infra/names';
import { applyEnvironmentName, applyRoleName, planRoleName, roleArn } from '../model/github-settings';

/** One entry of the plan or apply job matrix: a cluster, the role its job assumes, and its units in order. */
export interface InfraMatrixEntry {
  readonly name: string;
  /** The GitHub environment of the apply job (`infra-<environment>`). */
  readonly environment: string;
  readonly region: string;
  readonly role: string;
  /** Unit folders separated by spaces, in apply order. */
  readonly units: string;
}

/**
 * `tsx generator/cli/infra.ts <command>`, run by the infrastructure workflows:
 *   detect --role plan|apply --base <sha> --head <sha> [--since-last-success <workflow.yml>]
 *                                                         changed units per cluster -> $GITHUB_OUTPUT matrix, count,
 *                                                         removed
 *   run --mode plan|apply --cluster <c> --units "<dirs>" --out <dir>   terragrunt in each unit -> <dir>/<c>.json
 *   comment --results <dir>                               the plan summary comment on $PR_NUMBER, updated in place
 */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const root = process.cwd();
  switch (command) {
    case 'detect':
      return detect(root, rest);
    case 'run':
      return run(root, rest);
    case 'comment':
      return comment(root, rest);
    default:
      console.error('usage: infra.ts detect|run|comment [options]');
      return 2;
  }
}

async function detect(root: string, argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      role: { type: 'string' },
      base: { type: 'string' },
      head: { type: 'string' },
      'since-last-success': { type: 'string' },
    },
  });
  const role = values.role === 'apply' ? 'apply' : 'plan';
  const units = await readUnits(root);
  if (!units.ok) return fail(units.problems);
  let base = values.base;
  const workflow = values['since-last-success'];
  if (workflow) {
    const last = await lastSuccessfulRunCommit(clientFromEnv(root), workflow, process.env.GITHUB_REF_NAME || 'main');
    console.log(
      last
        ? `changes since ${last}, the last successful run of ${workflow}`
        : `${workflow} never succeeded: changes since ${base}`,
    );
    base = last ?? base;
  }
  const changed = changedFilesBetween(root, base, values.head ?? 'HEAD');
  const selected = changed === 'all' ? changedUnits(['root.hcl'], units.units) : changedUnits(changed, units.units);

  const fleet = loadFleet(root, { moduleNames: PLATFORM_MODULES.map((m) => m.name) });
  if (!fleet.ok) return fail(fleet.problems);
  const specs = new Map(fleet.clusters.map((c) => [c.spec.name, c.spec]));
  const matrix: InfraMatrixEntry[] = [];
  for (const { cluster, units: dirs } of selected) {
    const account = accountOfOwner(cluster);
    if (account) {
      // An account's units run with the plan or apply role (and in the GitHub environment) of the account's first
      // cluster by name. Safe: every cluster's apply role is administrator of the whole account and its plan role
      // reads the whole account and may lock the account units' state, so any of them may run these units;
      // the choice changes no generated file, and a removed cluster's roles are never picked (the fleet is read at
      // head).
      if (!dirs.length) continue;
      const runner = fleet.clusters
        .map((c) => c.spec)
        .filter((c) => c.aws.accountId === account)
        .sort((a, b) => (a.name < b.name ? -1 : 1))[0];
      if (!runner) {
        return fail([
          {
            file: ownerFolder(cluster),
            field: '',
            message: `expected a cluster.yaml with aws.accountId "${account}", got none`,
          },
        ]);
      }
      const roleName = role === 'plan' ? planRoleName(runner) : applyRoleName(runner);
      matrix.push({
        name: cluster,
        environment: applyEnvironmentName(runner.environment),
        region: accountRegion(awsPartition(runner.aws.region)),
        role: roleArn(runner, roleName),
        units: dirs.join(' '),
      });
      continue;
    }
    const spec = specs.get(cluster);
    if (!spec) {
      return fail([
        {
          file: `clusters/${cluster}`,
          field: '',
          message: 'expected a cluster.yaml beside the infra/ folder, got none',
        },
      ]);
    }
    if (!dirs.length) continue;
    const roleName = role === 'plan' ? planRoleName(spec) : applyRoleName(spec);
    matrix.push({
      name: cluster,
      environment: applyEnvironmentName(spec.environment),
      region: spec.aws.region,
      role: roleArn(spec, roleName),
      units: dirs.join(' '),
    });
  }
  const removed = selected.flatMap((c) => c.removed);

  const lines = [
    changed === 'all' ? 'The base commit is unknown: every unit is selected.' : `${changed.length} changed file(s).`,
    ...matrix.map((m) => `${m.name} (${m.environment}, ${m.role}): ${m.units.split(' ').join(' -> ')}`),
    ...removed.map((dir) => `removed unit (not destroyed by the pipeline): ${dir}`),
    matrix.length ? '' : 'No Terragrunt unit changed.',
  ];
  console.log(lines.join('\n'));
  appendGitHubFile(
    'GITHUB_OUTPUT',
    `matrix=${JSON.stringify(matrix)}\ncount=${matrix.length}\nremoved=${JSON.stringify(removed)}\n`,
  );
  appendGitHubFile(
    'GITHUB_STEP_SUMMARY',
    `### Terragrunt units to ${role}\n\n${
      matrix.length
        ? `| cluster | role | units, in order |\n|---|---|---|\n${matrix
            .map(
              (m) =>
                `| \`${m.name}\` | \`${m.role}\` | ${m.units
                  .split(' ')
                  .map((u) => `\`${u}\``)
                  .join(' → ')} |`,
            )
            .join('\n')}`
        : 'No Terragrunt unit changed.'
    }\n`,
  );
  return 0;
}

/** Files changed between two commits (both sides of renames), or 'all' when the base commit is not known. */
function changedFilesBetween(root: string, base: string | undefined, head: string): string[] | 'all' {
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: root, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (!base || /^0+$/.test(base)) return 'all';
  try {
    git('cat-file', '-e', `${base}^{commit}`);
  } catch {
    return 'all';
  }
  return git('diff', '--name-only', '--no-renames', '-z', base, head).split('\0').filter(Boolean);
}

function run(root: string, argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      mode: { type: 'string' },
      cluster: { type: 'string' },
      units: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const mode: TerragruntMode = values.mode === 'apply' ? 'apply' : 'plan';
  if (!values.cluster || !values.units || !values.out) {
    console.error('usage: infra.ts run --mode plan|apply --cluster <name> --units "<dir> <dir>" --out <dir>');
    return 2;
  }
  const units = values.units.split(/\s+/).filter(Boolean);
  const folder = ownerFolder(values.cluster);
  const outside = units.filter((u) => !u.startsWith(`${folder}/`) || u.split('/').includes('..'));
  if (outside.length) {
    console.error(`refusing units outside ${folder}/: ${outside.join(', ')}`);
    return 2;
  }
  const result = runUnits({
    root,
    cluster: values.cluster,
    mode,
    units,
    terragrunt: process.env.TERRAGRUNT_BIN,
    log: (t) => process.stdout.write(t),
  });
  mkdirSync(join(root, values.out), { recursive: true });
  writeFileSync(join(root, values.out, `${values.cluster}.json`), `${JSON.stringify(result, null, 2)}\n`);
  const table = result.units
    .map((u) => `| \`${u.dir}\` | ${u.status} | ${u.summary.replace(/\|/g, '\\|')} |`)
    .join('\n');
  appendGitHubFile(
    'GITHUB_STEP_SUMMARY',
    `### terragrunt ${mode}: ${values.cluster}\n\n| unit | result | summary |\n|---|---|---|\n${table}\n`,
  );
  for (const u of result.units) console.log(`${u.status.padEnd(10)} ${u.dir}: ${u.summary}`);
  return result.units.some((u) => u.status === 'failed') ? 1 : 0;
}

async function comment(root: string, argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { results: { type: 'string' } } });
  const dir = join(root, values.results ?? 'infra-results');
  const results: ClusterRunResult[] = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf-8')) as ClusterRunResult)
    : [];
  const matrix = JSON.parse(process.env.MATRIX || '[]') as InfraMatrixEntry[];
  const body = renderPlanComment({
    expected: matrix.map((m) => ({ name: m.name, units: m.units.split(' ').filter(Boolean) })),
    results,
    removed: JSON.parse(process.env.REMOVED || '[]') as string[],
    commit: process.env.HEAD_SHA ?? '',
    runUrl: process.env.RUN_URL ?? '',
  });
  appendGitHubFile('GITHUB_STEP_SUMMARY', `${body}\n`);
  const prNumber = Number(process.env.PR_NUMBER);
  if (!prNumber || !tokenFromEnv()) {
    console.error('PR_NUMBER and GITHUB_TOKEN must be set to post the comment');
    return 2;
  }
  const client = clientFromEnv(root);
  try {
    const posted = await upsertComment(client, prNumber, PLAN_MARKER, body);
    console.log(`plan comment ${posted.action}: ${posted.url}`);
    return 0;
  } catch (error) {
    if (error instanceof GitHubError) {
      console.error(`::error::${error.message}`);
      return 1;
    }
    throw error;
  }
}

/** The repository of the workflow run (GITHUB_REPOSITORY), else the settings; the token from the environment. */
function clientFromEnv(root: string): GitHubClient {
  const token = tokenFromEnv();
  if (!token) throw new Error('GITHUB_TOKEN must be set');
  const [owner, repository] = (process.env.GITHUB_REPOSITORY ?? '').split('/');
  const settings = owner && repository ? { owner, repository } : readGitHubSettings(root);
  return createGitHubClient({ token, ...settings, baseUrl: process.env.GITHUB_API_URL });
}

function appendGitHubFile(variable: 'GITHUB_OUTPUT' | 'GITHUB_STEP_SUMMARY', text: string) {
  const path = process.env[variable];
  if (path) appendFileSync(path, text);
}

function fail(problems: readonly Problem[]): number {
  console.error(sortProblems(problems).map(formatProblem).join('\n'));
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
