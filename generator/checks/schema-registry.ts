import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { dereference, validate as validateInstance, type OutputUnit, type Schema } from '@cfworker/json-schema';
import { CRD_DIR, KUBERNETES_DEFINITIONS } from '../model/vendor-files';

/** The Kubernetes quantity grammar (resource.Quantity), which the OpenAPI schema only calls a string. */
const QUANTITY_PATTERN = '^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?[0-9]+))?$';
/** The base URI of the Kubernetes definitions; their `$ref`s resolve against it. */
const KUBERNETES_URI = 'https://kubernetes.schemas.local/';

export interface SchemaProblem {
  /** JSON pointer into the object, `/spec/hard/requests.cpu`. */
  readonly path: string;
  readonly message: string;
}

/**
 * JSON schemas of every kind the generator may emit, by `apiVersion` and `kind`: the Kubernetes API
 * definitions and the vendored CRDs (`vendor/schemas`). Objects are closed: a field the API does not know is an
 * error, as it is under the API server's strict field validation.
 *
 * The engine interprets the schema as it walks the object (`@cfworker/json-schema`) instead of compiling code
 * for it: the CRDs of Argo CD, KubeRay or KServe are megabytes of schema, which a compiling validator takes
 * seconds to turn into code, while an object touches only the small part of the schema its fields name.
 */
export class SchemaRegistry {
  private readonly lookup: Record<string, Schema | boolean> = Object.create(null);
  private readonly schemas = new Map<string, Schema>();
  /** Vendored CRD files not read yet, by `group/kind`. */
  private readonly crdFiles = new Map<string, string>();
  /** The CRD (`<plural>.<group>`) of each vendored `group/kind`. */
  private readonly crdNames = new Map<string, string>();
  /** `apiVersion/kind` of the Kubernetes API's own kinds. */
  private readonly kubernetesKinds = new Set<string>();

  /** The Kubernetes API definitions. */
  static forKubernetes(definitionsFile = KUBERNETES_DEFINITIONS): SchemaRegistry {
    const registry = new SchemaRegistry();
    registry.addKubernetesDefinitions(JSON.parse(readFileSync(definitionsFile, 'utf-8')));
    return registry;
  }

  /** The Kubernetes API definitions and every vendored CRD, read when first needed. */
  static forFleet(definitionsFile = KUBERNETES_DEFINITIONS, crdDir = CRD_DIR): SchemaRegistry {
    const registry = SchemaRegistry.forKubernetes(definitionsFile);
    registry.addCrdDirectory(crdDir);
    return registry;
  }

  /**
   * Indexes the CRD files of a folder (`<plural>.<group>.json`) by group and kind; each is parsed when first needed.
   */
  addCrdDirectory(dir: string): void {
    for (const name of readdirSync(dir).sort()) {
      if (!name.endsWith('.json')) continue;
      const path = join(dir, name);
      // the group and kind sit in the file's first lines, before the versions' schemas: read only those
      const head = readHead(path, 4096);
      const group = /"group": "([^"]+)"/.exec(head)?.[1];
      const kind = /"kind": "([^"]+)",\s*"listKind"/.exec(head)?.[1];
      if (!group || !kind) {
        throw new Error(`${path}: not a CustomResourceDefinition with spec.group and spec.names.kind`);
      }
      this.crdFiles.set(`${group}/${kind}`, path);
      this.crdNames.set(`${group}/${kind}`, name.slice(0, -'.json'.length));
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
    const definitions = document.definitions;
    definitions['io.k8s.apimachinery.pkg.api.resource.Quantity'] = {
      oneOf: [{ type: 'string', pattern: QUANTITY_PATTERN }, { type: 'number' }],
    };
    for (const definition of Object.values(definitions)) prepare(definition);
    dereference({ $id: KUBERNETES_URI, definitions } as Schema, this.lookup);
    for (const [name, definition] of Object.entries(definitions)) {
      const gvks = definition['x-kubernetes-group-version-kind'] as
        { group: string; version: string; kind: string }[] | undefined;
      for (const gvk of gvks ?? []) {
        const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
        this.schemas.set(key(apiVersion, gvk.kind), this.lookup[`${KUBERNETES_URI}#/definitions/${name}`] as Schema);
        this.kubernetesKinds.add(key(apiVersion, gvk.kind));
      }
    }
  }

  /** Adds the schema of one kind at one version (for example a CRD version's openAPIV3Schema). */
  addKind(apiVersion: string, kind: string, schema: object): void {
    const prepared = prepare(schema) as Schema;
    dereference({ ...prepared, $id: `https://crds.schemas.local/${apiVersion}/${kind}` }, this.lookup);
    this.schemas.set(key(apiVersion, kind), this.lookup[`https://crds.schemas.local/${apiVersion}/${kind}`] as Schema);
  }

  /** Whether the Kubernetes API itself serves the kind at that version (no CRD needed). */
  isKubernetesKind(apiVersion: string, kind: string): boolean {
    return this.kubernetesKinds.has(key(apiVersion, kind));
  }

  /** The vendored CRD (`<plural>.<group>`) that serves a custom kind, if there is one. */
  crdOf(apiVersion: string, kind: string): string | undefined {
    return this.crdNames.get(`${apiVersion.slice(0, apiVersion.indexOf('/'))}/${kind}`);
  }

  has(apiVersion: string, kind: string): boolean {
    return this.schemaOf(apiVersion, kind) !== undefined;
  }

  private schemaOf(apiVersion: string, kind: string): Schema | undefined {
    const k = key(apiVersion, kind);
    if (!this.schemas.has(k) && apiVersion.includes('/')) {
      const group = apiVersion.slice(0, apiVersion.indexOf('/'));
      const file = this.crdFiles.get(`${group}/${kind}`);
      this.crdFiles.delete(`${group}/${kind}`);
      if (file) this.addCrd(JSON.parse(readFileSync(file, 'utf-8')) as CustomResourceDefinition);
    }
    return this.schemas.get(k);
  }

  /** Problems of one object; an object of a kind with no schema is itself a problem. */
  validate(object: { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } }): SchemaProblem[] {
    const apiVersion = String(object.apiVersion);
    const kind = String(object.kind);
    const schema = this.schemaOf(apiVersion, kind);
    if (!schema) {
      return [
        { path: '', message: `no schema for ${apiVersion} ${kind}: not a Kubernetes API kind nor a vendored CRD` },
      ];
    }
    const problems: SchemaProblem[] = [];
    if (typeof object.metadata?.name !== 'string' || object.metadata.name === '') {
      problems.push({ path: '/metadata/name', message: 'is required' });
    }
    const result = validateInstance(object, schema, '7', this.lookup, false);
    if (!result.valid) problems.push(...describe(result.errors));
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

/** The first `bytes` of a file, as text. */
function readHead(path: string, bytes: number): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    return buffer.toString('utf-8', 0, readSync(fd, buffer, 0, bytes, 0));
  } finally {
    closeSync(fd);
  }
}

