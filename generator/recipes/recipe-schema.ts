import { z } from 'zod';
import { dnsLabel, list, nonNegativeInt, oneOf, pattern, positiveInt, strictObject, text } from '../model/zod-helpers';

/**
 * The schema of a recipe: `recipes/<team>/<name>.yaml` (an ML run) or `apps/<team>/<name>.yaml` (a service).
 * A short header says what it is and where it runs; below it are the seed project's Helm values, with their
 * meaning unchanged. Each workload kind accepts only the seed keys its chart reads (an unknown key is an error
 * with a did-you-mean). This file is the single source of the recipe's types.
 */

export const RUN_KINDS = [
  'pytorch-distributed',
  'pytorch-elastic',
  'ray-train',
  'mpi',
  'data-process',
  'model-download',
  'model-compile',
  'load-test',
  'pachyderm-pipeline',
  'determined-experiment',
  'pipeline',
] as const;
export const SERVICE_KINDS = ['rayserve-vllm', 'triton', 'djl-lmi', 'kserve', 'packed-models'] as const;
export const WORKLOAD_KINDS = [...RUN_KINDS, ...SERVICE_KINDS] as const;
export type RunKind = (typeof RUN_KINDS)[number];
export type ServiceKind = (typeof SERVICE_KINDS)[number];
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];
export const PRIORITIES = ['low', 'medium', 'high'] as const;

/**
 * Recipe names become object names with a prefix and suffixes (`data-process-<name>-<hash>-s<step>`), and
 * a Job's name must stay a 63-character label: 13 + 36 + 7 + 4 = 60.
 */
export const MAX_NAME = 36;
export const RECIPE_NAME = new RegExp(`^[a-z0-9]([-a-z0-9]{0,${MAX_NAME - 2}}[a-z0-9])?$`);
export const RECIPE_NAME_EXPECTED = `a recipe name (lowercase letters, digits and "-", at most ${MAX_NAME} characters)`;
const recipeName = () => pattern(RECIPE_NAME, RECIPE_NAME_EXPECTED);

const str = () => z.string({ error: 'expected a string' });
/** Seed scripts and args: YAML may read `1e-4` or `true` as non-strings; Helm prints them as written. */
const scalar = () =>
  z.union([z.string(), z.number(), z.boolean()], { error: 'expected a string' }).transform((v) => String(v));
const scalars = () => list(scalar(), 'a list of strings');
/**
 * `{name, value}`, or `{name, valueFrom: {secretKeyRef: {name, key}}}`: a Secret of the team's namespace, synced
 * by an ExternalSecret or created out of band; credentials never go in a recipe.
 */
const envVar = strictObject({
  name: text('an environment variable name'),
  value: scalar().optional(),
  valueFrom: strictObject({
    secretKeyRef: strictObject({
      name: dnsLabel(),
      key: pattern(/^[-._a-zA-Z0-9]{1,253}$/, 'a Secret key such as token'),
    }),
  }).optional(),
}).superRefine((env, ctx) => {
  if ((env.value === undefined) === (env.valueFrom === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: [],
      input: env,
      message: 'expected exactly one of value and valueFrom ({secretKeyRef: {name, key}})',
    });
  }
});
export type EnvVarSpec = z.output<typeof envVar>;
const envList = () => list(envVar, 'a list of {name, value} or {name, valueFrom: {secretKeyRef: {name, key}}}');
const quantityValue = () =>
  z.union([z.string(), z.number()], { error: 'expected a Kubernetes quantity' }).transform((v) => String(v).trim());
const resourceMap = () =>
  z.record(z.string(), quantityValue(), { error: 'expected a mapping of resource names to quantities' });
const anyMap = () => z.record(z.string(), z.unknown(), { error: 'expected a mapping' });

