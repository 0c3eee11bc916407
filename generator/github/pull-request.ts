import { call, type GitHubClient } from './github-client';

/** A file of the commit: its new content, or `null` to delete it. */
export interface CommitFile {
  readonly path: string;
  readonly content: string | null;
}

export interface OpenPullRequestOptions {
  /** The new branch, created at the commit. */
  readonly branch: string;
  /** The branch the commit is made on top of, and that the pull request merges into. */
  readonly base: string;
  readonly files: readonly CommitFile[];
  readonly commitMessage: string;
  readonly title: string;
  readonly body: string;
}

export interface OpenedPullRequest {
  readonly number: number;
  readonly url: string;
  readonly branch: string;
  readonly commit: string;
}

/**
 * Commits `files` on top of `base` as one commit on a new branch, and opens the pull request, through the
 * REST API (no local git push): read the base branch, write a tree and a commit, create the branch, open the PR.
 */
export async function openPullRequestWithFiles(
  client: GitHubClient,
  options: OpenPullRequestOptions,
): Promise<OpenedPullRequest> {
  const { octokit, owner, repository: repo } = client;
  const { data: baseRef } = await call(client, `read branch ${options.base}`, () =>
    octokit.rest.git.getRef({ owner, repo, ref: `heads/${options.base}` }),
  );
  const parent = baseRef.object.sha;
  const { data: parentCommit } = await call(client, `read commit ${parent.slice(0, 12)} of ${options.base}`, () =>
    octokit.rest.git.getCommit({ owner, repo, commit_sha: parent }),
  );
  const { data: tree } = await call(client, `write the tree of ${options.files.length} file(s)`, () =>
    octokit.rest.git.createTree({
      owner,
      repo,
      base_tree: parentCommit.tree.sha,
      tree: options.files.map((f) =>
        f.content === null
          ? { path: f.path, mode: '100644' as const, type: 'blob' as const, sha: null }
          : { path: f.path, mode: '100644' as const, type: 'blob' as const, content: f.content },
      ),
    }),
  );
  const { data: commit } = await call(client, 'write the commit', () =>
    octokit.rest.git.createCommit({ owner, repo, message: options.commitMessage, tree: tree.sha, parents: [parent] }),
  );
  await call(client, `create branch ${options.branch}`, () =>
    octokit.rest.git.createRef({ owner, repo, ref: `refs/heads/${options.branch}`, sha: commit.sha }),
  );
  const { data: pr } = await call(client, `open a pull request from ${options.branch} into ${options.base}`, () =>
    octokit.rest.pulls.create({
      owner,
      repo,
      head: options.branch,
      base: options.base,
      title: options.title,
      body: options.body,
    }),
  );
  return { number: pr.number, url: pr.html_url, branch: options.branch, commit: commit.sha };
}
