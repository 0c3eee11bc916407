import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitHub } from './support/github-server';
import { createGitHubClient, GitHubError, type GitHubClient } from '../generator/github/github-client';
import { commentMarker, upsertComment } from '../generator/github/pr-comment';
import { openPullRequestWithFiles } from '../generator/github/pull-request';

let github: FakeGitHub;
let client: GitHubClient;

beforeEach(async () => {
  github = await new FakeGitHub().start();
  client = createGitHubClient({
    token: 'test-token',
    owner: 'acme',
    repository: 'eks-mlops-fleet',
    baseUrl: github.baseUrl,
    retryDelayMs: 5,
  });
});
afterEach(() => github.stop());

const marker = commentMarker('plan');

describe('upsertComment', () => {
  it(
    'creates the comment when no comment carries the ' + 'marker, then updates that one comment on every push',
    async () => {
      github.addComments(7, ['LGTM', 'a review note']);
      const first = await upsertComment(client, 7, marker, `${marker}\nplan: 1 to add`);
      expect(first.action).toBe('created');
      const second = await upsertComment(client, 7, marker, `${marker}\nplan: 2 to add`);
      expect(second).toMatchObject({ action: 'updated', id: first.id });
      const third = await upsertComment(client, 7, marker, `${marker}\nplan: 2 to add`);
      expect(third.action).toBe('unchanged');
      const bodies = github.comments.get(7)!.map((c) => c.body);
      expect(bodies).toEqual(['LGTM', 'a review note', `${marker}\nplan: 2 to add`]);
    },
  );

  it('finds its comment on a later page of a long conversation (pagination)', async () => {
    github.addComments(
      8,
      Array.from({ length: 230 }, (_, i) => `comment ${i}`),
    );
    github.addComments(8, [`${marker}\nold plan`]);
    github.addComments(
      8,
      Array.from({ length: 20 }, (_, i) => `later ${i}`),
    );
    const result = await upsertComment(client, 8, marker, `${marker}\nnew plan`);
    expect(result.action).toBe('updated');
    expect(github.comments.get(8)).toHaveLength(251);
    expect(github.comments.get(8)![230].body).toBe(`${marker}\nnew plan`);
    const pages = github.requests.filter((r) => r.startsWith('GET /repos/acme/eks-mlops-fleet/issues/8/comments'));
    expect(pages).toHaveLength(3);
  });

  it('retries a 5xx answer with backoff and succeeds', async () => {
    github.addComments(9, []);
    github.fail('GET', /\/issues\/9\/comments$/, 502, 2);
    github.fail('POST', /\/issues\/9\/comments$/, 503, 1);
    const result = await upsertComment(client, 9, marker, `${marker}\nbody`);
    expect(result.action).toBe('created');
    expect(github.requests.filter((r) => r.includes('/issues/9/comments'))).toHaveLength(5);
  });

  it('gives up after the retries with a message naming the call and the status', async () => {
    github.addComments(9, []);
    github.fail('GET', /\/issues\/9\/comments$/, 500, 10);
    const error = await upsertComment(client, 9, marker, `${marker}\nbody`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubError);
    expect((error as GitHubError).status).toBe(500);
    expect((error as Error).message).toMatch(/failed to list the comments of #9 in acme\/eks-mlops-fleet \(500/);
    expect(github.requests).toHaveLength(4);
  });

  it('explains a 403 as the read-only token of a fork pull request, without retrying', async () => {
    github.addComments(10, []);
    github.fail('POST', /\/issues\/10\/comments$/, 403, 1, 'Resource not accessible by integration');
    const error = (await upsertComment(client, 10, marker, `${marker}\nbody`).catch((e: unknown) => e)) as GitHubError;
    expect(error.status).toBe(403);
    expect(error.message).toContain('refused to comment on #10');
    expect(error.message).toContain('pull request from a fork');
    expect(error.message).toContain('read-only token');
    expect(github.requests.filter((r) => r.startsWith('POST'))).toHaveLength(1);
  });

  it('explains a 404 (wrong repository or pull request)', async () => {
    const error = (await upsertComment(client, 404, marker, `${marker}\nbody`).catch((e: unknown) => e)) as GitHubError;
    expect(error.status).toBe(404);
    expect(error.message).toMatch(
      new RegExp(
        String.raw`found nothing to list the comments of #404 in acme/eks-mlops-fleet \(404\): ` +
          String.raw`check the owner and repository in \.projenrc\.ts`,
      ),
    );
  });

  it('refuses a body without its marker (it could never be found again)', async () => {
    await expect(upsertComment(client, 7, marker, 'no marker')).rejects.toThrow(/must contain its marker/);
  });
});

describe('openPullRequestWithFiles', () => {
  const options = {
    branch: 'run/llama3-finetune',
    base: 'main',
    files: [
      { path: 'recipes/llama3-finetune.yaml', content: 'name: llama3-finetune\n' },
      {
        path: 'clusters/prod-use1/workloads/runs/ml-research/llama3-finetune/trainjob.yaml',
        content: 'kind: TrainJob\n',
      },
      { path: 'clusters/prod-use1/workloads/runs/ml-research/old-run/job.yaml', content: null },
    ],
    commitMessage: 'run: llama3-finetune',
    title: 'Run llama3-finetune',
    body: 'Opened from a terminal.',
  };

  it(
    'writes one commit on top of main with every file, ' + 'creates the branch at it and opens the pull request',
    async () => {
      const pr = await openPullRequestWithFiles(client, options);
      expect(pr).toMatchObject({
        number: 1,
        url: 'https://github.com/acme/eks-mlops-fleet/pull/1',
        branch: options.branch,
      });
      expect(github.refs.get('heads/run/llama3-finetune')).toBe(pr.commit);
      const commit = github.commits.get(pr.commit)!;
      expect(commit.parents).toEqual([github.refs.get('heads/main')]);
      expect(commit.message).toBe('run: llama3-finetune');
      expect([...commit.files.entries()]).toEqual(options.files.map((f) => [f.path, f.content]));
      expect(github.pulls[0]).toMatchObject({ head: options.branch, base: 'main', title: 'Run llama3-finetune' });
    },
  );

  it('says which branch is missing on a 404', async () => {
    const error = (await openPullRequestWithFiles(client, { ...options, base: 'trunk' }).catch(
      (e: unknown) => e,
    )) as GitHubError;
    expect(error.message).toContain('found nothing to read branch trunk');
    expect(github.pulls).toHaveLength(0);
  });

  it('reports an existing branch (422) and opens nothing', async () => {
    github.refs.set('heads/run/llama3-finetune', 'c'.repeat(40));
    const error = (await openPullRequestWithFiles(client, options).catch((e: unknown) => e)) as GitHubError;
    expect(error.message).toMatch(/could not create branch run\/llama3-finetune .*Reference already exists/);
    expect(github.pulls).toHaveLength(0);
  });

  it('explains a 403 on writing (token without write access)', async () => {
    github.fail('POST', /\/git\/trees$/, 403, 1, 'Resource not accessible by personal access token');
    const error = (await openPullRequestWithFiles(client, options).catch((e: unknown) => e)) as GitHubError;
    expect(error.status).toBe(403);
    expect(error.message).toContain('refused to write the tree of 3 file(s)');
    expect(error.message).toContain('needs the "contents" and "pull requests" write permissions');
  });

  it('retries a 502 on creating the pull request', async () => {
    github.fail('POST', /\/pulls$/, 502, 1);
    const pr = await openPullRequestWithFiles(client, options);
    expect(pr.number).toBe(1);
    expect(github.requests.filter((r) => r.startsWith('POST /repos/acme/eks-mlops-fleet/pulls'))).toHaveLength(2);
  });
});