const toleration = strictObject({
  key: text('a taint key'),
  operator: oneOf(['Exists', 'Equal']).optional(),
  value: str().optional(),
  effect: oneOf(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
});
export type Toleration = z.infer<typeof toleration>;

const command = strictObject({
  env: envList().default([]),
  command: scalars().default([]),
  args: scalars().default([]),
});
export type CommandSpec = z.infer<typeof command>;

const resources = strictObject({
  requests: resourceMap().default({}),
  limits: resourceMap().default({}),
  /** Nodes of a distributed run (the seed's `nnodes`). */
  nnodes: positiveInt(1024).optional(),
  /** Processes per node (torchrun's `--nproc_per_node`); the seed writes a number or "auto". */
  nproc_per_node: z
    .union([positiveInt(1024), z.literal('auto')], { error: 'expected a positive integer or "auto"' })
    .optional(),
  /** EC2 instance type the pods are placed on (`node.kubernetes.io/instance-type`). */
  node_type: pattern(/^[a-z][a-z0-9-]*[0-9][a-z0-9-]*\.[a-z0-9]+$/, 'an instance type such as p5.48xlarge').optional(),
  /** Serving replicas (Ray Serve worker group). */
  min_replicas: nonNegativeInt().optional(),
  max_replicas: nonNegativeInt().optional(),
  num_of_hosts: positiveInt(64).optional(),
});
export type Resources = z.infer<typeof resources>;

const pvc = list(strictObject({ name: dnsLabel(), mount_path: pattern(/^\/\S*$/, 'an absolute path such as /fsx') }));
const ebs = strictObject({
  storage: quantityValue().optional(),
  mount_path: pattern(/^\/\S*$/, 'an absolute path').optional(),
});
const git = strictObject({ repo_url: str().nullish(), branch: scalar().nullish(), commit: scalar().nullish() });

const ray = strictObject({
  version: scalar().optional(),
  dashboard: strictObject({ host: str() }).optional(),
  ports: list(strictObject({ name: text('a port name'), port: positiveInt(65535) })).optional(),
  resources: strictObject({
    requests: resourceMap().default({}),
    limits: resourceMap().default({}),
    node_type: str().optional(),
  }).optional(),
  env: envList().optional(),
  tolerations: list(toleration).optional(),
  restart_policy: strictObject({
    head: oneOf(['Always', 'OnFailure', 'Never']).optional(),
    worker: oneOf(['Always', 'OnFailure', 'Never']).optional(),
  }).optional(),
  serve_config_v2: strictObject({ serveConfigV2: text('the Ray Serve config (YAML text)') }).optional(),
  service_unhealthy_threshold_secs: nonNegativeInt().optional(),
  deployment_unhealthy_threshold_secs: nonNegativeInt().optional(),
  runtime_env_yaml: z.unknown().optional(),
});

/** An HPA metric as the seed writes it (`{type: Pods, pods: {metric: {name}, target: {type, averageValue}}}`). */
const metricTarget = strictObject({
  type: oneOf(['Utilization', 'Value', 'AverageValue']),
  value: z.union([z.string(), z.number()], { error: 'expected a Kubernetes quantity' }).optional(),
  averageValue: z.union([z.string(), z.number()], { error: 'expected a Kubernetes quantity' }).optional(),
  averageUtilization: positiveInt(1000).optional(),
});
const metricSource = z
  .object(
    {
      metric: anyMap().optional(),
      target: metricTarget,
      describedObject: anyMap().optional(),
      name: str().optional(),
      container: str().optional(),
    },
    { error: 'expected a mapping with metric and target' },
  )
  .strict();
const hpaMetric = strictObject({
  type: oneOf(['Pods', 'Object', 'External', 'Resource', 'ContainerResource']),
  pods: metricSource.optional(),
  object: metricSource.optional(),
  external: metricSource.optional(),
  resource: metricSource.optional(),
  containerResource: metricSource.optional(),
});

const probe = strictObject({ period_secs: positiveInt(), failure_threshold: positiveInt() });
const server = strictObject({
  name: dnsLabel().optional(),
  command: scalars().default([]),
  args: scalars().default([]),
  env: envList().default([]),
  /** Triton: `[{name, value}]`; DJL: `{http: 8000, ...}`. */
  ports: z
    .union(
      [
        list(strictObject({ name: text('a port name'), value: z.union([z.string(), z.number()]).transform(Number) })),
        z.record(z.string(), z.number()),
      ],
      { error: 'expected a list of {name, value} or a mapping of port names' },
    )
    .optional(),
  readiness_probe: probe.optional(),
  startup_probe: probe.optional(),
  liveness_probe: probe.optional(),
  autoscaling: strictObject({
    minReplicas: nonNegativeInt(),
    maxReplicas: nonNegativeInt(),
    metrics: list(hpaMetric).optional(),
  }).optional(),
});

/**
 * One model of a packed set (`packed-models`): its server, and what one replica needs as measured (a load test, a
 * profile): the generator packs the replicas onto the pool's instance type and requests exactly these amounts.
 */
const packedModel = strictObject({
  /** Names the model's Service (`<app>-<name>`) and containers. */
  name: pattern(/^[a-z0-9]([-a-z0-9]{0,18}[a-z0-9])?$/, 'a model name (lowercase letters, digits and "-", at most 20)'),
  /** The server image; the app's `image` when absent. */
  image: str().optional(),
  command: scalars().default([]),
  args: scalars().default([]),
  env: envList().default([]),
  /** The port the server listens on; `8080` plus the model's place in the list when absent (given as PORT). */
  port: positiveInt(65535).optional(),
  /** Where the server finds the model (given as MODEL_PATH): a path on the team's volumes or an S3 URI. */
  model_path: text('a model path such as /fsx/inference/models/bert.pt').optional(),
  replicas: positiveInt(64).default(1),
  /** Measured needs of one replica. */
  cpu: quantityValue(),
  memory: quantityValue(),
  neuron_cores: nonNegativeInt().optional(),
  gpus: nonNegativeInt().optional(),
});
export type PackedModel = z.output<typeof packedModel>;

/** `model-compile`: models traced or compiled for a target, each written to a folder of the team's model store. */
export const COMPILE_TARGETS = ['neuron', 'cuda', 'cpu'] as const;
export const COMPILE_TASKS = [
  'sequence-classification',
  'token-classification',
  'question-answering',
  'feature-extraction',
] as const;
const compile = strictObject({
  /** `neuron`: torch-neuronx (Inferentia2, Trainium); `cuda` and `cpu`: TorchScript on a GPU or on the CPU. */
  target: oneOf(COMPILE_TARGETS),
  /** The transformers head the model is loaded with. */
  task: oneOf(COMPILE_TASKS).default('sequence-classification'),
  /** A traced model takes fixed shapes: the server pads each request to them. */
  batch_size: positiveInt(1024).default(1),
  sequence_length: positiveInt(8192).default(128),
  /** Arguments of the Neuron compiler (`neuronx-cc`), such as `--optlevel 2`; neuron only. */
  compiler_args: scalars().default([]),
  models: list(
    strictObject({
      /** A Hugging Face id (`bert-base-uncased`, `<org>/<name>`) or a folder holding a saved model. */
      source: text('a Hugging Face model id or a model folder'),
      /** The folder the compiled model (`model.pt`) and its tokenizer are written to. */
      output: pattern(/^\/\S*$/, 'an absolute folder such as /fsx/home/<team>/models/bert-neuron'),
    }),
    'a list of {source, output}',
  ).min(1, { error: 'expected at least one model' }),
});
export type CompileSpec = z.output<typeof compile>;

/**
 * `load-test`: k6 load-tests a serving app or a pipeline's packed set from a pod of the same cluster, one step per
 * request rate (or concurrency), and writes its raw results where `npx projen loadtest:report` reads them.
 */
const loadTest = strictObject({
  target: strictObject({
    /** A `packed-models` step of the same pipeline, by its step name. */
    step: dnsLabel().optional(),
    /** A serving app of the same cluster (`apps/<team>/<name>.yaml`), by its name. */
    app: recipeName().optional(),
    /** The model of a packed set (its Service); required when the set serves more than one. */
    model: text('a model name of the packed set').optional(),
    path: pattern(/^\/\S*$/, 'an HTTP path such as /predict').default('/'),
    /** GET without a body, POST with one, when absent. */
    method: oneOf(['GET', 'POST', 'PUT']).optional(),
    /** The request body, sent as written (JSON for most servers). */
    body: str().optional(),
    headers: z.record(z.string(), str(), { error: 'expected a mapping of header names to values' }).default({}),
  }).superRefine((t, ctx) => {
    if ((t.step === undefined) === (t.app === undefined)) {
      ctx.addIssue({ code: 'custom', path: [], input: t, message: 'expected exactly one of step and app' });
    }
  }),
  /** Requests per second, one step each in this order (k6's constant-arrival-rate). */
  rates: list(positiveInt(100000), 'a list of request rates').min(1).optional(),
  /** Concurrent virtual users, one step each in this order (k6's constant-vus), instead of rates. */
  vus: list(positiveInt(10000), 'a list of user counts').min(1).optional(),
  /** How long each step lasts. */
  step_duration: pattern(/^[1-9][0-9]*(s|m|h)$/, 'a duration such as 30s, 2m or 1h').default('2m'),
  /** The most virtual users k6 may start to hold a rate. */
  max_vus: positiveInt(10000).default(200),
  /** The latency target the report judges each step by (its p99, ms). */
  p99_target_ms: z.number({ error: 'expected a number of milliseconds' }).positive().optional(),
  /** The folder of the team's store the results go to, as `<results>/<test>/meta.json` and `k6.json.gz`. */
  results: pattern(/^\/\S*$/, 'an absolute folder such as /fsx/home/<team>/loadtests'),
}).superRefine((l, ctx) => {
  if ((l.rates === undefined) === (l.vus === undefined)) {
    ctx.addIssue({ code: 'custom', path: [], input: l, message: 'expected exactly one of rates and vus' });
  }
});
export type LoadTestSpec = z.output<typeof loadTest>;

/**
 * `pachyderm-pipeline`: a Pachyderm pipeline (its spec as pachctl takes it, src/pps/pps.proto at v2.11.6), named after
 * the recipe in the team's Pachyderm project. The transform image is the recipe's `image`, its workers' requests and
 * node pool are `resources`; the rest is here, with Pachyderm's own field names.
 */
const pfsInput = strictObject({
  /** An input repo of the pipeline's project (or of `project`). */
  repo: dnsLabel(),
  branch: pattern(/^[a-zA-Z0-9_-]{1,128}$/, 'a branch name such as master').default('master'),
  /** Which files make one datum (`/*`: each top-level file or folder; `/`: the whole commit). */
  glob: pattern(/^\/\S*$/, 'a glob pattern such as /* or /'),
  /** The name the input is mounted under (`/pfs/<name>`); the repo's name when absent. */
  name: dnsLabel().optional(),
  project: dnsLabel().optional(),
  join_on: str().optional(),
  outer_join: z.boolean({ error: 'expected true or false' }).optional(),
  group_by: str().optional(),
  lazy: z.boolean({ error: 'expected true or false' }).optional(),
  empty_files: z.boolean({ error: 'expected true or false' }).optional(),
});
export interface PachydermInput {
  pfs?: z.output<typeof pfsInput>;
  cross?: PachydermInput[];
  union?: PachydermInput[];
  join?: PachydermInput[];
  group?: PachydermInput[];
}
const pachydermInput: z.ZodType<PachydermInput> = z.lazy(() =>
  strictObject({
    pfs: pfsInput.optional(),
    cross: list(pachydermInput, 'a list of inputs').min(2, { error: 'expected at least two inputs' }).optional(),
    union: list(pachydermInput, 'a list of inputs').min(2, { error: 'expected at least two inputs' }).optional(),
    join: list(pachydermInput, 'a list of inputs').min(2, { error: 'expected at least two inputs' }).optional(),
    group: list(pachydermInput, 'a list of inputs').min(1, { error: 'expected at least one input' }).optional(),
  }).superRefine((input, ctx) => {
    if (Object.values(input).filter((v) => v !== undefined).length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        input,
        message: 'expected exactly one of pfs, cross, union, join and group',
      });
    }
  }),
);
const pachyderm = strictObject({
  /** The Pachyderm project of the pipeline and its input repos; the team's name when absent. */
  project: dnsLabel().optional(),
  description: str().optional(),
  input: pachydermInput,
  transform: strictObject({
    /** The command the workers run for each datum; `stdin` lines go to it (as Pachyderm's `transform.stdin`). */
    cmd: scalars().refine((c) => c.length > 0, { error: 'expected the command to run, such as [python3, /app/x.py]' }),
    stdin: scalars().optional(),
    env: z.record(z.string(), scalar(), { error: 'expected a mapping of variable names to values' }).optional(),
    working_dir: pattern(/^\/\S*$/, 'an absolute folder').optional(),
    user: scalar().optional(),
    accept_return_code: list(z.number({ error: 'expected an exit code' }).int()).optional(),
  }),
  /** Workers (`parallelism_spec.constant`). */
  parallelism: positiveInt(1024).default(1),
  datum_tries: positiveInt(100).optional(),
  /** Workers start when a job does and stop after it (Pachyderm's `autoscaling`). */
  autoscaling: z.boolean({ error: 'expected true or false' }).default(true),
  output_branch: pattern(/^[a-zA-Z0-9_-]{1,128}$/, 'a branch name such as master').optional(),
  /** Reprocess every datum when the pipeline is updated (`pachctl update pipeline --reprocess`). */
  reprocess_on_update: z.boolean({ error: 'expected true or false' }).default(false),
  /** How long the hook waits for the pipeline to run (`PIPELINE_RUNNING` or, autoscaled, `PIPELINE_STANDBY`). */
  wait_seconds: nonNegativeInt().default(300),
});
export type PachydermSpec = z.output<typeof pachyderm>;

