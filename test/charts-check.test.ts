import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { checkCharts, type ChartsReport } from '../generator/charts/check-charts';
import { HELM_CACHE, HELM_PACKAGE, locateHelm, pinnedHelm, type Helm } from '../generator/charts/helm-binary';
import { parseRendered } from '../generator/charts/helm-template';
import { readZipEntry } from '../generator/charts/zip-entry';
import { SchemaRegistry } from '../generator/checks/schema-registry';
import { formatProblem } from '../generator/config/problems';
import type { PlatformModule } from '../generator/model/platform-module';

const REPO = resolve(__dirname, '..');
const temps: string[] = [];
const temp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const write = (path: string, text: string) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
};

/**
 * A small stand-in for the kubeflow-trainer chart: a ConfigMap always, and the `torch-distributed`
 * ClusterTrainingRuntime only when `runtimes.torchDistributed.enabled`, as upstream gates its runtimes.
 * `broken: true` adds a field the ClusterTrainingRuntime API does not have.
 */
const TRAINER_CHART = {
  'Chart.yaml': 'apiVersion: v2\nname: trainer\nversion: 1.2.3\n',
  'values.yaml': 'runtimes:\n  torchDistributed:\n    enabled: false\nbroken: false\n',
  // the CRD, open: objects of its kind are validated against the vendored schema, as validate does
  'crds/clustertrainingruntimes.yaml': stringify({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'clustertrainingruntimes.trainer.kubeflow.org' },
    spec: {
      group: 'trainer.kubeflow.org',
      names: {
        kind: 'ClusterTrainingRuntime',
        plural: 'clustertrainingruntimes',
        singular: 'clustertrainingruntime',
        listKind: 'ClusterTrainingRuntimeList',
      },
      scope: 'Cluster',
      versions: [
        {
          name: 'v1alpha1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        },
      ],
    },
  }),
  'templates/configmap.yaml': [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: {{ .Release.Name }}-config',
    'data:',
    '  namespace: {{ .Release.Namespace }}',
    '',
  ].join('\n'),
  'templates/runtime.yaml': [
    '{{- if .Values.runtimes.torchDistributed.enabled }}',
    'apiVersion: trainer.kubeflow.org/v1alpha1',
    'kind: ClusterTrainingRuntime',
    'metadata:',
    '  name: torch-distributed',
    'spec:',
    '  mlPolicy:',
    '    numNodes: 1',
    '    torch: {}',
    '  {{- if .Values.broken }}',
    '  bogusField: true',
    '  {{- end }}',
    '  template:',
    '    spec:',
    '      replicatedJobs:',
    '        - name: node',
    '          template:',
    '            spec:',
    '              template:',
    '                spec:',
    '                  containers:',
    '                    - name: node',
    '                      image: pytorch/pytorch:2.13.0-cuda13.0-cudnn9-runtime',
    '{{- end }}',
    '',
  ].join('\n'),
};

/**
 * A CRD chart, left unpacked: it serves Widget (example.com/v1), renders one, and (with `stray`) a kind nothing serves.
 */
const WIDGETS_CHART = {
  'Chart.yaml': 'apiVersion: v2\nname: widgets\nversion: 0.4.0\n',
  'values.yaml': 'size: 3\nextra: false\nstray: false\n',
  'crds/widgets.yaml': stringify({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: { type: 'object', properties: { size: { type: 'integer' } } },
              },
            },
          },
        },
      ],
    },
  }),
  'templates/widget.yaml': [
    'apiVersion: example.com/v1',
    'kind: Widget',
    'metadata:',
    '  name: default',
    'spec:',
    '  size: {{ .Values.size }}',
    '  {{- if .Values.extra }}',
    '  colour: blue',
    '  {{- end }}',
    '{{- if .Values.stray }}',
    '---',
    'apiVersion: gadgets.example.org/v1',
    'kind: Gadget',
    'metadata:',
    '  name: stray',
    '{{- end }}',
    '',
  ].join('\n'),
  // as argo-cd's repo-server Role: `rules:` with nothing under it (null) unless values give rules
  'templates/role.yaml': [
    'apiVersion: rbac.authorization.k8s.io/v1',
    'kind: Role',
    'metadata:',
    '  name: widgets',
    'rules:',
    '{{- if .Values.rules }}',
    '{{ toYaml .Values.rules }}',
    '{{- end }}',
    '',
  ].join('\n'),
};

