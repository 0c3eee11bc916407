import { GithubWorkflow, type GitHub, type GitHubProject } from 'projen/lib/github';
import { JobPermission, type Job, type JobStep } from 'projen/lib/github/workflows-model';
import { ACTIONS, annotateVersions, uses } from './pinned-actions';
import { NODE, TERRAFORM, TERRAGRUNT } from '../model/tool-versions';
import { MANIFEST_PATH } from '../write/write-files';

const RUNNER = ['ubuntu-24.04'];

/** True on a pull request from a fork: GitHub gives it no OIDC token and a read-only GITHUB_TOKEN. */
const FROM_FORK = 'github.event.pull_request.head.repo.full_name != github.repository';
const NOT_FROM_FORK = 'github.event.pull_request.head.repo.full_name == github.repository';

/** What changes the infrastructure: the cluster specs, the committed units, and the code that plans them. */
export const INFRA_PATHS = [
  'clusters/*/cluster.yaml',
  'clusters/*/infra/**',
  'clusters/_accounts/**',
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
 * What a pull request may change and still skip the generator's own tests: the fleet's inputs (recipes, apps,
 * the cluster folders: specs and what is generated from them, with the list of generated files that a new run
 * adds to) and the documentation. A folder ends with `/`;
 * anything else is one file at the top. A change anywhere else (the generator, the module catalog, the tests,
 * the bench, the vendored data, the project definition, the workflows, CI, or a path this list does not know)
 * runs them. The regenerate, the checks and the run preview run on every pull request.
 */
export const FLEET_INPUT_PATHS = ['recipes/', 'apps/', 'clusters/', MANIFEST_PATH, 'docs/', 'README.md'];

/** An extended regular expression (grep -E) that matches a path of `paths` (see FLEET_INPUT_PATHS). */
export function pathsPattern(paths: readonly string[]): string {
  const escape = (p: string) => p.replace(/[.[\]\\(){}*+?^$|]/g, '\\$&');
  return `^(${paths.map((p) => (p.endsWith('/') ? escape(p) : `${escape(p)}$`)).join('|')})`;
}

/**
 * The repository's GitHub workflows: the pull request check, the infrastructure plan and apply over OIDC,
 * and the ML run preview. Each job states its permissions; jobs that assume a cloud role never comment,
 * and commenting jobs never get a cloud role.
 */
export function addFleetWorkflows(project: GitHubProject): void {
  const github = project.github;
  if (!github) throw new Error('the project has no GitHub component');
  pullRequestCheck(github);
  infraPlan(github);
  infraApply(github);
  runPreview(github);
  images(github);
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
  with: { 'node-version': NODE.version, cache: 'npm' },
};
const install: JobStep = { name: 'Install', run: 'npm ci --no-audit --no-fund' };

/** A cluster's spec and the values and objects of its modules: what the upstream charts are rendered with. */
const CHART_INPUTS_PATTERN = '^clusters/[^/]+/(cluster\\.yaml$|platform/)';

/**
 * The chart check (`charts:check`): every enabled module's pinned chart rendered with real Helm and the cluster's
 * values. It pulls the charts, so it needs the network; a chart that cannot be pulled (exit code 3) is a warning,
 * not a failure, so that a registry outage does not block a pull request while a real problem does.
 */
const chartCheckStep: JobStep = {
  name: 'Render the platform charts with Helm',
  if: "steps.changes.outputs.charts == 'true'",
  run: [
    'set +e',
    'node generator/projen/run-cli.cjs charts-check',
    'code=$?',
    'if [ "$code" = "3" ]; then',
    '  echo "::warning::some charts could not be pulled: their check was skipped (see the log)"',
    '  exit 0',
    'fi',
    'exit "$code"',
  ].join('\n'),
};

/**
 * Whether the generator's tests must run: `tests=true` unless every file the pull request changes is one of
 * FLEET_INPUT_PATHS. The check-out of a pull request is the merge commit GitHub makes of it into the base
 * branch, so with two commits of history the merge's first parent is the base and `git diff HEAD^1 HEAD` is
 * exactly what merging would change. No text of the pull request is interpolated into the script: file names
 * flow as data (NUL-separated into grep) and are shown only as git prints them (control characters quoted), indented.
 */
const detectChangesStep: JobStep = {
  id: 'changes',
  name: 'Detect what the pull request changes',
  env: { FLEET_INPUTS: pathsPattern(FLEET_INPUT_PATHS), CHART_INPUTS: CHART_INPUTS_PATTERN },
  run: [
    'set -euo pipefail',
    'if ! git rev-parse --verify --quiet "HEAD^2" >/dev/null; then',
    '  echo "Not the merge commit of a pull request: the generator\'s tests and the chart check run."',
    '  echo "tests=true" >> "$GITHUB_OUTPUT"',
    '  echo "charts=true" >> "$GITHUB_OUTPUT"',
    '  exit 0',
    'fi',
    // what the charts render from: a cluster's spec or module values, or anything the tests cover
    'charted=$(git diff --name-only --no-renames -z "HEAD^1" HEAD | { grep -zcE "$CHART_INPUTS" || true; })',
    'others=$(git diff --name-only --no-renames -z "HEAD^1" HEAD | { grep -zcvE "$FLEET_INPUTS" || true; })',
    'if [ "$others" != "0" ]; then',
    '  echo "$others changed file(s) outside the fleet\'s inputs and docs: the generator\'s tests run. Among them:"',
    '  git -c core.quotePath=false diff --name-only --no-renames "HEAD^1" ' +
      'HEAD | grep -vE "$FLEET_INPUTS" | head -n 20 | sed \'s/^/  /\' || true',
    '  echo "tests=true" >> "$GITHUB_OUTPUT"',
    '  echo "charts=true" >> "$GITHUB_OUTPUT"',
    'else',
    '  if [ "$charted" != "0" ]; then echo "charts=true" >> ' +
      '"$GITHUB_OUTPUT"; else echo "charts=false" >> "$GITHUB_OUTPUT"; fi',
    '  echo "Only the fleet\'s inputs and docs changed: the generator\'s tests are skipped."',
    '  echo "tests=false" >> "$GITHUB_OUTPUT"',
    '  {',
    '    echo "### Generator tests skipped"',
    '    echo',
    `    echo "This pull request changes nothing ` +
      `outside ${FLEET_INPUT_PATHS.map((p) => `\\\`${p}\\\``).join(', ')}: the generator and its tests are unchanged,"`,
    '    echo "so \\`npm test\\` is skipped. The regenerate and the checks (validate, expand, infra:check) still run."',
    '  } >> "$GITHUB_STEP_SUMMARY"',
    'fi',
  ].join('\n'),
};

