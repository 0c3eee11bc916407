import { call, type GitHubClient } from './github-client';

/** The hidden first line that lets a workflow find its own comment again: `<!-- eks-mlops-fleet:<kind> -->`. */
export function commentMarker(kind: string): string {
  return `<!-- eks-mlops-fleet:${kind} -->`;
}

export interface UpsertedComment {
  readonly action: 'created' | 'updated' | 'unchanged';
  readonly id: number;
  readonly url: string;
}

/**
 * Posts `body` on pull request (or issue) `issueNumber`, or updates the comment that carries `marker`,
 * so that every push updates one comment instead of adding another. `body` must contain the marker.
 */
export async function upsertComment(
  client: GitHubClient,
  issueNumber: number,
  marker: string,
  body: string,
): Promise<UpsertedComment> {
  if (!body.includes(marker)) throw new Error(`the comment body must contain its marker ${marker}`);
  const { octokit, owner, repository: repo } = client;
  const comments = await call(client, `list the comments of #${issueNumber}`, () =>
    octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: issueNumber, per_page: 100 }),
  );
  const existing = comments.find((c) => c.body?.includes(marker));
  if (existing) {
    if (existing.body === body) return { action: 'unchanged', id: existing.id, url: existing.html_url };
    const { data } = await call(client, `update comment ${existing.id} on #${issueNumber}`, () =>
      octokit.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body }),
    );
    return { action: 'updated', id: data.id, url: data.html_url };
  }
  const { data } = await call(client, `comment on #${issueNumber}`, () =>
    octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body }),
  );
  return { action: 'created', id: data.id, url: data.html_url };
}
