import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERATED_IMPORTS, sourceFiles } from './support/source-files';
import { API_FIELD_NAMES } from '../generator/model/typed';

const REPO = join(__dirname, '..');
const IMPORTS = GENERATED_IMPORTS;

const sources = (dir: string) => sourceFiles(dir, /\.ts$/);

const read = (file: string) => readFileSync(join(REPO, file), 'utf-8');

/**
 * A misspelling put into a real builder: `builder` names the function that builds the object (found in whichever
 * file of the generator declares it), `right` is text that file holds once, `wrong` the same with a field misspelt.
 */
interface Misspelling {
  readonly kind: string;
  readonly builder: string;
  readonly right: string;
  readonly wrong: string;
}

const MISSPELLINGS: readonly Misspelling[] = (
  [
    // [kind, builder, right, wrong]
    // five deep: spec.runtimePatches[].trainingRuntimeSpec.template.spec
    ['TrainJob', 'renderTrainJob', 'replicatedJobs: [', 'replicatedJob: ['],
    // inside compact(): spec.trainer
    ['TrainJob', 'renderTrainJob', 'numProcPerNode:', 'numProcsPerNode:'],
    // spec.rayClusterSpec.workerGroupSpecs[]
    ['RayJob', 'renderRayJob', 'rayStartParams: {},', 'rayStartParam: {},'],
    // spec.template.spec
    ['NodePool', 'nodePool', 'nodeClassRef:', 'nodeClassRefs:'],
    // spec.source.directory
    ['Application', 'rootApplication', 'directory: { recurse: false }', 'directory: { recurze: false }'],
    [
      'ApplicationSet',
      'platformApplicationSet',
      'preserveResourcesOnDeletion: true',
      'preserveResourceOnDeletion: true',
    ],
    ['AppProject', 'teamAppProject', 'clusterResourceWhitelist: [],', 'clusterResourceWhiteList: [],'],
    ['EC2NodeClass', 'nodeClass', 'httpPutResponseHopLimit: 2', 'httpPutResponseHopLimits: 2'],
    ['RayService', 'renderRayService', 'numOfHosts:', 'numHosts:'],
    ['PyTorchJob', 'renderPyTorchJob', 'rdzvBackend:', 'rdzvBackends:'],
    ['MPIJob', 'renderMpiJob', 'slotsPerWorker:', 'slotPerWorker:'],
    ['LeaderWorkerSet', 'renderServer', 'leaderWorkerTemplate: {', 'leaderWorkerTemplates: {'],
    ['Deployment', 'renderServer', 'selector: { matchLabels: appLabel }', 'selector: { matchLabel: appLabel }'],
    ['InferenceService', 'renderKServe', 'storageUri:', 'storageURI:'],
    ['ClusterTrainingRuntime', 'torchDistributedRuntime', 'mlPolicy: { numNodes: 1', 'mlPolicy: { numNode: 1'],
    ['ClusterQueue', 'kueueObjects', 'cohortName:', 'cohort:'],
    ['Job', 'renderDataProcess', 'backoffLimit: body.backoff_limit,', 'backOffLimit: body.backoff_limit,'],
    ['ResourceQuota', 'teamNamespaceObjects', 'spec: { hard }', 'spec: { hardd: hard }'],
    ['PersistentVolumeClaim', 'sharedStorageObjects', 'volumeName: volume,', 'volumeNames: volume,'],
    ['ConfigMap', 'scriptConfigMap', 'data: { [key]: script }', 'datas: { [key]: script }'],
    ['Service', 'renderServer', "type: 'ClusterIP',", "typ: 'ClusterIP',"],
    ['HorizontalPodAutoscaler', 'renderServer', 'scaleTargetRef:', 'scaleTarget:'],
    ['Namespace', 'teamNamespaceObjects', 'name: team.namespace,', 'nam: team.namespace,'],
    ['LimitRange', 'teamNamespaceObjects', 'defaultRequest: {', 'defaultRequests: {'],
    ['ServiceAccount', 'sharedStorageObjects', 'Account.manifest({ metadata:', 'Account.manifest({ metdata:'],
    ['PersistentVolume', 'sharedStorageObjects', 'persistentVolumeReclaimPolicy:', 'persistentVolumeReclaimPolicies:'],
    ['ClusterRole', 'sharedStorageObjects', "rules: [{ apiGroups: ['']", "rules: [{ apiGroup: ['']"],
    ['StorageClass', 'ebsStorageClass', 'allowVolumeExpansion: true', 'allowVolumeExpansions: true'],
    ['LocalQueue', 'kueueObjects', 'spec: { clusterQueue: team.name }', 'spec: { clusterQueu: team.name }'],
    ['ResourceFlavor', 'kueueObjects', 'nodeLabels:', 'nodeLabel:'],
    ['WorkloadPriorityClass', 'kueueObjects', 'value, description:', 'value, descriptions:'],
  ] as const
).map(([kind, builder, right, wrong]) => ({ kind, builder, right, wrong }));

const words = (text: string): string[] => text.match(/[A-Za-z_]\w*/g) ?? [];

