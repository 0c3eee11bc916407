import { readFileSync } from 'node:fs';
import type { KubernetesObject, RenderedObject } from './helm-template';
import type { SchemaRegistry } from '../checks/schema-registry';
import type { ProvidedObject } from '../model/platform-module';

/** A CustomResourceDefinition a chart renders: what it serves, at which versions. */
export interface RenderedCrd {
  /** `<plural>.<group>`. */
  readonly name: string;
  readonly group: string;
  readonly kind: string;
  readonly plural: string;
  /** Versions it serves. */
  readonly versions: readonly string[];
  readonly object: KubernetesObject;
}

/** The CRDs among rendered objects (apiextensions.k8s.io/v1), as far as they say what they serve. */
export function renderedCrds(objects: readonly RenderedObject[]): RenderedCrd[] {
  const crds: RenderedCrd[] = [];
  for (const { object } of objects) {
    if (object.kind !== 'CustomResourceDefinition' || object.apiVersion !== 'apiextensions.k8s.io/v1') continue;
    const spec = object.spec as
      { group?: unknown; names?: { kind?: unknown; plural?: unknown }; versions?: unknown } | undefined;
    if (
      typeof spec?.group !== 'string' ||
      typeof spec.names?.kind !== 'string' ||
      typeof spec.names.plural !== 'string'
    ) {
      continue;
    }
    const versions = Array.isArray(spec.versions)
      ? spec.versions
          .filter((v) => v && typeof v === 'object' && v.served !== false && typeof v.name === 'string')
          .map((v) => v.name as string)
      : [];
    crds.push({
      name: String(object.metadata?.name ?? ''),
      group: spec.group,
      kind: spec.names.kind,
      plural: spec.names.plural,
      versions,
      object,
    });
  }
  return crds;
}

/** The `apiVersion/kind` pairs Kubernetes itself serves, from the vendored API definitions. */
export function kubernetesKinds(definitionsFile: string): Set<string> {
  const document = JSON.parse(readFileSync(definitionsFile, 'utf-8')) as {
    definitions: Record<string, Record<string, unknown>>;
  };
  const kinds = new Set<string>();
  for (const definition of Object.values(document.definitions)) {
    const gvks = definition['x-kubernetes-group-version-kind'] as
      { group: string; version: string; kind: string }[] | undefined;
    for (const gvk of gvks ?? []) kinds.add(`${gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version}/${gvk.kind}`);
  }
  return kinds;
}

/**
 * The kinds one cluster serves beyond Kubernetes, and who serves each: the CRDs its charts render (exact kind and
 * versions), and the CRDs its enabled modules declare (`<plural>.<group>`: matched to a kind by Kubernetes' own
 * guess of the plural, as `kubectl` makes it), and groups served by something outside the modules (Argo CD).
 */
export class ServedKinds {
  private readonly exact = new Map<string, { by: string; versions: Set<string> }>();
  private readonly declared = new Map<string, string>();
  private readonly groups = new Map<string, string>();

  addRendered(crd: RenderedCrd, by: string): void {
    const key = `${crd.group}/${crd.kind}`;
    const entry = this.exact.get(key) ?? { by, versions: new Set<string>() };
    for (const version of crd.versions) entry.versions.add(version);
    this.exact.set(key, entry);
  }

  addDeclared(crdName: string, by: string): void {
    if (!this.declared.has(crdName)) this.declared.set(crdName, by);
  }

  addGroup(group: string, by: string): void {
    this.groups.set(group, by);
  }

  /**
   * Who serves the kind at this apiVersion, or undefined; `wrongVersion` when a rendered CRD has the kind at other
   * versions only.
   */
  servedBy(apiVersion: string, kind: string): { by: string } | { wrongVersion: string[]; by: string } | undefined {
    const slash = apiVersion.indexOf('/');
    if (slash < 0) return undefined;
    const group = apiVersion.slice(0, slash);
    const version = apiVersion.slice(slash + 1);
    const exact = this.exact.get(`${group}/${kind}`);
    if (exact) {
      return exact.versions.has(version)
        ? { by: exact.by }
        : { wrongVersion: [...exact.versions].sort(), by: exact.by };
    }
    for (const plural of guessPlurals(kind)) {
      const by = this.declared.get(`${plural}.${group}`);
      if (by) return { by };
    }
    const by = this.groups.get(group);
    return by ? { by } : undefined;
  }
}

/** Kubernetes' guess of a kind's resource name (`UnsafeGuessKindToResource`), and the plain `s` form. */
function guessPlurals(kind: string): string[] {
  const lower = kind.toLowerCase();
  const guesses = new Set<string>([`${lower}s`]);
  if (/(s|x|z|ch|sh)$/.test(lower)) guesses.add(`${lower}es`);
  if (/[^aeiou]y$/.test(lower)) guesses.add(`${lower.slice(0, -1)}ies`);
  return [...guesses];
}

export interface ObjectCheckContext {
  /** The Kubernetes API definitions and the vendored CRDs (`SchemaRegistry.forFleet()`), strict. */
  readonly registry: SchemaRegistry;
  /** The schemas of the CRDs the cluster's charts render, for custom kinds without a vendored schema. */
  readonly chartSchemas: SchemaRegistry;
  /** What Kubernetes itself serves, `apiVersion/kind`. */
  readonly kubernetes: ReadonlySet<string>;
  readonly served: ServedKinds;
}

