import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  cleanupTemps,
  exampleInputs,
  lineOf,
  regenerate,
  REPO,
  snapshotTree,
  tempDir,
  writeFile,
} from './support/fleet';
import { checkManifests } from '../generator/checks/check-manifests';
import { checkFleetReferences } from '../generator/checks/fleet-references';
import { SchemaRegistry } from '../generator/checks/schema-registry';
import { formatProblem } from '../generator/config/problems';
import { OUTPUT_ROOTS } from '../generator/model/paths';
import { readManifest } from '../generator/write/write-files';
import { PLATFORM_MODULES } from '../platform';

afterAll(cleanupTemps);

const PIPELINE = 'recipes/llm-training/chat-sft-data.yaml';
const EXPERIMENT = 'recipes/llm-training/chat-sft-train.yaml';
const RUNS = 'clusters/prod-use1/workloads/runs/llm-training';
const registry = SchemaRegistry.forFleet();

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef: { name: string; key: string } };
}
interface Doc {
  kind: string;
  metadata: { name: string; namespace: string; annotations?: Record<string, string> };
  data?: Record<string, string>;
  spec?: {
    backoffLimit?: number;
    template: {
      spec: {
        serviceAccountName?: string;
        volumes: { name: string; configMap?: { name: string; items: { key: string; path: string }[] } }[];
        containers: { image: string; command: string[]; env: EnvVar[]; resources: Record<string, unknown> }[];
      };
    };
  };
}

/** The folder of a run of `recipe` (its name and hash), relative to the root. */
function runFolder(root: string, recipe: string): string {
  const [run] = readdirSync(join(root, RUNS)).filter((d) => new RegExp(`^${recipe}-[0-9a-f]{6}$`).test(d));
  expect(run).toBeDefined();
  return `${RUNS}/${run}`;
}
function runObjects(root: string, recipe: string): Doc[] {
  const dir = join(root, runFolder(root, recipe));
  return readdirSync(dir)
    .sort()
    .map((f) => parse(readFileSync(join(dir, f), 'utf-8')) as Doc);
}

const root = exampleInputs({ withRecipes: true });
const generated = regenerate(root);