const TRAINER_RUNTIME = {
  apiVersion: 'trainer.kubeflow.org/v1alpha1',
  kind: 'ClusterTrainingRuntime',
  name: 'torch-distributed',
};

function trainerModule(overrides: Partial<PlatformModule> = {}): PlatformModule {
  return {
    name: 'trainer',
    description: 'a stand-in for kubeflow-trainer',
    enabledByDefault: false,
    namespace: 'trainer-system',
    source: { kind: 'helm', repoURL: 'http://127.0.0.1:9/charts', chart: 'trainer', version: '1.2.3' },
    crds: ['clustertrainingruntimes.trainer.kubeflow.org'],
    needs: [],
    onMissingNeed: 'error',
    wave: 2,
    values: () => ({ runtimes: { torchDistributed: { enabled: false } } }),
    // declared whatever the values, as a catalog entry that trusts its values would
    provides: ({ values }) => [
      TRAINER_RUNTIME,
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'trainer-config', namespace: 'trainer-system' },
      ...(values.alsoDeclare
        ? [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'never-rendered', namespace: 'trainer-system' }]
        : []),
    ],
    docs: 'test',
    ...overrides,
  };
}

function widgetsModule(overrides: Partial<PlatformModule> = {}): PlatformModule {
  return {
    name: 'widgets',
    description: 'a CRD provider',
    enabledByDefault: false,
    namespace: 'widgets',
    source: { kind: 'helm', repoURL: 'oci://127.0.0.1:9/charts', chart: 'widgets', version: '0.4.0' },
    crds: ['widgets.example.com'],
    needs: [],
    onMissingNeed: 'error',
    wave: 1,
    docs: 'test',
    ...overrides,
  };
}

let helm: Helm;
let helmEnv: NodeJS.ProcessEnv;
let charts: string;
let registry: SchemaRegistry;

beforeAll(() => {
  // the pinned helm of the npm package, unpacked into a temporary root (not the checkout's node_modules/.cache)
  const helmRoot = temp('charts-helm-');
  const packageDir = join(REPO, 'node_modules', ...HELM_PACKAGE.split('/'));
  expect(existsSync(packageDir), `${HELM_PACKAGE} is a devDependency: run npm ci`).toBe(true);
  mkdirSync(join(helmRoot, 'node_modules', '@aws-cdk'), { recursive: true });
  symlinkSync(packageDir, join(helmRoot, 'node_modules', ...HELM_PACKAGE.split('/')));
  const located = pinnedHelm(helmRoot);
  if (!located.ok) throw new Error(located.message);
  helm = located.helm;
  const home = temp('charts-helm-home-');
  helmEnv = {
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
  };

  // the local chart folder: the trainer chart packaged with `helm package`, the widgets chart unpacked
  const sources = temp('charts-src-');
  charts = temp('charts-dir-');
  for (const [path, text] of Object.entries(TRAINER_CHART)) write(join(sources, 'trainer', path), text);
  execFileSync(helm.path, ['package', join(sources, 'trainer'), '--destination', charts], {
    env: { ...process.env, ...helmEnv },
  });
  for (const [path, text] of Object.entries(WIDGETS_CHART)) write(join(charts, 'widgets', path), text);
  registry = SchemaRegistry.forFleet();
}, 120_000);

