import { fieldPath, type Problem } from '../config/problems';
import { InstanceTableMissing } from '../instances/instance-table';
import { moduleApplication } from '../model/argocd-names';
import type { ClusterSpec } from '../model/cluster-spec';
import type { EnabledModule, ModuleDescriptor } from '../model/compiled-cluster';
import type { HubFleet } from '../model/fleet-hub';
import type { K8sObject } from '../model/k8s-object';
import type { ModuleContext, ModuleProblem, ModuleSource, PlatformModule } from '../model/platform-module';
import { teamNamespaceObjects } from '../teams/team-namespace';

export const PLATFORM_FOLDER = 'platform';
/** The descriptor of a module's Application, read by the platform ApplicationSet's git file generator. */
export const MODULE_DESCRIPTOR = 'module.json';
/** The Helm values of a module, referenced by its Application as `$values/<folder>/values.yaml`. */
export const VALUES_FILE = 'values.yaml';
/** The team namespaces: not a catalog module, but synced like one (its own Application). */
export const TEAMS_MODULE = 'teams';

/** What one cluster's platform folder holds: objects per module folder, and the descriptors and values beside them. */
export interface CompiledPlatform {
  readonly folders: Map<string, K8sObject[]>;
  readonly documents: Map<string, unknown>;
  readonly descriptors: ModuleDescriptor[];
}

/**
 * Renders every enabled module of a cluster into `platform/<module>/`: the Helm values (computed from the
 * cluster spec, the cluster.yaml override merged over them), the objects the project owns, one file each,
 * and the descriptor its Application is generated from. The team namespaces become `platform/teams/`.
 */
export function compilePlatform(
  spec: ClusterSpec,
  file: string,
  modules: readonly EnabledModule[],
  lineOf: (path: PropertyKey[]) => number | undefined,
  hubFleet?: HubFleet,
): { ok: true; platform: CompiledPlatform } | { ok: false; problems: Problem[] } {
  const enabled = new Set(modules.map((m) => m.module.name));
  const folders = new Map<string, K8sObject[]>();
  const documents = new Map<string, unknown>();
  const descriptors: ModuleDescriptor[] = [];
  const problems: Problem[] = [];

  for (const enabledModule of modules) {
    const { module } = enabledModule;
    let compiled: CompiledModule;
    try {
      compiled = compileModule(spec, enabledModule, enabled, hubFleet);
    } catch (error) {
      if (!(error instanceof InstanceTableMissing)) throw error;
      return { ok: false, problems: [{ file, field: '', message: error.message }] };
    }
    for (const p of compiled.problems) {
      problems.push(
        p.path
          ? { file, line: lineOf([...p.path]), field: fieldPath(p.path), message: p.message }
          : {
              file,
              line: lineOf(['modules', module.name]),
              field: `modules.${module.name}${p.field ? `.${p.field}` : ''}`,
              message: p.message,
            },
      );
    }
    folders.set(compiled.folder, compiled.objects);
    if (compiled.values) documents.set(`${compiled.folder}/${VALUES_FILE}`, compiled.values);
    descriptors.push(compiled.descriptor);
  }

  // the team namespaces, when there are teams: an Application over an empty folder would sync nothing
  if (spec.teams.length) {
    const teamsFolder = `${PLATFORM_FOLDER}/${TEAMS_MODULE}`;
    folders.set(
      teamsFolder,
      spec.teams.flatMap((team) => teamNamespaceObjects(spec, team)),
    );
    descriptors.push({
      module: TEAMS_MODULE,
      application: moduleApplication(spec, TEAMS_MODULE),
      namespace: 'default',
      wave: '0',
      upstream: 'rendered by the generator',
      sources: [ownedSource(spec, teamsFolder)],
      syncOptions: ['PruneLast=true'],
    });
  }

  for (const descriptor of descriptors) {
    documents.set(`${PLATFORM_FOLDER}/${descriptor.module}/${MODULE_DESCRIPTOR}`, descriptor);
  }
  if (problems.length) return { ok: false, problems };
  return { ok: true, platform: { folders, documents, descriptors } };
}

interface CompiledModule {
  readonly folder: string;
  readonly objects: K8sObject[];
  readonly values: Record<string, unknown> | undefined;
  readonly descriptor: ModuleDescriptor;
  readonly problems: ModuleProblem[];
}

