import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';
import { locateChart, type ChartRef, type ChartStore, type LocatedChart } from './chart-location';
import {
  checkObject,
  describeProvided,
  describeRendered,
  describeValues,
  kubernetesKinds,
  missingProvided,
  renderedCrds,
  ServedKinds,
} from './check-rendered';
import type { Helm } from './helm-binary';
import { templateChart, type RenderedObject } from './helm-template';
import { SchemaRegistry } from '../checks/schema-registry';
import { loadFleet } from '../config/load-fleet';
import { sortProblems, type Problem } from '../config/problems';
import type { ClusterInput, EnabledModule } from '../model/compiled-cluster';
import type { HubFleet } from '../model/fleet-hub';
import { CLUSTERS_DIR } from '../model/paths';
import type { HelmSource, ModuleContext, PlatformModule, ProvidedObject } from '../model/platform-module';
import { KUBERNETES_DEFINITIONS } from '../model/vendor-files';
import { moduleValues, PLATFORM_FOLDER, VALUES_FILE } from '../platform/compile-platform';
import { hubFleetFor } from '../platform/hub-fleet';
import { resolveModules } from '../platform/resolve-modules';

export interface CheckChartsOptions {
  /**
   * The fleet's root: `clusters/<name>/cluster.yaml` in, and the committed `platform/<module>/values.yaml` when there.
   */
  readonly root: string;
  readonly catalog: readonly PlatformModule[];
  readonly helm: Helm;
  /** Environment for helm; HELM_CACHE_HOME defaults to a folder of `cacheDir`. */
  readonly helmEnv?: NodeJS.ProcessEnv;
  /** `--charts DIR`. */
  readonly chartsDir?: string;
  /** Where pulled charts are kept. */
  readonly cacheDir: string;
  /** Whether charts in neither folder are pulled (default true). */
  readonly pull?: boolean;
  /** Only these clusters (default: all). */
  readonly clusters?: readonly string[];
  /** Only these modules (default: all enabled). */
  readonly modules?: readonly string[];
  /** Strict schemas: the Kubernetes definitions and the vendored CRDs (default `SchemaRegistry.forFleet()`). */
  readonly registry?: SchemaRegistry;
  /** The Kubernetes API definitions the served Kubernetes kinds are read from. */
  readonly kubernetesDefinitions?: string;
  /** helm processes at once (default 4). */
  readonly concurrency?: number;
}

/** One chart rendered for one module. */
export interface ChartRun {
  readonly chart: string;
  readonly version: string;
  /** `--charts`, `cache`, `pulled`; absent when it was not available. */
  readonly from?: string;
  readonly objects: number;
}

/** What the check found for one module of one cluster. */
export interface ModuleCheck {
  readonly cluster: string;
  readonly module: string;
  readonly charts: ChartRun[];
  /** Objects rendered, by `apiVersion kind`. */
  readonly kinds: Map<string, number>;
  /** Objects of custom kinds served here but with no schema to check their fields against. */
  unvalidated: number;
  /** Declared objects (`provides`) and CRDs (`crds`) found rendered. */
  provided: number;
  readonly problems: Problem[];
  readonly notes: string[];
  /** Those of `problems` that say a chart could not be had. */
  readonly unavailable: Problem[];
  /** Why the module was not rendered (a git source, nothing upstream). */
  readonly skipped?: string;
}

export interface ChartsReport {
  readonly modules: ModuleCheck[];
  /** Every problem, the fleet's own (a cluster.yaml that does not load) and each module's. */
  readonly problems: Problem[];
  /**
   * Those of `problems` that only say a chart could not be had (not in `--charts`, not pulled): no network, or a chart
   * gone upstream.
   */
  readonly unavailable: Problem[];
}

/** The group whose kinds the fleet's Argo CD serves on every cluster, whether or not a module declares them. */
const ARGO_CD_GROUP = 'argoproj.io';

/**
 * `charts:check`: for each enabled module of each cluster, renders the module's pinned chart (and its Helm extra
 * sources, such as a separate CRD chart) with real Helm and the cluster's values, as Argo CD would; validates every
 * rendered object strictly; and checks that what the catalog entry declares is really rendered: each object
 * `provides()` names for those values, and each CRD of `crds`. Charts are rendered wave by wave, each with the API
 * versions of the CRDs rendered by earlier waves (`.Capabilities.APIVersions`, as a cluster that runs them has).
 */
