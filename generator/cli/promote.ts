import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PLATFORM_MODULES } from '../../platform';
import { readGitHubSettings, tokenFromEnv } from '../config/github-settings-file';
import { formatProblem, sortProblems } from '../config/problems';
import { prepareRegenerate } from '../fleet/regenerate';
import { createGitHubClient, GitHubError } from '../github/github-client';
import { loadInstancePrices } from '../github/instance-prices';
import { ModelReferenceError, parseModelReference, resolveModelReference } from '../github/model-reference';
import { baseCommit, changedFiles } from '../github/open-run';
import { editApp, findApp, modelFields, promoteBranch, PromoteError, promoteText } from '../github/promote';
import { openPullRequestWithFiles, type CommitFile } from '../github/pull-request';
import { renderRunPreviewComment, RUN_PREVIEW_MARKER } from '../github/run-preview';
import { runPreviewProvider } from '../github/run-preview-provider';
import { hasMarker } from '../model/marker';
import { MANIFEST_PATH } from '../write/write-files';

const USAGE =
  'usage: npx projen promote <s3://bucket/key | mlflow:<model>/<version> | determined:<model>/<version>> ' +
  '--to <apps/team/name.yaml | team/name> [--base main] [--branch promote/<name>]';

/**
 * `npx projen promote <model> --to <app>`: points a serving app (kserve, triton, rayserve-vllm) at a registered
 * model version, regenerates, and opens a pull request with the app, its generated files and the run preview of
 * the change. The registries are asked at MLFLOW_TRACKING_URI and DET_MASTER; GitHub as for open-run (token
 * GITHUB_TOKEN or GH_TOKEN, repository from .projenrc.ts's settings, GITHUB_API_URL for GitHub Enterprise Server).
 * The edit and the regenerated files stay in the working tree, as after editing the app by hand.
 */
async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      to: { type: 'string' },
      base: { type: 'string', default: 'main' },
      branch: { type: 'string' },
    },
  });
  if (positionals.length !== 1 || !values.to) {
    console.error(USAGE);
    return 2;
  }
  const token = tokenFromEnv();
  if (!token) {
    console.error(
      'Set GITHUB_TOKEN or GH_TOKEN to a token that can push branches and open pull requests ' +
        '(for example: export GH_TOKEN=$(gh auth token)).',
    );
    return 1;
  }
  const root = process.cwd();
  const base = values.base ?? 'main';
  // everything that needs no network first: the reference's form, the app, its kind and field
  const ref = parseModelReference(positionals[0]);
  const app = findApp(root, values.to);
  const fields = modelFields(app);
  const uri = await resolveModelReference(ref, process.env);
  if (fields.every((f) => f.from === uri)) throw new PromoteError(`${app.file}: already serves ${uri}`);

  const settings = readGitHubSettings(root);
  const options = { root, catalog: PLATFORM_MODULES, github: settings };
  const before = prepareRegenerate({ ...options, dryRun: true });
  if (!before.ok) {
    console.error(sortProblems(before.problems).map(formatProblem).join('\n'));
    return 1;
  }
  if (before.plan.toWrite.length || before.plan.toDelete.length) {
    throw new PromoteError('the generated files are not up to date: run "npx projen", then promote again');
  }

  // the edit, then the preview's regenerate writes the app's new objects; refused, the app is put back
  writeFileSync(join(root, app.file), editApp(app, fields, uri, ref));
  const from = baseCommit(root, base);
  const preview = await runPreviewProvider({ root, changedFiles: [app.file], base: from.ref });
  if (!preview.ok) {
    writeFileSync(join(root, app.file), app.text);
    console.error(sortProblems(preview.problems).map(formatProblem).join('\n'));
    return 1;
  }
  const files: CommitFile[] = [];
  for (const { path, deleted } of changedFiles(root, from.ref)) {
    const content = deleted ? null : readFileSync(join(root, path), 'utf-8');
    if (path === app.file || path === MANIFEST_PATH) files.push({ path, content });
    else if (path.startsWith('clusters/') && content !== null && hasMarker(content)) files.push({ path, content });
    else if (path.startsWith('clusters/') && deleted && path.includes('/workloads/')) files.push({ path, content });
    else console.log(`left out (not part of the promotion): ${path}`);
  }
  const comment = renderRunPreviewComment({
    runs: preview.runs,
    problems: [],
    prices: loadInstancePrices(),
    // the preview is measured against the base: the pull request's own commit does not exist yet
    commit: execFileSync('git', ['rev-parse', from.ref], { cwd: root, encoding: 'utf-8' }).trim(),
  });
  const text = promoteText({
    app,
    fields,
    uri,
    ref,
    generated: files.length - 1,
    // the marker belongs to the preview comment the workflow posts; in the body it would only be noise
    preview: comment.replace(RUN_PREVIEW_MARKER, '').trim(),
  });
  const client = createGitHubClient({ token, ...settings, baseUrl: process.env.GITHUB_API_URL });
  const pr = await openPullRequestWithFiles(client, {
    branch: values.branch ?? promoteBranch(app, uri),
    base,
    files,
    ...text,
  });
  console.log(`opened ${pr.url} (branch ${pr.branch}, ${files.length} file(s)): ${app.file} serves ${uri}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const expected =
      error instanceof PromoteError || error instanceof ModelReferenceError || error instanceof GitHubError;
    console.error(expected || !(error instanceof Error) ? String((error as Error).message ?? error) : error.stack);
    process.exit(1);
  },
);
