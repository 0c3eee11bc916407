import { parseDocument } from 'yaml';
import type { WorkloadKind } from './recipe-schema';
import { MAX_NAME, RECIPE_NAME, RECIPE_NAME_EXPECTED } from './recipe-schema';

/** Where a seed recipe goes: the workload kind and the seed chart it was written for. */
export type SeedTarget =
  { ok: true; kind: Exclude<WorkloadKind, 'pipeline'>; chart: string; lws?: boolean } | { ok: false; reason: string };

const ML = 'charts/machine-learning';

/**
 * Which seed chart a seed recipe targets, from its keys and its path in the seed's examples/ (the seed
 * tells it in the README or notebook beside each file; the same rule, kept here as code).
 */
export function inferSeedTarget(path: string, data: Record<string, unknown>): SeedTarget {
  const has = (key: string) => Object.prototype.hasOwnProperty.call(data, key);
  const resources = (data.resources ?? {}) as Record<string, unknown>;
  if (has('hyperpod') && !has('image')) {
    return {
      ok: false,
      reason:
        'a SageMaker HyperPod values overlay, given with a second -f on top of another recipe; not a recipe by itself',
    };
  }
  if (path.startsWith('data-service/') || has('tcga') || has('overpass') || has('overture')) {
    return {
      ok: false,
      reason:
        'values of a seed data-service chart (charts/data-service/*: dataset ' +
        'APIs outside charts/machine-learning); not an ML workload kind',
    };
  }
  if (has('global') && has('registry')) {
    return {
      ok: false,
      reason: 'the values file of an external chart (mcp-gateway-registry-stack), not a seed machine-learning chart',
    };
  }
  if (path.startsWith('agentic/') || (has('description') && has('namespace'))) {
    return {
      ok: false,
      reason: 'values of the seed kagent-agent chart (an AI agent definition for kagent); not an ML workload kind',
    };
  }
  if (has('tensorflow') || 'gpu_nodes' in resources) {
    return {
      ok: false,
      reason:
        'values of the legacy maskrcnn charts (resources.gpu_nodes, gpus_per_node, ' +
        'tensorflow): a TensorFlow/Horovod layout of their own, not the seed recipe format',
    };
  }
  if (has('ray') && has('engine')) return { ok: true, kind: 'rayserve-vllm', chart: `${ML}/serving/rayserve` };
  if (has('ray') && has('train')) return { ok: true, kind: 'ray-train', chart: `${ML}/training/raytrain` };
  if (has('server')) {
    const image = data.image as { name?: string } | string | undefined;
    const imageName = typeof image === 'string' ? image : (image?.name ?? '');
    if (path.includes('djl-serving') || imageName.includes('djl-serving')) {
      return { ok: true, kind: 'djl-lmi', chart: `${ML}/serving/djl-lmi-server` };
    }
    if (has('lws') || path.includes('/ray_vllm_backend/')) {
      return { ok: true, kind: 'triton', chart: `${ML}/serving/triton-inference-server-lws`, lws: true };
    }
    return { ok: true, kind: 'triton', chart: `${ML}/serving/triton-inference-server` };
  }
  if (has('process')) return { ok: true, kind: 'data-process', chart: `${ML}/data-prep/data-process` };
  if (has('train') && has('elastic_policy')) {
    return { ok: true, kind: 'pytorch-elastic', chart: `${ML}/training/pytorchjob-elastic` };
  }
  if (has('train')) return { ok: true, kind: 'pytorch-distributed', chart: `${ML}/training/pytorchjob-distributed` };
  if (has('hf_model_id')) return { ok: true, kind: 'model-download', chart: `${ML}/model-prep/hf-snapshot` };
  return {
    ok: false,
    reason: 'none of its keys (train, process, server, ray, hf_model_id) tells which seed chart it targets',
  };
}

export interface ImportOptions {
  readonly team: string;
  readonly cluster: string;
  /** Defaults to a name made from the seed file's own name (see nameFromPath). */
  readonly name?: string;
  /**
   * The image to fill in where the seed leaves `image` empty: many seed recipes expect the image the
   * user builds with the seed's build scripts. A seed that names its image keeps it.
   */
  readonly image?: string;
}

export type ImportResult =
  | {
      ok: true;
      kind: Exclude<WorkloadKind, 'pipeline'>;
      chart: string;
      name: string;
      text: string;
      role: 'run' | 'service';
    }
  | { ok: false; reason: string };

const SERVICE_KINDS = new Set(['rayserve-vllm', 'triton', 'djl-lmi', 'kserve']);

/**
 * A seed recipe as a recipe of this project: the header (name, team, cluster, kind) on top of the seed's
 * text, kept as written. The only addition is a chart default the kind would otherwise lose (`lws.size`
 * of the LWS chart). Refused, with the reason, when it is not a recipe this project can run.
 */