function key(apiVersion: string, kind: string) {
  return `${apiVersion}/${kind}`;
}

/** Keywords whose errors only say that something below them failed: the failure below is the one reported. */
const WRAPPERS = new Set(['properties', 'items', 'additionalItems', '$ref', 'allOf', 'patternProperties']);

/**
 * The engine's errors as the fields that are wrong: a wrapper's error is left out for the error below it. A
 * failed anyOf or oneOf (int-or-string, a quantity) reports the errors of the one alternative of the value's
 * type, when there is one ("must match pattern"), or else one line for the anyOf itself.
 */
function describe(errors: readonly OutputUnit[]): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  for (let i = 0; i < errors.length; i++) {
    const error = errors[i];
    if (error.keyword === 'anyOf' || error.keyword === 'oneOf') {
      const prefix = `${error.keywordLocation}/`;
      let end = i + 1;
      while (end < errors.length && errors[end].keywordLocation.startsWith(prefix)) end++;
      const branches = new Map<string, OutputUnit[]>();
      for (const e of errors.slice(i + 1, end)) {
        const branch = e.keywordLocation.slice(prefix.length).split('/')[0];
        branches.set(branch, [...(branches.get(branch) ?? []), e]);
      }
      const ofType = [...branches.values()].filter(
        (b) => !b.some((e) => e.keyword === 'type' && e.instanceLocation === error.instanceLocation),
      );
      if (ofType.length === 1) problems.push(...describe(ofType[0]));
      else problems.push({ path: error.instanceLocation.replace(/^#/, ''), message: message(error) });
      i = end - 1;
      continue;
    }
    if (WRAPPERS.has(error.keyword) || error.keyword === 'false') continue;
    // a field a closed object does not have (its `false` schema follows), not a wrong value in a map
    if (error.keyword === 'additionalProperties' && errors[i + 1]?.keyword !== 'false') continue;
    problems.push({ path: error.instanceLocation.replace(/^#/, ''), message: message(error) });
  }
  return problems;
}

function message(error: OutputUnit): string {
  switch (error.keyword) {
    case 'pattern':
      return `must match pattern ${/pattern (".*")\.?$/.exec(error.error)?.[1] ?? ''}`.trim();
    case 'type':
      return `must be ${/Expected "(.*)"\./.exec(error.error)?.[1].split('", "').join(',') ?? 'of another type'}`;
    case 'required':
      return `must have required property '${/property "(.*)"\./.exec(error.error)?.[1]}'`;
    case 'additionalProperties':
      return `must NOT have additional properties "${/Property "(.*)" does not match/.exec(error.error)?.[1]}"`;
    case 'enum':
      return 'must be equal to one of the allowed values';
    case 'anyOf':
      return 'must match a schema in anyOf';
    case 'oneOf':
      return 'must match exactly one schema in oneOf';
    default:
      return error.error;
  }
}

/**
 * Makes a schema say what the API server enforces: every object schema that lists its properties is closed
 * (strict field validation) unless it keeps unknown fields, and formats are not checked (the API server checks
 * only a few, and the generator emits none of the others). Walks only the keywords that hold schemas: a field
 * may be named like a keyword ("properties").
 */
function prepare(schema: unknown): unknown {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const s = schema as Record<string, unknown>;
  if (s.properties && s.additionalProperties === undefined && !s['x-kubernetes-preserve-unknown-fields']) {
    s.additionalProperties = false;
  }
  // int-or-string in the Kubernetes definitions (CRDs say it with anyOf); nullable is OpenAPI's, not JSON Schema's
  if (s.format === 'int-or-string') {
    delete s.type;
    s.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (s.nullable === true && typeof s.type === 'string') s.type = [s.type, 'null'];
  delete s.format;
  for (const map of [s.properties, s.patternProperties, s.definitions]) {
    if (map && typeof map === 'object') for (const sub of Object.values(map)) prepare(sub);
  }
  for (const sub of [s.items, s.additionalProperties, s.not]) prepare(sub);
  for (const list of [s.allOf, s.anyOf, s.oneOf]) {
    if (Array.isArray(list)) for (const sub of list) prepare(sub);
  }
  return schema;
}
