import { execFileSync } from 'node:child_process';
import { createGitHubClient, GitHubError } from './github-client';
import type { InstancePrices } from './instance-prices';
import { upsertComment } from './pr-comment';
import { renderRunPreviewComment, RUN_PREVIEW_MARKER, type RunPreviewProvider } from './run-preview';

/** The inputs whose changes the preview shows. */
export const RUN_INPUT_DIRS = ['recipes/', 'apps/'];

export interface RunPreviewCommandOptions {
  readonly root: string;
  readonly base: string;
  readonly head: string;
  readonly provider: RunPreviewProvider;
  readonly prices: InstancePrices;
  /** Where to post: the pull request and a client; without them the preview is only printed. */
  readonly pullRequest?: { readonly number: number; readonly client: ReturnType<typeof createGitHubClient> };
  /** The job summary (`$GITHUB_STEP_SUMMARY`), or standard output. */
  readonly summary: (markdown: string) => void;
  readonly log: (line: string) => void;
}

/**
 * Compiles the recipes and apps changed between `base` and `head`, and posts (or updates) the preview comment.
 * Exit code 1 when a recipe does not compile or the comment could not be posted; on a pull request from a
 * fork the token is read-only, so the preview stays in the job summary and the job still passes.
 */
export async function runPreviewCommand(options: RunPreviewCommandOptions): Promise<number> {
  const changedFiles = execFileSync('git', ['diff', '--name-only', '--no-renames', '-z', options.base, options.head], {
    cwd: options.root,
    encoding: 'utf-8',
  })
    .split('\0')
    .filter((f) => RUN_INPUT_DIRS.some((dir) => f.startsWith(dir)));
  const result = await options.provider({ root: options.root, changedFiles, base: options.base });
  const body = renderRunPreviewComment({
    runs: result.ok ? result.runs : [],
    problems: result.ok ? [] : result.problems,
    prices: options.prices,
    commit: options.head,
  });
  options.summary(body);
  let code = result.ok ? 0 : 1;
  if (options.pullRequest) {
    try {
      const posted = await upsertComment(
        options.pullRequest.client,
        options.pullRequest.number,
        RUN_PREVIEW_MARKER,
        body,
      );
      options.log(`run preview comment ${posted.action}: ${posted.url}`);
    } catch (error) {
      if (!(error instanceof GitHubError)) throw error;
      if (error.status === 403) {
        options.log(`::warning::${error.message} The preview is in this job's summary.`);
      } else {
        options.log(`::error::${error.message}`);
        code = 1;
      }
    }
  }
  return code;
}
