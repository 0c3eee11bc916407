import { GithubWorkflow, type GitHub, type GitHubProject } from 'projen/lib/github';
import { JobPermission, type Job, type JobStep } from 'projen/lib/github/workflows-model';
import { ACTIONS, annotateVersions, TERRAFORM_VERSION, TERRAGRUNT_VERSION, uses } from './pinned-actions';

const RUNNER = ['ubuntu-24.04'];
const NODE_VERSION = '20.x';

/** True on a pull request from a fork: GitHub gives it no OIDC token and a read-only GITHUB_TOKEN. */
const FROM_FORK = 'github.event.pull_request.head.repo.full_name != github.repository';
const NOT_FROM_FORK = 'github.event.pull_request.head.repo.full_name == github.repository';

/** What changes the infrastructure: the cluster specs, the committed units, and the code that plans them. */
export const INFRA_PATHS = [
  'clusters/*/cluster.yaml',
  'clusters/*/infra/**',
  'clusters/root.hcl',
  'root.hcl',
  'generator/infra/**',
  'generator/templates/infra/**',
  'generator/github/changed-units.ts',
  'generator/github/terragrunt-run.ts',
  'generator/cli/infra.ts',
];
export const RUN_PATHS = ['recipes/**', 'apps/**'];

/**
 * The repository's GitHub workflows: the pull request check, the infrastructure plan and apply over OIDC,
 * and the ML run preview. Each job states its permissions; jobs that assume a cloud role never comment,
 * and commenting jobs never get a cloud role.
 */
export function addFleetWorkflows(project: GitHubProject, sharedMaterial: SharedMaterialOptions = {}): void {
  const github = project.github;
  if (!github) throw new Error('the project has no GitHub component');
  const shared = sharedMaterialSteps(sharedMaterial);
  pullRequestCheck(github, shared);
  infraPlan(github);
  infraApply(github);
  runPreview(github, shared);
}

/** Pull request workflows: a new push cancels the run of the previous one (they only read and comment). */
const PER_PULL_REQUEST = { group: '${{ github.workflow }}-${{ github.ref }}', cancelInProgress: true };

function workflow(github: GitHub, name: string, fileName: string, perPullRequest = true): GithubWorkflow {
  const wf = new GithubWorkflow(github, name, {
    fileName,
    ...(perPullRequest ? { limitConcurrency: true, concurrencyOptions: PER_PULL_REQUEST } : {}),
  });
  // projen renders YAML without comments: add the version after each pinned commit
  const file = wf.file as unknown as { synthesizeContent(resolver: unknown): string | undefined };
  const render = file.synthesizeContent.bind(file);
  file.synthesizeContent = (resolver) => {
    const text = render(resolver);
    return text === undefined ? undefined : annotateVersions(text);
  };
  return wf;
}

const checkout = (fetchDepth = 1): JobStep => ({
  name: 'Check out',
  uses: uses(ACTIONS.checkout),
  with: { 'persist-credentials': false, 'fetch-depth': fetchDepth },
});
const setupNode: JobStep = {
  name: 'Set up Node.js',
  uses: uses(ACTIONS.setupNode),
  with: { 'node-version': NODE_VERSION, cache: 'npm' },
};
const install: JobStep = { name: 'Install', run: 'npm ci --no-audit --no-fund' };

/** Where the workflows find the shared material (`schemas/`, `data/`, `corpus/`), checked out to `../shared`. */
export interface SharedMaterialOptions {
  /**
   * `owner/name` of its repository. Repository variables are not given to pull requests from forks, so a value
   * here (committed) is what makes their checks work; the variable FLEET_SHARED_REPOSITORY overrides it.
   */
  readonly repository?: string;
  /** Its branch or tag (default `main`); the variable FLEET_SHARED_REF overrides it. */
  readonly ref?: string;
}

/** The vendored schemas, seed corpus and instance data sit beside the repository, in `../shared`. */
function sharedMaterialSteps(options: SharedMaterialOptions): JobStep[] {
  const repository = `\${{ vars.FLEET_SHARED_REPOSITORY${options.repository ? ` || '${options.repository}'` : ''} }}`;
  return [
    ...(options.repository
      ? []
      : [
          {
            name: 'Require the shared material repository',
            if: "vars.FLEET_SHARED_REPOSITORY == ''",
            run: [
              'echo "::error::Set the repository variable FLEET_SHARED_REPOSITORY (owner/name of the repository with schemas/, data/ and corpus/), or sharedMaterial.repository in .projenrc.ts for pull requests from forks (they get no repository variables); see README: Setting up a fork"',
              'exit 1',
            ].join('\n'),
          },
        ]),
    {
      name: 'Check out the shared material',
      uses: uses(ACTIONS.checkout),
      with: {
        repository,
        ref: `\${{ vars.FLEET_SHARED_REF || '${options.ref ?? 'main'}' }}`,
        path: '.fleet-shared',
        'persist-credentials': false,
      },
    },
    { name: 'Place it at ../shared', run: 'mv .fleet-shared ../shared' },
  ];
}