/**
 * `determined-experiment`: a Determined experiment (its config, schemas/expconf/v0 at v0.38.1), named after the run
 * (`<recipe>-<hash>`: a changed recipe is a new experiment). The environment image is the recipe's `image`, its node
 * pool `resources.node_type`; the rest is here, with Determined's own field names.
 */
const determined = strictObject({
  /** The Determined workspace and project; Determined's Uncategorized project when absent. */
  workspace: str().optional(),
  project: str().optional(),
  description: str().optional(),
  labels: list(str()).optional(),
  /** What each trial runs: a command (`python3 train.py`), or a Trial class (`model_def:MyTrial`). */
  entrypoint: z.union([str(), list(str())], { error: 'expected a command or a list of its words' }),
  hyperparameters: anyMap().default({}),
  searcher: z
    .object(
      {
        name: oneOf(['single', 'random', 'grid', 'adaptive_asha', 'custom']),
        metric: text('the validation metric the searcher compares trials by'),
      },
      { error: 'expected a mapping with name and metric' },
    )
    .passthrough(),
  /** Slots (GPUs on a GPU pool) per trial, and Determined's resource pool if the master defines several. */
  slots_per_trial: nonNegativeInt().default(1),
  resource_pool: str().optional(),
  max_restarts: nonNegativeInt().optional(),
  /** Checkpoints on S3, reached with the trial pods' own AWS credentials (never keys in the config). */
  checkpoint_storage: strictObject({
    type: oneOf(['s3']),
    bucket: text('an S3 bucket name'),
    prefix: str().optional(),
    save_experiment_best: nonNegativeInt().optional(),
    save_trial_best: nonNegativeInt().optional(),
    save_trial_latest: nonNegativeInt().optional(),
  }),
  /** Free-form data the trials read from their config (`data:`), such as the Pachyderm commit to train on. */
  data: anyMap().optional(),
  environment_variables: z
    .record(z.string(), scalar(), { error: 'expected a mapping of variable names to values' })
    .optional(),
  /**
   * The model of Determined's model registry the trained checkpoints are registered in: the hook creates it if
   * missing, and the trials get its name as DET_MODEL_NAME to register their best checkpoint.
   */
  model: dnsLabel().optional(),
  /** The model definition, file name to text: the experiment's context (`det experiment create <config> <dir>`). */
  files: z
    .record(pattern(/^[A-Za-z0-9_][-A-Za-z0-9_.]*$/, 'a file name such as train.py'), str(), {
      error: 'expected a mapping of file names to their text',
    })
    .optional(),
  /** The Secret of the team's namespace with the Determined user (`username`) and its password (`password`). */
  user_secret_name: dnsLabel(),
});
export type DeterminedSpec = z.output<typeof determined>;

