import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { WORKFLOW_SCHEMA } from '../model/vendor-files';

/** A workflow rule broken: `.github/workflows/x.yml: jobs.plan: ...`. */
export interface WorkflowFinding {
  readonly file: string;
  readonly where: string;
  readonly message: string;
}

type Json = Record<string, unknown>;

/** Permissions a job may write with; everything else is read or none. */
const WRITABLE = new Set(['id-token', 'pull-requests']);
const CLOUD_ACTION = 'aws-actions/configure-aws-credentials';
/** Steps that post pull request comments (a reason for `pull-requests: write`). */
const COMMENTING_RUN = /generator\/cli\/(infra\.ts comment|run-preview\.ts)/;
/** A step that pushes a branch and opens a pull request: the only reason for `contents: write`. */
const OPENS_PULL_REQUEST = /\bgh pr create\b/;
/** A job gated to the default branch outside pull requests: it never runs for a pull request, from a fork or not. */
const NOT_ON_PULL_REQUESTS = "github.event_name != 'pull_request' && github.ref == 'refs/heads/main'";
const PINNED = /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/;
/** Values a pull request's author controls; they may reach scripts only through `env:`. */
const EXPRESSION = /\$\{\{/;
const SAME_REPO = 'github.event.pull_request.head.repo.full_name == github.repository';
const FORK = 'github.event.pull_request.head.repo.full_name != github.repository';

/** Validates workflow files against the GitHub workflow JSON schema (`vendor/schemas/github-workflow.json`). */
export function workflowSchemaValidator(): (data: unknown) => string[] {
  const schema = JSON.parse(readFileSync(WORKFLOW_SCHEMA, 'utf-8')) as Json;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const validate = ajv.compile(schema);
  return (data) =>
    validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}

/**
 * The security rules of the repository's workflows: explicit least-privilege permissions per job, OIDC only
 * for cloud jobs, comment rights only for commenting jobs, actions pinned to a commit with the version in a
 * comment, no pull_request_target, no expressions inside scripts, and fork pull requests kept away from
 * cloud credentials with a note in the job summary.
 */
export function checkWorkflow(file: string, text: string): WorkflowFinding[] {
  const findings: WorkflowFinding[] = [];
  const add = (where: string, message: string) => findings.push({ file, where, message });
  const workflow = parse(text) as Json;
  const on = (workflow.on ?? {}) as Json | string | string[];
  const triggers = typeof on === 'string' ? [on] : Array.isArray(on) ? on : Object.keys(on);
  if (triggers.includes('pull_request_target')) {
    add('on', 'pull_request_target runs fork code with write access and secrets; use pull_request');
  }
  if (workflow.permissions !== undefined && !isLeastPrivilege(workflow.permissions)) {
    add('permissions', 'expected workflow permissions per scope, read or none');
  }

  const lines = text.split('\n');
  for (const line of lines) {
    const m = line.match(/^\s*(?:- )?uses:\s*(\S+)(.*)$/);
    if (!m || m[1].startsWith('./') || m[1].startsWith('docker://')) continue;
    if (!PINNED.test(m[1])) {
      add(`uses: ${m[1]}`, 'expected a third-party action pinned to a full 40-hex commit SHA');
    } else if (!/^\s+# v?\d+(\.\d+)*\S*\s*$/.test(m[2])) {
      add(`uses: ${m[1]}`, 'expected the version as a comment after the commit (# vX.Y.Z)');
    }
  }

  const jobs = (workflow.jobs ?? {}) as Record<string, Json>;
  const onPullRequest = triggers.includes('pull_request');
  let forkNotice = false;
  for (const [id, job] of Object.entries(jobs)) {
    const where = `jobs.${id}`;
    const steps = (job.steps ?? []) as Json[];
    const permissions = job.permissions;
    if (permissions === undefined) add(where, 'expected explicit permissions');
    else if (typeof permissions === 'string') add(where, `expected a permission per scope, got "${permissions}"`);
    const perms = (typeof permissions === 'object' && permissions ? permissions : {}) as Record<string, string>;
    for (const [scope, level] of Object.entries(perms)) {
      if (level === 'write' && !WRITABLE.has(scope) && scope !== 'contents') {
        add(where, `${scope}: write is more than any job here needs`);
      }
    }
    const usesCloud = usesCloudStep(steps);
    const opensPullRequest = steps.some((s) => typeof s.run === 'string' && OPENS_PULL_REQUEST.test(s.run));
    const comments = opensPullRequest || steps.some((s) => typeof s.run === 'string' && COMMENTING_RUN.test(s.run));
    if (perms.contents === 'write' && (!opensPullRequest || usesCloudStep(steps))) {
      add(where, 'contents: write only for a job without a cloud role that opens a pull request');
    }
    if ((perms['id-token'] === 'write') !== usesCloud) {
      add(
        where,
        usesCloud ? 'assumes a cloud role without id-token: write' : 'has id-token: write but assumes no cloud role',
      );
    }
    if ((perms['pull-requests'] === 'write') !== comments) {
      add(
        where,
        comments ? 'posts a comment without pull-requests: write' : 'has pull-requests: write but posts no comment',
      );
    }
    if (usesCloud && comments) add(where, 'a job that holds a cloud role must not also write to the pull request');
    const pullRequestJob = onPullRequest && !String(job.if ?? '').includes(NOT_ON_PULL_REQUESTS);
    if (usesCloud && pullRequestJob && !String(job.if ?? '').includes(SAME_REPO)) {
      add(where, 'a cloud job on pull requests must skip forks (if: ... head.repo.full_name == github.repository)');
    }
    if (
      String(job.if ?? '') === FORK &&
      steps.some((s) => typeof s.run === 'string' && s.run.includes('$GITHUB_STEP_SUMMARY'))
    ) {
      forkNotice = true;
    }
    steps.forEach((step, i) => {
      if (typeof step.run === 'string' && EXPRESSION.test(step.run)) {
        add(`${where}.steps[${i}]`, 'expected no ${{ }} expression inside run: (pass values through env:)');
      }
    });
  }
  const hasCloudPrJob =
    onPullRequest &&
    Object.values(jobs).some(
      (j) =>
        ((j.permissions ?? {}) as Json)['id-token'] === 'write' && !String(j.if ?? '').includes(NOT_ON_PULL_REQUESTS),
    );
  if (hasCloudPrJob && !forkNotice) {
    add(
      'jobs',
      'expected a job that runs on fork pull requests and writes ' +
        'why the cloud jobs were skipped to $GITHUB_STEP_SUMMARY',
    );
  }
  return findings;
}

function usesCloudStep(steps: readonly Json[]): boolean {
  return steps.some((s) => typeof s.uses === 'string' && s.uses.startsWith(`${CLOUD_ACTION}@`));
}

function isLeastPrivilege(permissions: unknown): boolean {
  // read-all and write-all grant every scope: never the least privilege
  if (typeof permissions === 'string') return false;
  return Object.values(permissions as Record<string, string>).every((level) => level !== 'write');
}