function pullRequestCheck(github: GitHub) {
  const wf = workflow(github, 'pull-request', 'pull-request.yml');
  wf.on({ pullRequest: { branches: ['main'] }, workflowDispatch: {} });
  wf.addJob('check', {
    name: 'Regenerate, test, validate',
    runsOn: RUNNER,
    permissions: { contents: JobPermission.READ },
    timeoutMinutes: 30,
    steps: [
      checkout(2),
      detectChangesStep,
      setupNode,
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
          "    echo '```'",
          '    echo "$changed"',
          "    echo '```'",
          '  } >> "$GITHUB_STEP_SUMMARY"',
          '  exit 1',
          'fi',
          'echo "regenerate: no changes"',
        ].join('\n'),
      },
      { name: 'Test the generator', if: "steps.changes.outputs.tests == 'true'", run: 'npm test' },
      { name: 'Validate the rendered manifests', run: 'npx projen validate' },
      { name: 'Expand the Argo CD ApplicationSets', run: 'npx projen expand' },
      { name: 'Check the Terragrunt units', run: 'npx projen infra:check' },
      chartCheckStep,
    ],
  });
}

/**
 * Detects the changed units; its `matrix` output is one entry per cluster with its role and units. The apply
 * diffs from the last successful apply (reading the workflow's runs), so a cancelled or failed apply loses nothing.
 */