function pullRequestCheck(github: GitHub, sharedMaterial: JobStep[]) {
  const wf = workflow(github, 'pull-request', 'pull-request.yml');
  wf.on({ pullRequest: { branches: ['main'] }, workflowDispatch: {} });
  wf.addJob('check', {
    name: 'Regenerate, test, validate',
    runsOn: RUNNER,
    permissions: { contents: JobPermission.READ },
    timeoutMinutes: 30,
    steps: [
      checkout(),
      setupNode,
      ...sharedMaterial,
      install,
      { name: 'Regenerate', run: 'npx projen' },
      {
        name: 'Fail when regenerating changed committed files',
        run: [
          'changed=$(git status --porcelain --untracked-files=all)',
          'if [ -n "$changed" ]; then',
          '  echo "::error::Regenerating changed committed files. Run \'npx projen\' and commit the result."',
          '  echo "$changed"',
          '  git --no-pager diff --stat',
          '  {',
          '    echo "### Regenerating changed committed files"',
          '    echo',
          '    echo "Run \\`npx projen\\` and commit the result. Changed files:"',
          '    echo',
          '    echo \'```\'',
          '    echo "$changed"',
          '    echo \'```\'',
          '  } >> "$GITHUB_STEP_SUMMARY"',
          '  exit 1',
          'fi',
          'echo "regenerate: no changes"',
        ].join('\n'),
      },
      { name: 'Test', run: 'npm test' },
      { name: 'Validate the rendered manifests', run: 'npx projen validate' },
      {
        name: 'Expand the Argo CD ApplicationSets',
        // the `expand` task comes with the Argo CD expansion check; until it exists, say so loudly
        run: [
          'if node -e "process.exit(require(\'./.projen/tasks.json\').tasks.expand ? 0 : 1)"; then',
          '  npx projen expand',
          'else',
          '  echo "::warning::the projen task \'expand\' (Argo CD ApplicationSet expansion) does not exist in this revision; skipped"',
          'fi',
        ].join('\n'),
      },
    ],
  });
}

/**
 * Detects the changed units; its `matrix` output is one entry per cluster with its role and units. The apply
 * diffs from the last successful apply (reading the workflow's runs), so a cancelled or failed apply loses nothing.
 */
function detectJob(role: 'plan' | 'apply', base: string, head: string): Job {
  const sinceLastSuccess = role === 'apply' ? ' --since-last-success infra-apply.yml' : '';
  return {
    name: 'Detect changed Terragrunt units',
    runsOn: RUNNER,
    permissions: role === 'apply' ? { contents: JobPermission.READ, actions: JobPermission.READ } : { contents: JobPermission.READ },
    timeoutMinutes: 10,
    outputs: {
      matrix: { stepId: 'detect', outputName: 'matrix' },
      count: { stepId: 'detect', outputName: 'count' },
      removed: { stepId: 'detect', outputName: 'removed' },
    },
    steps: [
      checkout(0),
      setupNode,
      install,
      {
        id: 'detect',
        name: 'Detect',
        env: { BASE_SHA: base, HEAD_SHA: head, ...(role === 'apply' ? { GITHUB_TOKEN: '${{ github.token }}' } : {}) },
        run: `npx tsx generator/cli/infra.ts detect --role ${role} --base "$BASE_SHA" --head "$HEAD_SHA"${sinceLastSuccess}`,
      },
    ],
  };
}

/** Terraform and Terragrunt at pinned versions, the unit runner's dependencies, and the cluster's role. */
function terragruntSteps(mode: 'plan' | 'apply'): JobStep[] {
  return [
    checkout(),
    {
      name: 'Set up Terraform',
      uses: uses(ACTIONS.setupTerraform),
      with: { terraform_version: TERRAFORM_VERSION, terraform_wrapper: false },
    },
    { name: 'Set up Terragrunt', uses: uses(ACTIONS.setupTerragrunt), with: { 'terragrunt-version': TERRAGRUNT_VERSION } },
    setupNode,
    install,
    {
      name: `Assume the ${mode} role over OIDC`,
      uses: uses(ACTIONS.configureAwsCredentials),
      with: {
        'role-to-assume': '${{ matrix.cluster.role }}',
        'aws-region': '${{ matrix.cluster.region }}',
        'role-session-name': `github-${mode}-\${{ github.run_id }}`,
      },
    },
    {
      name: `terragrunt ${mode}`,
      env: { CLUSTER: '${{ matrix.cluster.name }}', UNITS: '${{ matrix.cluster.units }}' },
      run: `npx tsx generator/cli/infra.ts run --mode ${mode} --cluster "$CLUSTER" --units "$UNITS" --out infra-results`,
    },
    {
      name: 'Keep the results',
      if: 'always()',
      uses: uses(ACTIONS.uploadArtifact),
      with: { name: `${mode}-\${{ matrix.cluster.name }}`, path: 'infra-results/', 'retention-days': 14, 'if-no-files-found': 'ignore' },
    },
  ];
}

