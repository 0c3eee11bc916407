import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTemps, REPO, tempDir, writeFile } from './support/fleet';
import { FakeGitHub } from './support/github-server';
import { PLAN_MARKER, renderPlanComment } from '../generator/github/plan-comment';
import type { ClusterRunResult } from '../generator/github/terragrunt-run';

afterAll(cleanupTemps);
const exec = promisify(execFile);
const TSX = join(REPO, 'node_modules', '.bin', 'tsx');
const CLI = join(REPO, 'generator', 'cli', 'infra.ts');

const unit = (deps: string[]) =>
  `include "root" {\n  path = find_in_parent_folders("root.hcl")\n}\n` +
  deps.map((d) => `dependency "${d}" {\n  config_path = "../${d}"\n}\n`).join('') +
  `inputs = {}\n`;

/** A git repository with two example clusters and their units, one commit; returns root and base commit. */
function fleetRepo(): { root: string; base: string } {
  const root = tempDir('infra-cli-');
  for (const cluster of ['dev-usw2', 'prod-use1']) {
    mkdirSync(join(root, 'clusters', cluster), { recursive: true });
    cpSync(join(REPO, 'clusters', cluster, 'cluster.yaml'), join(root, 'clusters', cluster, 'cluster.yaml'));
    writeFile(root, `clusters/${cluster}/infra/network/terragrunt.hcl`, unit([]));
    writeFile(root, `clusters/${cluster}/infra/eks/terragrunt.hcl`, unit(['network']));
    writeFile(root, `clusters/${cluster}/infra/karpenter/terragrunt.hcl`, unit(['eks']));
    writeFile(root, `clusters/${cluster}/infra/github-oidc/terragrunt.hcl`, unit([]));
  }
  writeFile(root, 'root.hcl', 'locals {}\n');
  writeFile(root, '.projen/github-settings.json', JSON.stringify({ owner: 'acme', repository: 'eks-mlops-fleet' }));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf-8' }).trim();
  git('init', '-q', '-b', 'main');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '--allow-empty', '-m', 'empty');
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'fleet');
  return { root, base: git('rev-parse', 'HEAD') };
}

function commitAll(root: string): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf-8' }).trim();
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'change');
  return git('rev-parse', 'HEAD');
}

