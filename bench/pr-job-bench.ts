import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';

/**
 * `npx projen bench:pr`: the pull request workflow's check job on a pull request that adds one recipe, run
 * here step by step as GitHub runs it: the job's steps are read from `.github/workflows/pull-request.yml`, each
 * `run:` step is run with `bash -e` in a fresh clone of the pull request's merge commit (no caches, as on a
 * runner), with `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY`, honouring `if:` on earlier steps' outputs. The
 * install is not timed (node_modules is linked); `uses:` steps are the runner's. Prints each step's wall and
 * CPU time and writes its section of docs/benchmarks.md.
 */

const REPO = resolve(__dirname, '..');
const SECTION = "## A run's pull request: the check job, step by step";
const RECIPE_FROM = 'recipes/llm-training/gpt2-wikicorpus-preprocess.yaml';
const RECIPE_TO = 'recipes/llm-training/gpt2-wikicorpus-preprocess-again.yaml';

interface Step {
  readonly name: string;
  readonly id?: string;
  readonly if?: string;
  readonly run?: string;
  readonly uses?: string;
  readonly env?: Record<string, string>;
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], {
    cwd,
    encoding: 'utf-8',
  });

/** The repository's files (tracked and new, as they are now), committed as the base branch of a new repository. */
function baseRepository(dir: string) {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: REPO,
    encoding: 'utf-8',
  })
    .split('\0')
    .filter((file) => file && existsSync(join(REPO, file)));
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(REPO, file), join(dir, file));
  }
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'base');
}

/** The pull request: one new recipe and what the author's `npx projen` generated for it, merged as GitHub does. */
function pullRequest(dir: string) {
  git(dir, 'checkout', '-q', '-b', 'run');
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  const recipe = readFileSync(join(dir, RECIPE_FROM), 'utf-8').replace(/^name: (\S+)$/m, 'name: $1-again');
  writeFileSync(join(dir, RECIPE_TO), recipe);
  execFileSync('npx', ['projen'], {
    cwd: dir,
    env: { ...process.env, CI: 'true', PROJEN_DISABLE_POST: 'true' },
    stdio: 'pipe',
  });
  rmSync(join(dir, 'node_modules'));
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'Add a run');
  git(dir, 'checkout', '-q', 'main');
  git(dir, 'merge', '-q', '--no-ff', '-m', 'Merge the pull request', 'run');
}

function main() {
  const work = mkdtempSync(join(REPO, '..', 'pr-bench-'));
  try {
    const origin = join(work, 'origin');
    mkdirSync(origin);
    baseRepository(origin);
    pullRequest(origin);
    const changed = git(origin, 'diff', '--name-only', 'HEAD^1', 'HEAD').trim().split('\n');
    // the runner's checkout: a fresh clone of the merge commit, nothing generated or cached beside it
    const checkout = join(work, 'checkout');
    git(work, 'clone', '-q', '--depth', '2', `file://${origin}`, checkout);
    // the install, as a link (its ignore rule, `node_modules/`, matches a folder, not a link)
    symlinkSync(join(REPO, 'node_modules'), join(checkout, 'node_modules'));
    writeFileSync(join(checkout, '.git/info/exclude'), '/node_modules\n');

    const workflow = parse(readFileSync(join(checkout, '.github/workflows/pull-request.yml'), 'utf-8')) as {
      jobs: { check: { steps: Step[] } };
    };
    const outputs = new Map<string, Map<string, string>>();
    const rows: { name: string; wall: number; cpu: number; ran: boolean }[] = [];
    for (const step of workflow.jobs.check.steps) {
      if (!step.run) continue;
      if (step.name === 'Install') {
        rows.push({ name: `${step.name} (not timed: node_modules linked)`, wall: 0, cpu: 0, ran: false });
        continue;
      }
      if (step.if && !condition(step.if, outputs)) {
        rows.push({ name: `${step.name} (skipped: ${step.if})`, wall: 0, cpu: 0, ran: false });
        continue;
      }
      const outputFile = join(work, 'output');
      const timeFile = join(work, 'time');
      writeFileSync(outputFile, '');
      const result = spawnSync('/usr/bin/time', ['-f', '%U %S %e', '-o', timeFile, 'bash', '-e', '-c', step.run], {
        cwd: checkout,
        env: {
          ...process.env,
          ...step.env,
          CI: 'true',
          GITHUB_OUTPUT: outputFile,
          GITHUB_STEP_SUMMARY: join(work, 'summary'),
          PROJEN_DISABLE_POST: 'true',
        },
        encoding: 'utf-8',
      });
      if (result.status !== 0) throw new Error(`step "${step.name}" failed:\n${result.stdout}\n${result.stderr}`);
      const [user, sys, wall] = readFileSync(timeFile, 'utf-8').trim().split('\n').pop()!.split(' ').map(Number);
      rows.push({ name: step.name, wall, cpu: user + sys, ran: true });
      if (step.id) {
        outputs.set(
          step.id,
          new Map(
            readFileSync(outputFile, 'utf-8')
              .split('\n')
              .filter((l) => l.includes('='))
              .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
          ),
        );
      }
    }
    const total = rows.reduce((sum, r) => sum + r.wall, 0);
    const section = [
      SECTION,
      '',
      '<!-- Written by `npx projen bench:pr` (bench/pr-job-bench.ts). -->',
      `Measured ${new Date().toISOString().slice(0, 10)}: the check job of ` +
        `\`.github/workflows/pull-request.yml\` on a pull request that adds one recipe ` +
        (`(${changed.length} files: the recipe and what \`npx projen\` generated ` +
          `for it), each \`run:\` step as GitHub runs it (\`bash -e\`, in a fresh `) +
        ('clone of the merge commit, no caches), one run. `uses:` steps ' +
          "(checkout, Node.js) are the runner's and the install is not timed."),
      '',
      '| step | wall s | CPU s |',
      '|---|---|---|',
      ...rows.map((r) => `| ${r.name} | ${r.ran ? r.wall.toFixed(2) : '-'} | ${r.ran ? r.cpu.toFixed(2) : '-'} |`),
      `| **total** | **${total.toFixed(2)}** | ${rows.reduce((sum, r) => sum + r.cpu, 0).toFixed(2)} |`,
      '',
    ].join('\n');
    console.log(section);
    if (process.env.BENCH_WRITE !== 'false') {
      const path = join(REPO, 'docs/benchmarks.md');
      const previous = existsSync(path) ? readFileSync(path, 'utf-8') : '';
      const start = previous.indexOf(SECTION);
      const end = start < 0 ? -1 : previous.indexOf('\n## ', start + SECTION.length);
      writeFileSync(
        path,
        start < 0
          ? `${previous.trimEnd()}\n\n${section}`
          : `${previous.slice(0, start)}${section}${end < 0 ? '' : previous.slice(end)}`,
      );
      console.log('written to docs/benchmarks.md');
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** `steps.<id>.outputs.<name> == 'value'` (or `!=`): the conditions the check job uses. */
function condition(expression: string, outputs: Map<string, Map<string, string>>): boolean {
  const match = /^steps\.([\w-]+)\.outputs\.([\w-]+) (==|!=) '([^']*)'$/.exec(expression.trim());
  if (!match) throw new Error(`the bench does not know how to evaluate "if: ${expression}"`);
  const value = outputs.get(match[1])?.get(match[2]) ?? '';
  return match[3] === '==' ? value === match[4] : value !== match[4];
}

main();
