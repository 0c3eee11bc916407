import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parse } from 'yaml';
import { renderGoTemplate, TemplateError } from './go-template';
import { parseManifest } from './parse-manifest';
import type { SchemaRegistry } from './schema-registry';
import type { Problem } from '../config/problems';
import { pathsUnder } from '../util/sorted-paths';

/** An Application as the ApplicationSet controller would create it. */
export interface ExpandedApplication {
  /** The cluster the Application deploys to (for a cluster generator's, the cluster Secret's name). */
  readonly cluster: string;
  readonly applicationSet: string;
  /**
   * Under a RollingSync strategy, the step that syncs the Application (1-based) and what the step selects; an
   * Application no step selects is never synced by the ApplicationSet (`rolloutStep: 0`).
   */
  readonly rolloutStep?: number;
  readonly rolloutStepLabel?: string;
  readonly application: {
    apiVersion: string;
    kind: string;
    metadata: {
      name: string;
      namespace?: string;
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
    };
    spec: ApplicationSpec;
  };
}

interface Source {
  repoURL: string;
  path?: string;
  chart?: string;
  ref?: string;
  targetRevision?: string;
  directory?: { recurse?: boolean; exclude?: string; include?: string };
  helm?: { valueFiles?: string[] };
}
interface ApplicationSpec {
  project: string;
  source?: Source;
  sources?: Source[];
  destination: { server?: string; name?: string; namespace?: string };
}

interface GitGenerator {
  repoURL: string;
  files?: { path: string; exclude?: boolean }[];
  directories?: { path: string; exclude?: boolean }[];
  values?: Record<string, string>;
}
interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}
interface ClustersGenerator {
  selector?: LabelSelector;
}
type Generator = { git?: GitGenerator; clusters?: ClustersGenerator; matrix?: { generators: Generator[] } } & Record<
  string,
  unknown
>;
interface RollingSyncStep {
  matchExpressions: { key: string; operator: string; values?: string[] }[];
}
interface ApplicationSetObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: {
    goTemplate?: boolean;
    goTemplateOptions?: string[];
    generators: Generator[];
    strategy?: { type?: string; rollingSync?: { steps?: RollingSyncStep[] } };
    template: { metadata: Record<string, unknown>; spec: Record<string, unknown> };
    templatePatch?: string;
  };
}

/** The committed tree, as the git generators see it: every file and folder under `clusters/`. */
export interface RepoTree {
  readonly root: string;
  readonly files: ReadonlySet<string>;
  readonly dirs: ReadonlySet<string>;
}

/** The files under a folder, at any depth, in path order. */
function filesUnder(tree: RepoTree, dir: string): string[] {
  let sorted = sortedFiles.get(tree);
  if (!sorted) {
    sorted = [...tree.files].sort();
    sortedFiles.set(tree, sorted);
  }
  return pathsUnder(sorted, dir);
}
const sortedFiles = new WeakMap<RepoTree, string[]>();

export function readTree(root: string, top = 'clusters'): RepoTree {
  const files = new Set<string>();
  const dirs = new Set<string>();
  const walk = (rel: string) => {
    dirs.add(rel);
    for (const name of readdirSync(join(root, rel)).sort()) {
      const child = `${rel}/${name}`;
      if (statSync(join(root, child)).isDirectory()) walk(child);
      else files.add(child);
    }
  };
  walk(top);
  return { root, files, dirs };
}

/**
 * Expands every ApplicationSet committed under `clusters/<c>/argocd/` the way the controller does: git
 * directory and file generators over the tree, Go templates with missing keys as errors, then the
 * templatePatch merged over the template. Problems are what the controller would refuse.
 */
