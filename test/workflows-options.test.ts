import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { javascript, typescript } from 'projen';
import { Testing } from 'projen/lib/testing';
import { describe, expect, it } from 'vitest';
import { REPO } from './support/fleet';
import { checkWorkflow } from '../generator/checks/workflow-rules';
import { addFleetWorkflows } from '../generator/github/workflows';

function synthWorkflows(): Record<string, string> {
  const project = new typescript.TypeScriptProject({
    name: 'fork',
    defaultReleaseBranch: 'main',
    packageManager: javascript.NodePackageManager.NPM,
    // its own folder: without one, projen takes the current folder, and Testing.synth removes it
    outdir: mkdtempSync(join(tmpdir(), 'workflows-options-')),
    jest: false,
    eslint: false,
    release: false,
    buildWorkflow: false,
    depsUpgrade: false,
    githubOptions: { mergify: false, pullRequestLint: false },
  });
  addFleetWorkflows(project);
  const out = Testing.synth(project);
  return Object.fromEntries(
    Object.entries(out)
      .filter(([path]) => path.startsWith('.github/workflows/'))
      .map(([path, text]) => [path, String(text)]),
  );
}

describe('addFleetWorkflows in another project (a fork)', () => {
  const files = synthWorkflows();

  it('gives the same four workflows as this repository, needing nothing but the repository itself', () => {
    const committed = Object.fromEntries(
      readdirSync(join(REPO, '.github', 'workflows')).map((f) => [
        `.github/workflows/${f}`,
        readFileSync(join(REPO, '.github', 'workflows', f), 'utf-8'),
      ]),
    );
    // the same but for the marker's project file (this test's project has no .projenrc.ts)
    const body = (texts: Record<string, string>) =>
      Object.fromEntries(Object.entries(texts).map(([path, text]) => [path, text.slice(text.indexOf('\n'))]));
    expect(body(files)).toEqual(body(committed));
    // no repository variables (a fork's pull requests get none), and no path outside the checkout
    for (const text of Object.values(files)) expect(text).not.toMatch(/vars\.|\.\.\//);
  });

  it('follow the security rules', () => {
    for (const [path, text] of Object.entries(files)) expect(checkWorkflow(path, text)).toEqual([]);
  });
});