/** One module on one cluster: its checks, owned objects, Helm values and the sources of its Application. */
function compileModule(
  spec: ClusterSpec,
  { module, version, values: overrides }: EnabledModule,
  enabled: ReadonlySet<string>,
  hubFleet: HubFleet | undefined,
): CompiledModule {
  const folder = `${PLATFORM_FOLDER}/${module.name}`;
  const context: ModuleContext = { cluster: spec, enabled, overrides, ...(hubFleet ? { hubFleet } : {}) };
  const objects = afterOwnCrds(module.manifests?.(context) ?? [], module.crds);
  const primary = module.source;
  const sources: Record<string, unknown>[] = [];
  let values: Record<string, unknown> | undefined;
  if (primary?.kind === 'helm') {
    values = moduleValues(module, context);
    sources.push({
      repoURL: primary.repoURL,
      chart: primary.chart,
      targetRevision: version,
      helm: { releaseName: module.name, valueFiles: [`$values/clusters/${spec.name}/${folder}/${VALUES_FILE}`] },
    });
  } else if (primary?.kind === 'git') {
    const patches = module.kustomizePatches?.(context) ?? [];
    sources.push({
      repoURL: primary.repoURL,
      path: primary.path,
      targetRevision: version,
      ...(patches.length ? { kustomize: { patches } } : {}),
    });
  }
  for (const extra of module.extraSources ?? []) sources.push(extraSource(extra));
  if (primary?.kind === 'helm') {
    sources.push({ repoURL: spec.argocd.repoURL, targetRevision: spec.argocd.targetRevision, ref: 'values' });
  }
  if (objects.length) sources.push(ownedSource(spec, folder));

  // a module's objects may be kinds whose CRDs another module's Application installs (ServiceMonitors,
  // Certificates, Gateways): applied once those exist, through the retries, instead of failing the dry run
  const syncOptions = ['CreateNamespace=true', 'PruneLast=true', 'SkipDryRunOnMissingResource=true'];
  if (module.serverSideApply) syncOptions.push('ServerSideApply=true');
  return {
    folder,
    objects,
    values,
    problems: module.check?.(context) ?? [],
    descriptor: {
      module: module.name,
      application: moduleApplication(spec, module.name),
      namespace: module.namespace,
      wave: String(module.wave),
      upstream: primary ? upstreamPin(primary, version) : 'rendered by the generator',
      sources,
      syncOptions,
    },
  };
}

/**
 * Custom resources of the module's own CRDs (NodePools, ClusterQueues) go one sync wave after the chart, so
 * that Argo CD applies them once the CRDs are established and the controller and its webhooks are healthy.
 */
function afterOwnCrds(objects: K8sObject[], crds: readonly string[]): K8sObject[] {
  const groups = new Set(crds.map((crd) => crd.slice(crd.indexOf('.') + 1)));
  return objects.map((object) => {
    const group = object.apiVersion.includes('/') ? object.apiVersion.slice(0, object.apiVersion.indexOf('/')) : '';
    if (!groups.has(group)) return object;
    return {
      ...object,
      metadata: {
        ...object.metadata,
        annotations: { ...object.metadata.annotations, 'argocd.argoproj.io/sync-wave': '1' },
      },
    };
  });
}

/** The folder of the objects the project owns; the descriptor and values beside them are not manifests. */
function ownedSource(spec: ClusterSpec, folder: string) {
  return {
    repoURL: spec.argocd.repoURL,
    targetRevision: spec.argocd.targetRevision,
    path: `clusters/${spec.name}/${folder}`,
    directory: { exclude: `{${MODULE_DESCRIPTOR},${VALUES_FILE}}` },
  };
}

function extraSource(source: ModuleSource): Record<string, unknown> {
  return source.kind === 'helm'
    ? {
        repoURL: source.repoURL,
        chart: source.chart,
        targetRevision: source.version,
        helm: { releaseName: source.chart },
      }
    : { repoURL: source.repoURL, path: source.path, targetRevision: source.ref };
}

function upstreamPin(source: ModuleSource, version: string | undefined): string {
  return source.kind === 'helm' ? `${source.chart}@${version}` : `${source.repoURL}//${source.path}@${version}`;
}

/** A module's Helm values on a cluster: what it computes from the spec, with the cluster.yaml override merged over. */
export function moduleValues(module: PlatformModule, context: ModuleContext): Record<string, unknown> {
  return deepMerge(module.values?.(context) ?? {}, context.overrides);
}

/** Helm's own rule for values files: mappings merge key by key, anything else (lists too) is replaced. */
export function deepMerge(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = out[key];
    out[key] = isMapping(current) && isMapping(value) ? deepMerge(current, value) : value;
  }
  return out;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