export function expandApplicationSets(tree: RepoTree): { applications: ExpandedApplication[]; problems: Problem[] } {
  const applications: ExpandedApplication[] = [];
  const problems: Problem[] = [];
  for (const file of [...tree.files].filter((f) => /^clusters\/[^/]+\/argocd\/[^/]+\.yaml$/.test(f)).sort()) {
    const object = parse(readFileSync(join(tree.root, file), 'utf-8')) as ApplicationSetObject;
    if (object?.kind !== 'ApplicationSet') continue;
    const cluster = file.split('/')[1];
    const fail = (message: string) =>
      problems.push({ file, field: '', message: `ApplicationSet ${object.metadata.name}: ${message}` });
    if (object.spec.goTemplate !== true || !object.spec.goTemplateOptions?.includes('missingkey=error')) {
      fail('expected goTemplate: true with goTemplateOptions ["missingkey=error"]');
      continue;
    }
    const names = new Set<string>();
    const steps =
      object.spec.strategy?.type === 'RollingSync' ? (object.spec.strategy.rollingSync?.steps ?? []) : undefined;
    for (const generator of object.spec.generators) {
      let generated: Record<string, unknown>[];
      try {
        generated = generatorParams(tree, generator);
      } catch (error) {
        if (!(error instanceof UnsupportedGenerator || error instanceof TemplateError)) throw error;
        fail(error.message);
        continue;
      }
      for (const params of generated) {
        try {
          const app = renderApplication(object, params);
          if (names.has(app.metadata.name)) fail(`generates two Applications named ${app.metadata.name}`);
          names.add(app.metadata.name);
          const target = typeof params.server === 'string' && typeof params.name === 'string' ? params.name : cluster;
          const step = steps ? steps.findIndex((s) => selects(s.matchExpressions, app.metadata.labels ?? {})) : -1;
          applications.push({
            cluster: target,
            applicationSet: object.metadata.name,
            application: app,
            ...(steps ? { rolloutStep: step + 1, rolloutStepLabel: step >= 0 ? describeStep(steps[step]) : '' } : {}),
          });
        } catch (error) {
          if (!(error instanceof TemplateError)) throw error;
          const at = (params.path as { path?: string } | undefined)?.path ?? String(params.name);
          fail(`template error for ${at}: ${error.message}`);
        }
      }
    }
  }
  return { applications, problems };
}

class UnsupportedGenerator extends Error {}

/**
 * The parameters of one generator, as the controller makes them: git directories and files over the tree, the
 * fleet's clusters from the cluster Secrets committed in the tree (`clusterSecrets`), and a matrix of two of those
 * in which the second may use the first's parameters in its own fields.
 */
function generatorParams(tree: RepoTree, generator: Generator): Record<string, unknown>[] {
  const keys = Object.keys(generator);
  if (keys.length !== 1) throw new UnsupportedGenerator(`expected one generator per entry, got ${keys.join(', ')}`);
  if (generator.git) return gitParams(tree, generator.git);
  if (generator.clusters) {
    const selector = generator.clusters.selector ?? {};
    return clusterSecrets(tree)
      .filter((c) => matchesSelector(selector, c.metadata.labels))
      .map((c) => ({ ...c }));
  }
  if (generator.matrix) {
    const [first, second, ...rest] = generator.matrix.generators;
    if (!first || !second || rest.length) {
      throw new UnsupportedGenerator('a matrix generator takes exactly two generators');
    }
    const out: Record<string, unknown>[] = [];
    for (const a of generatorParams(tree, first)) {
      const templated = JSON.parse(
        JSON.stringify(second, (_key, value: unknown) =>
          typeof value === 'string' && value.includes('{{') ? renderGoTemplate(value, a) : value,
        ),
      ) as Generator;
      for (const b of generatorParams(tree, templated)) {
        const clash = Object.keys(b).find((k) => k in a);
        if (clash) throw new UnsupportedGenerator(`matrix: both generators give the parameter "${clash}"`);
        out.push({ ...a, ...b });
      }
    }
    return out;
  }
  throw new UnsupportedGenerator(`only git, clusters and matrix generators are expanded here, got ${keys.join(', ')}`);
}

/** A cluster generator's parameters of one cluster Secret (argo-cd v3.4.4 applicationset/generators/cluster.go). */
interface ClusterParams {
  name: string;
  nameNormalized: string;
  server: string;
  project: string;
  metadata: { labels: Record<string, string>; annotations: Record<string, string> };
}

/** Where a spoke's endpoint stands in the expansion: the ExternalSecret reads it from SSM once the cluster exists. */
export const SERVER_FROM_SSM = '(endpoint from SSM)';

/**
 * The cluster Secrets the hub will have, read from the committed tree: Secrets labelled
 * `argocd.argoproj.io/secret-type: cluster`, and the Secrets ExternalSecrets write with that label in their
 * template (their server read from SSM when synced, so unknown here).
 */
