import { execFile, execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { cleanupTemps, exampleInputs, FLEET, REPO, regenerate, tempDir, writeFile } from './support/fleet';
import { FakeGitHub } from './support/github-server';
import { prepareRegenerate } from '../generator/fleet/regenerate';
import { planOpenRun } from '../generator/github/open-run';
import { MANIFEST_PATH } from '../generator/write/write-files';

const exec = promisify(execFile);
/** A new run: an example recipe under a new name. */
const RECIPE = 'recipes/llm-training/gpt2-preprocess-rerun.yaml';
const recipe = readFileSync(join(REPO, 'recipes/llm-training/gpt2-wikicorpus-preprocess.yaml'), 'utf-8').replace(
  'name: gpt2-wikicorpus-preprocess\n',
  'name: gpt2-preprocess-rerun\n',
);

let root: string;
let github: FakeGitHub;
/** The generated files the new run brought. */
let runFiles: string[];
const dryRun = () => prepareRegenerate({ root, ...FLEET, dryRun: true });
const dryRunOf = (repo: string) => () => prepareRegenerate({ root: repo, ...FLEET, dryRun: true });

function git(repo: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf-8' });
}

function commitAll(repo: string, message: string) {
  git(repo, 'add', '-A');
  git(repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', message);
}

/** A git repository whose branch main holds the example fleet, regenerated. */
function fleetRepository(): string {
  const repo = exampleInputs();
  const regenerated = regenerate(repo);
  if (!regenerated.ok) throw new Error('example fleet does not regenerate');
  writeFile(repo, '.projen/github-settings.json', JSON.stringify({ owner: 'acme', repository: 'eks-mlops-fleet' }));
  writeFile(repo, 'apps/README.md', 'services\n');
  // the repository's ignore rules: the generator's caches under .projen/ are never committed
  writeFile(repo, '.gitignore', readFileSync(join(REPO, '.gitignore'), 'utf-8'));
  git(repo, 'init', '-q', '-b', 'main');
  commitAll(repo, 'fleet');
  return repo;
}

/** Adds RECIPE and regenerates: the generated files it brought. */
function addRun(repo: string): string[] {
  writeFile(repo, RECIPE, recipe);
  const withRun = regenerate(repo);
  if (!withRun.ok) throw new Error('the new run does not regenerate');
  return withRun.report.written;
}

/** A regenerate that must not be called: it counts the calls and fails the plan. */
function regenerateSpy() {
  const spy = {
    calls: 0,
    regenerate: (): ReturnType<typeof dryRun> => {
      spy.calls++;
      return { ok: false, problems: [{ file: 'regenerate', field: '', message: 'was called' }] };
    },
  };
  return spy;
}

const message = (result: ReturnType<typeof planOpenRun>) =>
  result.ok ? 'ok' : result.problems.map((p) => `${p.file}: ${p.message}`).join('\n');

beforeAll(async () => {
  github = await new FakeGitHub().start();
  root = fleetRepository();
  runFiles = addRun(root);
  writeFile(root, 'apps/README.md', 'services, edited by hand\n');
});
afterAll(async () => {
  await github.stop();
  cleanupTemps();
});

describe('planOpenRun', () => {
  it('commits the recipe and the generated files that came with it, and leaves other hand-written changes out', () => {
    const result = planOpenRun(root, RECIPE, dryRun);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.plan.name).toBe('gpt2-preprocess-rerun');
    expect(result.plan.branch).toBe('run/gpt2-preprocess-rerun');
    // the recipe, what it generated, and the generator's list of its files
    expect(result.plan.files.map((f) => f.path).sort()).toEqual([RECIPE, ...runFiles, MANIFEST_PATH].sort());
    expect(
      runFiles.some((f) =>
        /^clusters\/prod-use1\/workloads\/runs\/llm-training\/gpt2-preprocess-rerun-[0-9a-f]{6}\/job-/.test(f),
      ),
      runFiles.join(),
    ).toBe(true);
    expect(result.plan.files.find((f) => f.path === RECIPE)?.content).toBe(recipe);
    expect(result.plan.leftOut).toEqual(['apps/README.md']);
  });

  it('refuses a file outside recipes/, a file that is not YAML, a YAML list, and a missing file', () => {
    writeFile(root, 'notes/run.yaml', 'name: x\n');
    writeFile(root, 'recipes/broken.yaml', 'name: [unclosed\n');
    writeFile(root, 'recipes/list.yaml', '- a\n- b\n');
    onTestFinished(() =>
      ['notes/run.yaml', 'recipes/broken.yaml', 'recipes/list.yaml'].forEach((f) => rmSync(join(root, f))),
    );
    const messages = [
      'notes/run.yaml',
      '../outside/recipes/x.yaml',
      'recipes/broken.yaml',
      'recipes/list.yaml',
      'recipes/nope.yaml',
      'recipes/README.md',
    ].map((file) => {
      const result = planOpenRun(root, file, dryRun);
      return result.ok ? 'ok' : `${result.problems[0].file}: ${result.problems[0].message}`;
    });
    expect(messages[0]).toBe('notes/run.yaml: expected a recipe file under recipes/, got notes/run.yaml');
    expect(messages[1]).toBe(
      '../outside/recipes/x.yaml: expected a recipe file under recipes/, got ../outside/recipes/x.yaml',
    );
    expect(messages[2]).toMatch(/^recipes\/broken\.yaml: /);
    expect(messages[3]).toBe('recipes/list.yaml: expected a recipe mapping (name, cluster, team, ...), got a list');
    expect(messages[4]).toBe('recipes/nope.yaml: does not exist');
    expect(messages[5]).toBe('recipes/README.md: expected a .yaml or .yml file');
  });

  it('refuses when the generated files are not up to date (the pull request check would fail)', () => {
    const clusterFile = join(root, 'clusters/dev-usw2/cluster.yaml');
    const before = execFileSync('git', ['show', 'HEAD:clusters/dev-usw2/cluster.yaml'], {
      cwd: root,
      encoding: 'utf-8',
    });
    writeFileSync(
      clusterFile,
      before.replace('quotas: { cpu: 128, memory: 512Gi, gpu: 4 }', 'quotas: { cpu: 64, memory: 512Gi, gpu: 4 }'),
    );
    try {
      const result = planOpenRun(root, RECIPE, dryRun);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.problems[0].message).toMatch(
        /^the generated files are not up to date \(\d+ to change\): run "npx projen", then open the run again$/,
      );
    } finally {
      writeFileSync(clusterFile, before);
    }
  });
});