function detectJob(role: 'plan' | 'apply', base: string, head: string): Job {
  const sinceLastSuccess = role === 'apply' ? ' --since-last-success infra-apply.yml' : '';
  return changesJob(
    'Detect changed Terragrunt units',
    role === 'apply' ? { contents: JobPermission.READ, actions: JobPermission.READ } : { contents: JobPermission.READ },
    ['matrix', 'count', 'removed'],
    {
      env: { BASE_SHA: base, HEAD_SHA: head, ...(role === 'apply' ? { GITHUB_TOKEN: '${{ github.token }}' } : {}) },
      run:
        `npx tsx generator/cli/infra.ts detect --role ${role} ` +
        `--base "$BASE_SHA" --head "$HEAD_SHA"${sinceLastSuccess}`,
    },
  );
}

/**
 * A job that checks out the history, installs the project and runs one `detect` step, whose `outputs` (a matrix, a
 * count, ...) the later jobs read: the infrastructure and the images workflows both start with one.
 */
function changesJob(
  name: string,
  permissions: Job['permissions'],
  outputs: readonly string[],
  detect: Pick<JobStep, 'env' | 'run'>,
): Job {
  return {
    name,
    runsOn: RUNNER,
    permissions,
    timeoutMinutes: 10,
    outputs: Object.fromEntries(outputs.map((output) => [output, { stepId: 'detect', outputName: output }])),
    steps: [checkout(0), setupNode, install, { id: 'detect', name: 'Detect', ...detect }],
  };
}

/** Where the infrastructure jobs install Terraform and Terragrunt (put first on PATH). */
const TOOLS_BIN = '$RUNNER_TEMP/infra-tools/bin';

/**
 * Terraform and Terragrunt at the versions of generator/model/tool-versions.ts, downloaded from their releases and
 * refused unless the download's SHA-256 is the one pinned there; then each must report that version.
 * Terragrunt is told to run exactly this Terraform (TG_TF_PATH), not another found on the runner.
 */
export const installToolSteps: JobStep[] = [
  {
    id: 'install_terraform',
    name: `Install Terraform ${TERRAFORM.version}`,
    env: {
      TERRAFORM_VERSION: TERRAFORM.version,
      TERRAFORM_URL: TERRAFORM.url,
      TERRAFORM_SHA256: TERRAFORM.sha256,
      CHECKPOINT_DISABLE: '1',
    },
    run: [
      'set -euo pipefail',
      `bin="${TOOLS_BIN}"`,
      'work=$(mktemp -d)',
      'mkdir -p "$bin"',
      'curl --fail --silent --show-error --location --retry 3 --output "$work/terraform.zip" "$TERRAFORM_URL"',
      'echo "$TERRAFORM_SHA256  $work/terraform.zip" | sha256sum --check --strict -',
      'unzip -q -o "$work/terraform.zip" terraform -d "$work"',
      'install -m 0755 "$work/terraform" "$bin/terraform"',
      'rm -rf "$work"',
      'reported=$("$bin/terraform" version)',
      'case "$reported" in',
      '  "Terraform v$TERRAFORM_VERSION" | "Terraform v$TERRAFORM_VERSION"[!0-9.]*) echo "$reported" ;;',
      '  *) echo "::error::expected Terraform v$TERRAFORM_VERSION, the binary says: $reported"; exit 1 ;;',
      'esac',
      'echo "$bin" >> "$GITHUB_PATH"',
      'echo "TG_TF_PATH=$bin/terraform" >> "$GITHUB_ENV"',
    ].join('\n'),
  },
  {
    id: 'install_terragrunt',
    name: `Install Terragrunt ${TERRAGRUNT.version}`,
    env: {
      TERRAGRUNT_VERSION: TERRAGRUNT.version,
      TERRAGRUNT_URL: TERRAGRUNT.url,
      TERRAGRUNT_SHA256: TERRAGRUNT.sha256,
    },
    run: [
      'set -euo pipefail',
      `bin="${TOOLS_BIN}"`,
      'work=$(mktemp -d)',
      'mkdir -p "$bin"',
      'curl --fail --silent --show-error --location --retry 3 --output "$work/terragrunt" "$TERRAGRUNT_URL"',
      'echo "$TERRAGRUNT_SHA256  $work/terragrunt" | sha256sum --check --strict -',
      'install -m 0755 "$work/terragrunt" "$bin/terragrunt"',
      'rm -rf "$work"',
      'reported=$("$bin/terragrunt" --version)',
      'case "$reported" in',
      '  *" v$TERRAGRUNT_VERSION" | *" v$TERRAGRUNT_VERSION"[!0-9.]*) echo "$reported" ;;',
      '  *) echo "::error::expected Terragrunt v$TERRAGRUNT_VERSION, the binary says: $reported"; exit 1 ;;',
      'esac',
      'echo "$bin" >> "$GITHUB_PATH"',
    ].join('\n'),
  },
];

