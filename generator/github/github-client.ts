import { Octokit } from '@octokit/rest';

/** Where and as whom the code talks to GitHub. */
export interface GitHubClientOptions {
  /** A token with the rights the call needs (a workflow's GITHUB_TOKEN, or a person's token from the environment). */
  readonly token: string;
  readonly owner: string;
  readonly repository: string;
  /** The REST API root; GitHub Enterprise Server or a test server. */
  readonly baseUrl?: string;
  /** How many times a 5xx answer or a dropped connection is retried (default 3). */
  readonly retries?: number;
  /** The first wait before a retry; it doubles on each one (default 1000 ms). */
  readonly retryDelayMs?: number;
}

/** A GitHub call that failed, with a message a person can act on. */
export class GitHubError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
    this.name = 'GitHubError';
  }
}

export interface GitHubClient {
  readonly octokit: Octokit;
  readonly owner: string;
  readonly repository: string;
}

/** An Octokit for one repository that retries 5xx answers with exponential backoff. */
export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const octokit = new Octokit({
    auth: options.token,
    baseUrl: options.baseUrl,
    userAgent: 'eks-mlops-fleet',
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
  const retries = options.retries ?? 3;
  const delay = options.retryDelayMs ?? 1000;
  octokit.hook.wrap('request', async (request, requestOptions) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request(requestOptions);
      } catch (error) {
        const status = statusOf(error);
        const retryable = status === undefined ? isNetworkError(error) : status >= 500;
        if (!retryable || attempt >= retries) throw error;
        await new Promise((resolve) => setTimeout(resolve, delay * 2 ** attempt));
      }
    }
  });
  return { octokit, owner: options.owner, repository: options.repository };
}

/**
 * Runs one GitHub call and turns its failures into messages that say what was attempted and what to do.
 * `what` reads like "update comment 12 on #7".
 */
export async function call<T>(client: GitHubClient, what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw explain(client, what, error);
  }
}

function explain(client: GitHubClient, what: string, error: unknown): GitHubError {
  const repo = `${client.owner}/${client.repository}`;
  const status = statusOf(error);
  const detail = error instanceof Error ? error.message : String(error);
  switch (status) {
    case 401:
      return new GitHubError(
        `GitHub refused to ${what} in ${repo} (401): the token is missing or expired. Set GITHUB_TOKEN or GH_TOKEN.`,
        status,
      );
    case 403:
      return new GitHubError(
        `GitHub refused to ${what} in ${repo} (403: ${detail}). The ` +
          `token may not write here: on a pull request from a fork, ` +
          (`GitHub gives workflows a read-only token, so the comment ` +
            `cannot be posted; from a terminal, the token needs the `) +
          `"contents" and "pull requests" write permissions on ${repo}.`,
        status,
      );
    case 404:
      return new GitHubError(
        `GitHub found nothing to ${what} in ${repo} (404): check the owner and repository in .projenrc.ts, ` +
          `that the pull request or branch exists, and that the token can see the repository.`,
        status,
      );
    case 422:
      return new GitHubError(`GitHub could not ${what} in ${repo} (422: ${detail}).`, status);
    default:
      return new GitHubError(
        status
          ? `GitHub failed to ${what} in ${repo} (${status}: ${detail}), retries exhausted.`
          : `Could not reach GitHub to ${what} in ${repo}: ${detail}`,
        status,
      );
  }
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status > 0 ? status : undefined;
}

function isNetworkError(error: unknown): boolean {
  const code = (error as { cause?: { code?: string } })?.cause?.code;
  const text = `${(error as Error)?.message ?? ''} ${String(code ?? '')}`;
  return /ECONNRESET|ECONNREFUSED|ETIMEDOUT|socket hang up|fetch failed|other side closed/i.test(text);
}