function forkNoticeJob(what: string): Job {
  return {
    name: 'Pull request from a fork',
    if: FROM_FORK,
    runsOn: RUNNER,
    permissions: {},
    steps: [
      {
        name: 'Say why the cloud jobs are skipped',
        run: [
          '{',
          `  echo "### ${what} skipped"`,
          '  echo',
          '  echo "This pull request comes from a fork. GitHub gives workflows of fork pull requests no OIDC token and a read-only"',
          '  echo "GITHUB_TOKEN, so the jobs that assume an AWS role (and the comment that reports them) do not run."',
          '  echo "A maintainer can push the branch to this repository to get a plan."',
          '} >> "$GITHUB_STEP_SUMMARY"',
        ].join('\n'),
      },
    ],
  };
}

function infraPlan(github: GitHub) {
  const wf = workflow(github, 'infra-plan', 'infra-plan.yml');
  wf.on({ pullRequest: { branches: ['main'], paths: INFRA_PATHS } });
  wf.addJobs({
    'fork-notice': forkNoticeJob('Terragrunt plan'),
    detect: { ...detectJob('plan', '${{ github.event.pull_request.base.sha }}', '${{ github.event.pull_request.head.sha }}'), if: NOT_FROM_FORK },
    plan: {
      name: 'Plan ${{ matrix.cluster.name }}',
      needs: ['detect'],
      if: `${NOT_FROM_FORK} && needs.detect.outputs.count != '0'`,
      runsOn: RUNNER,
      permissions: { idToken: JobPermission.WRITE, contents: JobPermission.READ },
      timeoutMinutes: 60,
      strategy: { failFast: false, matrix: { domain: { cluster: '${{ fromJSON(needs.detect.outputs.matrix) }}' } } },
      concurrency: { group: 'infra-plan-${{ github.event.pull_request.number }}-${{ matrix.cluster.name }}', 'cancel-in-progress': true },
      steps: terragruntSteps('plan'),
    },
    comment: {
      name: 'Post the plan summary',
      needs: ['detect', 'plan'],
      if: `always() && ${NOT_FROM_FORK} && needs.detect.result == 'success'`,
      runsOn: RUNNER,
      permissions: { contents: JobPermission.READ, pullRequests: JobPermission.WRITE },
      timeoutMinutes: 10,
      steps: [
        checkout(),
        setupNode,
        install,
        {
          name: 'Fetch the plan results',
          if: "needs.detect.outputs.count != '0'",
          uses: uses(ACTIONS.downloadArtifact),
          with: { pattern: 'plan-*', path: 'infra-results', 'merge-multiple': true },
        },
        {
          name: 'Post or update the comment',
          env: {
            GITHUB_TOKEN: '${{ github.token }}',
            PR_NUMBER: '${{ github.event.pull_request.number }}',
            MATRIX: '${{ needs.detect.outputs.matrix }}',
            REMOVED: '${{ needs.detect.outputs.removed }}',
            HEAD_SHA: '${{ github.event.pull_request.head.sha }}',
            RUN_URL: '${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}',
          },
          run: 'npx tsx generator/cli/infra.ts comment --results infra-results',
        },
      ],
    },
  });
}

function infraApply(github: GitHub) {
  const wf = workflow(github, 'infra-apply', 'infra-apply.yml', false);
  wf.on({ push: { branches: ['main'], paths: INFRA_PATHS } });
  wf.addJobs({
    detect: detectJob('apply', '${{ github.event.before }}', '${{ github.sha }}'),
    apply: {
      name: 'Apply ${{ matrix.cluster.name }}',
      needs: ['detect'],
      if: "needs.detect.outputs.count != '0'",
      runsOn: RUNNER,
      permissions: { idToken: JobPermission.WRITE, contents: JobPermission.READ },
      timeoutMinutes: 120,
      // the GitHub environment `infra-<environment>` guards the apply role's trust policy (prod can require reviewers)
      environment: '${{ matrix.cluster.environment }}',
      // one apply per cluster at a time, and a running apply is never cancelled
      concurrency: { group: 'infra-${{ matrix.cluster.name }}', 'cancel-in-progress': false },
      strategy: { failFast: false, matrix: { domain: { cluster: '${{ fromJSON(needs.detect.outputs.matrix) }}' } } },
      steps: terragruntSteps('apply'),
    },
  });
}

function runPreview(github: GitHub, sharedMaterial: JobStep[]) {
  const wf = workflow(github, 'run-preview', 'run-preview.yml');
  wf.on({ pullRequest: { branches: ['main'], paths: RUN_PATHS } });
  wf.addJob('preview', {
    name: 'Preview the ML runs',
    runsOn: RUNNER,
    permissions: { contents: JobPermission.READ, pullRequests: JobPermission.WRITE },
    timeoutMinutes: 15,
    steps: [
      checkout(0),
      setupNode,
      ...sharedMaterial,
      install,
      {
        name: 'Compile the changed runs and post the preview',
        env: {
          GITHUB_TOKEN: '${{ github.token }}',
          PR_NUMBER: '${{ github.event.pull_request.number }}',
          BASE_SHA: '${{ github.event.pull_request.base.sha }}',
          HEAD_SHA: '${{ github.event.pull_request.head.sha }}',
        },
        run: 'npx tsx generator/cli/run-preview.ts --base "$BASE_SHA" --head "$HEAD_SHA"',
      },
    ],
  });
}