/** Terraform and Terragrunt at pinned versions, the unit runner's dependencies, and the cluster's role. */
function terragruntSteps(mode: 'plan' | 'apply'): JobStep[] {
  return [
    checkout(),
    ...installToolSteps,
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
      run:
        `npx tsx generator/cli/infra.ts run --mode ${mode} ` +
        `--cluster "$CLUSTER" --units "$UNITS" --out infra-results`,
    },
    {
      name: 'Keep the results',
      if: 'always()',
      uses: uses(ACTIONS.uploadArtifact),
      with: {
        name: `${mode}-\${{ matrix.cluster.name }}`,
        path: 'infra-results/',
        'retention-days': 14,
        'if-no-files-found': 'ignore',
      },
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
          '  echo "This pull request comes from a fork. GitHub gives ' +
            'workflows of fork pull requests no OIDC token and a read-only"',
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
    detect: {
      ...detectJob('plan', '${{ github.event.pull_request.base.sha }}', '${{ github.event.pull_request.head.sha }}'),
      if: NOT_FROM_FORK,
    },
    plan: {
      name: 'Plan ${{ matrix.cluster.name }}',
      needs: ['detect'],
      if: `${NOT_FROM_FORK} && needs.detect.outputs.count != '0'`,
      runsOn: RUNNER,
      permissions: { idToken: JobPermission.WRITE, contents: JobPermission.READ },
      timeoutMinutes: 60,
      strategy: { failFast: false, matrix: { domain: { cluster: '${{ fromJSON(needs.detect.outputs.matrix) }}' } } },
      concurrency: {
        group: 'infra-plan-${{ github.event.pull_request.number }}-${{ matrix.cluster.name }}',
        'cancel-in-progress': true,
      },
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

function runPreview(github: GitHub) {
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

/** What the images workflow builds from: the image folders, not the digests it records there itself. */
export const IMAGE_PATHS = ['images/**', '!images/*/digest.json'];

/** A job of the images workflow that runs after a merge to the default branch only (or by hand there). */
const ON_MAIN = "github.event_name != 'pull_request' && github.ref == 'refs/heads/main'";

/** Docker Buildx, with QEMU first when a platform is not the runner's x86-64. */
const buildxSteps: JobStep[] = [
  {
    name: 'Set up QEMU for the other platforms',
    if: 'matrix.image.emulated',
    uses: uses(ACTIONS.setupQemu),
    with: { platforms: 'arm64' },
  },
  { name: 'Set up Docker Buildx', uses: uses(ACTIONS.setupBuildx) },
];

/** `docker buildx build` of the matrix image; the build arguments, one `NAME=value` a line, pass as data. */
function buildxRun(output: string): string {
  return [
    'set -euo pipefail',
    'args=()',
    'while IFS= read -r arg; do',
    '  if [ -n "$arg" ]; then args+=(--build-arg "$arg"); fi',
    'done <<< "$BUILD_ARGS"',
    `docker buildx build --platform "$PLATFORMS" "\${args[@]}" --provenance=false ${output} "$CONTEXT"`,
  ].join('\n');
}

const imageEnv = {
  PLATFORMS: '${{ matrix.image.platforms }}',
  BUILD_ARGS: '${{ matrix.image.buildArgs }}',
  CONTEXT: '${{ matrix.image.context }}',
};

/**
 * The images of `images/`: built on pull requests (no push, no cloud role), and after a merge to main pushed to
 * ECR with the push role (which trusts only pushes to main), tagged with the git tree hash of the folder; the
 * digests are then recorded by a pull request that a job without a cloud role opens.
 */
function images(github: GitHub) {
  const wf = workflow(github, 'images', 'images.yml', false);
  wf.on({
    pullRequest: { branches: ['main'], paths: IMAGE_PATHS },
    push: { branches: ['main'], paths: IMAGE_PATHS },
    workflowDispatch: {},
  });
  wf.addJobs({
    detect: changesJob(
      'Detect changed images',
      { contents: JobPermission.READ },
      ['matrix', 'count', 'role', 'region'],
      {
        // by hand (workflow_dispatch): every image; one whose tag exists is skipped by the push job
        env: {
          BASE_SHA:
            "${{ github.event_name == 'pull_request' && github.event.pull_request.base.sha || " +
            "github.event_name == 'push' && github.event.before || '' }}",
          HEAD_SHA: '${{ github.sha }}',
        },
        run: [
          'set -euo pipefail',
          'base=()',
          'if [ -n "$BASE_SHA" ]; then base=(--base "$BASE_SHA"); fi',
          'npx tsx generator/cli/images.ts detect --head "$HEAD_SHA" "${base[@]}"',
        ].join('\n'),
      },
    ),
    build: {
      name: 'Build ${{ matrix.image.name }}',
      needs: ['detect'],
      if: "github.event_name == 'pull_request' && needs.detect.outputs.count != '0'",
      runsOn: RUNNER,
      permissions: { contents: JobPermission.READ },
      timeoutMinutes: 90,
      concurrency: {
        group: 'images-build-${{ github.event.pull_request.number }}-${{ matrix.image.name }}',
        'cancel-in-progress': true,
      },
      strategy: { failFast: false, matrix: { domain: { image: '${{ fromJSON(needs.detect.outputs.matrix) }}' } } },
      steps: [
        checkout(),
        ...buildxSteps,
        { name: 'Build for every platform (no push)', env: imageEnv, run: buildxRun('--output type=cacheonly') },
      ],
    },
    push: {
      name: 'Push ${{ matrix.image.name }}',
      needs: ['detect'],
      if: `${ON_MAIN} && needs.detect.outputs.count != '0'`,
      runsOn: RUNNER,
      permissions: { idToken: JobPermission.WRITE, contents: JobPermission.READ },
      timeoutMinutes: 120,
      // one push per image at a time, never cancelled: a tag is written once
      concurrency: { group: 'images-push-${{ matrix.image.name }}', 'cancel-in-progress': false },
      strategy: { failFast: false, matrix: { domain: { image: '${{ fromJSON(needs.detect.outputs.matrix) }}' } } },
      steps: [
        checkout(),
        {
          name: 'Assume the image push role over OIDC',
          uses: uses(ACTIONS.configureAwsCredentials),
          with: {
            'role-to-assume': '${{ needs.detect.outputs.role }}',
            'aws-region': '${{ needs.detect.outputs.region }}',
            'role-session-name': 'github-images-${{ github.run_id }}',
          },
        },
        {
          id: 'existing',
          name: 'Look for the tag (immutable: the same content is pushed once)',
          env: { REPOSITORY: '${{ matrix.image.repository }}', TAG: '${{ matrix.image.tag }}' },
          run: [
            'set -euo pipefail',
            'if aws ecr describe-images --repository-name "$REPOSITORY" --image-ids imageTag="$TAG" \\',
            '  >/dev/null 2>&1; then',
            '  echo "$REPOSITORY:$TAG exists: not built again"',
            '  echo "exists=true" >> "$GITHUB_OUTPUT"',
            'else',
            '  echo "exists=false" >> "$GITHUB_OUTPUT"',
            'fi',
          ].join('\n'),
        },
        ...buildxSteps.map((step) => ({
          ...step,
          if: step.if
            ? `steps.existing.outputs.exists == 'false' && ${step.if}`
            : "steps.existing.outputs.exists == 'false'",
        })),
        {
          name: 'Log in to ECR',
          if: "steps.existing.outputs.exists == 'false'",
          env: { IMAGE: '${{ matrix.image.image }}' },
          run: [
            'set -euo pipefail',
            'aws ecr get-login-password | docker login --username AWS --password-stdin "${IMAGE%%/*}"',
          ].join('\n'),
        },
        {
          name: 'Build and push for every platform',
          if: "steps.existing.outputs.exists == 'false'",
          env: { ...imageEnv, IMAGE: '${{ matrix.image.image }}', TAG: '${{ matrix.image.tag }}' },
          run: buildxRun('--push --tag "$IMAGE:$TAG"'),
        },
        {
          name: 'Read the pushed digest',
          env: {
            NAME: '${{ matrix.image.name }}',
            REPOSITORY: '${{ matrix.image.repository }}',
            IMAGE: '${{ matrix.image.image }}',
            TAG: '${{ matrix.image.tag }}',
          },
          run: [
            'set -euo pipefail',
            'digest=$(aws ecr describe-images --repository-name "$REPOSITORY" --image-ids imageTag="$TAG" \\',
            "  --query 'imageDetails[0].imageDigest' --output text)",
            'echo "$IMAGE:$TAG is $digest"',
            'mkdir -p image-digests',
            'jq -n --arg image "$IMAGE" --arg tag "$TAG" --arg digest "$digest" \\',
            '  \'{image: $image, tag: $tag, digest: $digest}\' > "image-digests/$NAME.json"',
          ].join('\n'),
        },
        {
          name: 'Keep the digest',
          uses: uses(ACTIONS.uploadArtifact),
          with: { name: 'digest-${{ matrix.image.name }}', path: 'image-digests/', 'retention-days': 14 },
        },
      ],
    },
    record: {
      name: 'Open the pull request that records the digests',
      needs: ['detect', 'push'],
      // what did push is recorded, even when another image failed
      if: `always() && ${ON_MAIN} && needs.detect.outputs.count != '0' && needs.push.result != 'skipped'`,
      runsOn: RUNNER,
      // no cloud role here: this job writes a branch and opens a pull request with the GITHUB_TOKEN only
      permissions: { contents: JobPermission.WRITE, pullRequests: JobPermission.WRITE },
      timeoutMinutes: 15,
      steps: [
        checkout(),
        setupNode,
        install,
        {
          name: 'Fetch the digests',
          uses: uses(ACTIONS.downloadArtifact),
          with: { pattern: 'digest-*', path: 'image-digests', 'merge-multiple': true },
        },
        {
          name: 'Write and open the pull request',
          env: {
            GH_TOKEN: '${{ github.token }}',
            RUN_ID: '${{ github.run_id }}',
            HEAD_SHA: '${{ github.sha }}',
          },
          run: [
            'set -euo pipefail',
            'mkdir -p image-digests',
            'recorded=$(npx tsx generator/cli/images.ts record --results image-digests)',
            'if [ -z "$recorded" ]; then echo "every digest is recorded already"; exit 0; fi',
            "names=$(echo \"$recorded\" | tr '\\n' ' ')",
            'branch="images/digests-$RUN_ID"',
            'git config user.name "github-actions[bot]"',
            'git config user.email "41898282+github-actions[bot]@users.noreply.github.com"',
            'git switch -c "$branch"',
            'git add images/*/digest.json',
            'git commit -q -m "Record the pushed image digests" -m "Built from $HEAD_SHA: $names"',
            'gh auth setup-git',
            'git push origin "$branch"',
            'gh pr create --base main --head "$branch" --title "Record the pushed image digests" \\',
            '  --body "The images workflow pushed $names from $HEAD_SHA. Merging this records ' +
              'their digests: the fleet then runs them (npx projen renders image: images/<name> with them)."',
          ].join('\n'),
        },
      ],
    },
  });
}
