import { WORKER_REPLICAS } from './rayservice';
import { parseEmbeddedYaml } from '../config/embedded-yaml';
import type { NodePool } from '../model/cluster-spec';
import { parseQuantity } from '../recipes/instance-types';
import type { RecipeBody } from '../recipes/recipe-schema';

/** A problem of a serving app, at a field path of its file. */
export interface ServingProblem {
  readonly path: readonly PropertyKey[];
  readonly field: string;
  readonly message: string;
}

interface ServeApplication {
  name?: unknown;
  import_path?: unknown;
  deployments?: {
    name?: unknown;
    num_replicas?: unknown;
    autoscaling_config?: { max_replicas?: unknown };
    ray_actor_options?: { num_gpus?: unknown };
  }[];
}

/**
 * What a Ray Serve app must say to serve anything: a Serve config naming at least one application; the model, when an
 * application is the seed's vLLM deployment (`openai_api:deployment`, which serves what `engine.config.model`
 * names); and room for what Serve may scale to: the GPUs of its deployments at their most replicas fit the workers
 * the worker group may start, and those fit the node pool's limit. The Ray autoscaler is on whenever the worker group
 * may grow (rayservice.ts), so the workers follow Serve up to `resources.max_replicas`.
 */
export function rayServeProblems(body: RecipeBody, pool: NodePool | undefined): ServingProblem[] {
  const problems: ServingProblem[] = [];
  const text = body.ray?.serve_config_v2?.serveConfigV2;
  if (text === undefined) {
    problems.push({
      path: ['ray'],
      field: 'ray.serve_config_v2',
      message:
        'is required: the Ray Serve config (serveConfigV2) naming the applications ' +
        'this service serves; without it the RayService serves nothing',
    });
    return problems;
  }
  const config = parseEmbeddedYaml(text) as { applications?: unknown } | null | undefined;
  const applications = Array.isArray(config?.applications)
    ? (config.applications as ServeApplication[]).filter((a) => a && typeof a === 'object' && !Array.isArray(a))
    : [];
  const configPath = ['ray', 'serve_config_v2', 'serveConfigV2'];
  if (applications.length === 0) {
    problems.push({
      path: configPath,
      field: 'ray.serve_config_v2.serveConfigV2',
      message: 'names no application: expected YAML with applications: [{name, import_path, deployments}]',
    });
    return problems;
  }
  const openai = applications.some((a) => typeof a.import_path === 'string' && a.import_path.startsWith('openai_api:'));
  const model = (body.engine?.config as Record<string, unknown> | undefined)?.model;
  if (openai && (typeof model !== 'string' || model.trim() === '')) {
    problems.push({
      path: ['engine'],
      field: 'engine.config.model',
      message:
        'is required: the model the openai_api deployment serves (a path on a mounted ' +
        'volume, such as /fsx/pretrained-models/<org>/<model>, or a Hugging Face id)',
    });
  }

  // the GPUs Serve may ask for at its most replicas, against the GPUs the worker group can start
  // a hand-written config may hold anything: only mappings count
  const isMap = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);
  const deployments = applications.flatMap((a) => (Array.isArray(a.deployments) ? a.deployments.filter(isMap) : []));
  const serveGpus = deployments.reduce((sum, d) => {
    const autoscaling = isMap(d.autoscaling_config) ? d.autoscaling_config : {};
    const actor = isMap(d.ray_actor_options) ? d.ray_actor_options : {};
    const replicas = Number(autoscaling.max_replicas ?? d.num_replicas ?? 1);
    const gpus = Number(actor.num_gpus ?? 0);
    return sum + (Number.isFinite(replicas * gpus) ? replicas * gpus : 0);
  }, 0);
  const resources = body.resources;
  const perWorker =
    parseQuantity(String(resources?.limits?.['nvidia.com/gpu'] ?? resources?.requests?.['nvidia.com/gpu'] ?? 0)) || 0;
  const workers = (resources?.max_replicas ?? WORKER_REPLICAS.max) * (resources?.num_of_hosts ?? 1);
  if (serveGpus > 0 && serveGpus > workers * perWorker) {
    const needed = perWorker > 0 ? Math.ceil(serveGpus / (perWorker * (resources?.num_of_hosts ?? 1))) : undefined;
    problems.push({
      path: ['resources'],
      field: 'resources.max_replicas',
      message:
        `Serve may scale to ${serveGpus} GPUs (its deployments' most replicas x num_gpus), ` +
        `but the worker group can start at most ${workers} worker${workers === 1 ? '' : 's'} ` +
        `of ${perWorker} GPU${perWorker === 1 ? '' : 's'} (${workers * perWorker}); ` +
        (needed
          ? `set resources.max_replicas to ${needed}, or lower the Serve max_replicas`
          : 'give the workers GPUs (resources.limits["nvidia.com/gpu"])'),
    });
  }
  const poolGpus = pool?.limits.gpu;
  if (pool && poolGpus !== undefined && workers * perWorker > poolGpus) {
    problems.push({
      path: ['resources'],
      field: 'resources.max_replicas',
      message:
        `${workers} worker${workers === 1 ? '' : 's'} of ${perWorker} GPUs ` +
        `(${workers * perWorker}) exceed the ${poolGpus} GPUs node pool "${pool.name}" may launch`,
    });
  }
  return problems;
}
