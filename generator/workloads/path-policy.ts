import { PRETRAINED_MODELS } from './model-download';
import { DEFAULT_PVC, tpl } from './pod-parts';
import type { ServingProblem } from './serving-checks';
import { parseEmbeddedYaml } from '../config/embedded-yaml';
import { fieldPath } from '../config/problems';
import { SHARED_CLAIMS } from '../model/platform-names';
import type { EnvVarSpec, RecipeBody } from '../recipes/recipe-schema';

/**
 * The path policy: where a recipe's paths may point. `pv-fsx` and `pv-efs` mount the whole FSx and EFS file systems
 * in every team's namespace, so one team's run can reach every other team's files through them. A path is placed on
 * the volume it lands on (by the recipe's own `pvc` mounts, `/fsx` and `/efs` by default) and allowed only in:
 *
 * - the team's home: `home/<team>/` on a shared file system, and the run's `home/{{ .Release.Name }}/`, where the seed
 *   recipes keep HOME, logs, data and checkpoints (only environment values fill `{{ .Release.Name }}` in);
 * - the models folder (`pretrained-models/` on FSx): read by any run; only a model download writes it, at
 *   `<org>/<name>` of a valid model id;
 * - scratch: the run's EBS volume (`ebs.mount_path`) or a claim of the team's own namespace, which no other team
 * mounts.
 *
 * The policy checks the fields below; the scripts (`inline_script`, `pre_script`, `command`, ...) are code it does not
 * read, and a symbolic link made on the file system is not seen: this keeps honest mistakes and copied seed values
 * from reaching another team's files, it does not sandbox a run.
 */

/**
 * Where a path lands: a root of the policy, the container's own file system (`pod`), elsewhere on a shared one, or
 * nowhere yet (`relative`: it depends on the folder the run starts in).
 */
type Area = 'home' | 'models' | 'scratch' | 'pod' | 'elsewhere' | 'relative';

/** The run's own name, as a path segment: `{{ .Release.Name }}` in a value the renderer fills in. */
const RUN = Symbol('{{ .Release.Name }}');
type Segment = string | typeof RUN;

interface Mount {
  readonly claim: string;
  readonly at: readonly string[];
}

const SHARED = new Set<string>(Object.values(SHARED_CLAIMS));
const HOME = 'home';
const split = (path: string) => path.split('/').filter((s) => s !== '' && s !== '.');
/** The models folder inside the FSx claim: PRETRAINED_MODELS below the claim's default mount. */
const MODELS = {
  claim: SHARED_CLAIMS.fsx,
  dir: split(PRETRAINED_MODELS).slice(split(DEFAULT_PVC.find((p) => p.name === SHARED_CLAIMS.fsx)!.mount_path).length),
};

/**
 * What a field holds, and the areas a path in it may reach (with the README's words for it). The models folder is
 * read-only: no kind lists it as a place to write, and the model download's root may be it only as a whole.
 */
export type PathKind =
  | 'mount'
  | 'model-id'
  | 'download-root'
  | 'output'
  | 'model'
  | 'source'
  | 'value'
  | 'name'
  | 'storage-uri'
  | 'set-by-download';