/** A fleet of one cluster whose cluster.yaml turns on the given modules, in a temporary folder. */
function fleet(modules: Record<string, unknown>, files: Record<string, string> = {}): string {
  const root = temp('charts-fleet-');
  write(
    join(root, 'clusters', 'lab', 'cluster.yaml'),
    stringify({
      name: 'lab',
      environment: 'dev',
      aws: { accountId: '111122223333', region: 'us-west-2', availabilityZones: ['us-west-2a', 'us-west-2b'] },
      kubernetesVersion: '1.33',
      network: { vpcCidr: '10.10.0.0/16' },
      modules,
      argocd: { repoURL: 'https://github.com/acme/eks-mlops-fleet.git' },
    }),
  );
  for (const [path, text] of Object.entries(files)) write(join(root, path), text);
  return root;
}

async function check(
  root: string,
  catalog: PlatformModule[],
  options: { chartsDir?: string | null; pull?: boolean } = {},
): Promise<{ report: ChartsReport; problems: string[] }> {
  const report = await checkCharts({
    root,
    catalog,
    helm,
    helmEnv,
    chartsDir: options.chartsDir === null ? undefined : (options.chartsDir ?? charts),
    cacheDir: join(root, '.chart-cache'),
    pull: options.pull,
    registry,
  });
  return { report, problems: report.problems.map(formatProblem) };
}

