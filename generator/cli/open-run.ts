import { parseArgs } from 'node:util';
import { PLATFORM_MODULES } from '../../platform';
import { readGitHubSettings, tokenFromEnv } from '../config/github-settings-file';
import { formatProblem, sortProblems } from '../config/problems';
import { prepareRegenerate } from '../fleet/regenerate';
import { createGitHubClient, GitHubError } from '../github/github-client';
import { planOpenRun, pullRequestText } from '../github/open-run';
import { openPullRequestWithFiles } from '../github/pull-request';

/**
 * `npx projen open-run <recipe-file>` (or `npx tsx generator/cli/open-run.ts <recipe-file>`): checks the recipe,
 * creates the branch `run/<name>` from main with one commit holding the recipe and its generated files, and
 * opens the pull request. Token: GITHUB_TOKEN or GH_TOKEN; repository: the settings of .projenrc.ts; API:
 * GITHUB_API_URL (GitHub Enterprise Server), else github.com.
 */
async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { base: { type: 'string', default: 'main' }, branch: { type: 'string' } },
  });
  if (positionals.length !== 1) {
    console.error('usage: npx projen open-run <recipes/file.yaml> [--base main] [--branch run/<name>]');
    return 2;
  }
  // first: without a token nothing below can end in a pull request, and the regenerate's check takes seconds
  const token = tokenFromEnv();
  if (!token) {
    console.error(
      'Set GITHUB_TOKEN or GH_TOKEN to a token that can push branches and open pull requests ' +
        '(for example: export GH_TOKEN=$(gh auth token)).',
    );
    return 1;
  }
  const root = process.cwd();
  const settings = readGitHubSettings(root);
  const base = values.base ?? 'main';
  const regenerate = () => prepareRegenerate({ root, catalog: PLATFORM_MODULES, github: settings, dryRun: true });
  const planned = planOpenRun(root, positionals[0], regenerate, base);
  if (!planned.ok) {
    console.error(sortProblems(planned.problems).map(formatProblem).join('\n'));
    return 1;
  }
  const { plan } = planned;
  for (const path of plan.leftOut) console.log(`left out (not part of the run): ${path}`);
  // GitHub Enterprise Server: its API root (https://<host>/api/v3); unset or empty: github.com
  const client = createGitHubClient({ token, ...settings, baseUrl: process.env.GITHUB_API_URL });
  try {
    const pr = await openPullRequestWithFiles(client, {
      branch: values.branch ?? plan.branch,
      base,
      files: plan.files,
      ...pullRequestText(plan),
    });
    console.log(`opened ${pr.url} (branch ${pr.branch}, ${plan.files.length} file(s))`);
    return 0;
  } catch (error) {
    if (error instanceof GitHubError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