export const PATH_KINDS: Record<PathKind, { readonly areas: readonly Area[]; readonly allowed: string }> = {
  mount: { areas: [], allowed: 'an absolute folder other than `/`; the other paths are placed through the mounts' },
  'model-id': {
    areas: [],
    allowed: "a Hugging Face id `<org>/<name>` (the hub's rule), downloaded to `<download root>/<org>/<name>`",
  },
  'download-root': {
    areas: ['home', 'scratch'],
    allowed: "the models folder itself (the default), the team's home or scratch",
  },
  output: { areas: ['home', 'scratch'], allowed: "the team's home or scratch" },
  model: {
    areas: ['home', 'models', 'scratch'],
    allowed: 'a Hugging Face id `<org>/<name>`, or a path in home, models or scratch',
  },
  source: {
    areas: ['home', 'models', 'scratch'],
    allowed: 'a URL (`https://`, `ssh://`, `git@host:`, ...), or a path as for a model',
  },
  value: {
    areas: ['home', 'models', 'scratch', 'pod'],
    allowed:
      'free text: a path in it that lands on a shared file system ' +
      "must be in the team's home or the models folder (read)",
  },
  name: { areas: [], allowed: 'one name: letters, digits, `.`, `_`, `-`, not starting with `.` or `-`' },
  'storage-uri': {
    areas: ['home', 'models', 'scratch'],
    allowed:
      '`s3://`, `gs://`, `https://`, ...; `hf://<org>/<name>`; `pvc://<claim>/<path>` with the path as for a model',
  },
  'set-by-download': { areas: [], allowed: 'refused: the download sets it from `snapshot.dir` or `hf_model_id`' },
};

interface Value {
  readonly path: PropertyKey[];
  readonly value: string;
  /** For a value inside YAML text (a Ray Serve config): where in it. */
  readonly inner?: string;
}

export interface PathField {
  /**
   * The field as the README's table names it (`runtime_env.*`: inside the Ray Serve config or the RayJob's
   * runtimeEnvYAML).
   */
  readonly field: string;
  readonly what: PathKind;
  /** Whether the renderer fills `{{ .Release.Name }}` in (environment values only; elsewhere it stays literal text). */
  readonly expands?: boolean;
  readonly values: (body: RecipeBody) => Value[];
}

/** The environment variables the model download sets, and the fields they come from. */
const DOWNLOAD_ENV: Record<string, string> = { SNAPSHOT_ROOT: 'snapshot.dir', HF_MODEL_ID: 'hf_model_id' };
/** The vLLM engine arguments that name a model or where to write one. */
const ENGINE_PATHS: Record<string, PathKind> = { model: 'model', tokenizer: 'model', download_dir: 'output' };

/**
 * Every recipe field that becomes a path or a model location. A kind has the fields its schema (KIND_KEYS) lets it
 * write.
 */