describe('charts:check with real Helm on charts the test builds', () => {
  it('passes when the values make the chart render every declared object and CRD', async () => {
    const root = fleet({ trainer: { values: { runtimes: { torchDistributed: { enabled: true } } } }, widgets: true });
    const { report, problems } = await check(root, [trainerModule(), widgetsModule()]);
    expect(problems).toEqual([]);
    const trainer = report.modules.find((m) => m.module === 'trainer')!;
    expect(trainer.charts).toEqual([{ chart: 'trainer', version: '1.2.3', from: '--charts', objects: 3 }]);
    expect(trainer.provided).toBe(3);
    expect(Object.fromEntries(trainer.kinds)).toEqual({
      'apiextensions.k8s.io/v1 CustomResourceDefinition': 1,
      'v1 ConfigMap': 1,
      'trainer.kubeflow.org/v1alpha1 ClusterTrainingRuntime': 1,
    });
    const widgets = report.modules.find((m) => m.module === 'widgets')!;
    // the unpacked chart, its CRD (--include-crds) and a Widget validated against that CRD's schema
    expect(widgets.charts).toEqual([{ chart: 'widgets', version: '0.4.0', from: '--charts', objects: 3 }]);
    expect(widgets.provided).toBe(1);
    expect(widgets.unvalidated).toBe(0);
  });

  it('reads a null field as the API server does; lists objects made at runtime, not looked for', async () => {
    const root = fleet({ widgets: true });
    const made = { apiVersion: 'v1', kind: 'ConfigMap', name: 'made-at-start', namespace: 'widgets' };
    const { report, problems } = await check(root, [
      widgetsModule({ provides: () => [{ ...made, createdAtRuntime: 'the widget server when it starts' }] }),
    ]);
    // the Role's `rules: null` is an empty Role, as Kubernetes decodes it; the ConfigMap is not in the render
    expect(problems).toEqual([]);
    const widgets = report.modules[0];
    expect(widgets.provided).toBe(1); // the CRD only
    expect(widgets.notes).toEqual([
      'v1 ConfigMap widgets/made-at-start: created at runtime by the widget server when it starts, not rendered',
    ]);
    // without the mark it is looked for, and missing
    const strict = await check(root, [widgetsModule({ provides: () => [made] })]);
    expect(strict.problems).toHaveLength(1);
    expect(strict.problems[0]).toContain('declares it provides v1 ConfigMap widgets/made-at-start, but its chart');
  });

  it(
    'fails, naming the module, the object and the values, ' + 'when the values do not render a declared object',
    async () => {
      const root = fleet({ trainer: { values: { alsoDeclare: true } } });
      const { problems } = await check(root, [trainerModule()]);
      expect(problems).toHaveLength(2);
      expect(problems[0]).toBe(
        'clusters/lab/cluster.yaml:13: modules.trainer: module trainer declares ' +
          'it provides trainer.kubeflow.org/v1alpha1 ClusterTrainingRuntime ' +
          ('torch-distributed, but its chart does not render it with the values ' +
            'the generator renders (clusters/lab/platform/trainer/values.yaml, ') +
          'not written yet): {"runtimes":{"torchDistributed":{"enabled":false}},"alsoDeclare":true}',
      );
      expect(problems[1]).toContain(
        'declares it provides v1 ConfigMap trainer-system/never-rendered, but its chart does not render it',
      );
    },
  );

  it('renders with the committed values.yaml, as Argo CD syncs it, and says when it is stale', async () => {
    const values = '# ~~ Generated by projen.\nruntimes:\n  torchDistributed:\n    enabled: true\n';
    const root = fleet({ trainer: true }, { 'clusters/lab/platform/trainer/values.yaml': values });
    const { report, problems } = await check(root, [trainerModule()]);
    expect(problems).toEqual([
      'clusters/lab/cluster.yaml:13: modules.trainer: ' +
        'clusters/lab/platform/trainer/values.yaml is not what the generator renders for this ' +
        'cluster now: run npx projen (checked with the committed file, which Argo CD syncs)',
    ]);
    expect(report.modules[0].provided).toBe(3);
  });

  it('reports an object the API does not accept, with its field, as validate does', async () => {
    const root = fleet({
      trainer: { values: { runtimes: { torchDistributed: { enabled: true } }, broken: true } },
      widgets: { values: { extra: true } },
    });
    const { problems } = await check(root, [trainerModule(), widgetsModule()]);
    expect(problems).toEqual([
      'clusters/lab/cluster.yaml:13: modules.trainer: renders ' +
        'ClusterTrainingRuntime torch-distributed (trainer/templates/runtime.yaml): ' +
        'spec: must NOT have additional properties "bogusField"',
      'clusters/lab/cluster.yaml:19: modules.widgets: renders Widget default ' +
        '(widgets/templates/widget.yaml): spec: must NOT have additional properties "colour"',
    ]);
  });

  it(
    'reports a custom kind that no CRD of the cluster ' + 'serves, and a declared CRD the chart does not render',
    async () => {
      const root = fleet({ widgets: { values: { stray: true } } });
      const { problems } = await check(root, [widgetsModule({ crds: ['widgets.example.com', 'gadgets.example.com'] })]);
      expect(problems).toEqual([
        'clusters/lab/cluster.yaml:13: modules.widgets: module widgets declares ' +
          'CRD gadgets.example.com (crds), but its charts do not render it ' +
          ('with the values the generator renders ' +
            '(clusters/lab/platform/widgets/values.yaml, not written yet): {"stray":true}'),
        'clusters/lab/cluster.yaml:13: modules.widgets: renders Gadget stray ' +
          '(widgets/templates/widget.yaml): gadgets.example.org/v1 Gadget is not ' +
          ('served on this cluster: not a Kubernetes API kind, nor a kind of ' +
            'a CRD that its charts render or its enabled modules declare (crds)'),
      ]);
      // served by a CRD another enabled module declares: its kind is fine, its fields have no schema here
      const served = await check(root, [
        widgetsModule(),
        trainerModule({
          enabledByDefault: true,
          crds: ['gadgets.gadgets.example.org'],
          provides: undefined,
          source: undefined,
        }),
      ]);
      expect(served.problems).toEqual([]);
      expect(served.report.modules.find((m) => m.module === 'widgets')!.unvalidated).toBe(1);
    },
  );

  it('renders extra Helm sources (a separate CRD chart) with the module and counts their CRDs', async () => {
    const root = fleet({ trainer: { values: { runtimes: { torchDistributed: { enabled: true } } } } });
    const withCrdChart = trainerModule({
      crds: ['clustertrainingruntimes.trainer.kubeflow.org', 'widgets.example.com'],
      extraSources: [{ kind: 'helm', repoURL: 'oci://127.0.0.1:9/charts', chart: 'widgets', version: '0.4.0' }],
    });
    const { report, problems } = await check(root, [withCrdChart]);
    expect(problems).toEqual([]);
    expect(report.modules[0].charts.map((c) => `${c.chart} ${c.version} ${c.objects}`)).toEqual([
      'trainer 1.2.3 3',
      'widgets 0.4.0 3',
    ]);
    expect(report.modules[0].provided).toBe(4);
  });

  it('says to pass --charts DIR when a chart is neither there nor can be pulled, one line per chart', async () => {
    const root = fleet({ trainer: true, widgets: true });
    const catalog = [
      trainerModule({
        source: { kind: 'helm', repoURL: 'http://127.0.0.1:9/charts', chart: 'absent', version: '9.9.9' },
      }),
      widgetsModule({ source: { kind: 'helm', repoURL: '127.0.0.1:9/charts', chart: 'missing', version: 'v0.1.0' } }),
    ];
    const { report, problems } = await check(root, catalog);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(
      new RegExp(
        String.raw`^clusters/lab/cluster\.yaml:13: modules\.trainer: chart absent version 9\.9\.9 not available: ` +
          String.raw`pass --charts DIR with absent-9\.9\.9\.tgz or absent/ in it \(not in .*; ` +
          String.raw`helm pull absent --repo http://127\.0\.0\.1:9/charts --version 9\.9\.9 failed: .*\)$`,
      ),
    );
    expect(problems[1]).toMatch(
      new RegExp(
        String.raw`modules\.widgets: chart missing version v0\.1\.0 not available: pass --charts DIR .*` +
          String.raw`helm pull oci://127\.0\.0\.1:9/charts/missing --version v0\.1\.0 failed`,
      ),
    );
    expect(problems.every((p) => !p.includes('\n'))).toBe(true);
    expect(report.modules.map((m) => m.charts[0].from)).toEqual([undefined, undefined]);
    // nothing but charts that could not be had: the CLI exits 3 instead of 1 for that
    expect(report.unavailable).toEqual(report.problems);
    // one problem per chart, whichever clusters need it
    const lab = readFileSync(join(root, 'clusters/lab/cluster.yaml'), 'utf-8');
    write(join(root, 'clusters/lab2/cluster.yaml'), lab.replace('name: lab', 'name: lab2'));
    const twice = await check(root, catalog, { pull: false });
    expect(twice.problems).toHaveLength(2);
    expect(twice.problems[0]).toMatch(
      /^clusters\/lab\/cluster\.yaml:13: modules\.trainer: chart absent .*pulling is off\); also needed on lab2$/,
    );
    expect(twice.report.modules.map((m) => `${m.cluster} ${m.module} ${m.problems.length}`)).toEqual([
      'lab widgets 1',
      'lab trainer 1',
      'lab2 widgets 1',
      'lab2 trainer 1',
    ]);
    // without pulling, and without a chart folder at all
    const offline = await check(root, catalog, { chartsDir: null, pull: false });
    expect(offline.problems[0]).toContain(
      'chart absent version 9.9.9 not available: pass --charts DIR with ' +
        'absent-9.9.9.tgz or absent/ in it (no --charts DIR given, pulling is off)',
    );
  });

  it('refuses a local chart of another version than the pin, naming both', async () => {
    const root = fleet({ trainer: { version: '1.2.4' }, widgets: true });
    const { report, problems } = await check(root, [
      trainerModule(),
      widgetsModule({
        source: { kind: 'helm', repoURL: 'oci://127.0.0.1:9/charts', chart: 'widgets', version: '0.5.0' },
      }),
    ]);
    expect(report.unavailable).toEqual([]);
    expect(problems).toEqual([
      `clusters/lab/cluster.yaml:13: modules.trainer: chart trainer: ${charts} has version ` +
        `1.2.3 (${join(charts, 'trainer-1.2.3.tgz')}), but the module pins version 1.2.4`,
      `clusters/lab/cluster.yaml:15: modules.widgets: chart widgets: ${charts} has ` +
        `version 0.4.0 (${join(charts, 'widgets')}/), but the module pins version 0.5.0`,
    ]);
  });

  it('refuses a chart archive whose name and content disagree', async () => {
    const dir = temp('charts-mislabeled-');
    execFileSync('cp', [join(charts, 'trainer-1.2.3.tgz'), join(dir, 'trainer-1.2.4.tgz')]);
    const root = fleet({ trainer: { version: '1.2.4' } });
    const { problems } = await check(root, [trainerModule()], { chartsDir: dir });
    expect(problems).toEqual([
      `clusters/lab/cluster.yaml:13: modules.trainer: ${join(dir, 'trainer-1.2.4.tgz')} ` +
        `holds chart trainer version 1.2.3; the module pins chart trainer version 1.2.4`,
    ]);
  });

  it('refuses a cluster or module to check that does not exist', async () => {
    const root = fleet({ trainer: true });
    const report = await checkCharts({
      root,
      catalog: [trainerModule()],
      helm,
      helmEnv,
      cacheDir: join(root, '.cache'),
      registry,
      clusters: ['lab', 'nope'],
      modules: ['trianer'],
    });
    expect(report.problems.map(formatProblem)).toEqual([
      'clusters: no cluster "nope" in clusters/',
      'clusters: no module "trianer" in the catalog',
    ]);
  });

  it('skips git (kustomize) sources with a note', async () => {
    const root = fleet({ trainer: true });
    const git = trainerModule({
      source: { kind: 'git', repoURL: 'https://github.com/acme/manifests.git', path: 'deploy', ref: 'v1.0.0' },
    });
    const { report, problems } = await check(root, [git]);
    expect(problems).toEqual([]);
    expect(report.modules[0].skipped).toMatch(
      /^a git source \(https:\/\/github.com\/acme\/manifests.git\/\/deploy@v1.0.0\), installed with kustomize/,
    );
  });
});