/** The misspelt field: the first name in `wrong` that `right` does not have. */
const misspelt = (m: Misspelling) => words(m.wrong).find((w) => !words(m.right).includes(w))!;

/** The one file of generator/ or platform/ that declares the function. */
function builderFile(name: string): string {
  const files = [...sources('generator'), ...sources('platform')].filter((f) =>
    new RegExp(`\\bfunction ${name}\\(`).test(read(f)),
  );
  expect(files, `one file of generator/ or platform/ declares ${name}`).toHaveLength(1);
  return files[0];
}

/** A source's text with its relative imports made absolute: a copy elsewhere compiles against the repository. */
function relocated(file: string): string {
  const absolute = (_: string, lead: string, rel: string) => `${lead}'${resolve(REPO, dirname(file), rel)}'`;
  return read(file).replace(/(\bfrom\s+)'(\.\.?\/[^']*)'/g, absolute);
}

/** A NodePool with the given consolidation policy (an enum of the generated class). */
const nodePool = (policy: string) => `{
  apiVersion: 'karpenter.sh/v1', kind: 'NodePool', metadata: { name: 'p' },
  spec: {
    disruption: { consolidationPolicy: '${policy}', consolidateAfter: '5m' },
    template: {
      spec: { nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'p' }, requirements: [] },
    },
  },
}`;

const HELPER_IMPORTS = {
  RayJobProps: 'kuberay-rayjob-ray.io',
  TrainJobProps: 'trainer-trainjob-trainer.kubeflow.org',
  NodePoolProps: 'karpenter-nodepool-karpenter.sh',
};

/** Small files typed with the helper: the API's names where the generated ones differ, quantities as values. */
const HELPER_CASES: Record<string, { props: keyof typeof HELPER_IMPORTS; text: string; error?: string }> = {
  'rayjob-api-name': {
    props: 'RayJobProps',
    text: `{ apiVersion: 'ray.io/v1', kind: 'RayJob', metadata: { name: 'j' }, spec: { runtimeEnvYAML: 'pip: []' } }`,
  },
  'rayjob-generated-name': {
    props: 'RayJobProps',
    text: `{ apiVersion: 'ray.io/v1', kind: 'RayJob', metadata: { name: 'j' }, spec: { runtimeEnvYaml: 'pip: []' } }`,
    error: 'runtimeEnvYaml',
  },
  'trainjob-quantities': {
    props: 'TrainJobProps',
    text: `{
  apiVersion: 'trainer.kubeflow.org/v1alpha1', kind: 'TrainJob', metadata: { name: 'j', labels: { a: 'b' } },
  spec: {
    runtimeRef: { name: 'torch-distributed' },
    trainer: { numNodes: 2, resourcesPerNode: { limits: { cpu: '8', 'nvidia.com/gpu': 8 } } },
  },
}`,
  },
  'trainjob-metadata': {
    props: 'TrainJobProps',
    text: `{ apiVersion: 'trainer.kubeflow.org/v1alpha1', kind: 'TrainJob', metadata: { name: 'j', label: {} } }`,
    error: 'label',
  },
  'nodepool-enum-value': {
    props: 'NodePoolProps',
    text: nodePool('WhenEmpty'),
  },
  'nodepool-enum-misspelt': {
    props: 'NodePoolProps',
    text: nodePool('WhenEmpti'),
    error: 'WhenEmpti',
  },
};

function helperFile(c: (typeof HELPER_CASES)[string]): string {
  return [
    `import type { ${c.props} } from '${REPO}/${IMPORTS}/${HELPER_IMPORTS[c.props]}';`,
    `import type { PlainObjectOf } from '${REPO}/generator/model/typed';`,
    `const object: PlainObjectOf<${c.props}> = ${c.text};`,
    'export default object;',
    '',
  ].join('\n');
}

interface Compiled {
  readonly errors: { line: number; message: string }[];
}

