/**
 * A registered model version, as `promote` takes it, and the storage URI it resolves to. The URI is what goes into
 * the serving app: the cluster then reads the model from S3 by the team's pod identity, and the pull request pins an
 * artifact that does not move when the registry's aliases or stages do.
 *
 * - `s3://<bucket>/<key>`: used as written.
 * - `mlflow:<registered-model>/<version>`: MLflow's registry, `GET <MLFLOW_TRACKING_URI>/api/2.0/mlflow/
 *   model-versions/get-download-uri?name=&version=` answers `{ artifact_uri }` (MLflow REST API); bearer token
 *   MLFLOW_TRACKING_TOKEN when set.
 * - `determined:<model>/<version>`: Determined's registry, `GET <DET_MASTER>/api/v1/models/<model>/versions/<version>`
 *   answers the version's checkpoint: its `uuid`, and in `training.experimentConfig.checkpoint_storage` the
 *   experiment's storage (`type: s3`, `bucket`, `prefix`), where Determined writes a checkpoint to
 *   `<prefix>/<uuid>`; bearer token DET_USER_TOKEN when set.
 *
 * Only an `s3://` location is accepted in the end: the apps read models from S3 or the cluster's file systems, and a
 * registry answer elsewhere (MLflow's proxied `mlflow-artifacts:`, Determined's shared_fs) names nothing they can read.
 */
export class ModelReferenceError extends Error {}

export type ModelReference =
  | { readonly registry: 's3'; readonly uri: string }
  | { readonly registry: 'mlflow' | 'determined'; readonly model: string; readonly version: string };

const S3_URI = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^\s]*)?$/;
const REGISTRY_REF = /^(mlflow|determined):([A-Za-z0-9][A-Za-z0-9._ -]*)\/([1-9][0-9]*)$/;
export const MODEL_REFERENCE_FORMS =
  's3://<bucket>/<key>, mlflow:<registered-model>/<version> or determined:<model>/<version>';

export function parseModelReference(text: string): ModelReference {
  if (text.startsWith('s3://')) {
    if (!S3_URI.test(text)) {
      throw new ModelReferenceError(
        `"${text}" is not an S3 URI: expected s3://<bucket>/<key> (a bucket name of 3-63 ` +
          'lower-case letters, digits, dots and hyphens)',
      );
    }
    return { registry: 's3', uri: text.replace(/\/+$/, '') };
  }
  const match = REGISTRY_REF.exec(text);
  if (!match) {
    throw new ModelReferenceError(
      `"${text}" is not a model reference: expected ${MODEL_REFERENCE_FORMS} ` +
        '(a version is a number: registries number their versions from 1)',
    );
  }
  return { registry: match[1] as 'mlflow' | 'determined', model: match[2], version: match[3] };
}

export function describeReference(ref: ModelReference): string {
  return ref.registry === 's3' ? ref.uri : `${ref.registry}:${ref.model}/${ref.version}`;
}

export interface RegistryEnv {
  readonly MLFLOW_TRACKING_URI?: string;
  readonly MLFLOW_TRACKING_TOKEN?: string;
  readonly DET_MASTER?: string;
  readonly DET_USER_TOKEN?: string;
}

/** The S3 URI of a reference, asking its registry over HTTP (`fetch`) for a registered version. */
export async function resolveModelReference(ref: ModelReference, env: RegistryEnv): Promise<string> {
  if (ref.registry === 's3') return ref.uri;
  const what = describeReference(ref);
  const [base, token, variable] =
    ref.registry === 'mlflow'
      ? [env.MLFLOW_TRACKING_URI, env.MLFLOW_TRACKING_TOKEN, 'MLFLOW_TRACKING_URI']
      : [env.DET_MASTER, env.DET_USER_TOKEN, 'DET_MASTER'];
  if (!base || !/^https?:\/\//.test(base)) {
    throw new ModelReferenceError(`${what}: set ${variable} to the registry's http(s) address to resolve it`);
  }
  const root = base.replace(/\/+$/, '');
  const url =
    ref.registry === 'mlflow'
      ? `${root}/api/2.0/mlflow/model-versions/get-download-uri?` +
        new URLSearchParams({ name: ref.model, version: ref.version }).toString()
      : `${root}/api/v1/models/${encodeURIComponent(ref.model)}/versions/${ref.version}`;
  let response: Response;
  try {
    response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  } catch (error) {
    throw new ModelReferenceError(`${what}: could not reach ${root} (${(error as Error).message})`);
  }
  const text = await response.text();
  if (!response.ok) {
    const detail = text.length > 300 ? `${text.slice(0, 300)}...` : text;
    const hint = response.status === 404 ? ' (no such model or version)' : '';
    throw new ModelReferenceError(`${what}: ${root} answered ${response.status}${hint}: ${detail}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ModelReferenceError(`${what}: ${root} answered something other than JSON`);
  }
  const uri = ref.registry === 'mlflow' ? mlflowUri(body) : determinedUri(body);
  if (!uri) throw new ModelReferenceError(`${what}: the registry's answer names no artifact location`);
  if (!S3_URI.test(uri)) {
    throw new ModelReferenceError(
      `${what}: its artifacts are at ${uri}, which the apps cannot read: promote a version stored in S3 ` +
        '(or pass its s3:// URI)',
    );
  }
  return uri.replace(/\/+$/, '');
}

function field(value: unknown, ...path: string[]): unknown {
  return path.reduce<unknown>(
    (v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined),
    value,
  );
}

function mlflowUri(body: unknown): string | undefined {
  const uri = field(body, 'artifact_uri');
  return typeof uri === 'string' ? uri : undefined;
}

function determinedUri(body: unknown): string | undefined {
  const checkpoint = field(body, 'modelVersion', 'checkpoint');
  const uuid = field(checkpoint, 'uuid');
  const storage = field(checkpoint, 'training', 'experimentConfig', 'checkpoint_storage');
  if (typeof uuid !== 'string' || !storage) return undefined;
  const type = field(storage, 'type');
  const bucket = field(storage, 'bucket');
  if (type !== 's3' || typeof bucket !== 'string') {
    return `${String(type ?? 'unknown')} checkpoint storage (checkpoint ${uuid})`;
  }
  const prefix = field(storage, 'prefix');
  const folder =
    typeof prefix === 'string' && prefix.replace(/^\/+|\/+$/g, '') ? `${prefix.replace(/^\/+|\/+$/g, '')}/` : '';
  return `s3://${bucket}/${folder}${uuid}`;
}