describe('finding Helm', () => {
  it('unpacks the pinned helm from the npm package once, with the zip reader, and it runs', () => {
    expect(helm.version).toMatch(/^v\d+\.\d+\.\d+/);
    expect(helm.from).toMatch(new RegExp(`^${HELM_PACKAGE}@`));
    expect(helm.path).toContain(HELM_CACHE);
    expect(statSync(helm.path).mode & 0o111).not.toBe(0);
    const zip = join(REPO, 'node_modules', ...HELM_PACKAGE.split('/'), 'lib', 'layer.zip');
    expect(readZipEntry(zip, 'helm/helm')!.equals(readFileSync(helm.path))).toBe(true);
    expect(readZipEntry(zip, 'no/such/entry')).toBeUndefined();
  });

  it('fails with one clear line when neither the npm package nor a helm on PATH is there', () => {
    const empty = temp('charts-nohelm-');
    const none = locateHelm({ root: empty, env: { PATH: empty }, path: true });
    expect(none).toEqual({
      ok: false,
      message:
        `no Helm to run: ${HELM_PACKAGE} is not installed, and no working helm on PATH; run npm ci ` +
        `on Linux x86-64, install Helm (https://helm.sh/docs/intro/install/), or pass --helm BIN`,
    });
    expect(locateHelm({ root: empty, explicit: join(empty, 'helm') })).toEqual({
      ok: false,
      message: `--helm ${join(empty, 'helm')} does not run (ENOENT)`,
    });
  });
});

describe('reading helm template output', () => {
  it('keeps each object with its template and skips empty documents', () => {
    const text =
      '---\n# Source: c/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ' +
      'a\n---\n# Source: c/templates/empty.yaml\n---\n# Source: c/templates/b.yaml\nkind: [\n';
    const { objects, problems } = parseRendered(text);
    expect(objects.map((o) => `${o.source} ${String(o.object.kind)}`)).toEqual(['c/templates/a.yaml ConfigMap']);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^c\/templates\/b\.yaml: is not valid YAML/);
  });
});