/** Every seed key with its meaning; each kind picks the ones its chart reads. */
const SEED_FIELDS = {
  /** A string; Triton, DJL and KServe write `{name, pull_policy}` as their charts do. */
  image: z
    .union(
      [
        str(),
        strictObject({ name: str().nullish(), pull_policy: oneOf(['Always', 'IfNotPresent', 'Never']).optional() }),
      ],
      { error: 'expected an image reference or {name, pull_policy}' },
    )
    .nullish(),
  image_pull_policy: oneOf(['Always', 'IfNotPresent', 'Never']).optional(),
  resources: resources.optional(),
  tolerations: list(toleration).default([]),
  git: git.optional(),
  inline_script: scalars().default([]),
  pre_script: scalars().default([]),
  train: command.optional(),
  process: command.optional(),
  post_script: scalars().default([]),
  pvc: pvc.optional(),
  ebs: ebs.optional(),
  framework: str().nullish(),
  backoff_limit: nonNegativeInt().optional(),
  elastic_policy: strictObject({
    rdzv_backend: str().optional(),
    rdzv_port: positiveInt(65535).optional(),
    min_replicas: positiveInt().optional(),
    max_replicas: positiveInt().optional(),
  }).optional(),
  ray: ray.optional(),
  engine: strictObject({ config: anyMap().optional(), code: str().optional() }).optional(),
  server: server.optional(),
  lws: strictObject({ size: positiveInt(64) }).optional(),
  scheduler_name: str().optional(),
  hf_model_id: text('a Hugging Face model id such as meta-llama/Meta-Llama-3-8B-Instruct').optional(),
  hf_secret_name: dnsLabel().optional(),
  hf_secret_key: str().optional(),
  snapshot: strictObject({ dir: str().optional(), user: scalar().optional(), group: scalar().optional() }).optional(),
  env: envList().optional(),
  /** KServe: the predictor's model format and storage. */
  model_format: text('a KServe model format such as huggingface').optional(),
  storage_uri: text('a storage URI such as s3://bucket/model or pvc://pv-fsx/models/x').optional(),
  /** packed-models: the models served together, packed onto `resources.node_type`. */
  models: list(packedModel, 'a list of models').min(1, { error: 'expected at least one model' }).optional(),
  compile: compile.optional(),
  load_test: loadTest.optional(),
  pachyderm: pachyderm.optional(),
  determined: determined.optional(),
} as const;
type SeedKey = keyof typeof SEED_FIELDS;