export const PATH_FIELDS: readonly PathField[] = [
  {
    field: 'pvc[].mount_path',
    what: 'mount',
    values: (b) => (b.pvc ?? []).flatMap((p, i) => one(['pvc', i, 'mount_path'], p.mount_path)),
  },
  { field: 'ebs.mount_path', what: 'mount', values: (b) => one(['ebs', 'mount_path'], b.ebs?.mount_path) },
  { field: 'hf_model_id', what: 'model-id', values: (b) => one(['hf_model_id'], b.hf_model_id) },
  { field: 'snapshot.dir', what: 'download-root', values: (b) => one(['snapshot', 'dir'], b.snapshot?.dir) },
  {
    field: 'env[].name',
    what: 'set-by-download',
    values: (b) => (b.env ?? []).flatMap((e, i) => (e.name in DOWNLOAD_ENV ? one(['env', i, 'name'], e.name) : [])),
  },
  { field: 'env[].value', what: 'value', expands: true, values: (b) => envValues(b.env, ['env']) },
  {
    field: 'train.env[].value',
    what: 'value',
    expands: true,
    values: (b) => envValues(b.train?.env, ['train', 'env']),
  },
  {
    field: 'process.env[].value',
    what: 'value',
    expands: true,
    values: (b) => envValues(b.process?.env, ['process', 'env']),
  },
  {
    field: 'server.env[].value',
    what: 'value',
    expands: true,
    values: (b) => envValues(b.server?.env, ['server', 'env']),
  },
  { field: 'ray.env[].value', what: 'value', expands: true, values: (b) => envValues(b.ray?.env, ['ray', 'env']) },
  { field: 'framework', what: 'name', values: (b) => one(['framework'], b.framework ?? undefined) },
  { field: 'git.repo_url', what: 'source', values: (b) => one(['git', 'repo_url'], b.git?.repo_url ?? undefined) },
  ...Object.entries(ENGINE_PATHS).map(([key, what]): PathField => ({
    field: `engine.config.${key}`,
    what,
    values: (b) => texts(engineConfig(b)[key], ['engine', 'config', key]),
  })),
  {
    field: 'engine.config.*',
    what: 'value',
    values: (b) =>
      Object.entries(engineConfig(b)).flatMap(([k, v]) => (k in ENGINE_PATHS ? [] : texts(v, ['engine', 'config', k]))),
  },
  {
    field: 'engine.code',
    what: 'name',
    values: (b) => Object.keys(yamlMap(b.engine?.code)).flatMap((name) => one(['engine', 'code'], name)),
  },
  {
    field: 'runtime_env.working_dir, runtime_env.py_modules[]',
    what: 'source',
    values: (b) =>
      runtimeEnvs(b).flatMap((r) => [
        ...texts(r.env.working_dir, r.path).map((v) => ({ ...v, inner: `${r.inner}.working_dir` })),
        ...(Array.isArray(r.env.py_modules) ? r.env.py_modules : []).flatMap((m, i) =>
          texts(m, r.path).map((v) => ({ ...v, inner: `${r.inner}.py_modules[${i}]` })),
        ),
      ]),
  },
  {
    field: 'runtime_env.env_vars.*',
    what: 'value',
    values: (b) =>
      runtimeEnvs(b).flatMap((r) =>
        Object.entries(isMap(r.env.env_vars) ? r.env.env_vars : {}).flatMap(([k, v]) =>
          texts(v, r.path).map((t) => ({ ...t, inner: `${r.inner}.env_vars.${k}` })),
        ),
      ),
  },
  { field: 'storage_uri', what: 'storage-uri', values: (b) => one(['storage_uri'], b.storage_uri) },
  {
    field: 'models[].model_path',
    what: 'model',
    values: (b) => (b.models ?? []).flatMap((m, i) => one(['models', i, 'model_path'], m.model_path)),
  },
  {
    field: 'compile.models[].source',
    what: 'model',
    values: (b) => (b.compile?.models ?? []).flatMap((m, i) => one(['compile', 'models', i, 'source'], m.source)),
  },
  {
    field: 'compile.models[].output',
    what: 'output',
    values: (b) => (b.compile?.models ?? []).flatMap((m, i) => one(['compile', 'models', i, 'output'], m.output)),
  },
  { field: 'load_test.results', what: 'output', values: (b) => one(['load_test', 'results'], b.load_test?.results) },
  {
    field: 'models[].env[].value',
    what: 'value',
    expands: true,
    values: (b) => (b.models ?? []).flatMap((m, i) => envValues(m.env, ['models', i, 'env'])),
  },
];

/** The path policy's problems of one workload (a recipe body, or one pipeline step's), at field paths of its body. */
export function pathProblems(body: RecipeBody, team: string): ServingProblem[] {
  const mounts: Mount[] = [
    ...(body.pvc ?? DEFAULT_PVC).map((p) => ({ claim: p.name, at: split(p.mount_path) })),
    // where podVolumes mounts the run's EBS volume
    ...(body.ebs ? [{ claim: 'ebs', at: split(body.ebs.mount_path ?? '/tmp') }] : []),
  ];
  const problems: ServingProblem[] = [];
  for (const f of PATH_FIELDS) {
    const ctx: Context = { team, mounts, body, expands: f.expands === true, areas: PATH_KINDS[f.what].areas };
    for (const v of f.values(body)) {
      const why = CHECKS[f.what](v.value, ctx);
      if (why) problems.push({ path: v.path, field: fieldPath(v.path), message: v.inner ? `${v.inner}: ${why}` : why });
    }
  }
  return problems;
}

interface Context {
  readonly team: string;
  readonly mounts: readonly Mount[];
  readonly body: RecipeBody;
  readonly expands: boolean;
  /** Where the field's paths may land (PATH_KINDS). */
  readonly areas: readonly Area[];
}

