/**
 * Argo CD's comparison of a desired object with its live object, as the fleet's run and service Applications get
 * it (client-side apply, no server-side diff), written from argo-cd v3.4.4:
 *
 * - `normalize`: util/argo/diff/normalize.go `Normalize`. First the managed-fields normalization of the
 *   `managedFieldsManagers` (util/argo/diff/diff.go `preDiffNormalize`, util/argo/managedfields/managed_fields.go):
 *   fields a trusted manager owns in the live object and that differ between the two are removed from both. Then
 *   the ignore normalizer (util/argo/normalizers/diff_normalizer.go) on each object alone: every JSON pointer as an
 *   RFC 6902 `remove`, every jq path expression as `del(<expr>)`, in order; a patch that fails (a pointer that does
 *   not resolve, a jq error) is skipped. jq runs in jq-wasm (jq itself, compiled to WebAssembly); Argo CD runs
 *   gojq, which agrees with jq 1.8 on the subset the fleet uses (paths, `[]?`, `select`, `==` on objects).
 * - `legacyDiff`: gitops-engine/pkg/diff/diff.go `Diff` -> `ThreeWayDiff` for an object whose last-applied
 *   configuration is the desired object (what `kubectl apply` leaves): the live object stripped of every map key
 *   the configuration does not have (`RemoveMapFields`, gitops-engine/pkg/utils/json/json.go; lists are stripped
 *   item by item and keep extra items), a JSON merge patch of what the configuration adds or changes against it
 *   (`jsonmergepatch.CreateThreeWayJSONMergePatch`; lists are replaced whole), applied to the live object; the
 *   resource differs when the result is not the live object. This is the rule for custom resources; for built-in
 *   kinds Argo CD uses a strategic merge patch, which merges the lists that have a merge key (containers, volumes,
 *   env) where this treats every list as atomic, so it reports at least what Argo CD reports.
 * - `syncTarget`: controller/sync.go `normalizeTargetResources` with `RespectIgnoreDifferences=true`: the desired
 *   object, normalized, patched with the merge patch from the normalized live object to the live object, so the
 *   ignored fields keep their live values (JSON merge patch, as for custom resources).
 */
import * as jq from 'jq-wasm';
import type { IgnoreDifference } from '../../generator/argocd/argocd-objects';

// JSON documents: any, as in the code this models
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const isMap = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A deep copy that shares nothing (a YAML alias parses to one shared object). */
export const clone = <T>(v: T): T => (v === undefined ? v : JSON.parse(JSON.stringify(v)));

export function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isMap(a)) {
    if (!isMap(b)) return false;
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

/** `glob.Match` as Argo CD uses it on group and kind (util/glob: `*` matches anything). */
function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(value);
}

const groupOf = (obj: Json) => (String(obj.apiVersion).includes('/') ? String(obj.apiVersion).split('/')[0] : '');

/**
 * The entries that apply to an object (util/argo/normalizers/diff_normalizer.go `Normalize`: group, kind, name,
 * namespace).
 */
export function matching(ignores: readonly IgnoreDifference[], obj: Json): IgnoreDifference[] {
  return ignores.filter((i) => globMatch(i.group, groupOf(obj)) && globMatch(i.kind, String(obj.kind)));
}

// ---- JSON pointers (RFC 6901) ----