describe('planOpenRun measures the pull request from the base branch', () => {
  it('takes the recipe and its generated files committed on a local branch: all of them differ from main', () => {
    const repo = fleetRepository();
    git(repo, 'checkout', '-q', '-b', 'work');
    const generated = addRun(repo);
    commitAll(repo, 'the run, committed before opening it');
    expect(git(repo, 'status', '--porcelain')).toBe('');
    const result = planOpenRun(repo, RECIPE, dryRunOf(repo));
    if (!result.ok) throw new Error(message(result));
    expect(result.plan.files.map((f) => f.path).sort()).toEqual([RECIPE, ...generated, MANIFEST_PATH].sort());
    const runFolder = /^clusters\/prod-use1\/workloads\/runs\/llm-training\/gpt2-preprocess-rerun-[0-9a-f]{6}\//;
    expect(generated.some((f) => runFolder.test(f))).toBe(true);
    expect(result.plan.leftOut).toEqual([]);
    // without the base branch here, the changes are measured from HEAD: the recipe is committed there unchanged
    const spy = regenerateSpy();
    expect(message(planOpenRun(repo, RECIPE, spy.regenerate, 'release'))).toBe(
      `${RECIPE}: is already on HEAD (there is no branch release here) unchanged: ` +
        'its run exists; edit the recipe to start a new run, or open the pull request by hand',
    );
    expect(spy.calls).toBe(0);
  });

  it("refuses a recipe already on main unchanged, before the regenerate's check", () => {
    const repo = fleetRepository();
    addRun(repo);
    commitAll(repo, 'the run, merged');
    git(repo, 'checkout', '-q', '-b', 'again');
    const spy = regenerateSpy();
    expect(message(planOpenRun(repo, RECIPE, spy.regenerate))).toBe(
      `${RECIPE}: is already on main unchanged: its run exists; edit ` +
        `the recipe to start a new run, or open the pull request by hand`,
    );
    expect(spy.calls).toBe(0);
  });

  it('refuses a recipe whose generated files would not be in the pull request', () => {
    const repo = fleetRepository();
    addRun(repo);
    commitAll(repo, 'the run, merged');
    // an edit that changes no run: the recipe differs from main, its generated files do not
    writeFileSync(join(repo, RECIPE), `${recipe}# preprocess again\n`);
    const refusal =
      `${RECIPE}: none of the files generated from it differ from main, so the pull request would start no run ` +
      '(an edit of comments, layout, duration or archived makes no new run): ' +
      'run "npx projen" and open the run again, or edit what the run does';
    expect(message(planOpenRun(repo, RECIPE, dryRunOf(repo)))).toBe(refusal);
    // a new recipe whose generated files are not there, with a regenerate that reports nothing to change
    const fresh = fleetRepository();
    const nothingToChange = dryRunOf(fresh)();
    writeFile(fresh, RECIPE, recipe);
    expect(message(planOpenRun(fresh, RECIPE, () => nothingToChange))).toBe(refusal);
  });
});