const COMMON: SeedKey[] = ['image', 'resources', 'tolerations', 'pvc', 'ebs', 'scheduler_name'];
const SCRIPTED: SeedKey[] = ['git', 'inline_script', 'pre_script', 'post_script'];

/** The seed keys each kind's chart reads. */
export const KIND_KEYS: Record<Exclude<WorkloadKind, 'pipeline'>, SeedKey[]> = {
  'pytorch-distributed': [...COMMON, ...SCRIPTED, 'train', 'framework', 'backoff_limit'],
  'pytorch-elastic': [...COMMON, ...SCRIPTED, 'train', 'framework', 'backoff_limit', 'elastic_policy'],
  'ray-train': [...COMMON, ...SCRIPTED, 'image_pull_policy', 'train', 'framework', 'ray'],
  mpi: [...COMMON, ...SCRIPTED, 'train', 'backoff_limit'],
  'data-process': [...COMMON, ...SCRIPTED, 'process', 'backoff_limit'],
  'model-download': [
    'image',
    'resources',
    'pvc',
    'ebs',
    'hf_model_id',
    'hf_secret_name',
    'hf_secret_key',
    'snapshot',
    'env',
  ],
  'model-compile': ['image', 'image_pull_policy', 'resources', 'tolerations', 'pvc', 'env', 'backoff_limit', 'compile'],
  'load-test': ['image', 'resources', 'tolerations', 'pvc', 'load_test'],
  'pachyderm-pipeline': ['image', 'resources', 'tolerations', 'pachyderm'],
  'determined-experiment': ['image', 'resources', 'tolerations', 'determined'],
  'rayserve-vllm': [...COMMON, 'image_pull_policy', 'framework', 'ray', 'engine'],
  triton: [...COMMON, ...SCRIPTED, 'image_pull_policy', 'framework', 'server', 'lws'],
  'djl-lmi': [...COMMON, ...SCRIPTED, 'image_pull_policy', 'server'],
  kserve: [...COMMON, 'image_pull_policy', 'server', 'model_format', 'storage_uri'],
  'packed-models': ['image', 'image_pull_policy', 'resources', 'tolerations', 'pvc', 'models'],
};

