import { javascript, typescript } from 'projen';
import { TypeScriptRunner } from 'projen/lib/typescript';
import { FleetGenerator } from './generator/projen/fleet-component';
import { PLATFORM_MODULES } from './platform';

const project = new typescript.TypeScriptProject({
  name: 'eks-mlops-fleet',
  description: 'GitOps generator for machine learning on Amazon EKS: cluster.yaml in, Argo CD and Terragrunt out.',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  license: 'Apache-2.0',
  // tsx runs .projenrc.ts without a type check (about 1 s against 4 to 5 s for ts-node);
  // the type check runs in `compile` and in the tests.
  projenrcTs: true,
  projenrcTsOptions: { runner: TypeScriptRunner.tsx(), projenCodeDir: 'generator/projen' },
  srcdir: 'generator',
  testdir: 'test',
  sampleCode: false,
  jest: false,
  eslint: false,
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
  deps: ['cdk8s', 'cdk8s-plus-28', 'constructs', '@octokit/rest', 'yaml', 'handlebars', 'zod'],
  devDeps: ['vitest@^4', 'tsx', 'cdk8s-cli', 'ajv'],
  tsconfig: {
    include: ['generator/**/*.ts', 'platform/**/*.ts', 'test/**/*.ts', '.projenrc.ts'],
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

// every task would otherwise spawn `npx` to compute PATH (0.6 s each)
project.tasks.addEnvironment('PATH', '$(echo "$PWD/node_modules/.bin:$PATH")');

// the generator is type-checked, not emitted: tsx and vitest run the sources
project.compileTask.reset('tsc --noEmit -p tsconfig.json');
project.testTask.reset('vitest run');
project.addTask('test:watch', { exec: 'vitest' });

project.addTask('import:k8s', {
  description: 'Regenerate generator/imports/k8s.ts from the vendored Kubernetes schema (offline)',
  env: { K8S_SCHEMA_DIR: '../shared/schemas/kubernetes' },
  exec: 'node -r ../shared/tools/k8s-local-schema.js node_modules/cdk8s-cli/bin/cdk8s import k8s@1.35.0 -l typescript -o generator/imports --no-check-upgrade',
});

project.addTask('validate', {
  description: 'Check every generated Kubernetes object against the Kubernetes API schema or its vendored CRD (offline)',
  exec: 'tsx generator/cli/validate.ts',
});

new FleetGenerator(project, { catalog: PLATFORM_MODULES });

project.synth();