function pointerTokens(pointer: string): string[] {
  if (!pointer.startsWith('/')) throw new Error(`not a JSON pointer: ${pointer}`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** RFC 6902 `remove`; throws when the path does not resolve (evanphx/json-patch does too). */
export function removePointer(doc: Json, pointer: string): Json {
  const out = clone(doc);
  const tokens = pointerTokens(pointer);
  let node = out;
  for (const t of tokens.slice(0, -1)) {
    if (node === null || typeof node !== 'object' || !(t in node)) throw new Error(`doc is missing path: ${pointer}`);
    node = node[t];
  }
  const last = tokens[tokens.length - 1];
  if (node === null || typeof node !== 'object' || !(last in node)) throw new Error(`doc is missing path: ${pointer}`);
  if (Array.isArray(node)) node.splice(Number(last), 1);
  else delete node[last];
  return out;
}

// ---- jq ----

/**
 * `del(<expr>)` in real jq; throws on a jq error, and when it yields other than one document (Argo CD refuses that
 * too).
 */
export async function jqDelete(doc: Json, expression: string): Promise<Json> {
  const out = await jq.json(doc, `del(${expression})`);
  if (out.length !== 1) throw new Error(`JQ patch returned ${out.length} objects`);
  return out[0];
}

// ---- managed fields ----

/** The leaf paths of a FieldsV1 set (`f:<field>` only: what the fleet's managers own). */
function fieldsV1Paths(fields: Json, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  for (const [key, value] of Object.entries(fields ?? {})) {
    if (key === '.') continue;
    if (!key.startsWith('f:')) throw new Error(`the model reads only f: field sets, not ${key}`);
    const path = [...prefix, key.slice(2)];
    const children = Object.keys(value as object).filter((k) => k !== '.');
    if (children.length) out.push(...fieldsV1Paths(value, path));
    else out.push(path);
  }
  return out;
}

function getPath(doc: Json, path: string[]): { found: boolean; value?: Json } {
  let node = doc;
  for (const p of path) {
    if (!isMap(node) || !(p in node)) return { found: false };
    node = node[p];
  }
  return { found: true, value: node };
}

function deletePath(doc: Json, path: string[]) {
  let node = doc;
  for (const p of path.slice(0, -1)) node = node[p];
  delete node[path[path.length - 1]];
}

/**
 * util/argo/managedfields/managed_fields.go `Normalize`: remove what a trusted manager owns and the two sides disagree
 * on.
 */
function normalizeManagedFields(live: Json, config: Json, managers: readonly string[]): { live: Json; config: Json } {
  const l = clone(live);
  const c = clone(config);
  for (const entry of live.metadata?.managedFields ?? []) {
    if (!managers.includes(entry.manager)) continue;
    for (const path of fieldsV1Paths(entry.fieldsV1)) {
      const a = getPath(l, path);
      const b = getPath(c, path);
      if (a.found && b.found && !deepEqual(a.value, b.value)) {
        deletePath(l, path);
        deletePath(c, path);
      }
    }
  }
  return { live: l, config: c };
}

/**
 * The ignore normalizer on one object: each pointer and each jq path in order, a failing one skipped (and reported).
 */
export async function ignoreNormalize(
  obj: Json,
  ignores: readonly IgnoreDifference[],
): Promise<{ doc: Json; failures: string[] }> {
  let doc = clone(obj);
  const failures: string[] = [];
  for (const entry of matching(ignores, obj)) {
    for (const pointer of entry.jsonPointers ?? []) {
      try {
        doc = removePointer(doc, pointer);
      } catch {
        // "Unable to remove nonexistent key" / "doc is missing path": Argo CD skips it without a word
      }
    }
    for (const expression of entry.jqPathExpressions ?? []) {
      try {
        doc = await jqDelete(doc, expression);
      } catch (error) {
        failures.push(`${expression}: ${(error as Error).message}`);
      }
    }
  }
  return { doc, failures };
}

/** Both sides as Argo CD compares them. */
export async function normalize(
  config: Json,
  live: Json,
  ignores: readonly IgnoreDifference[],
): Promise<{ config: Json; live: Json; failures: string[] }> {
  const managers = [...new Set(matching(ignores, config).flatMap((i) => i.managedFieldsManagers ?? []))];
  const pre = managers.length ? normalizeManagedFields(live, config, managers) : { live, config };
  const l = await ignoreNormalize(pre.live, ignores);
  const c = await ignoreNormalize(pre.config, ignores);
  return { config: c.doc, live: l.doc, failures: [...l.failures, ...c.failures] };
}

// ---- the three-way diff ----

/** gitops-engine/pkg/utils/json/json.go `removeFields`. */
function removeFields(config: Json, live: Json): Json {
  if (isMap(config)) return isMap(live) ? removeMapFields(config, live) : live;
  if (Array.isArray(config)) {
    return Array.isArray(live)
      ? live.map((v, i) => (i < config.length && v !== null ? removeFields(config[i], v) : v))
      : live;
  }
  return live;
}
function removeMapFields(config: Record<string, Json>, live: Record<string, Json>): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(config)) {
    if (!(k in live)) continue;
    out[k] = live[k] !== null ? removeFields(v, live[k]) : live[k];
  }
  return out;
}

/** RFC 7386 merge patch from `from` to `to` (evanphx/json-patch `CreateMergePatch`); undefined when equal. */
export function createMergePatch(from: Json, to: Json): Json {
  if (!isMap(from) || !isMap(to)) return deepEqual(from, to) ? undefined : to;
  const patch: Record<string, Json> = {};
  for (const [k, v] of Object.entries(to)) {
    if (!(k in from)) {
      patch[k] = v;
    } else {
      const sub = isMap(v) && isMap(from[k]) ? createMergePatch(from[k], v) : deepEqual(from[k], v) ? undefined : v;
      if (sub !== undefined) patch[k] = sub;
    }
  }
  for (const k of Object.keys(from)) if (!(k in to)) patch[k] = null;
  return Object.keys(patch).length ? patch : undefined;
}

/** RFC 7386 `MergePatch`. */
export function applyMergePatch(target: Json, patch: Json): Json {
  if (!isMap(patch)) return clone(patch);
  const out: Record<string, Json> = isMap(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
}

/** Only the additions and changes of a merge patch (`keepOrDeleteNullInJsonPatch(patch, false)`). */
function withoutDeletions(patch: Json): Json {
  if (!isMap(patch)) return patch;
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(patch)) if (v !== null) out[k] = withoutDeletions(v);
  return out;
}

/** The paths at which two documents differ, for messages. */
export function differingPaths(a: Json, b: Json, path = ''): string[] {
  if (deepEqual(a, b)) return [];
  if (isMap(a) && isMap(b)) {
    return [...new Set([...Object.keys(a), ...Object.keys(b)])]
      .sort()
      .flatMap((k) => differingPaths(a[k], b[k], `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`));
  }
  return [path || '/'];
}

/** Where Argo CD's three-way diff finds the live object out of sync with the desired one (empty: in sync). */
export function legacyDiff(config: Json, live: Json): string[] {
  const stripped = removeFields(config, live);
  const patch = withoutDeletions(createMergePatch(stripped, config) ?? {});
  const predicted = applyMergePatch(live, patch);
  return differingPaths(live, predicted);
}

/** What a sync with `RespectIgnoreDifferences=true` applies (custom resources: JSON merge patches). */
export async function syncTarget(config: Json, live: Json, ignores: readonly IgnoreDifference[]): Promise<Json> {
  const strip = (o: Json) => {
    const c = clone(o);
    delete c.status;
    return c;
  };
  const n = await normalize(config, live, ignores);
  return applyMergePatch(n.config, createMergePatch(strip(n.live), strip(live)) ?? {});
}
