import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { parse } from 'yaml';

/** Where the vendored upstream schemas live: `../shared` beside the repository, or `$FLEET_SHARED_DIR`. */
export function sharedDir(root: string): string {
  return process.env.FLEET_SHARED_DIR ?? join(root, '..', 'shared');
}

const KUBERNETES_VERSION = 'v1.35.0';

/** The Kubernetes quantity grammar (resource.Quantity), which the OpenAPI schema only calls a string. */
const QUANTITY_PATTERN = '^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?[0-9]+))?$';

export interface SchemaProblem {
  /** JSON pointer into the object, `/spec/hard/requests.cpu`. */
  readonly path: string;
  readonly message: string;
}

/**
 * JSON schemas of every kind the generator may emit, by `apiVersion` and `kind`: the Kubernetes API
 * definitions, and (added by later stages) the vendored CRDs. Objects are closed: a field the API
 * does not know is an error, as it is under the API server's strict field validation.
 */
export class SchemaRegistry {
  private readonly ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
  private readonly schemas = new Map<string, object>();
  private readonly compiled = new Map<string, ValidateFunction>();
  /** Vendored CRD files not read yet, by `group/kind` (two files may define one kind at different versions). */
  private readonly crdFiles = new Map<string, string[]>();

  /** The Kubernetes API definitions (`_definitions.json`), read from the shared folder. */
  static forKubernetes(shared: string): SchemaRegistry {
    const registry = new SchemaRegistry();
    registry.addKubernetesDefinitions(
      JSON.parse(readFileSync(join(shared, 'schemas', 'kubernetes', KUBERNETES_VERSION, '_definitions.json'), 'utf-8')),
    );
    return registry;
  }

  /** The Kubernetes API definitions and every vendored CRD (`schemas/crds/<project>/*.yaml`), read when first needed. */
  static forFleet(shared: string): SchemaRegistry {
    const registry = SchemaRegistry.forKubernetes(shared);
    registry.addCrdDirectory(join(shared, 'schemas', 'crds'));
    return registry;
  }

  /**
   * Indexes the CRD files under `dir` by group and kind. Parsing all of them takes seconds (some are
   * megabytes), so a file is parsed, and its served versions added, only when an object of its kind is checked.
   */
  addCrdDirectory(dir: string): void {
    for (const project of readdirSync(dir).sort()) {
      for (const name of readdirSync(join(dir, project)).sort()) {
        if (!name.endsWith('.yaml')) continue;
        const path = join(dir, project, name);
        const text = readFileSync(path, 'utf-8');
        const group = /^ {2}group: (\S+)$/m.exec(text)?.[1];
        const kind = /^ {4}kind: (\S+)$/m.exec(text)?.[1];
        if (!group || !kind) throw new Error(`${path}: not a CustomResourceDefinition with spec.group and spec.names.kind`);
        const k = `${group}/${kind}`;
        this.crdFiles.set(k, [...(this.crdFiles.get(k) ?? []), path]);
      }
    }
  }

  /** Adds a CustomResourceDefinition: the openAPIV3Schema of each version it serves. */
  addCrd(crd: CustomResourceDefinition): void {
    for (const version of crd.spec.versions) {
      if (!version.served || !version.schema?.openAPIV3Schema) continue;
      this.addKind(`${crd.spec.group}/${version.name}`, crd.spec.names.kind, version.schema.openAPIV3Schema);
    }
  }

  addKubernetesDefinitions(document: { definitions: Record<string, Record<string, unknown>> }): void {
    const definitions = structuredClone(document.definitions);
    definitions['io.k8s.apimachinery.pkg.api.resource.Quantity'] = {
      oneOf: [{ type: 'string', pattern: QUANTITY_PATTERN }, { type: 'number' }],
    };
    for (const definition of Object.values(definitions)) closeObjects(definition);
    const root = { $id: 'k8s', definitions };
    this.ajv.addSchema(root);
    for (const [name, definition] of Object.entries(definitions)) {
      const gvks = definition['x-kubernetes-group-version-kind'] as { group: string; version: string; kind: string }[] | undefined;
      for (const gvk of gvks ?? []) {
        const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
        this.schemas.set(key(apiVersion, gvk.kind), { $ref: `k8s#/definitions/${name}` });
      }
    }
  }

  /** Adds the schema of one kind at one version (for example a CRD version's openAPIV3Schema). */
  addKind(apiVersion: string, kind: string, schema: object): void {
    const closed = structuredClone(schema) as Record<string, unknown>;
    closeObjects(closed);
    this.schemas.set(key(apiVersion, kind), closed);
  }

  has(apiVersion: string, kind: string): boolean {
    return this.schemaOf(apiVersion, kind) !== undefined;
  }

  private schemaOf(apiVersion: string, kind: string): object | undefined {
    const k = key(apiVersion, kind);
    if (!this.schemas.has(k) && apiVersion.includes('/')) {
      const group = apiVersion.slice(0, apiVersion.indexOf('/'));
      const files = this.crdFiles.get(`${group}/${kind}`) ?? [];
      this.crdFiles.delete(`${group}/${kind}`);
      for (const file of files) this.addCrd(parse(readFileSync(file, 'utf-8')) as CustomResourceDefinition);
    }
    return this.schemas.get(k);
  }

  /** Problems of one object; an object of a kind with no schema is itself a problem. */
  validate(object: { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } }): SchemaProblem[] {
    const apiVersion = String(object.apiVersion);
    const kind = String(object.kind);
    const k = key(apiVersion, kind);
    const schema = this.schemaOf(apiVersion, kind);
    if (!schema) return [{ path: '', message: `no schema for ${apiVersion} ${kind}: not a Kubernetes API kind nor a vendored CRD` }];
    let validate = this.compiled.get(k);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.compiled.set(k, validate);
    }
    const problems: SchemaProblem[] = [];
    if (typeof object.metadata?.name !== 'string' || object.metadata.name === '') {
      problems.push({ path: '/metadata/name', message: 'is required' });
    }
    if (!validate(object)) {
      for (const error of validate.errors ?? []) {
        const extra = error.keyword === 'additionalProperties' ? ` "${(error.params as { additionalProperty: string }).additionalProperty}"` : '';
        problems.push({ path: error.instancePath, message: `${error.message ?? 'is invalid'}${extra}` });
      }
    }
    return problems;
  }
}

interface CustomResourceDefinition {
  spec: {
    group: string;
    names: { kind: string };
    versions: { name: string; served: boolean; schema?: { openAPIV3Schema?: object } }[];
  };
}

function key(apiVersion: string, kind: string) {
  return `${apiVersion}/${kind}`;
}

/**
 * Marks every object schema that lists its properties as closed, like the API server's strict field
 * validation, unless it says it keeps unknown fields.
 */
function closeObjects(schema: unknown): void {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return;
  const s = schema as Record<string, unknown>;
  if (s.properties && s.additionalProperties === undefined && !s['x-kubernetes-preserve-unknown-fields']) {
    s.additionalProperties = false;
  }
  // walk only the keywords that hold schemas: a field may be named like a keyword ("properties")
  for (const map of [s.properties, s.patternProperties, s.definitions]) {
    if (map && typeof map === 'object') for (const sub of Object.values(map)) closeObjects(sub);
  }
  for (const sub of [s.items, s.additionalProperties, s.not]) closeObjects(sub);
  for (const list of [s.allOf, s.anyOf, s.oneOf]) {
    if (Array.isArray(list)) for (const sub of list) closeObjects(sub);
  }
}