export function clusterSecrets(tree: RepoTree): ClusterParams[] {
  const out: ClusterParams[] = [];
  for (const file of [...tree.files].filter((f) => /^clusters\/[^/]+\/platform\/argocd\/[^/]+\.yaml$/.test(f)).sort()) {
    const object = parse(readFileSync(join(tree.root, file), 'utf-8')) as {
      kind?: string;
      metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
      stringData?: Record<string, string>;
      spec?: {
        target?: {
          template?: {
            metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
            data?: Record<string, string>;
          };
        };
      };
    };
    const metadata =
      object?.kind === 'Secret'
        ? object.metadata
        : object?.kind === 'ExternalSecret'
          ? object.spec?.target?.template?.metadata
          : undefined;
    const labels = metadata?.labels;
    if (labels?.['argocd.argoproj.io/secret-type'] !== 'cluster') continue;
    const data = object.kind === 'Secret' ? object.stringData : object.spec?.target?.template?.data;
    const name = data?.name ?? '';
    out.push({
      name,
      nameNormalized: normalize(name),
      server: object.kind === 'Secret' ? (data?.server ?? '') : SERVER_FROM_SSM,
      project: data?.project ?? '',
      metadata: { labels: { ...labels }, annotations: { ...metadata?.annotations } },
    });
  }
  return out;
}

function matchesSelector(selector: LabelSelector, labels: Record<string, string>): boolean {
  if (Object.entries(selector.matchLabels ?? {}).some(([k, v]) => labels[k] !== v)) return false;
  return selects(selector.matchExpressions ?? [], labels);
}

/** Label selector expressions as Kubernetes (and a RollingSync step) read them: all must hold. */
function selects(
  expressions: readonly { key: string; operator: string; values?: string[] }[],
  labels: Record<string, string>,
) {
  return expressions.every(({ key, operator, values = [] }) => {
    const value = labels[key];
    switch (operator) {
      case 'In':
        return value !== undefined && values.includes(value);
      case 'NotIn':
        return value === undefined || !values.includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      default:
        return false;
    }
  });
}

function describeStep(step: RollingSyncStep): string {
  return step.matchExpressions.map((e) => `${e.key} ${e.operator} ${(e.values ?? []).join(',')}`).join(' and ');
}

function gitParams(tree: RepoTree, git: GitGenerator): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const extra = git.values ? { values: git.values } : {};
  if (git.files) {
    const include = git.files.filter((f) => !f.exclude).map((f) => globRegExp(f.path));
    const exclude = git.files.filter((f) => f.exclude).map((f) => globRegExp(f.path));
    for (const file of [...tree.files].sort()) {
      if (!include.some((r) => r.test(file)) || exclude.some((r) => r.test(file))) continue;
      const text = readFileSync(join(tree.root, file), 'utf-8');
      const data = (file.endsWith('.json') ? JSON.parse(text) : parse(text)) as Record<string, unknown>;
      const dir = posix.dirname(file);
      out.push({
        ...data,
        ...extra,
        path: {
          ...pathParams(dir),
          filename: posix.basename(file),
          filenameNormalized: normalize(posix.basename(file)),
        },
      });
    }
  }
  if (git.directories) {
    const include = git.directories.filter((d) => !d.exclude).map((d) => globRegExp(d.path));
    const exclude = git.directories.filter((d) => d.exclude).map((d) => globRegExp(d.path));
    for (const dir of [...tree.dirs].sort()) {
      if (include.some((r) => r.test(dir)) && !exclude.some((r) => r.test(dir))) {
        out.push({ ...extra, path: pathParams(dir) });
      }
    }
  }
  return out;
}

function pathParams(dir: string) {
  return {
    path: dir,
    basename: posix.basename(dir),
    basenameNormalized: normalize(posix.basename(dir)),
    segments: dir.split('/'),
  };
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9-.]/g, '-');
}

