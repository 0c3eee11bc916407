import { call, type GitHubClient } from './github-client';

export interface OpenPullRequestOptions {
  /** The new branch, created from the head of `base`. */
  readonly branch: string;
  /** The branch the pull request merges into. */
  readonly base: string;
  /** The file to commit, relative to the repository root, and its content. */
  readonly path: string;
  readonly content: string;
  readonly commitMessage: string;
  readonly title: string;
  readonly body: string;
}

export interface OpenedPullRequest {
  readonly number: number;
  readonly url: string;
  readonly branch: string;
}

/** Creates a branch from `base`, commits one file on it and opens the pull request, all through the REST API. */
export async function openPullRequestWithFile(client: GitHubClient, options: OpenPullRequestOptions): Promise<OpenedPullRequest> {
  const { octokit, owner, repository: repo } = client;
  const { data: baseRef } = await call(client, `read branch ${options.base}`, () =>
    octokit.rest.git.getRef({ owner, repo, ref: `heads/${options.base}` }),
  );
  await call(client, `create branch ${options.branch}`, () =>
    octokit.rest.git.createRef({ owner, repo, ref: `refs/heads/${options.branch}`, sha: baseRef.object.sha }),
  );
  await call(client, `commit ${options.path} on ${options.branch}`, () =>
    octokit.rest.repos.createOrUpdateFileContents({
      owner,
      repo,
      path: options.path,
      branch: options.branch,
      message: options.commitMessage,
      content: Buffer.from(options.content, 'utf-8').toString('base64'),
    }),
  );
  const { data: pr } = await call(client, `open a pull request from ${options.branch} into ${options.base}`, () =>
    octokit.rest.pulls.create({ owner, repo, head: options.branch, base: options.base, title: options.title, body: options.body }),
  );
  return { number: pr.number, url: pr.html_url, branch: options.branch };
}