export async function checkCharts(options: CheckChartsOptions): Promise<ChartsReport> {
  const moduleNames = options.catalog.map((m) => m.name);
  const loaded = loadFleet(options.root, { moduleNames });
  if (!loaded.ok) return { modules: [], problems: loaded.problems, unavailable: [] };
  const unknown = [
    ...(options.clusters ?? [])
      .filter((name) => !loaded.clusters.some((c) => c.spec.name === name))
      .map((name) => `no cluster "${name}" in ${CLUSTERS_DIR}/`),
    ...(options.modules ?? [])
      .filter((name) => !moduleNames.includes(name))
      .map((name) => `no module "${name}" in the catalog`),
  ];
  if (unknown.length) {
    return {
      modules: [],
      problems: unknown.map((message) => ({ file: CLUSTERS_DIR, field: '', message })),
      unavailable: [],
    };
  }
  const registry = options.registry ?? SchemaRegistry.forFleet();
  const kubernetes = kubernetesKinds(options.kubernetesDefinitions ?? KUBERNETES_DEFINITIONS);
  const work = mkdtempSync(join(tmpdir(), 'charts-check-'));
  const store: ChartStore = {
    helm: options.helm,
    env: { ...process.env, HELM_CACHE_HOME: join(options.cacheDir, '.helm-cache'), ...options.helmEnv },
    chartsDir: options.chartsDir,
    cacheDir: options.cacheDir,
    pull: options.pull,
  };
  // one lookup (and at most one pull) per chart and version, whichever clusters use it
  const located = new Map<string, Promise<LocatedChart>>();
  const locate = (ref: ChartRef) => {
    const key = `${ref.repoURL} ${ref.chart} ${ref.version}`;
    if (!located.has(key)) located.set(key, locateChart(ref, store));
    return located.get(key)!;
  };
  const limit = limiter(options.concurrency ?? 4);
  const modules: ModuleCheck[] = [];
  const problems: Problem[] = [];
  const unavailable: Problem[] = [];
  try {
    for (const cluster of loaded.clusters) {
      if (options.clusters && !options.clusters.includes(cluster.spec.name)) continue;
      const resolved = resolveModules(cluster.spec, cluster.file, options.catalog, (path) => cluster.lineOf(path));
      if (resolved.problems.length) {
        problems.push(...resolved.problems);
        continue;
      }
      const checks = await checkCluster(cluster, resolved.modules, {
        hubFleet: hubFleetFor(cluster, loaded.clusters, options.catalog),
        options,
        registry,
        kubernetes,
        store,
        locate,
        limit,
        work,
      });
      for (const check of checks) {
        check.problems.splice(0, check.problems.length, ...sortProblems(check.problems));
        modules.push(check);
        problems.push(...check.problems);
        unavailable.push(...check.unavailable);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  // a chart that could not be had is one problem, however many clusters use it
  const repeated = new Map<string, { first: Problem; clusters: string[] }>();
  for (const p of unavailable) {
    const seen = repeated.get(p.message);
    if (seen) seen.clusters.push(p.file.split('/')[1]);
    else repeated.set(p.message, { first: p, clusters: [] });
  }
  const once = (list: Problem[]) =>
    list.flatMap((p) => {
      const seen = repeated.get(p.message);
      if (!seen) return [p];
      if (seen.first !== p) return [];
      return [
        seen.clusters.length
          ? { ...p, message: `${p.message}; also needed on ${[...new Set(seen.clusters)].join(', ')}` }
          : p,
      ];
    });
  return { modules, problems: sortProblems(once(problems)), unavailable: sortProblems(once(unavailable)) };
}

interface ClusterContext {
  /** On the hub: the clusters its Argo CD manages, which its argocd module's values are sized for. */
  readonly hubFleet: HubFleet | undefined;
  readonly options: CheckChartsOptions;
  readonly registry: SchemaRegistry;
  readonly kubernetes: ReadonlySet<string>;
  readonly store: ChartStore;
  readonly locate: (ref: ChartRef) => Promise<LocatedChart>;
  readonly limit: <T>(task: () => Promise<T>) => Promise<T>;
  readonly work: string;
}

/** What rendering one module gave, before its objects are checked. */
interface ModuleRender {
  readonly enabled: EnabledModule;
  readonly check: ModuleCheck;
  readonly objects: RenderedObject[];
  readonly values: Record<string, unknown>;
  readonly valuesFile: string;
  readonly context: ModuleContext;
  /** The module's sources all rendered: absent objects are really absent. */
  readonly complete: boolean;
}

async function checkCluster(
  cluster: ClusterInput,
  enabledModules: readonly EnabledModule[],
  ctx: ClusterContext,
): Promise<ModuleCheck[]> {
  const enabled = new Set(enabledModules.map((m) => m.module.name));
  const served = new ServedKinds();
  served.addGroup(ARGO_CD_GROUP, 'Argo CD');
  for (const { module } of enabledModules) {
    for (const crd of module.crds) served.addDeclared(crd, `module ${module.name} (crds)`);
  }
  const chartSchemas = new SchemaRegistry();
  const apiVersions = new Set<string>();

  // wave by wave, as Argo CD installs them: a later wave's charts see the APIs of the CRDs of the earlier ones
  const renders: ModuleRender[] = [];
  const waves = [...new Set(enabledModules.map((m) => m.module.wave))].sort((a, b) => a - b);
  for (const wave of waves) {
    const inWave = enabledModules.filter(
      (m) => m.module.wave === wave && (!ctx.options.modules || ctx.options.modules.includes(m.module.name)),
    );
    const rendered = await Promise.all(
      inWave.map((m) => renderModule(cluster, m, enabled, [...apiVersions].sort(), ctx)),
    );
    for (const render of rendered) {
      renders.push(render);
      for (const crd of renderedCrds(render.objects)) {
        served.addRendered(crd, `module ${render.enabled.module.name}'s CRD ${crd.name}`);
        for (const version of crd.versions) {
          apiVersions.add(`${crd.group}/${version}`).add(`${crd.group}/${version}/${crd.kind}`);
        }
        try {
          chartSchemas.addCrd(structuredClone(crd.object) as unknown as Parameters<SchemaRegistry['addCrd']>[0]);
        } catch (error) {
          render.check.notes.push(
            `the schema of CRD ${crd.name} could not be read ` +
              `(${(error as Error).message}); its objects are checked for their kind only`,
          );
        }
      }
    }
  }

  for (const render of renders) {
    checkRender(render, { registry: ctx.registry, chartSchemas, kubernetes: ctx.kubernetes, served }, cluster);
  }
  return renders.map((r) => r.check);
}

async function renderModule(
  cluster: ClusterInput,
  enabled: EnabledModule,
  enabledNames: ReadonlySet<string>,
  apiVersions: readonly string[],
  ctx: ClusterContext,
): Promise<ModuleRender> {
  const { module } = enabled;
  const spec = cluster.spec;
  const problem = (message: string) => moduleProblem(cluster, module.name, message);
  const check: ModuleCheck = {
    cluster: spec.name,
    module: module.name,
    charts: [],
    kinds: new Map(),
    unvalidated: 0,
    provided: 0,
    problems: [],
    unavailable: [],
    notes: [],
  };
  const context: ModuleContext = {
    cluster: spec,
    enabled: enabledNames,
    overrides: enabled.values,
    ...(ctx.hubFleet ? { hubFleet: ctx.hubFleet } : {}),
  };
  const computed = moduleValues(module, context);
  const base = {
    enabled,
    check,
    objects: [] as RenderedObject[],
    values: computed,
    valuesFile: '',
    context,
    complete: false,
  };
  if (module.source?.kind !== 'helm') {
    const skipped = module.source
      ? `a git source (${module.source.repoURL}//${module.source.path}@${enabled.version}), ` +
        `installed with kustomize: not a chart`
      : 'no upstream source: the generator renders all of it (checked by validate)';
    return { ...base, check: { ...check, skipped } };
  }

  // the values Argo CD syncs: the committed values.yaml, which must be what the generator renders now
  const folder = `${CLUSTERS_DIR}/${spec.name}/${PLATFORM_FOLDER}/${module.name}`;
  const committedFile = join(ctx.options.root, folder, VALUES_FILE);
  let values = computed;
  let valuesFile: string;
  let valuesName: string;
  if (existsSync(committedFile)) {
    valuesFile = committedFile;
    valuesName = `${folder}/${VALUES_FILE}`;
    const committed = (parse(readFileSync(committedFile, 'utf-8')) ?? {}) as Record<string, unknown>;
    if (!isDeepStrictEqual(committed, computed)) {
      check.problems.push(
        problem(
          `${valuesName} is not what the generator renders for this cluster now: ` +
            `run npx projen (checked with the committed file, which Argo CD syncs)`,
        ),
      );
    }
    values = committed;
  } else {
    valuesFile = join(ctx.work, `${spec.name}-${module.name}-values.yaml`);
    valuesName = `the values the generator renders (${folder}/${VALUES_FILE}, not written yet)`;
    writeFileSync(valuesFile, JSON.stringify(values));
  }

  const charts: { ref: ChartRef; release: string; valuesFiles: string[] }[] = [
    {
      ref: {
        repoURL: module.source.repoURL,
        chart: module.source.chart,
        version: enabled.version ?? module.source.version,
      },
      release: module.name,
      valuesFiles: [valuesFile],
    },
  ];
  let complete = true;
  for (const extra of module.extraSources ?? []) {
    if (extra.kind === 'helm') {
      charts.push({ ref: helmRef(extra), release: extra.chart, valuesFiles: [] });
    } else {
      complete = false;
      check.notes.push(`extra git source ${extra.repoURL}//${extra.path}@${extra.ref} is not rendered (kustomize)`);
    }
  }

  const objects: RenderedObject[] = [];
  for (const { ref, release, valuesFiles } of charts) {
    const chartPath = await ctx.locate(ref);
    if (!chartPath.ok) {
      check.charts.push({ chart: ref.chart, version: ref.version, objects: 0 });
      check.problems.push(problem(chartPath.message));
      if (chartPath.unavailable) check.unavailable.push(check.problems[check.problems.length - 1]);
      complete = false;
      continue;
    }
    const result = await ctx.limit(() =>
      templateChart(
        ctx.store.helm,
        {
          chartPath: chartPath.path,
          release,
          namespace: module.namespace,
          valuesFiles,
          kubeVersion: spec.kubernetesVersion,
          apiVersions,
        },
        ctx.store.env,
      ),
    );
    if (!result.ok) {
      check.charts.push({ chart: ref.chart, version: ref.version, from: chartPath.from, objects: 0 });
      check.problems.push(
        problem(
          `chart ${ref.chart} ${ref.version}: ${result.message} ` +
            `(with ${valuesFiles.length ? valuesName : "the chart's default values"})`,
        ),
      );
      complete = false;
      continue;
    }
    check.charts.push({ chart: ref.chart, version: ref.version, from: chartPath.from, objects: result.objects.length });
    for (const p of result.problems) check.problems.push(problem(`chart ${ref.chart} ${ref.version}: ${p}`));
    objects.push(...result.objects);
  }
  return { enabled, check, objects, values, valuesFile: valuesName, context, complete };
}

function checkRender(render: ModuleRender, context: Parameters<typeof checkObject>[1], cluster: ClusterInput): void {
  const { check, enabled, objects } = render;
  const { module } = enabled;
  if (check.skipped) return;
  const problem = (message: string) => moduleProblem(cluster, module.name, message);
  for (const rendered of objects) {
    const gvk = `${String(rendered.object.apiVersion)} ${String(rendered.object.kind)}`;
    check.kinds.set(gvk, (check.kinds.get(gvk) ?? 0) + 1);
    const verdict = checkObject(rendered.object, context);
    if (verdict.status === 'served') check.unvalidated++;
    if (verdict.status === 'invalid') {
      for (const p of verdict.problems) check.problems.push(problem(`renders ${describeRendered(rendered)}: ${p}`));
    }
  }
  if (!render.complete) {
    if (objects.length && (module.provides || module.crds.length)) {
      check.notes.push('what the module declares is not checked: not all of its sources rendered');
    }
    return;
  }
  const withValues = `with ${render.valuesFile}: ${describeValues(render.values)}`;
  let declared: readonly ProvidedObject[];
  try {
    declared = module.provides?.({ ...render.context, values: render.values }) ?? [];
  } catch (error) {
    check.problems.push(problem(`module ${module.name}: provides() failed ${withValues}: ${(error as Error).message}`));
    declared = [];
  }
  for (const provided of declared.filter((p) => p.createdAtRuntime)) {
    check.notes.push(`${describeProvided(provided)}: created at runtime by ${provided.createdAtRuntime}, not rendered`);
  }
  const missing = missingProvided(
    declared.filter((p) => !p.createdAtRuntime),
    objects,
    module.namespace,
  );
  for (const { provided, near } of missing) {
    check.problems.push(
      problem(
        `module ${module.name} declares it provides ${describeProvided(provided)}, ` +
          `but its chart does not render it ${withValues}` +
          (near ? ` (it ${near})` : ''),
      ),
    );
  }
  const crdNames = new Set(renderedCrds(objects).map((crd) => crd.name));
  const missingCrds = module.crds.filter((crd) => !crdNames.has(crd));
  for (const crd of missingCrds) {
    check.problems.push(
      problem(`module ${module.name} declares CRD ${crd} (crds), but its charts do not render it ${withValues}`),
    );
  }
  check.provided =
    declared.filter((p) => !p.createdAtRuntime).length - missing.length + module.crds.length - missingCrds.length;
}

/**
 * A problem of one module on one cluster: at its `modules.<name>` entry when cluster.yaml has one (a base module may
 * not).
 */
function moduleProblem(cluster: ClusterInput, module: string, message: string): Problem {
  const line = cluster.spec.modules[module] === undefined ? undefined : cluster.lineOf(['modules', module]);
  return { file: cluster.file, line, field: `modules.${module}`, message };
}

function helmRef(source: HelmSource): ChartRef {
  return { repoURL: source.repoURL, chart: source.chart, version: source.version };
}

/** Runs at most `n` tasks at once. */
function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const queue: (() => void)[] = [];
  return async <T>(task: () => Promise<T>) => {
    // a finished task hands its slot to the next waiting one
    if (running < n) running++;
    else await new Promise<void>((resolve) => queue.push(resolve));
    try {
      return await task();
    } finally {
      const next = queue.shift();
      if (next) next();
      else running--;
    }
  };
}