const q = (value: string) => JSON.stringify(value);
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
/** A URL inside free text, but for `file:///...`, whose path is a path. */
const OTHER_URL = /[a-z][a-z0-9+.-]*:\/\/(?!\/)\S*/gi;
/** git's `user@host:path` form. */
const SCP_LIKE = /^[^/\s]+@[^/\s:]+:/;
/** The hub's repo id rule (huggingface_hub validate_repo_id), with the org the download folder needs. */
const HF_PART = /^(?![-.])[A-Za-z0-9._-]{1,96}(?<![-.])$/;
const isModelId = (v: string) => {
  const parts = v.split('/');
  return parts.length === 2 && parts.every((p) => HF_PART.test(p)) && !/--|\.\./.test(v) && !v.endsWith('.git');
};
const NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

const CHECKS: Record<PathKind, (value: string, ctx: Context) => string | undefined> = {
  mount: (v) => notPlain(v) ?? (split(v).length ? undefined : `expected a folder to mount the volume at, got ${q(v)}`),
  'model-id': (v, ctx) => {
    if (isModelId(v)) return undefined;
    const root = split(ctx.body.snapshot?.dir ?? PRETRAINED_MODELS);
    const inside = resolveDots([...root, ...split(v)]);
    const escapes = !inside || root.some((s, i) => inside[i] !== s);
    return (
      `expected a Hugging Face model id (<org>/<name>), ` +
      `got ${q(v)}${escapes ? `: it would write outside ${show(root)}` : ''}`
    );
  },
  'download-root': (v, ctx) => {
    const place = placed(v, ctx);
    if (typeof place === 'string') return place;
    // the models folder itself: the download writes <org>/<name> below it, as the model id says
    if (ctx.areas.includes(place.area) || (place.area === 'models' && place.rest.length === MODELS.dir.length)) {
      return undefined;
    }
    const models = modelsMount(ctx);
    return refusal(v, ctx, place.area, models ? `${show([...models.at, ...MODELS.dir])} itself or ` : '');
  },
  output: (v, ctx) => areaProblem(v, ctx),
  model: (v, ctx) => (isModelId(v) ? undefined : areaProblem(v, ctx, 'a Hugging Face model id (<org>/<name>) or ')),
  source: (v, ctx) =>
    (URL_SCHEME.test(v) && !v.startsWith('file://')) || SCP_LIKE.test(v)
      ? undefined
      : areaProblem(v.replace(/^file:\/\//, ''), ctx, 'a URL or '),
  value: (v, ctx) => {
    // free text (flags, library paths, URLs): each path in it is checked, and only the shared file systems are policed;
    // the run's name is written without spaces first, so that it stays one path segment
    const text = tpl(v, '{{.Release.Name}}')
      .replace(OTHER_URL, ' ')
      .replace(/file:\/\//g, '');
    for (const token of text.split(/[\s:=,;"']+/).filter((t) => t.includes('/') || t === '..')) {
      const problem = token.startsWith('/') ? areaProblem(token, ctx) : notPlain(token);
      if (problem) return problem;
    }
    return undefined;
  },
  name: (v) =>
    NAME.test(v)
      ? undefined
      : `expected a name (letters, digits, ".", "_", "-"), got ${q(v)}: a path leaves its folder`,
  'storage-uri': (v, ctx) => {
    const [, scheme, rest] = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(v) ?? [];
    if (!scheme) {
      return `expected a storage URI (s3://, gs://, https://, hf://<org>/<name>, pvc://<claim>/<path>), got ${q(v)}`;
    }
    if (scheme === 'hf') {
      return isModelId(rest) ? undefined : `expected hf://<org>/<name> (a Hugging Face model id), got ${q(v)}`;
    }
    if (scheme !== 'pvc') return undefined;
    // the claim's files as if it were mounted at /<claim>, shown as pvc://<claim>/
    const claim = rest.split('/')[0];
    return notPlain(v) ?? areaProblem(`/${rest}`, { ...ctx, mounts: [{ claim, at: [claim] }] }, '', 'pvc:/');
  },
  'set-by-download': (v) =>
    `is set by the model download from ${DOWNLOAD_ENV[v]}; an env entry of that name would replace it unchecked`,
};

/** Why a path is not plain: `..` segments, or a name that looks like a link. */
function notPlain(value: string): string | undefined {
  const segments = split(value);
  if (segments.includes('..')) return `expected a path without ".." segments, got ${q(value)}`;
  const link = linkLike(segments, value.startsWith('/'));
  return link
    ? `expected a plain path, got ${q(value)}: "${link}" looks like a link, which can lead anywhere`
    : undefined;
}

/**
 * Names that lead elsewhere than they read: `~` is a shell's home, `->` and a trailing `@` are how `ls` shows a
 * symbolic link (a name copied from a listing), /proc (`/proc/self/root`, `/proc/1/cwd`) and /dev/fd hold the kernel's
 * links.
 */
function linkLike(segments: readonly string[], absolute: boolean): string | undefined {
  const odd = segments.find((s) => s.startsWith('~') || s.includes('->') || s.endsWith('@'));
  if (odd) return odd;
  const kernel = absolute && (segments[0] === 'proc' || (segments[0] === 'dev' && segments[1] === 'fd'));
  return kernel ? `/${segments.slice(0, 2).join('/')}` : undefined;
}

/** A plain path's area and its segments below the mount, or why it is not plain. */
function placed(value: string, ctx: Context): { area: Area; rest: readonly Segment[] } | string {
  const plain = notPlain(value);
  if (plain) return plain;
  if (!value.startsWith('/')) return { area: 'relative', rest: [] };
  const segments: Segment[] = split(value).map((s) => (ctx.expands && tpl(s, '') === '' ? RUN : s));
  let mount: Mount | undefined;
  for (const m of ctx.mounts) if (startsWith(segments, m.at) && (!mount || m.at.length > mount.at.length)) mount = m;
  if (!mount) return { area: 'pod', rest: segments };
  const rest = segments.slice(mount.at.length);
  if (!SHARED.has(mount.claim)) return { area: 'scratch', rest };
  if (rest[0] === HOME && (rest[1] === ctx.team || rest[1] === RUN)) return { area: 'home', rest };
  if (mount.claim === MODELS.claim && startsWith(rest, MODELS.dir)) return { area: 'models', rest };
  return { area: 'elsewhere', rest };
}

/**
 * Why `value` is not a plain path in the field's areas; `prefix` names what else the field takes, `scheme` shows the
 * path.
 */
function areaProblem(value: string, ctx: Context, prefix = '', scheme = ''): string | undefined {
  const place = placed(value, ctx);
  if (typeof place === 'string') return place;
  return ctx.areas.includes(place.area) ? undefined : refusal(`${scheme}${value}`, ctx, place.area, prefix, scheme);
}

function refusal(value: string, ctx: Context, area: Area, prefix: string, scheme = ''): string {
  const models = modelsMount(ctx);
  const modelsAt = models ? show([...models.at, ...MODELS.dir], scheme) : '';
  const literal =
    !ctx.expands && value.includes('{{') ? ' ({{ .Release.Name }} is filled in only in environment values)' : '';
  const why: Record<Area, string> = {
    models: `the models folder is read only; only a model download writes it, at ${modelsAt}<org>/<name>`,
    elsewhere: `it is on a file system all teams share, outside the team's folders${literal}`,
    pod: 'it is on none of the volumes the run mounts',
    relative: 'a relative path depends on the folder the run starts in',
    home: '',
    scratch: '',
  };
  return `expected ${prefix}a path in ${rootsText(ctx, scheme)}, got ${q(value)}: ${why[area]}`;
}

/** The field's roots as this recipe mounts them: `the team's home (/fsx/home/llm-training/, ...), ...`. */
function rootsText(ctx: Context, scheme = ''): string {
  const shared = ctx.mounts.filter((m) => SHARED.has(m.claim));
  const own = ctx.mounts.filter((m) => !SHARED.has(m.claim));
  const models = modelsMount(ctx);
  const owners: Segment[] = ctx.expands ? [ctx.team, RUN] : [ctx.team];
  const homes = shared.flatMap((m) => owners.map((o) => show([...m.at, HOME, o], scheme)));
  const parts = [
    ctx.areas.includes('home') && homes.length ? `the team's home (${homes.join(', ')})` : '',
    ctx.areas.includes('models') && models
      ? `the models folder (${show([...models.at, ...MODELS.dir], scheme)}, read only)`
      : '',
    ctx.areas.includes('scratch') && own.length ? `scratch (${own.map((m) => show(m.at, scheme)).join(', ')})` : '',
  ].filter(Boolean);
  return parts.length > 1
    ? `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1]}`
    : (parts[0] ?? "none of the run's volumes");
}

const modelsMount = (ctx: Context) => ctx.mounts.find((m) => m.claim === MODELS.claim);
const show = (segments: readonly Segment[], scheme = '') =>
  `${scheme}/${segments.map((s) => (s === RUN ? RUN.description : s)).join('/')}/`;
const startsWith = (segments: readonly Segment[], prefix: readonly Segment[]) =>
  prefix.every((s, i) => segments[i] === s);

/** `segments` with each `..` taking the one before it away; undefined when one climbs above the root. */
function resolveDots(segments: readonly string[]): string[] | undefined {
  const out: string[] = [];
  for (const s of segments) {
    if (s !== '..') out.push(s);
    else if (out.pop() === undefined) return undefined;
  }
  return out;
}

const one = (path: PropertyKey[], value: string | undefined): Value[] => (value === undefined ? [] : [{ path, value }]);
const isMap = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);
const envValues = (env: readonly EnvVarSpec[] | undefined, at: PropertyKey[]): Value[] =>
  (env ?? []).flatMap((e, i) => one([...at, i, 'value'], e.value));
const engineConfig = (b: RecipeBody): Record<string, unknown> => b.engine?.config ?? {};

/** Every text inside a value (a mapping's or a list's too), at the value's field path. */
function texts(value: unknown, path: PropertyKey[]): Value[] {
  if (typeof value === 'string') return [{ path, value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => texts(v, [...path, i]));
  return isMap(value) ? Object.entries(value).flatMap(([k, v]) => texts(v, [...path, k])) : [];
}

/** YAML text as a mapping; anything else (text that is no YAML, a list) as an empty one: other checks report it. */
function yamlMap(text: unknown): Record<string, unknown> {
  const value = typeof text === 'string' ? parseEmbeddedYaml(text) : undefined;
  return isMap(value) ? value : {};
}

/**
 * The runtime environments written as YAML text: each application's in a Ray Serve config, and a RayJob's
 * runtimeEnvYAML.
 */
function runtimeEnvs(b: RecipeBody): { path: PropertyKey[]; inner: string; env: Record<string, unknown> }[] {
  const servePath = ['ray', 'serve_config_v2', 'serveConfigV2'];
  const applications = yamlMap(b.ray?.serve_config_v2?.serveConfigV2).applications;
  const serve = (Array.isArray(applications) ? applications : []).flatMap((a: unknown, i) =>
    isMap(a) && isMap(a.runtime_env)
      ? [{ path: servePath, inner: `applications[${i}].runtime_env`, env: a.runtime_env }]
      : [],
  );
  const job = b.ray?.runtime_env_yaml;
  const jobEnv = isMap(job) ? yamlMap(job.runtimeEnvYAML) : {};
  const jobPath = ['ray', 'runtime_env_yaml', 'runtimeEnvYAML'];
  return [...serve, ...(Object.keys(jobEnv).length ? [{ path: jobPath, inner: 'runtimeEnvYAML', env: jobEnv }] : [])];
}
