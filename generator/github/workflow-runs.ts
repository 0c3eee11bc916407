import { call, type GitHubClient } from './github-client';

/**
 * The commit of the last successful run of `workflow` (a file name such as `infra-apply.yml`) for pushes to
 * `branch`, or undefined when it never succeeded. Applies diff from there rather than from the previous push:
 * GitHub cancels a pending run when a newer one joins the same concurrency group, and a run that failed or
 * was cancelled must not lose its changes.
 */
export async function lastSuccessfulRunCommit(
  client: GitHubClient,
  workflow: string,
  branch: string,
): Promise<string | undefined> {
  const { octokit, owner, repository: repo } = client;
  const { data } = await call(client, `list the successful runs of ${workflow} on ${branch}`, () =>
    octokit.rest.actions.listWorkflowRuns({
      owner,
      repo,
      workflow_id: workflow,
      branch,
      event: 'push',
      status: 'success',
      per_page: 1,
    }),
  );
  return data.workflow_runs[0]?.head_sha;
}