export function importSeedRecipe(seedPath: string, text: string, options: ImportOptions): ImportResult {
  const doc = parseDocument(text);
  if (doc.errors.length) return { ok: false, reason: `not valid YAML: ${doc.errors[0].message.split('\n')[0]}` };
  const data = doc.toJS() as unknown;
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    return { ok: false, reason: 'not a mapping of Helm values' };
  }
  const values = data as Record<string, unknown>;
  const target = inferSeedTarget(seedPath, values);
  if (!target.ok) return target;
  const image = values.image as { name?: string | null } | string | null | undefined;
  const imageName = typeof image === 'string' ? image : image?.name;
  let seedText = text;
  let filled = false;
  if (target.kind !== 'model-download' && !imageName) {
    if (!options.image) {
      return {
        ok: false,
        reason: 'its image is empty: the seed expects the container image the user builds; give it with --image',
      };
    }
    seedText = fillImage(text, options.image);
    const after = parseDocument(seedText).toJS() as { image?: string | { name?: string } };
    if ((typeof after.image === 'string' ? after.image : after.image?.name) !== options.image) {
      return { ok: false, reason: 'its image is empty and written in a way the import cannot fill in; set it by hand' };
    }
    filled = true;
  }
  // a stray, empty `resources:` inside `resources` that no chart reads: dropped, meaning unchanged
  const strayResources = (values.resources as Record<string, unknown> | undefined)?.resources === null;
  if (strayResources) {
    seedText = seedText.replace(/^(resources:[ \t]*\n(?:[ \t]+.*\n)*?)[ \t]+resources:[ \t]*\n/m, '$1');
  }
  const helmValue = /\{\{\s*\.Values\.[A-Za-z0-9_.]+\s*\}\}/.exec(seedText);
  if (helmValue) {
    return {
      ok: false,
      reason: `it uses ${helmValue[0]}, a value set on the helm command line (--set), which a recipe file cannot carry`,
    };
  }
  const name = options.name ?? nameFromPath(seedPath);
  if (name === undefined) {
    return {
      ok: false,
      reason: `no recipe name can be made from its file or folder name; give one with --name (${RECIPE_NAME_EXPECTED})`,
    };
  }
  if (!RECIPE_NAME.test(name)) {
    return { ok: false, reason: `--name ${JSON.stringify(name)} is not ${RECIPE_NAME_EXPECTED}` };
  }
  const header = [
    `# Imported from the seed recipe ${seedPath} (chart ${target.chart}).`,
    `name: ${name}`,
    `team: ${options.team}`,
    `cluster: ${options.cluster}`,
    `kind: ${target.kind}`,
  ];
  if (strayResources) {
    header.splice(1, 0, "# Dropped the seed's empty resources.resources key, which its chart does not read.");
  }
  if (filled) {
    header.splice(1, 0, `# The seed leaves image empty (an image the user builds); filled in with ${options.image}.`);
  }
  const extra =
    target.lws && !('lws' in values)
      ? ['', "# the LWS chart's default group size, written out", 'lws:', '  size: 2']
      : [];
  const body = seedText.endsWith('\n') ? seedText : `${seedText}\n`;
  return {
    ok: true,
    kind: target.kind,
    chart: target.chart,
    name,
    role: SERVICE_KINDS.has(target.kind) ? 'service' : 'run',
    text: `${header.join('\n')}\n\n${body}${extra.length ? `${extra.join('\n')}\n` : ''}`,
  };
}

/** A seed file named only this says nothing of what it runs: the seed keeps one chart's values per folder. */
const GENERIC_NAME = 'values';

/**
 * The recipe name of a seed file without --name: the file's own name (`llama3_8b/pretrain.yaml` -> `pretrain`,
 * `.Fine_Tune.yml` -> `fine-tune`), or the name of the folder it is in when its own is empty or the generic `values`
 * (`tcga-brca/values.yaml`, `gpt-pretrain-p5/.values.yaml`); never a path joined into a name. Cut to the
 * longest recipe name; undefined when neither name holds a letter or digit.
 */
export function nameFromPath(seedPath: string): string | undefined {
  const parts = seedPath.split(/[\\/]/).filter(Boolean);
  const file = parts.pop() ?? '';
  // the extension is what follows the last dot, also in a hidden file: `.yaml` has no name of its own
  const own = slug(file.replace(/\.[^.]*$/, ''));
  const name = own && own !== GENERIC_NAME ? own : slug(parts.pop() ?? '');
  const short = name.slice(0, MAX_NAME).replace(/-+$/, '');
  return RECIPE_NAME.test(short) ? short : undefined;
}

/** Lowercase letters, digits and single "-" between them: leading dots and every other character go. */
function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Sets an empty `image:` (or `image.name:`) line of the seed's text, leaving every other line as written. */
function fillImage(text: string, image: string): string {
  // `image:` with nothing on its line and no indented block below it
  const flat = /^image:[ \t]*(null|~|''|"")?[ \t]*$(?!\n[ \t]+\S)/m;
  if (flat.test(text)) return text.replace(flat, `image: ${image}`);
  return text.replace(/^(image:[ \t]*\n(?:[ \t]+#.*\n)*[ \t]+name:)[ \t]*(null|~|''|"")?[ \t]*$/m, `$1 ${image}`);
}
