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
  readonly cluster: string;
  readonly applicationSet: string;
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
interface ApplicationSetObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: {
    goTemplate?: boolean;
    goTemplateOptions?: string[];
    generators: ({ git?: GitGenerator } & Record<string, unknown>)[];
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
    for (const generator of object.spec.generators) {
      if (!generator.git || Object.keys(generator).length !== 1) {
        fail(`only git generators are expanded here, got ${Object.keys(generator).join(', ')}`);
        continue;
      }
      for (const params of gitParams(tree, generator.git)) {
        try {
          const app = renderApplication(object, params);
          if (names.has(app.metadata.name)) fail(`generates two Applications named ${app.metadata.name}`);
          names.add(app.metadata.name);
          applications.push({ cluster, applicationSet: object.metadata.name, application: app });
        } catch (error) {
          if (!(error instanceof TemplateError)) throw error;
          fail(`template error for ${String((params.path as { path: string }).path)}: ${error.message}`);
        }
      }
    }
  }
  return { applications, problems };
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