const header = {
  name: recipeName(),
  team: dnsLabel(),
  cluster: dnsLabel(),
  kind: oneOf(WORKLOAD_KINDS),
  /** Kueue WorkloadPriorityClass; the team's priority when absent. */
  priority: oneOf(PRIORITIES).optional(),
  /** Expected wall-clock time (`12h`, `3d`), for cost estimates. */
  duration: pattern(/^[0-9]+(m|h|d)$/, 'a duration such as 90m, 12h or 3d').optional(),
  /** An archived run leaves its cluster folder; the recipe stays in git as the record. */
  archived: z.boolean({ error: 'expected true or false' }).optional(),
};

/** The seed keys a kind cannot do without: what it compiles, what it tests. */
const REQUIRED: Partial<Record<WorkloadKind, readonly SeedKey[]>> = {
  'model-compile': ['compile'],
  'load-test': ['load_test'],
  'pachyderm-pipeline': ['pachyderm'],
  'determined-experiment': ['determined'],
};

function pick(keys: SeedKey[], kind?: WorkloadKind) {
  const required = new Set(kind ? REQUIRED[kind] : []);
  return Object.fromEntries(
    keys.map((k) => {
      const field = SEED_FIELDS[k];
      return [k, required.has(k) && field instanceof z.ZodOptional ? field.unwrap() : field];
    }),
  ) as Partial<typeof SEED_FIELDS>;
}

