import {
  compact,
  containerResources,
  envVars,
  nodeSelector,
  podMetadata,
  podTolerations,
  podVolumes,
  queuedMeta,
  scriptConfigMap,
  type WorkloadContext,
} from './pod-parts';
import { imageName, imagePullPolicy } from './pytorchjob';
import { KubeJob, type PodSpec } from '../imports/k8s';
import type { K8sObject } from '../model/k8s-object';
import type { CompileSpec, RecipeBody } from '../recipes/recipe-schema';

/** What a compile for each target needs of its node, besides what the recipe asks for. */
export const TARGET_DEVICE: Record<CompileSpec['target'], { resource?: string; what: string }> = {
  // torch_neuronx.trace compiles, then runs the model once on a NeuronCore to check it. A whole device, not a core:
  // a queued Job is admitted only for resources its ClusterQueue covers, and Kueue counts Neuron devices
  neuron: { resource: 'aws.amazon.com/neuron', what: 'a node type with Neuron devices (inf2, trn1, trn2)' },
  cuda: { resource: 'nvidia.com/gpu', what: 'a node type with NVIDIA GPUs' },
  cpu: { what: 'any node type (its architecture is the one the model runs on)' },
};

const SCRIPT_KEY = 'compile.py';
const SCRIPT_DIR = '/etc/compile';

/**
 * The compile script: each model loaded with its transformers head (`torchscript=True`: tuple outputs, so it
 * traces), traced on example inputs of the fixed shape, saved with its tokenizer in its output folder as
 * `model.pt` (what images/*-server load with MODEL_PATH=<output>/model.pt). On FSx the folder reaches S3 by the file
 * system's data repository association.
 */
export const COMPILE_SCRIPT = `import json
import os
import sys

import torch
import transformers

target = os.environ["COMPILE_TARGET"]
task = os.environ["COMPILE_TASK"]
batch_size = int(os.environ["BATCH_SIZE"])
sequence_length = int(os.environ["SEQUENCE_LENGTH"])
compiler_args = json.loads(os.environ["COMPILER_ARGS"])
models = json.loads(os.environ["MODELS"])

heads = {
    "sequence-classification": transformers.AutoModelForSequenceClassification,
    "token-classification": transformers.AutoModelForTokenClassification,
    "question-answering": transformers.AutoModelForQuestionAnswering,
    "feature-extraction": transformers.AutoModel,
}
if target == "neuron":
    import torch_neuronx

for entry in models:
    source, output = entry["source"], entry["output"]
    print(f"compiling {source} for {target} to {output}", flush=True)
    tokenizer = transformers.AutoTokenizer.from_pretrained(source)
    model = heads[task].from_pretrained(source, torchscript=True)
    model.eval()
    encoded = tokenizer(
        ["An example sentence to trace the model with."] * batch_size,
        padding="max_length",
        truncation=True,
        max_length=sequence_length,
        return_tensors="pt",
    )
    example = (encoded["input_ids"], encoded["attention_mask"])
    with torch.no_grad():
        if target == "neuron":
            traced = torch_neuronx.trace(model, example, compiler_args=compiler_args)
        elif target == "cuda":
            model = model.cuda()
            traced = torch.jit.trace(model, tuple(t.cuda() for t in example))
        else:
            traced = torch.jit.trace(model, example)
    os.makedirs(output, exist_ok=True)
    torch.jit.save(traced, os.path.join(output, "model.pt.tmp"))
    os.replace(os.path.join(output, "model.pt.tmp"), os.path.join(output, "model.pt"))
    tokenizer.save_pretrained(output)
    with open(os.path.join(output, "compile.json"), "w") as f:
        json.dump({"source": source, "target": target, "task": task, "batch_size": batch_size,
                   "sequence_length": sequence_length, "compiler_args": compiler_args,
                   "torch": torch.__version__, "transformers": transformers.__version__}, f, indent=2)
    print(f"wrote {output}/model.pt", flush=True)
sys.exit(0)
`;

/** `model-compile`: a Job on a node of the target that compiles each model and writes it to its output folder. */
export function renderModelCompile(body: RecipeBody, ctx: WorkloadContext): K8sObject[] {
  const compile = body.compile;
  if (!compile) return []; // placement reports it
  const configMap = `compile-${ctx.release}`;
  const { volumes, mounts } = podVolumes(body, ctx, {
    script: { configMap, key: SCRIPT_KEY, mountPath: SCRIPT_DIR },
    shm: false,
  });
  const device = TARGET_DEVICE[compile.target].resource;
  const requests: Record<string, string> = { cpu: '2', memory: '8Gi', ...body.resources?.requests };
  const limits: Record<string, string> = { ...body.resources?.limits };
  if (device && requests[device] === undefined && limits[device] === undefined) {
    requests[device] = '1';
    limits[device] = '1';
  }
  const env = [
    { name: 'COMPILE_TARGET', value: compile.target },
    { name: 'COMPILE_TASK', value: compile.task },
    { name: 'BATCH_SIZE', value: String(compile.batch_size) },
    { name: 'SEQUENCE_LENGTH', value: String(compile.sequence_length) },
    { name: 'COMPILER_ARGS', value: JSON.stringify(compile.compiler_args) },
    { name: 'MODELS', value: JSON.stringify(compile.models.map((m) => ({ source: m.source, output: m.output }))) },
    { name: 'HF_HOME', value: '/tmp/hf' },
    ...envVars(body.env, ctx),
  ];
  const spec = compact<PodSpec>({
    restartPolicy: 'Never',
    tolerations: podTolerations(body.tolerations, ctx),
    nodeSelector: nodeSelector(body.resources?.node_type, ctx),
    volumes,
    containers: [
      compact({
        name: 'compile',
        image: imageName(body)!,
        imagePullPolicy: imagePullPolicy(body),
        command: ['python3', `${SCRIPT_DIR}/${SCRIPT_KEY}`],
        env,
        volumeMounts: mounts,
        resources: containerResources(requests, limits),
      }),
    ],
  });
  return [
    scriptConfigMap(ctx, configMap, SCRIPT_KEY, COMPILE_SCRIPT),
    KubeJob.manifest({
      metadata: queuedMeta(ctx, `compile-${ctx.release}`),
      spec: compact({
        backoffLimit: body.backoff_limit ?? 0,
        template: { metadata: podMetadata(ctx), spec },
      }),
    }),
  ];
}