/** A git generator's glob: `*` and `?` stay within one path segment, `**` crosses them, `{a,b}` is either. */
export function globRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      out += '.*';
      i++;
    } else if (c === '*') {
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '{') {
      out += '(?:';
    } else if (c === '}') {
      out += ')';
    } else if (c === ',') {
      out += '|';
    } else {
      out += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${out}$`);
}

function renderApplication(
  appSet: ApplicationSetObject,
  params: Record<string, unknown>,
): ExpandedApplication['application'] {
  const render = (value: unknown): unknown => {
    if (typeof value === 'string') return renderGoTemplate(value, params);
    if (Array.isArray(value)) return value.map(render);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [render(k) as string, render(v)]));
    }
    return value;
  };
  let app = { metadata: render(appSet.spec.template.metadata), spec: render(appSet.spec.template.spec) } as Record<
    string,
    unknown
  >;
  if (appSet.spec.templatePatch) {
    const patch = parse(renderGoTemplate(appSet.spec.templatePatch, params)) as Record<string, unknown>;
    app = mergePatch(app, patch);
  }
  const metadata = app.metadata as ExpandedApplication['application']['metadata'];
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { ...metadata, namespace: appSet.metadata.namespace },
    spec: app.spec as ApplicationSpec,
  };
}

/** A templatePatch merges into the template: mappings key by key, lists and scalars replaced. */
function mergePatch(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const [k, v] of Object.entries(patch ?? {})) {
    const current = out[k];
    const mergeable = (x: unknown) => x && typeof x === 'object' && !Array.isArray(x);
    out[k] =
      mergeable(current) && mergeable(v)
        ? mergePatch(current as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

/**
 * Checks what each Application would sync: it is a valid Application; every source path in this repository
 * exists and holds only valid Kubernetes objects (minus what the directory source excludes), at least one;
 * every `$values` file exists, with a `ref: values` source.
 */
export function checkApplications(
  tree: RepoTree,
  applications: readonly ExpandedApplication[],
  registry: SchemaRegistry,
  repoURLs: ReadonlySet<string>,
): { problems: Problem[]; objects: number } {
  const problems: Problem[] = [];
  let objects = 0;
  for (const { cluster, application } of applications) {
    const file = `clusters/${cluster}/argocd (Application ${application.metadata.name})`;
    for (const p of registry.validate(application)) {
      problems.push({ file, field: p.path.replace(/^\//, '').replace(/\//g, '.'), message: p.message });
    }
    const sources = application.spec.sources ?? (application.spec.source ? [application.spec.source] : []);
    if (sources.length === 0) problems.push({ file, field: 'spec', message: 'has no source' });
    const refs = new Set(sources.filter((s) => s.ref).map((s) => s.ref));
    for (const source of sources) {
      for (const valueFile of source.helm?.valueFiles ?? []) {
        const match = /^\$([^/]+)\/(.+)$/.exec(valueFile);
        if (!match) continue;
        if (!refs.has(match[1])) {
          problems.push({
            file,
            field: 'spec.sources',
            message: `value file ${valueFile} refers to no source with ref: ${match[1]}`,
          });
        }
        if (!tree.files.has(match[2])) {
          problems.push({ file, field: 'spec.sources', message: `value file ${match[2]} does not exist` });
        }
      }
      if (!source.path || !repoURLs.has(source.repoURL)) continue;
      if (!tree.dirs.has(source.path)) {
        problems.push({ file, field: 'spec.source.path', message: `${source.path} does not exist` });
        continue;
      }
      const exclude = source.directory?.exclude ? globRegExp(source.directory.exclude) : undefined;
      const manifests = filesUnder(tree, source.path).filter((f) => {
        const rel = f.slice(source.path!.length + 1);
        if (!source.directory?.recurse && rel.includes('/')) return false;
        return /\.(ya?ml|json)$/.test(f) && !(exclude && exclude.test(posix.basename(rel)));
      });
      let count = 0;
      for (const manifest of manifests) {
        const { objects: parsed, error } = parseManifest(readFileSync(join(tree.root, manifest), 'utf-8'));
        if (error) problems.push({ file: manifest, field: '', message: error });
        for (const object of parsed) {
          count++;
          for (const p of registry.validate(object)) {
            problems.push({ file: manifest, field: p.path.replace(/^\//, '').replace(/\//g, '.'), message: p.message });
          }
        }
      }
      if (count === 0) {
        problems.push({ file, field: 'spec.source.path', message: `${source.path} holds no Kubernetes objects` });
      }
      objects += count;
    }
  }
  return { problems, objects };
}

interface AppProjectObject {
  kind: string;
  metadata: { name: string };
  spec: { sourceRepos?: string[]; destinations?: { server?: string; name?: string; namespace?: string }[] };
}

/**
 * Checks each Application against its AppProject, as Argo CD does before it syncs: the project exists in
 * the cluster's `argocd/` folder, allows every source repository, and allows the destination cluster and namespace.
 */
export function checkProjects(tree: RepoTree, applications: readonly ExpandedApplication[]): Problem[] {
  const projects = new Map<string, AppProjectObject>();
  for (const file of [...tree.files].filter((f) => /^clusters\/[^/]+\/argocd\/[^/]+\.yaml$/.test(f))) {
    const object = parse(readFileSync(join(tree.root, file), 'utf-8')) as AppProjectObject;
    if (object?.kind === 'AppProject') projects.set(`${file.split('/')[1]}/${object.metadata.name}`, object);
  }
  const problems: Problem[] = [];
  for (const { cluster, application } of applications) {
    const file = `clusters/${cluster}/argocd (Application ${application.metadata.name})`;
    // Argo CD creates the `default` project, which allows everything
    if (application.spec.project === 'default') continue;
    const project = projects.get(`${cluster}/${application.spec.project}`);
    if (!project) {
      problems.push({
        file,
        field: 'spec.project',
        message: `AppProject ${application.spec.project} is not in clusters/${cluster}/argocd/`,
      });
      continue;
    }
    const allows = (patterns: readonly string[] | undefined, value: string | undefined) =>
      value !== undefined && (patterns ?? []).some((p) => globRegExp(p).test(value));
    const sources = application.spec.sources ?? (application.spec.source ? [application.spec.source] : []);
    for (const source of sources) {
      if (!allows(project.spec.sourceRepos, source.repoURL)) {
        problems.push({
          file,
          field: 'spec.sources',
          message: `repository ${source.repoURL} is not allowed by AppProject ${project.metadata.name}`,
        });
      }
    }
    const { destination } = application.spec;
    const allowed = (project.spec.destinations ?? []).some(
      (d) =>
        (d.server !== undefined ? allows([d.server], destination.server) : allows([d.name ?? ''], destination.name)) &&
        allows([d.namespace ?? ''], destination.namespace),
    );
    if (!allowed) {
      problems.push({
        file,
        field: 'spec.destination',
        message:
          `destination ${destination.server ?? destination.name}/${destination.namespace} ` +
          `is not allowed by AppProject ${project.metadata.name}`,
      });
    }
  }
  return problems;
}

/** One line per Application: name, project, what it syncs, and where to. */
export function describeApplication({ application }: ExpandedApplication): string {
  const sources = application.spec.sources ?? (application.spec.source ? [application.spec.source] : []);
  const what = sources
    .filter((s) => !s.ref)
    .map((s) =>
      s.chart
        ? `${s.chart}@${s.targetRevision} (${s.repoURL})`
        : `${s.path}${s.targetRevision ? `@${s.targetRevision}` : ''}`,
    )
    .join(' + ');
  const { destination } = application.spec;
  const where = `${destination.server ?? destination.name}/${destination.namespace ?? ''}`;
  return `${application.metadata.name}  [${application.spec.project}]  ${what}  ->  ${where}`;
}

/**
 * The rollout order of each ApplicationSet with a RollingSync strategy: its steps in order, each with its
 * Applications (name and cluster); the next step starts only when every Application of this one is Healthy.
 */
export function rolloutLines(applications: readonly ExpandedApplication[]): string[] {
  const lines: string[] = [];
  const sets = [...new Set(applications.filter((a) => a.rolloutStep !== undefined).map((a) => a.applicationSet))];
  for (const set of sets.sort()) {
    const own = applications.filter((a) => a.applicationSet === set);
    const steps = [...new Set(own.map((a) => a.rolloutStep!))].sort((a, b) => (a || Infinity) - (b || Infinity));
    lines.push(`\nrollout of ${set} (RollingSync; a step starts when every Application of the one before is Healthy):`);
    for (const step of steps) {
      const apps = own.filter((a) => a.rolloutStep === step);
      const clusters = [...new Set(apps.map((a) => a.cluster))].sort();
      lines.push(
        step
          ? `  step ${step} (${apps[0].rolloutStepLabel}): ${apps.length} Applications on ${clusters.join(', ')}`
          : `  no step (never synced by the ApplicationSet): ${apps.length} Applications on ${clusters.join(', ')}`,
      );
      for (const app of apps) lines.push(`    ${app.application.metadata.name}  ->  ${app.cluster}`);
    }
  }
  return lines;
}