/** The fields of one step or recipe body of a kind (no header). */
export function bodySchema(kind: Exclude<WorkloadKind, 'pipeline'>) {
  return strictObject(pick(KIND_KEYS[kind], kind));
}

/** The whole-recipe type all renderers read: every seed field optional, defaults applied. */
const allFields = z.object(SEED_FIELDS);
export type RecipeBody = Partial<z.output<typeof allFields>> & {
  tolerations: Toleration[];
  inline_script: string[];
  pre_script: string[];
  post_script: string[];
};

/**
 * The run kinds applied by a sync hook (a CLI call to a server that runs the work itself): the hook succeeds once the
 * server accepted the spec, long before the pipeline's data or the experiment's trials are done, so no later step
 * could wait for them. They are runs of their own, never pipeline steps.
 */
export const HOOK_KINDS = ['pachyderm-pipeline', 'determined-experiment'] as const;
type HookKind = (typeof HOOK_KINDS)[number];

/**
 * The kinds a pipeline step may be: every run kind but the hook kinds, and a packed set to deploy before a load test
 * (Argo CD starts the next step once its Deployments are available).
 */
export type StepKind = Exclude<RunKind, 'pipeline' | HookKind> | 'packed-models';
export const STEP_KINDS = [
  ...RUN_KINDS.filter(
    (k): k is Exclude<RunKind, 'pipeline' | HookKind> =>
      k !== 'pipeline' && !(HOOK_KINDS as readonly string[]).includes(k),
  ),
  'packed-models',
] as unknown as [StepKind, ...StepKind[]];

const schemas = new Map<WorkloadKind, ReturnType<typeof buildRecipeSchema>>();

/** The schema of a recipe of one kind; built once per kind (zod compiles a schema on its first use). */
export function recipeSchema(kind: WorkloadKind) {
  let schema = schemas.get(kind);
  if (!schema) {
    schema = buildRecipeSchema(kind);
    schemas.set(kind, schema);
  }
  return schema;
}

function buildRecipeSchema(kind: WorkloadKind) {
  if (kind === 'pipeline') {
    return strictObject({
      ...header,
      /** Ordered steps; each starts only after the one before it succeeded. */
      steps: list(z.object({ name: dnsLabel(), kind: oneOf(STEP_KINDS) }).passthrough(), 'a list of steps')
        .min(2, { error: 'expected at least two steps' })
        .max(20, { error: 'expected at most 20 steps' }),
    });
  }
  return strictObject({ ...header, ...pick(KIND_KEYS[kind], kind) });
}

/** What the header alone must hold, checked first so the body can be checked against its kind. */
export const headerSchema = z.object(header).passthrough();

export interface Recipe {
  readonly name: string;
  readonly team: string;
  readonly cluster: string;
  readonly kind: WorkloadKind;
  readonly priority?: (typeof PRIORITIES)[number];
  readonly duration?: string;
  readonly archived?: boolean;
  /** The seed fields (absent for a pipeline). */
  readonly body: RecipeBody;
  /** Pipeline steps, each a kind and its seed fields. */
  readonly steps: { name: string; kind: StepKind; body: RecipeBody }[];
}

export { text };
