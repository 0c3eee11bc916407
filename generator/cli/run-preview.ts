import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readGitHubSettings, tokenFromEnv } from '../config/github-settings-file';
import { createGitHubClient } from '../github/github-client';
import { loadInstancePrices } from '../github/instance-prices';
import { runPreviewCommand } from '../github/run-preview-command';
import { runPreviewProvider } from '../github/run-preview-provider';

/**
 * `tsx generator/cli/run-preview.ts --base <sha> [--head <sha>]`: previews the runs a pull request adds or
 * changes. In a workflow (PR_NUMBER and GITHUB_TOKEN set) it posts the comment; elsewhere it prints it.
 */
async function main(): Promise<number> {
  const { values } = parseArgs({ options: { base: { type: 'string' }, head: { type: 'string' } } });
  if (!values.base) {
    console.error('usage: run-preview.ts --base <commit> [--head <commit>]');
    return 2;
  }
  const root = process.cwd();
  const prNumber = Number(process.env.PR_NUMBER);
  const token = tokenFromEnv();
  const [owner, repository] = (process.env.GITHUB_REPOSITORY ?? '').split('/');
  const settings = owner && repository ? { owner, repository } : readGitHubSettings(root);
  const summaryFile = process.env.GITHUB_STEP_SUMMARY;
  return runPreviewCommand({
    root,
    base: values.base,
    head: values.head ?? 'HEAD',
    provider: runPreviewProvider,
    prices: loadInstancePrices(),
    pullRequest:
      prNumber && token
        ? { number: prNumber, client: createGitHubClient({ token, ...settings, baseUrl: process.env.GITHUB_API_URL }) }
        : undefined,
    summary: (markdown) =>
      summaryFile ? appendFileSync(summaryFile, `${markdown}\n`) : process.stdout.write(`${markdown}\n`),
    log: (line) => console.log(line),
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