describe('typed objects: a misspelt field fails to compile', () => {
  let dir: string;
  const results = new Map<string, Compiled>();
  const wrongLine = new Map<string, number>();

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'typed-objects-'));
    const files = new Map<string, string>();
    MISSPELLINGS.forEach((m, i) => {
      const source = builderFile(m.builder);
      const text = relocated(source);
      expect(text.split(m.right).length - 1, `${source} holds ${JSON.stringify(m.right)} once`).toBe(1);
      files.set(`right-${i}.ts`, text);
      files.set(`wrong-${i}.ts`, text.replace(m.right, m.wrong));
      wrongLine.set(`wrong-${i}.ts`, text.slice(0, text.indexOf(m.right)).split('\n').length);
    });
    for (const [name, c] of Object.entries(HELPER_CASES)) files.set(`helper-${name}.ts`, helperFile(c));
    for (const [name, text] of files) writeFileSync(join(dir, name), text);

    const host = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} };
    const config = ts.getParsedCommandLineOfConfigFile(join(REPO, 'tsconfig.json'), {}, host);
    if (!config) throw new Error('tsconfig.json does not parse');
    const options: ts.CompilerOptions = { ...config.options, noEmit: true, rootDir: undefined };
    const program = ts.createProgram({ rootNames: [...files.keys()].map((f) => join(dir, f)), options });
    for (const name of files.keys()) {
      const sourceFile = program.getSourceFile(join(dir, name))!;
      const diagnostics = [
        ...program.getSyntacticDiagnostics(sourceFile),
        ...program.getSemanticDiagnostics(sourceFile),
      ];
      results.set(name, {
        errors: diagnostics.map((d) => ({
          line: sourceFile.getLineAndCharacterOfPosition(d.start ?? 0).line + 1,
          message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
        })),
      });
    }
  }, 300_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const cases = MISSPELLINGS.map((m, i) => ({ ...m, i, field: misspelt(m) }));
  describe.each(cases)('$kind: $builder with `$wrong`', ({ i, field, kind }) => {
    it('fails to compile, naming the field at its line', () => {
      const { errors } = results.get(`wrong-${i}.ts`)!;
      expect(errors.length, `${kind}: no error for the misspelt ${field}`).toBeGreaterThan(0);
      const named = errors.filter((e) => e.message.includes(`'${field}'`));
      expect(named, errors.map((e) => `${e.line}: ${e.message}`).join('\n')).not.toHaveLength(0);
      // at the field's line (a field of a conditional value: at the property holding it, a line or two above)
      const line = wrongLine.get(`wrong-${i}.ts`)!;
      const lines = named.map((e) => e.line);
      expect(
        lines.some((l) => l <= line && l >= line - 3),
        `errors at ${lines.join(', ')}; at ${line}`,
      ).toBe(true);
    });
    it('compiles as spelled in the repository', () => {
      expect(results.get(`right-${i}.ts`)!.errors).toEqual([]);
    });
  });

  it.each(Object.entries(HELPER_CASES))('a literal typed with the helper (%s)', (name, c) => {
    const { errors } = results.get(`helper-${name}.ts`)!;
    if (c.error === undefined) expect(errors).toEqual([]);
    // a field is named in single quotes, a value in double quotes
    else expect(errors.map((e) => e.message).join('\n')).toMatch(new RegExp(`['"]${c.error}['"]`));
  });
});

describe('the generated imports', () => {
  const generated = readdirSync(join(REPO, IMPORTS))
    .filter((f) => f.endsWith('.ts'))
    .sort();

  it('are each imported by the generator (the others are not kept)', () => {
    const imported = new Set<string>();
    for (const file of [...sources('generator'), ...sources('platform'), '.projenrc.ts']) {
      for (const [, spec] of read(file).matchAll(/\bfrom\s+'(\.\.?\/[^']*)'/g)) {
        const target = posix.normalize(posix.join(posix.dirname(file), spec));
        if (posix.dirname(target) === IMPORTS) imported.add(`${posix.basename(target)}.ts`);
      }
    }
    expect(generated.filter((f) => !imported.has(f))).toEqual([]);
  });

  it('are the ones `npx projen import:k8s` and `import:crds` regenerate (.projenrc.ts CRD_IMPORTS)', () => {
    const block = /const CRD_IMPORTS[^{]*\{([^}]*)\}/.exec(read('.projenrc.ts'));
    expect(block).not.toBeNull();
    const prefixes = [...block![1].matchAll(/'([a-z0-9-]+)': '[^']+\.json'/g)].map((m) => m[1]);
    const crdFiles = generated.filter((f) => f !== 'k8s.ts');
    // cdk8s import writes <prefix>-<group>.ts
    for (const prefix of prefixes) {
      expect(
        crdFiles.filter((f) => f.startsWith(`${prefix}-`)),
        prefix,
      ).toHaveLength(1);
    }
    expect(crdFiles.filter((f) => !prefixes.some((p) => f.startsWith(`${p}-`)))).toEqual([]);
  });

  it('rename exactly the fields API_FIELD_NAMES lists (model/typed.ts), each everywhere the same', () => {
    const renames = new Map<string, Set<string>>();
    const kept = new Set<string>();
    for (const file of generated) {
      for (const [, api, name] of read(`${IMPORTS}/${file}`).matchAll(/^\s+'([^']+)': (?:toJson_\w+\()?obj\.(\w+)/gm)) {
        // the JSON-schema keywords of a CustomResourceDefinition's schema: no object here is a CRD
        if (api.startsWith('$') || api.startsWith('x-kubernetes-')) continue;
        if (api === name) kept.add(name);
        else renames.set(name, (renames.get(name) ?? new Set()).add(api));
      }
    }
    const byName = ([a]: [string, unknown], [b]: [string, unknown]) => a.localeCompare(b);
    const entries = [...renames].map(([name, apis]): [string, string] => [name, [...apis].join(' | ')]);
    const found = Object.fromEntries(entries.sort(byName));
    const listed = Object.fromEntries(Object.entries(API_FIELD_NAMES).sort(byName));
    expect(found).toEqual(listed);
    expect(Object.keys(API_FIELD_NAMES).filter((name) => kept.has(name))).toEqual([]);
  });
});