describe('from data to a served model: the example pipeline and experiment', () => {
  it('compile, validate against the schemas and pass the reference check', () => {
    expect(generated.ok).toBe(true);
    const files = [...readManifest(root, OUTPUT_ROOTS)]
      .sort()
      .map((path) => ({ path, content: readFileSync(join(root, path), 'utf-8') }));
    const runFiles = files.filter((f) => /\/chat-sft-(data|train)-[0-9a-f]{6}\//.test(f.path));
    expect(runFiles.map((f) => f.path.replace(/-[0-9a-f]{6}(?=[/.])/g, '-<hash>'))).toEqual([
      `${RUNS}/chat-sft-data-<hash>/configmap-llm-training-pachyderm-chat-sft-data-<hash>.yaml`,
      `${RUNS}/chat-sft-data-<hash>/job-llm-training-pachyderm-chat-sft-data-<hash>.yaml`,
      `${RUNS}/chat-sft-train-<hash>/configmap-llm-training-determined-chat-sft-train-<hash>.yaml`,
      `${RUNS}/chat-sft-train-<hash>/job-llm-training-determined-chat-sft-train-<hash>.yaml`,
    ]);
    expect(checkManifests(runFiles, registry).problems).toEqual([]);
    expect(checkFleetReferences(root, files, PLATFORM_MODULES, registry).map(formatProblem)).toEqual([]);
  });

  it('renders twice to the same bytes', () => {
    const again = exampleInputs({ withRecipes: true });
    expect(regenerate(again).ok).toBe(true);
    const runsOf = (r: string) =>
      new Map([...snapshotTree(join(r, RUNS))].filter(([path]) => path.startsWith('chat-sft-')));
    expect(runsOf(again).size).toBe(4);
    expect(runsOf(again)).toEqual(runsOf(root));
  });

  it('applies each as an Argo CD sync hook Job of the CLI image built from images/, after the spec it mounts', () => {
    for (const [recipe, image] of [
      ['chat-sft-data', 'pachctl'],
      ['chat-sft-train', 'det-cli'],
    ]) {
      const [configMap, job] = runObjects(root, recipe);
      expect(configMap.kind).toBe('ConfigMap');
      expect(job.kind).toBe('Job');
      expect(job.metadata.namespace).toBe('llm-training');
      expect(job.metadata.annotations).toMatchObject({
        'argocd.argoproj.io/hook': 'Sync',
        'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
        'argocd.argoproj.io/sync-wave': '1',
      });
      const pod = job.spec!.template.spec;
      expect(pod.containers[0].image).toMatch(
        new RegExp(
          `^777788889999\\.dkr\\.ecr\\.us-east-1\\.amazonaws\\.com/eks-mlops-fleet/${image}@sha256:[0-9a-f]{64}$`,
        ),
      );
      expect(pod.volumes.find((v) => v.name === 'spec')?.configMap?.name).toBe(configMap.metadata.name);
      // the team's ResourceQuota counts the hook's pod: requests and limits set
      expect(pod.containers[0].resources).toMatchObject({ requests: { cpu: '100m' }, limits: { memory: '256Mi' } });
    }
  });

  it("puts the pipeline's workers on the recipe's node pool, and its trials on theirs", () => {
    const [pipelineMap] = runObjects(root, 'chat-sft-data');
    const spec = JSON.parse(pipelineMap.data!['pipeline.json']);
    expect(spec.pipeline).toEqual({ name: 'chat-sft-data', project: { name: 'llm-training' } });
    expect(spec.input).toEqual({ pfs: { repo: 'chat-raw', branch: 'master', glob: '/*' } });
    expect(spec.transform.image).toBe('public.ecr.aws/docker/library/python:3.11.11-slim-bookworm');
    expect(spec.transform.cmd).toEqual(['python3', '-u', '-']);
    expect(spec.parallelism_spec).toEqual({ constant: 2 });
    expect(spec.resource_requests).toEqual({ cpu: 2, memory: '8Gi' });
    expect(spec.scheduling_spec.node_selector).toEqual({
      'karpenter.sh/nodepool': 'cpu',
      'node.kubernetes.io/instance-type': 'm6i.4xlarge',
    });

    const [experimentMap] = runObjects(root, 'chat-sft-train');
    const config = parse(experimentMap.data!['config.yaml']);
    expect(config.name).toBe(runFolder(root, 'chat-sft-train').split('/').pop());
    expect(config.searcher).toEqual({ name: 'single', metric: 'validation_loss', smaller_is_better: true });
    expect(config.resources).toEqual({ slots_per_trial: 1 });
    expect(config.checkpoint_storage).toMatchObject({ type: 's3', bucket: 'prod-use1-777788889999-determined' });
    expect(config.environment.image).toBe('nvcr.io/nvidia/pytorch:25.10-py3');
    expect(config.environment.environment_variables).toContain('DET_MODEL_NAME=chat-sft');
    expect(config.environment.pod_spec.spec.nodeSelector).toEqual({
      'karpenter.sh/nodepool': 'cuda',
      'node.kubernetes.io/instance-type': 'g6e.xlarge',
    });
    expect(config.environment.pod_spec.spec.tolerations).toEqual([
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
    ]);
    expect(experimentMap.data!['model_def.train.py']).toMatch(/register_version\(uuid\)/);
  });
});

/** A fake CLI: a bash script on PATH that appends its argv (one line) to $CALLS and answers from $STATE. */
function fakeCli(bin: string, name: string, body: string) {
  const path = join(bin, name);
  writeFileSync(path, `#!/bin/bash\necho "${name} $*" >> "$CALLS"\n${body}`);
  chmodSync(path, 0o755);
}

/** pachctl as v2.11.6 answers these calls (errors as src/server/pfs/pfs.go and src/server/pps/pps.go print them). */
const FAKE_PACHCTL = `
case "$1 $2" in
  "inspect project")
    if [ -f "$STATE/project-$3" ]; then echo "Name: $3"; else echo "project \\"$3\\" not found" >&2; exit 1; fi ;;
  "create project") touch "$STATE/project-$3" ;;
  "inspect pipeline")
    if [ "\${PACHD_DOWN:-}" = 1 ]; then echo "context deadline exceeded: connection refused" >&2; exit 1; fi
    if [ ! -f "$STATE/pipeline-$3" ]; then echo "pipeline \\"$5/$3\\" not found" >&2; exit 1; fi
    info='{\\n  "pipeline": {"name": "%s"},\\n  "lastJobState": "JOB_SUCCESS",\\n  "state": "PIPELINE_RUNNING"\\n}\\n'
    if [ "$6" = --raw ]; then printf "$info" "$3"; fi ;;
  "create pipeline")
    name=$(grep -o '"name": "[^"]*"' "$6" | head -n 1 | cut -d'"' -f4)
    if [ -f "$STATE/pipeline-$name" ]; then echo "pipeline $name already exists" >&2; exit 1; fi
    cp "$6" "$STATE/pipeline-$name" ;;
  "update pipeline")
    name=$(grep -o '"name": "[^"]*"' "$6" | head -n 1 | cut -d'"' -f4)
    cp "$6" "$STATE/pipeline-$name" ;;
  *) echo "unexpected call" >&2; exit 2 ;;
esac
`;

/** det as v0.38.1 answers these calls (`det -m <master> ...`; the experiment list as --csv prints it). */
const FAKE_DET = `
[ "$1" = -m ] || { echo "expected -m <master>" >&2; exit 2; }
[ -n "\${DET_USER:-}" ] && [ -n "\${DET_PASS:-}" ] || { echo "not logged in" >&2; exit 1; }
shift 2
case "$1 $2" in
  "model describe") [ -f "$STATE/model-$3" ] || { echo "Failed to get model: not found" >&2; exit 1; } ;;
  "model create") touch "$STATE/model-$3" ;;
  "experiment list")
    echo "ID,Owner,Name,Parent ID,State,Progress,Started,Ended,Resource Pool,Archived"
    cat "$STATE/experiments" 2>/dev/null || true ;;
  "experiment create")
    name=$(sed -n 's/^name: //p' "$3")
    id=$(( $(cat "$STATE/experiments" 2>/dev/null | wc -l) + 1 ))
    echo "$id,$DET_USER,$name,,ACTIVE,0.0%,now,,default,False" >> "$STATE/experiments"
    [ -z "\${4:-}" ] || ls "$4" > "$STATE/model-def-$id"
    echo "Created experiment $id" ;;
  *) echo "unexpected call" >&2; exit 2 ;;
esac
`;

/**
 * Writes the files the hook Job mounts (its ConfigMap's items, at their paths) into a folder, and returns how to run
 * its script there with bash, with the Job's environment and a fake CLI first on PATH.
 */
function hookRunner(recipe: string, cli: string, fake: string, secrets: Record<string, string> = {}) {
  const [configMap, job] = runObjects(root, recipe);
  const dir = tempDir('hook-');
  const mount = join(dir, 'mount');
  const spec = job.spec!.template.spec;
  for (const item of spec.volumes.find((v) => v.name === 'spec')!.configMap!.items) {
    mkdirSync(join(mount, item.path, '..'), { recursive: true });
    writeFileSync(join(mount, item.path), configMap.data![item.key]);
  }
  const bin = join(dir, 'bin');
  const state = join(dir, 'state');
  mkdirSync(bin);
  mkdirSync(state);
  fakeCli(bin, cli, fake);
  const container = spec.containers[0];
  const script = container.command[1].split('/').pop()!;
  const env: Record<string, string> = {};
  for (const e of container.env) {
    const value = e.value ?? secrets[e.valueFrom!.secretKeyRef.key];
    if (value !== undefined) env[e.name] = value;
  }
  const calls = join(dir, 'calls');
  return {
    mount,
    state,
    run(extra: Record<string, string> = {}): { code: number; output: string; calls: string[] } {
      writeFileSync(calls, '');
      let code = 0;
      let output = '';
      try {
        output = execFileSync('bash', [join(mount, script)], {
          env: { ...env, ...extra, HOME: dir, CALLS: calls, STATE: state, PATH: `${bin}:${process.env.PATH}` },
          encoding: 'utf-8',
          stdio: ['ignore', 'pipe', 'pipe'],
        });
      } catch (error) {
        const e = error as { status: number; stdout: string; stderr: string };
        code = e.status;
        output = `${e.stdout}${e.stderr}`;
      }
      return { code, output, calls: readFileSync(calls, 'utf-8').split('\n').filter(Boolean) };
    },
  };
}

describe("the hook Jobs' scripts, run twice against a fake CLI", () => {
  it('pachyderm-pipeline: creates the project and the pipeline once, then updates the pipeline', () => {
    const hook = hookRunner('chat-sft-data', 'pachctl', FAKE_PACHCTL);
    const spec = join(hook.mount, 'pipeline.json');
    const first = hook.run();
    expect(first.code).toBe(0);
    expect(first.calls).toEqual([
      'pachctl inspect project llm-training',
      'pachctl create project llm-training',
      'pachctl inspect pipeline chat-sft-data --project llm-training',
      `pachctl create pipeline --project llm-training -f ${spec}`,
      'pachctl inspect pipeline chat-sft-data --project llm-training --raw -o json',
    ]);
    expect(first.output).toMatch(/pipeline llm-training\/chat-sft-data is PIPELINE_RUNNING/);
    expect(JSON.parse(readFileSync(join(hook.state, 'pipeline-chat-sft-data'), 'utf-8')).pipeline.name).toBe(
      'chat-sft-data',
    );

    const second = hook.run();
    expect(second.code).toBe(0);
    expect(second.calls).toEqual([
      'pachctl inspect project llm-training',
      'pachctl inspect pipeline chat-sft-data --project llm-training',
      `pachctl update pipeline --project llm-training -f ${spec}`,
      'pachctl inspect pipeline chat-sft-data --project llm-training --raw -o json',
    ]);
    expect([...first.calls, ...second.calls].filter((c) => c.startsWith('pachctl create pipeline'))).toHaveLength(1);
  });

  it('pachyderm-pipeline: fails, creating nothing, when pachd cannot be reached', () => {
    const hook = hookRunner('chat-sft-data', 'pachctl', FAKE_PACHCTL);
    hook.run();
    const down = hook.run({ PACHD_DOWN: '1' });
    expect(down.code).toBe(1);
    expect(down.output).toMatch(
      /pachyderm-pipeline llm-training\/chat-sft-data: pachctl inspect pipeline failed: .*connection refused/,
    );
    expect(down.calls.filter((c) => / (create|update) /.test(c))).toEqual([]);
  });

  it('determined-experiment: creates the model and the experiment once, then does nothing', () => {
    const hook = hookRunner('chat-sft-train', 'det', FAKE_DET, { username: 'llm-training', password: 'not-in-git' });
    const master = 'http://determined-master-service-determined.determined.svc.cluster.local:8080';
    const first = hook.run();
    expect(first.code).toBe(0);
    expect(first.calls).toEqual([
      `det -m ${master} model describe chat-sft`,
      `det -m ${master} model create chat-sft`,
      `det -m ${master} experiment list --all --csv`,
      `det -m ${master} experiment create ${join(hook.mount, 'config.yaml')} ${join(hook.mount, 'model_def')}`,
    ]);
    // the model definition went up as the experiment's context
    expect(readFileSync(join(hook.state, 'model-def-1'), 'utf-8')).toBe('train.py\n');

    const second = hook.run();
    expect(second.code).toBe(0);
    expect(second.calls).toEqual([
      `det -m ${master} model describe chat-sft`,
      `det -m ${master} experiment list --all --csv`,
    ]);
    expect(second.output).toMatch(/experiment chat-sft-train-[0-9a-f]{6} exists \(id 1\)/);
    expect(readFileSync(join(hook.state, 'experiments'), 'utf-8').trim().split('\n')).toHaveLength(1);
  });

  it('determined-experiment: fails clearly without its credentials', () => {
    const hook = hookRunner('chat-sft-train', 'det', FAKE_DET);
    const result = hook.run();
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/determined-experiment chat-sft-train-[0-9a-f]{6}: det model create chat-sft failed/);
    expect(existsSync(join(hook.state, 'experiments'))).toBe(false);
  });
});

