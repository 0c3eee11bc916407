import { javascript, typescript } from 'projen';
import { Testing } from 'projen/lib/testing';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkWorkflow } from '../generator/checks/workflow-rules';
import { addFleetWorkflows } from '../generator/github/workflows';

function synthWorkflows(shared?: { repository?: string; ref?: string }): Record<string, string> {
  const project = new typescript.TypeScriptProject({
    name: 'fork',
    defaultReleaseBranch: 'main',
    packageManager: javascript.NodePackageManager.NPM,
    jest: false,
    eslint: false,
    release: false,
    buildWorkflow: false,
    depsUpgrade: false,
    githubOptions: { mergify: false, pullRequestLint: false },
  });
  addFleetWorkflows(project, shared);
  const out = Testing.synth(project);
  return Object.fromEntries(Object.entries(out).filter(([path]) => path.startsWith('.github/workflows/')).map(([path, text]) => [path, String(text)]));
}

describe('addFleetWorkflows in another project', () => {
  it('with the shared repository committed, fork pull requests need no repository variable', () => {
    const files = synthWorkflows({ repository: 'someone/fleet-shared', ref: 'v3' });
    const check = parse(files['.github/workflows/pull-request.yml']);
    const steps = check.jobs.check.steps as Array<{ name: string; with?: Record<string, unknown> }>;
    expect(steps.map((s) => s.name)).not.toContain('Require the shared material repository');
    expect(steps.find((s) => s.name === 'Check out the shared material')!.with).toMatchObject({
      repository: "${{ vars.FLEET_SHARED_REPOSITORY || 'someone/fleet-shared' }}",
      ref: "${{ vars.FLEET_SHARED_REF || 'v3' }}",
    });
    for (const [path, text] of Object.entries(files)) expect(checkWorkflow(path, text)).toEqual([]);
  });

  it('without it, the check fails early and says which variable to set', () => {
    const check = parse(synthWorkflows()['.github/workflows/pull-request.yml']);
    const require = (check.jobs.check.steps as Array<{ name: string; if?: string; run?: string }>).find((s) => s.name === 'Require the shared material repository')!;
    expect(require.if).toBe("vars.FLEET_SHARED_REPOSITORY == ''");
    expect(require.run).toContain('Set the repository variable FLEET_SHARED_REPOSITORY');
  });
});