describe('open-run command', () => {
  const run = async (args: string[], env: Record<string, string>, cwd = root) => {
    try {
      const { stdout, stderr } = await exec(
        join(REPO, 'node_modules', '.bin', 'tsx'),
        [join(REPO, 'generator/cli/open-run.ts'), ...args],
        {
          cwd,
          env: { ...process.env, GITHUB_TOKEN: '', GH_TOKEN: '', GITHUB_API_URL: github.baseUrl, ...env },
        },
      );
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  const NO_TOKEN =
    'Set GITHUB_TOKEN or GH_TOKEN to a token that can push branches and open pull requests ' +
    '(for example: export GH_TOKEN=$(gh auth token)).\n';

  it('says where to get a token when none is set', async () => {
    const result = await run([RECIPE], {});
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(NO_TOKEN);
    expect(github.requests).toHaveLength(0);
  });

  it('without a token, fails before reading the settings or regenerating', async () => {
    // a folder where the next steps would fail with their own messages: settings that do not parse, no git, no fleet
    const folder = tempDir('open-run-no-token-');
    writeFile(folder, '.projen/github-settings.json', '{');
    writeFile(folder, RECIPE, recipe);
    const result = await run([RECIPE], {}, folder);
    expect(result).toEqual({ code: 1, stdout: '', stderr: NO_TOKEN });
  });

  it('creates the branch with one commit and opens the pull request in the repository of the settings', async () => {
    const result = await run([RECIPE], { GH_TOKEN: 'person-token' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('left out (not part of the run): apps/README.md');
    expect(result.stdout).toContain(
      `opened https://github.com/acme/eks-mlops-fleet/pull/1 (branch ` +
        `run/gpt2-preprocess-rerun, ${runFiles.length + 2} file(s))`,
    );
    const pr = github.pulls[0];
    expect(pr).toMatchObject({ head: 'run/gpt2-preprocess-rerun', base: 'main', title: 'Run gpt2-preprocess-rerun' });
    expect(pr.body).toContain('ML run preview');
    const commit = github.commits.get(github.refs.get('heads/run/gpt2-preprocess-rerun')!)!;
    expect(commit.files.get(RECIPE)).toBe(recipe);
  });

  it('a second time, the branch exists: a clear message, no second pull request', async () => {
    const result = await run([RECIPE], { GH_TOKEN: 'person-token' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /could not create branch run\/gpt2-preprocess-rerun in acme\/eks-mlops-fleet \(422: Reference already exists/,
    );
    expect(github.pulls).toHaveLength(1);
  });
});