describe('bad recipes: file, line and field', () => {
  function problemsWith(recipe: string, edit: (text: string) => string): string[] {
    const r = exampleInputs({ withRecipes: true });
    writeFile(r, recipe, edit(readFileSync(join(REPO, recipe), 'utf-8')));
    const result = regenerate(r);
    expect(result.ok).toBe(false);
    return result.ok ? [] : result.problems.map(formatProblem);
  }

  it('an unknown key, with the key it most likely meant', () => {
    const problems = problemsWith(PIPELINE, (t) => t.replace('  transform:\n', '  transfrom:\n'));
    const line = lineOf(PIPELINE, '  transform:');
    expect(problems).toContainEqual(
      expect.stringMatching(
        new RegExp(`^${PIPELINE}:${line}: pachyderm\\.transfrom: unknown key; did you mean "transform"`),
      ),
    );
  });

  it('a pipeline without its transform image', () => {
    const problems = problemsWith(PIPELINE, (t) => t.replace(/^image: .*\n/m, ''));
    // a missing key is reported at the mapping that lacks it: here the recipe's first line
    const line = lineOf(PIPELINE, 'name: chat-sft-data');
    expect(problems).toContain(
      `${PIPELINE}:${line}: image: is required: the transform image the pipeline's workers run`,
    );
  });

  it("a node pool that is not the team's", () => {
    const problems = problemsWith(EXPERIMENT, (t) => t.replace('node_type: g6e.xlarge', 'node_type: trn1.32xlarge'));
    const line = lineOf(EXPERIMENT, 'node_type: g6e.xlarge');
    expect(problems).toContain(
      `${EXPERIMENT}:${line}: resources.node_type: "trn1.32xlarge" is on node pool "neuron" (neuron), which is not ` +
        `team "llm-training"'s: the team has no quota of Neuron devices on cluster "prod-use1"; pick an instance ` +
        'type of a pool it has a quota on',
    );
  });

  it("the Determined user's Secret, when the team neither lists it nor syncs it", () => {
    const r = exampleInputs({ withRecipes: true });
    const spec = 'clusters/prod-use1/cluster.yaml';
    writeFile(r, spec, readFileSync(join(REPO, spec), 'utf-8').replace('[hf-token, determined-user]', '[hf-token]'));
    expect(regenerate(r).ok).toBe(true);
    const files = [...readManifest(r, OUTPUT_ROOTS)]
      .sort()
      .map((path) => ({ path, content: readFileSync(join(r, path), 'utf-8') }));
    const problems = checkFleetReferences(r, files, PLATFORM_MODULES, registry).map(formatProblem);
    expect(problems).toHaveLength(2); // DET_USER and DET_PASS
    for (const p of problems) {
      expect(p).toMatch(
        /\/job-llm-training-determined-chat-sft-train-[0-9a-f]{6}\.yaml: .*secretKeyRef.*determined-user/,
      );
      expect(p).toMatch(/fix it in recipes\/llm-training\/chat-sft-train\.yaml$/);
    }
  });

  it('a spec image from a registry the cluster does not allow', () => {
    const problems = problemsWith(EXPERIMENT, (t) =>
      t.replace('image: nvcr.io/nvidia/pytorch:25.10-py3', 'image: ghcr.io/acme/trainer:1'),
    );
    const line = lineOf(EXPERIMENT, 'image: nvcr.io/nvidia/pytorch:25.10-py3');
    expect(problems).toContainEqual(
      expect.stringMatching(
        new RegExp(`^${EXPERIMENT}:${line}: image: image "ghcr\\.io/acme/trainer:1" \\(the environment image .*`),
      ),
    );
  });
});