async function cli(root: string, args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await exec(TSX, [CLI, ...args], {
      cwd: root,
      env: { ...process.env, GITHUB_TOKEN: '', GH_TOKEN: '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function outputs(file: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(file, 'utf-8')
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

describe('infra.ts detect', () => {
  it(
    'emits one matrix entry per cluster with the role computed ' +
      'from cluster.yaml and the settings, units in apply order',
    async () => {
      const { root, base } = fleetRepo();
      writeFile(root, 'clusters/prod-use1/infra/network/terragrunt.hcl', `${unit([])}# new subnets\n`);
      writeFile(root, 'clusters/dev-usw2/infra/github-oidc/terragrunt.hcl', `${unit([])}# trust policy\n`);
      const head = commitAll(root);
      const out = join(root, 'out.txt');
      for (const role of ['plan', 'apply'] as const) {
        writeFileSync(out, '');
        const result = await cli(root, ['detect', '--role', role, '--base', base, '--head', head], {
          GITHUB_OUTPUT: out,
        });
        expect(result.code, result.stderr).toBe(0);
        const o = outputs(out);
        expect(o.count).toBe('2');
        const prodAccount = /accountId: "(\d{12})"/.exec(
          readFileSync(join(root, 'clusters/prod-use1/cluster.yaml'), 'utf-8'),
        )![1];
        expect(JSON.parse(o.matrix)).toEqual([
          {
            name: 'dev-usw2',
            environment: 'infra-dev',
            region: 'us-west-2',
            role: `arn:aws:iam::111122223333:role/dev-usw2-github-${role}`,
            units: 'clusters/dev-usw2/infra/github-oidc',
          },
          {
            name: 'prod-use1',
            environment: 'infra-prod',
            region: 'us-east-1',
            role: `arn:aws:iam::${prodAccount}:role/prod-use1-github-${role}`,
            units: 'clusters/prod-use1/infra/network clusters/prod-use1/infra/eks clusters/prod-use1/infra/karpenter',
          },
        ]);
      }
    },
  );

  it('a pull request that changes no unit gives an empty matrix; an unknown base selects every unit', async () => {
    const { root, base } = fleetRepo();
    writeFile(root, 'recipes/a.yaml', 'name: a\n');
    const head = commitAll(root);
    const out = join(root, 'out.txt');
    writeFileSync(out, '');
    await cli(root, ['detect', '--role', 'plan', '--base', base, '--head', head], { GITHUB_OUTPUT: out });
    expect(outputs(out)).toEqual({ matrix: '[]', count: '0', removed: '[]' });
    writeFileSync(out, '');
    await cli(root, ['detect', '--role', 'apply', '--base', '0'.repeat(40), '--head', head], { GITHUB_OUTPUT: out });
    expect(outputs(out).count).toBe('2');
  });
});

describe("infra.ts detect, an account's units", () => {
  it("runs them with the roles of the account's first cluster by name, in the account's region", async () => {
    const { root } = fleetRepo();
    // a second cluster in dev-usw2's account, first by name
    writeFile(
      root,
      'clusters/alpha-usw2/cluster.yaml',
      readFileSync(join(root, 'clusters/dev-usw2/cluster.yaml'), 'utf-8').replace('name: dev-usw2', 'name: alpha-usw2'),
    );
    writeFile(root, 'clusters/_accounts/111122223333/account.hcl', 'locals {}\n');
    writeFile(root, 'clusters/_accounts/111122223333/github-oidc-provider/terragrunt.hcl', unit([]));
    writeFile(
      root,
      'clusters/dev-usw2/infra/github-oidc/terragrunt.hcl',
      unit(['../../_accounts/111122223333/github-oidc-provider']),
    );
    const base = commitAll(root);
    writeFile(
      root,
      'clusters/_accounts/111122223333/github-oidc-provider/terragrunt.hcl',
      `${unit([])}# new module version\n`,
    );
    const head = commitAll(root);
    const out = join(root, 'out.txt');
    for (const role of ['plan', 'apply'] as const) {
      writeFileSync(out, '');
      const result = await cli(root, ['detect', '--role', role, '--base', base, '--head', head], {
        GITHUB_OUTPUT: out,
      });
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(outputs(out).matrix)).toEqual([
        {
          name: '_account-111122223333',
          environment: 'infra-dev',
          region: 'us-east-1',
          role: `arn:aws:iam::111122223333:role/alpha-usw2-github-${role}`,
          units: 'clusters/_accounts/111122223333/github-oidc-provider',
        },
        // the roles that read the provider's ARN
        {
          name: 'dev-usw2',
          environment: 'infra-dev',
          region: 'us-west-2',
          role: `arn:aws:iam::111122223333:role/dev-usw2-github-${role}`,
          units: 'clusters/dev-usw2/infra/github-oidc',
        },
      ]);
    }
    // the runner accepts the account's folder, and nothing outside it
    const fake = join(root, 'fake-terragrunt');
    writeFileSync(fake, '#!/bin/sh\necho "No changes."; exit 0\n');
    chmodSync(fake, 0o755);
    const ok = await cli(
      root,
      [
        'run',
        '--mode',
        'plan',
        '--cluster',
        '_account-111122223333',
        '--units',
        'clusters/_accounts/111122223333/github-oidc-provider',
        '--out',
        'r',
      ],
      { TERRAGRUNT_BIN: fake },
    );
    expect(ok.code, ok.stderr).toBe(0);
    const outside = await cli(
      root,
      [
        'run',
        '--mode',
        'plan',
        '--cluster',
        '_account-111122223333',
        '--units',
        'clusters/dev-usw2/infra/eks',
        '--out',
        'r',
      ],
      { TERRAGRUNT_BIN: fake },
    );
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain('refusing units outside clusters/_accounts/111122223333/');
  });
});

describe('infra.ts detect for the apply', () => {
  it(
    'diffs from the last successful apply, so the changes of ' +
      'a cancelled or failed apply are applied by the next one',
    async () => {
      const { root, base } = fleetRepo();
      writeFile(
        root,
        'clusters/dev-usw2/infra/network/terragrunt.hcl',
        `${unit([])}# merge 2: its apply was cancelled while pending\n`,
      );
      const cancelled = commitAll(root);
      writeFile(root, 'clusters/prod-use1/infra/karpenter/terragrunt.hcl', `${unit(['eks'])}# merge 3\n`);
      const head = commitAll(root);
      const github = await new FakeGitHub().start();
      try {
        github.workflowRuns.set('infra-apply.yml', [
          { head_sha: cancelled, conclusion: 'cancelled', event: 'push', branch: 'main' },
          { head_sha: base, conclusion: 'success', event: 'push', branch: 'main' },
        ]);
        const out = join(root, 'out.txt');
        writeFileSync(out, '');
        const env = {
          GITHUB_OUTPUT: out,
          GITHUB_TOKEN: 't',
          GITHUB_API_URL: github.baseUrl,
          GITHUB_REPOSITORY: 'acme/eks-mlops-fleet',
          GITHUB_REF_NAME: 'main',
        };
        const result = await cli(
          root,
          ['detect', '--role', 'apply', '--base', cancelled, '--head', head, '--since-last-success', 'infra-apply.yml'],
          env,
        );
        expect(result.code, result.stderr).toBe(0);
        expect(result.stdout).toContain(`changes since ${base}, the last successful run of infra-apply.yml`);
        const matrix = JSON.parse(outputs(out).matrix) as Array<{ name: string; units: string }>;
        expect(matrix.map((m) => [m.name, m.units])).toEqual([
          ['dev-usw2', 'clusters/dev-usw2/infra/network clusters/dev-usw2/infra/eks clusters/dev-usw2/infra/karpenter'],
          ['prod-use1', 'clusters/prod-use1/infra/karpenter'],
        ]);
        expect(github.requests[0]).toBe(
          'GET /repos/acme/eks-mlops-fleet/actions/workflows/infra-apply.yml/runs' +
            '?branch=main&event=push&status=success&per_page=1',
        );
      } finally {
        await github.stop();
      }
    },
  );
});

describe('infra.ts run', () => {
  let root: string;
  let fake: string;
  beforeAll(() => {
    root = fleetRepo().root;
    // a stand-in for terragrunt: its answer per unit folder, with the exit codes of -detailed-exitcode
    fake = join(root, 'fake-terragrunt');
    writeFileSync(
      fake,
      [
        '#!/bin/sh',
        'echo "terragrunt $* in $(basename "$PWD")" >> "$CALLS"',
        'case "$(basename "$PWD"):$1" in',
        '  network:plan) echo "  + aws_subnet.private[2]"; echo ' +
          '"Plan: 3 to add, 1 to change, 0 to destroy."; exit 2 ;;',
        '  eks:plan) echo "No changes. Your infrastructure matches the configuration."; exit 0 ;;',
        '  karpenter:plan) echo "Error: Unsupported argument" >&2; exit 1 ;;',
        '  network:apply) echo "Apply complete! Resources: 3 added, 1 changed, 0 destroyed."; exit 0 ;;',
        '  eks:apply) echo "Error: creating EKS Cluster: AccessDenied" >&2; exit 1 ;;',
        'esac',
      ].join('\n'),
    );
    chmodSync(fake, 0o755);
  });

  const units = 'clusters/dev-usw2/infra/network clusters/dev-usw2/infra/eks clusters/dev-usw2/infra/karpenter';

  it('plans every unit in order, classifies the results, and fails when a unit fails', async () => {
    const calls = join(root, 'calls-plan.txt');
    const result = await cli(
      root,
      ['run', '--mode', 'plan', '--cluster', 'dev-usw2', '--units', units, '--out', 'results'],
      { TERRAGRUNT_BIN: fake, CALLS: calls },
    );
    expect(result.code).toBe(1);
    expect(readFileSync(calls, 'utf-8').trim().split('\n')).toEqual([
      'terragrunt plan -input=false -no-color -lock=false -detailed-exitcode in network',
      'terragrunt plan -input=false -no-color -lock=false -detailed-exitcode in eks',
      'terragrunt plan -input=false -no-color -lock=false -detailed-exitcode in karpenter',
    ]);
    const written = JSON.parse(readFileSync(join(root, 'results', 'dev-usw2.json'), 'utf-8')) as ClusterRunResult;
    expect(written.units.map((u) => [u.status, u.summary])).toEqual([
      ['changes', 'Plan: 3 to add, 1 to change, 0 to destroy.'],
      ['no-changes', 'No changes. Your infrastructure matches the configuration.'],
      ['failed', 'exit 1: Error: Unsupported argument'],
    ]);
  });

  it('stops an apply at the first failed unit and skips the ones after it', async () => {
    const calls = join(root, 'calls-apply.txt');
    const result = await cli(
      root,
      ['run', '--mode', 'apply', '--cluster', 'dev-usw2', '--units', units, '--out', 'applied'],
      { TERRAGRUNT_BIN: fake, CALLS: calls },
    );
    expect(result.code).toBe(1);
    expect(readFileSync(calls, 'utf-8').trim().split('\n')).toHaveLength(2);
    const written = JSON.parse(readFileSync(join(root, 'applied', 'dev-usw2.json'), 'utf-8')) as ClusterRunResult;
    expect(written.units.map((u) => u.status)).toEqual(['applied', 'failed', 'skipped']);
    expect(written.units[2].summary).toBe('not applied: clusters/dev-usw2/infra/eks failed before it');
  });

  it("refuses units outside the cluster's infra folder", async () => {
    const result = await cli(
      root,
      [
        'run',
        '--mode',
        'plan',
        '--cluster',
        'dev-usw2',
        '--units',
        'clusters/dev-usw2/infra/../../prod-use1/infra/eks',
        '--out',
        'r',
      ],
      { TERRAGRUNT_BIN: fake },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('refusing units outside clusters/dev-usw2/infra/');
  });

  it('posts the plan summary once and updates it on the next push', async () => {
    const github = await new FakeGitHub().start();
    try {
      github.pulls.push({ number: 12, head: 'infra/subnets', base: 'main', title: 't', body: '' });
      github.addComments(12, ['Looks good']);
      const env = {
        GITHUB_TOKEN: 'test-token',
        GITHUB_API_URL: github.baseUrl,
        GITHUB_REPOSITORY: 'acme/eks-mlops-fleet',
        PR_NUMBER: '12',
        MATRIX: JSON.stringify([
          { name: 'dev-usw2', environment: 'infra-dev', region: 'us-west-2', role: 'arn', units },
        ]),
        REMOVED: '[]',
        HEAD_SHA: 'abcdef0123456789',
        RUN_URL: 'https://github.com/acme/eks-mlops-fleet/actions/runs/1',
      };
      const first = await cli(root, ['comment', '--results', 'results'], env);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toContain('plan comment created');
      const second = await cli(root, ['comment', '--results', 'results'], { ...env, HEAD_SHA: '1234567890ab' });
      expect(second.stdout).toContain('plan comment updated');
      const comments = github.comments.get(12)!;
      expect(comments).toHaveLength(2);
      expect(comments[1].body).toContain(PLAN_MARKER);
      expect(comments[1].body).toContain(
        '| `dev-usw2` | `clusters/dev-usw2/infra/network` | 🟡 changes | ' +
          'Plan: 3 to add, 1 to change, 0 to destroy. |',
      );
      expect(comments[1].body).toContain('for commit 1234567890ab');
    } finally {
      await github.stop();
    }
  });
});

describe('renderPlanComment', () => {
  const base = { removed: [], commit: 'abc', runUrl: 'https://example.invalid/run' };

  it('says so when no unit changed', () => {
    const body = renderPlanComment({ ...base, expected: [], results: [] });
    expect(body.startsWith(`${PLAN_MARKER}\n`)).toBe(true);
    expect(body).toContain('No Terragrunt unit changed in this pull request.');
  });

  it(
    'marks units of a cluster whose job stopped early, warns about ' +
      'removed units, and cannot be broken by backticks in output',
    () => {
      const body = renderPlanComment({
        ...base,
        removed: ['clusters/prod-use1/infra/fsx'],
        expected: [{ name: 'prod-use1', units: ['clusters/prod-use1/infra/network', 'clusters/prod-use1/infra/eks'] }],
        results: [
          {
            cluster: 'prod-use1',
            mode: 'plan',
            units: [
              {
                dir: 'clusters/prod-use1/infra/network',
                status: 'failed',
                summary: 'exit 1: Error: a | b',
                output: 'Error: ```oops```',
                seconds: 1,
              },
            ],
          },
        ],
      });
      expect(body).toContain(
        '| `prod-use1` | `clusters/prod-use1/infra/network` | 🔴 failed | exit 1: Error: a \\| b |',
      );
      expect(body).toContain(
        '| `prod-use1` | `clusters/prod-use1/infra/eks` | 🔴 no result ' +
          '| the plan job stopped before this unit; see the workflow run |',
      );
      expect(body).toContain('`clusters/prod-use1/infra/fsx` was removed');
      expect(body).toContain('````text\nError: ```oops```\n````');
    },
  );

  it("stays under GitHub's comment size limit with huge plans", () => {
    const huge = 'x'.repeat(200_000);
    const body = renderPlanComment({
      ...base,
      expected: [{ name: 'c', units: ['clusters/c/infra/a', 'clusters/c/infra/b'] }],
      results: [
        {
          cluster: 'c',
          mode: 'plan',
          units: ['a', 'b'].map((n) => ({
            dir: `clusters/c/infra/${n}`,
            status: 'changes' as const,
            summary: 'Plan: 1 to add, 0 to change, 0 to destroy.',
            output: huge,
            seconds: 1,
          })),
        },
      ],
    });
    expect(body.length).toBeLessThan(65_536);
    expect(body).toContain('characters cut; the full output is in the workflow log');
  });
});