export type ObjectVerdict =
  | { readonly status: 'valid' }
  | {
      readonly status: 'served';
      /** served by a CRD without a schema here: its kind is checked, not its fields */ readonly by: string;
    }
  | { readonly status: 'invalid'; readonly problems: string[] };

/**
 * The object as the API server decodes it: a JSON null leaves a Go field at its zero value (a nil list or map, an
 * empty string), the same as an absent key, so a chart's `rules:` with nothing under it is an empty Role, not an
 * invalid one. The generator's own objects never hold null (they are checked as written).
 */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}

/**
 * Checks one rendered object as `validate` checks the generator's own: a Kubernetes kind or a custom kind with a
 * vendored schema against that schema, strictly (a field the API does not know is an error); a custom kind must
 * also be served on this cluster (a CRD a chart renders, or one an enabled module declares), and is validated
 * against the rendered CRD's schema when nothing is vendored for it.
 */
export function checkObject(rendered: KubernetesObject, context: ObjectCheckContext): ObjectVerdict {
  const object = withoutNulls(rendered) as KubernetesObject;
  const { apiVersion, kind } = object;
  if (typeof apiVersion !== 'string' || !apiVersion || typeof kind !== 'string' || !kind) {
    return { status: 'invalid', problems: ['has no apiVersion and kind'] };
  }
  const schemaProblems = (registry: SchemaRegistry) =>
    registry
      .validate(object)
      .map((p) => (p.path ? `${p.path.replace(/^\//, '').replace(/\//g, '.')}: ${p.message}` : p.message));
  if (context.kubernetes.has(`${apiVersion}/${kind}`)) {
    const problems = schemaProblems(context.registry);
    return problems.length ? { status: 'invalid', problems } : { status: 'valid' };
  }
  const served = context.served.servedBy(apiVersion, kind);
  if (!served) {
    return {
      status: 'invalid',
      problems: [
        `${apiVersion} ${kind} is not served on this cluster: not a Kubernetes API kind, ` +
          `nor a kind of a CRD that its charts render or its enabled modules declare (crds)`,
      ],
    };
  }
  if ('wrongVersion' in served) {
    return {
      status: 'invalid',
      problems: [
        `${apiVersion} ${kind} is not served: the CRD ${served.by} ` +
          `renders serves ${kind} at ${served.wrongVersion.join(', ')} only`,
      ],
    };
  }
  for (const registry of [context.registry, context.chartSchemas]) {
    if (!registry.has(apiVersion, kind)) continue;
    const problems = schemaProblems(registry);
    return problems.length ? { status: 'invalid', problems } : { status: 'valid' };
  }
  return { status: 'served', by: served.by };
}

/**
 * How a rendered object is named in messages: `ClusterTrainingRuntime torch-distributed (demo/templates/runtime.yaml)`.
 */
export function describeRendered({ object, source }: RenderedObject): string {
  const namespace = typeof object.metadata?.namespace === 'string' ? `${object.metadata.namespace}/` : '';
  return `${String(object.kind)} ${namespace}${String(object.metadata?.name ?? '(no name)')} (${source})`;
}

/**
 * How a declared object is named in messages: `trainer.kubeflow.org/v1alpha1 ClusterTrainingRuntime torch-distributed`.
 */
export function describeProvided(p: ProvidedObject): string {
  return `${p.apiVersion} ${p.kind} ${p.namespace ? `${p.namespace}/` : ''}${p.name}`;
}

/**
 * The declared objects that are not among the rendered ones, each with what came closest (the same kind and name
 * at another apiVersion or in another namespace). A namespaced object without `metadata.namespace` lands in the
 * Application's destination namespace.
 */
export function missingProvided(
  declared: readonly ProvidedObject[],
  objects: readonly RenderedObject[],
  destinationNamespace: string,
): { provided: ProvidedObject; near?: string }[] {
  const missing: { provided: ProvidedObject; near?: string }[] = [];
  for (const provided of declared) {
    const sameName = objects.filter(
      ({ object }) => object.kind === provided.kind && object.metadata?.name === provided.name,
    );
    const namespaceOf = (object: KubernetesObject) =>
      typeof object.metadata?.namespace === 'string' ? object.metadata.namespace : destinationNamespace;
    const found = sameName.some(
      ({ object }) =>
        object.apiVersion === provided.apiVersion &&
        (!provided.namespace || namespaceOf(object) === provided.namespace),
    );
    if (found) continue;
    const near = sameName[0];
    missing.push({
      provided,
      near: near
        ? `renders ${near.object.apiVersion} ${provided.kind} ${provided.name}` +
          (provided.namespace ? ` in namespace ${namespaceOf(near.object)}` : '') +
          ` (${near.source})`
        : undefined,
    });
  }
  return missing;
}

/** Values as one short line for a message: compact JSON, cut at `max` characters. */
export function describeValues(values: Record<string, unknown>, max = 240): string {
  const text = JSON.stringify(values);
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}
