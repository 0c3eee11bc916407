/**
 * The run and service Applications ignore what Kueue and the controllers change after creation, completely and no
 * more (generator/argocd/argocd-objects.ts `runIgnoreDifferences`, `serviceIgnoreDifferences`).
 *
 * Every object of every run and service folder of the example fleet (plus the kinds its recipes do not use: an
 * MPIJob, an elastic PyTorchJob, a KServe InferenceService, a LeaderWorkerSet behind an autoscaler and a Deployment
 * without one) is taken as the generator renders it, turned into the live object in each state the controllers leave
 * it in (test/support/controller-models.ts, written from their sources), for every ResourceFlavor of its cluster
 * that Kueue could admit it to, and compared as Argo CD compares them with the cluster's own ApplicationSet rules
 * (test/support/argocd-diff.ts: Argo CD's normalization with real jq, and its three-way diff). Completely: no state
 * shows a difference. No more: a change to what the generator renders still shows, and no rule removes anything
 * the generator renders except where the README says why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  clone,
  deepEqual,
  differingPaths,
  ignoreNormalize,
  legacyDiff,
  normalize,
  syncTarget,
} from './support/argocd-diff';
import { liveStates, type Flavor, type KueueScenario, type LiveState } from './support/controller-models';
import { cleanupTemps, exampleInputs, FLEET, writeFile } from './support/fleet';
import type { IgnoreDifference } from '../generator/argocd/argocd-objects';
import { generateFleet } from '../generator/fleet/generate';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

afterAll(cleanupTemps);

/** The kinds the example recipes do not render, on prod-use1 (every module on). */
const EXTRA_INPUTS: Record<string, string> = {
  'recipes/llm-training/horovod-mpi.yaml': `name: horovod-mpi
team: llm-training
cluster: prod-use1
kind: mpi
image: 777788889999.dkr.ecr.us-east-1.amazonaws.com/horovod:0.28.1
resources:
  requests: { "nvidia.com/gpu": 8, "vpc.amazonaws.com/efa": 4 }
  limits: { "nvidia.com/gpu": 8, "vpc.amazonaws.com/efa": 4 }
  nnodes: 2
  nproc_per_node: 8
  node_type: p4d.24xlarge
tolerations:
  - { key: nvidia.com/gpu, operator: Exists, effect: NoSchedule }
train:
  command: [mpirun, -np, "16", python, train.py]
`,
  'recipes/llm-training/bert-elastic.yaml': `name: bert-elastic
team: llm-training
cluster: prod-use1
kind: pytorch-elastic
image: 777788889999.dkr.ecr.us-east-1.amazonaws.com/pytorch:2.5.1
resources:
  requests: { "nvidia.com/gpu": 1 }
  limits: { "nvidia.com/gpu": 1 }
  nnodes: 2
  node_type: g6.2xlarge
elastic_policy: { min_replicas: 1, max_replicas: 2 }
train:
  command: [torchrun, train.py]
`,
  'apps/inference/llama3-8b-kserve.yaml': `name: llama3-8b-kserve
team: inference
cluster: prod-use1
kind: kserve
model_format: huggingface
storage_uri: pvc://pv-fsx/pretrained-models/meta-llama/Meta-Llama-3-8B-Instruct
resources:
  requests: { "nvidia.com/gpu": 1 }
  limits: { "nvidia.com/gpu": 1 }
  node_type: g6.2xlarge
`,
  'apps/inference/mixtral-lws.yaml': `name: mixtral-lws
team: inference
cluster: prod-use1
kind: triton
image:
  name: nvcr.io/nvidia/tritonserver:25.10-trtllm-python-py3
lws:
  size: 2
resources:
  node_type: g6.2xlarge
  requests: { "nvidia.com/gpu": 1 }
  limits: { "nvidia.com/gpu": 1 }
server:
  command: [tritonserver]
  args: [--model-repository=/fsx/models]
  ports: [{ name: http, value: 8000 }]
  autoscaling: { minReplicas: 1, maxReplicas: 3 }
`,
  'apps/inference/llama3-8b-djl.yaml': `name: llama3-8b-djl
team: inference
cluster: prod-use1
kind: djl-lmi
image: 777788889999.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.33.0-lmi15.0.0-cu128
resources:
  node_type: g6.2xlarge
  requests: { "nvidia.com/gpu": 1 }
  limits: { "nvidia.com/gpu": 1 }
server:
  command: [djl-serving]
`,
};

interface Workload {
  readonly cluster: string;
  readonly path: string;
  readonly rendered: Json;
  readonly ignores: readonly IgnoreDifference[];
  /** maxReplicas of the HPA that scales it, if one does. */
  readonly hpaMax?: number;
}
interface ClusterView {
  readonly flavors: Flavor[];
  readonly clusterQueues: Map<string, string>;
}

const workloads: Workload[] = [];
const clusters = new Map<string, ClusterView>();

beforeAll(() => {
  const root = exampleInputs({ withRecipes: true });
  for (const [path, text] of Object.entries(EXTRA_INPUTS)) writeFile(root, path, text);
  const result = generateFleet({ root, ...FLEET });
  if (!result.ok) throw new Error(result.problems.map((p) => `${p.file}: ${p.field}: ${p.message}`).join('\n'));
  const docs = result.files
    .filter((f) => f.path.endsWith('.yaml'))
    .map((f) => ({ path: f.path, object: parse(f.content) as Json }));
  const ruleSets = new Map<string, IgnoreDifference[]>();
  for (const { path, object } of docs) {
    const m = /^clusters\/([^/]+)\//.exec(path);
    if (!m) continue;
    const view: ClusterView = clusters.get(m[1]) ?? { flavors: [], clusterQueues: new Map() };
    clusters.set(m[1], view);
    if (object?.kind === 'ResourceFlavor') {
      view.flavors.push({
        name: object.metadata.name,
        nodeLabels: object.spec?.nodeLabels ?? {},
        tolerations: object.spec?.tolerations ?? [],
      });
    }
    if (object?.kind === 'LocalQueue') view.clusterQueues.set(object.metadata.name, object.spec.clusterQueue);
    if (object?.kind === 'ApplicationSet') {
      const kind = /-(runs|services)$/.exec(object.metadata.name)?.[1];
      if (kind) ruleSets.set(`${m[1]}/${kind}`, object.spec.template.spec.ignoreDifferences ?? []);
    }
  }
  for (const { path, object } of docs) {
    const m = /^clusters\/([^/]+)\/workloads\/(runs|services)\/[^/]+\/[^/]+\/[^/]+\.yaml$/.exec(path);
    if (!m) continue;
    const folder = path.slice(0, path.lastIndexOf('/'));
    const hpa = docs.find(
      (d) =>
        d.path.startsWith(`${folder}/`) &&
        d.object.kind === 'HorizontalPodAutoscaler' &&
        d.object.spec.scaleTargetRef.kind === object.kind &&
        d.object.spec.scaleTargetRef.name === object.metadata.name,
    );
    workloads.push({
      cluster: m[1],
      path,
      rendered: object,
      ignores: ruleSets.get(`${m[1]}/${m[2]}`) ?? [],
      hpaMax: hpa?.object.spec.maxReplicas,
    });
  }
}, 120_000);

/** Each flavor of the object's cluster that Kueue may prefer (one scenario for an object Kueue does not queue). */
function scenarios(w: Workload): KueueScenario[] {
  const view = clusters.get(w.cluster)!;
  const queued = Boolean(w.rendered.metadata.labels?.['kueue.x-k8s.io/queue-name']);
  const flavors = queued && view.flavors.length ? view.flavors : [{ name: 'none', nodeLabels: {}, tolerations: [] }];
  return flavors.map((preferred) => ({ flavors: view.flavors, preferred, clusterQueues: view.clusterQueues }));
}

/** Every live state of every workload, with what Argo CD reports for it. */
async function compareAll(): Promise<
  { w: Workload; flavor: string; s: LiveState; diff: string[]; failures: string[] }[]
> {
  const out = [];
  for (const w of workloads) {
    for (const scenario of scenarios(w)) {
      for (const s of liveStates(w.rendered, scenario, w.hpaMax)) {
        const n = await normalize(w.rendered, s.live, w.ignores);
        out.push({ w, flavor: scenario.preferred.name, s, diff: legacyDiff(n.config, n.live), failures: n.failures });
      }
    }
  }
  return out;
}

const kindOf = (o: Json) =>
  `${String(o.apiVersion).split('/').length > 1 ? String(o.apiVersion).split('/')[0] : ''}/${o.kind}`;

describe('what Kueue and the controllers change after creation is ignored, completely', () => {
  it('covers every run and service kind the generator emits', () => {
    const kinds = new Set(workloads.map((w) => kindOf(w.rendered)));
    for (const kind of [
      'batch/Job',
      'trainer.kubeflow.org/TrainJob',
      'ray.io/RayJob',
      'kubeflow.org/PyTorchJob',
      'kubeflow.org/MPIJob',
      'apps/Deployment',
      'leaderworkerset.x-k8s.io/LeaderWorkerSet',
      'ray.io/RayService',
      'serving.kserve.io/InferenceService',
    ]) {
      expect(kinds, kind).toContain(kind);
    }
    // a LeaderWorkerSet and a Deployment behind an autoscaler, and a Deployment without one
    expect(workloads.filter((w) => w.rendered.kind === 'LeaderWorkerSet' && w.hpaMax)).not.toHaveLength(0);
    expect(workloads.filter((w) => w.rendered.kind === 'Deployment' && w.hpaMax)).not.toHaveLength(0);
    expect(workloads.filter((w) => w.rendered.kind === 'Deployment' && !w.hpaMax)).not.toHaveLength(0);
  });

  it('no object shows a difference in any state, on any flavor Kueue may admit it to', async () => {
    const results = await compareAll();
    expect(results.length).toBeGreaterThan(100);
    const reported = results
      .filter((r) => r.diff.length)
      .map((r) => `${r.w.path} [${r.s.state}, preferring ${r.flavor}]: ${r.diff.join(', ')}`);
    expect(reported).toEqual([]);
    // a rule that fails is skipped by Argo CD without a word: none may fail
    expect([...new Set(results.flatMap((r) => r.failures))]).toEqual([]);
  }, 120_000);

  it('without the rules, the admitted and scaled objects do show differences (the rules are needed)', async () => {
    const seen = new Map<string, string[]>();
    for (const w of workloads.filter((x) => x.cluster === 'prod-use1')) {
      for (const scenario of scenarios(w)) {
        for (const s of liveStates(w.rendered, scenario, w.hpaMax)) {
          const diff = legacyDiff(w.rendered, s.live);
          if (diff.length) {
            seen.set(kindOf(w.rendered), [...new Set([...(seen.get(kindOf(w.rendered)) ?? []), ...diff])].sort());
          }
        }
      }
    }
    expect(Object.fromEntries(seen)).toEqual({
      // Kueue's flavor tolerations appended to the pod templates
      'batch/Job': ['/spec/template/spec/tolerations'],
      'kubeflow.org/MPIJob': [
        '/spec/mpiReplicaSpecs/Launcher/template/spec/tolerations',
        '/spec/mpiReplicaSpecs/Worker/template/spec/tolerations',
      ],
      'kubeflow.org/PyTorchJob': ['/spec/pytorchReplicaSpecs/Worker/template/spec/tolerations'],
      'ray.io/RayJob': [
        '/spec/rayClusterSpec/headGroupSpec/template/spec/tolerations',
        '/spec/rayClusterSpec/workerGroupSpecs',
        '/spec/submitterPodTemplate/spec/tolerations',
      ],
      // Kueue's runtime patch
      'trainer.kubeflow.org/TrainJob': ['/spec/runtimePatches'],
      // the autoscaler
      'apps/Deployment': ['/spec/replicas'],
      'leaderworkerset.x-k8s.io/LeaderWorkerSet': ['/spec/replicas'],
    });
  }, 120_000);

  it(
    'a sync keeps what Kueue owns (RespectIgnoreDifferences): ' + 'its runtime patch and the flavor tolerations',
    async () => {
      const prod = clusters.get('prod-use1')!;
      const cudaEfa = prod.flavors.find((f) => f.name === 'cuda-efa')!;
      const trainJob = workloads.find(
        (w) =>
          w.cluster === 'prod-use1' &&
          w.rendered.kind === 'TrainJob' &&
          w.rendered.spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[0].template.spec.template
            .spec.nodeSelector['karpenter.sh/nodepool'] === 'cuda-efa',
      )!;
      const admitted = liveStates(
        trainJob.rendered,
        { flavors: prod.flavors, preferred: cudaEfa, clusterQueues: prod.clusterQueues },
        undefined,
      ).find((s) => s.state === 'admitted')!.live;
      const target = await syncTarget(trainJob.rendered, admitted, trainJob.ignores);
      expect(target.spec.runtimePatches).toEqual(admitted.spec.runtimePatches);
      expect(target.spec.trainer).toEqual(trainJob.rendered.spec.trainer);

      const cuda = prod.flavors.find((f) => f.name === 'cuda')!;
      const rayJob = workloads.find((w) => w.cluster === 'prod-use1' && w.rendered.kind === 'RayJob')!;
      const running = liveStates(
        rayJob.rendered,
        { flavors: prod.flavors, preferred: cuda, clusterQueues: prod.clusterQueues },
        undefined,
      ).find((s) => s.state === 'admitted')!.live;
      const rayTarget = await syncTarget(rayJob.rendered, running, rayJob.ignores);
      expect(rayTarget.spec.rayClusterSpec.workerGroupSpecs[0].template.spec.tolerations).toEqual(
        running.spec.rayClusterSpec.workerGroupSpecs[0].template.spec.tolerations,
      );
      expect(rayTarget.spec.rayClusterSpec.workerGroupSpecs[0].template.spec.tolerations).toContainEqual(
        cuda.tolerations[0],
      );
    },
  );
});

/** The path (as keys) of the first container image in an object, or of its first string under `spec` (`data`). */
function userField(o: Json): (string | number)[] {
  const walk = (
    node: Json,
    path: (string | number)[],
    want: (k: string | number, v: Json) => boolean,
  ): (string | number)[] | undefined => {
    if (node === null || typeof node !== 'object') return undefined;
    for (const [k, v] of Object.entries(node)) {
      const key = Array.isArray(node) ? Number(k) : k;
      if (want(key, v)) return [...path, key];
      const found = walk(v, [...path, key], want);
      if (found) return found;
    }
    return undefined;
  };
  const root = o.spec ? 'spec' : 'data';
  return (
    walk(o[root], [root], (k, v) => k === 'image' && typeof v === 'string') ??
    walk(o[root], [root], (_, v) => typeof v === 'string')!
  );
}
function setPath(o: Json, path: (string | number)[], value: Json): Json {
  const out = clone(o);
  let node = out;
  for (const p of path.slice(0, -1)) node = node[p];
  node[path[path.length - 1]] = value;
  return out;
}

describe('and no more', () => {
  it('a change to a rendered field the controllers do not own still shows, in every state', async () => {
    const missed: string[] = [];
    for (const w of workloads) {
      const path = userField(w.rendered);
      const changed = setPath(w.rendered, path, `${String(path.reduce((n: Json, p) => n[p], w.rendered))}-changed`);
      for (const scenario of scenarios(w)) {
        for (const s of liveStates(w.rendered, scenario, w.hpaMax)) {
          const n = await normalize(changed, s.live, w.ignores);
          if (!legacyDiff(n.config, n.live).length) missed.push(`${w.path} [${s.state}]: /${path.join('/')}`);
        }
      }
    }
    expect(missed).toEqual([]);
  }, 120_000);

  it('the tolerations, node selectors and runtime patch the generator renders are still compared', async () => {
    const prod = clusters.get('prod-use1')!;
    const checks: [Workload | undefined, (o: Json) => Json][] = [
      [
        workloads.find((w) => w.rendered.kind === 'RayJob'),
        (o) => {
          o.spec.rayClusterSpec.workerGroupSpecs[0].template.spec.tolerations.pop();
          return o;
        },
      ],
      [
        workloads.find((w) => w.rendered.kind === 'RayJob'),
        (o) => {
          o.spec.rayClusterSpec.headGroupSpec.template.spec.nodeSelector['node.kubernetes.io/instance-type'] =
            'g6.4xlarge';
          return o;
        },
      ],
      [
        workloads.find((w) => w.rendered.kind === 'MPIJob'),
        (o) => {
          o.spec.mpiReplicaSpecs.Worker.template.spec.tolerations[0].effect = 'NoExecute';
          return o;
        },
      ],
      [
        workloads.find((w) => w.rendered.kind === 'Job' && w.rendered.spec.template.spec.tolerations),
        (o) => {
          o.spec.template.spec.tolerations = [];
          return o;
        },
      ],
      [
        workloads.find((w) => w.rendered.kind === 'TrainJob'),
        (o) => {
          const replicatedJob = o.spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[0];
          replicatedJob.template.spec.template.spec.tolerations.pop();
          return o;
        },
      ],
      [
        workloads.find((w) => w.rendered.kind === 'PyTorchJob'),
        (o) => {
          o.metadata.labels['kueue.x-k8s.io/priority-class'] = 'low';
          return o;
        },
      ],
    ];
    for (const [w, edit] of checks) {
      expect(w).toBeDefined();
      const changed = edit(clone(w!.rendered));
      for (const preferred of prod.flavors) {
        const admitted = liveStates(
          w!.rendered,
          { flavors: prod.flavors, preferred, clusterQueues: prod.clusterQueues },
          w!.hpaMax,
        ).find((s) => s.state === 'admitted')!;
        const n = await normalize(changed, admitted.live, w!.ignores);
        expect(legacyDiff(n.config, n.live), `${w!.path} on ${preferred.name}`).not.toEqual([]);
      }
    }
  });

  it('the replicas of a Deployment no autoscaler scales are still compared', async () => {
    const w = workloads.find((x) => x.rendered.kind === 'Deployment' && !x.hpaMax)!;
    const [created] = liveStates(w.rendered, scenarios(w)[0], undefined);
    const n = await normalize(setPath(w.rendered, ['spec', 'replicas'], 3), created.live, w.ignores);
    expect(legacyDiff(n.config, n.live)).toEqual(['/spec/replicas']);
  });

  it('no rule removes what the generator renders, but the replicas of a LeaderWorkerSet', async () => {
    const removed: string[] = [];
    for (const w of workloads) {
      const { doc } = await ignoreNormalize(w.rendered, w.ignores);
      for (const p of differingPaths(w.rendered, doc)) removed.push(`${kindOf(w.rendered)} ${p}`);
    }
    // the autoscaler's writes to a custom resource's /scale leave no owner behind (kubernetes issue #131892):
    // the LeaderWorkerSet's replicas are ignored whether or not an autoscaler scales it
    expect([...new Set(removed)]).toEqual(['leaderworkerset.x-k8s.io/LeaderWorkerSet /spec/replicas']);
  });

  it('every rule ignores something that a controller changed on the cluster that carries it', async () => {
    const unused: string[] = [];
    for (const [cluster] of clusters) {
      const mine = workloads.filter((w) => w.cluster === cluster);
      const rules = new Map<
        string,
        { ignores: readonly IgnoreDifference[]; rule: IgnoreDifference; expression: string }
      >();
      for (const w of mine) {
        for (const rule of w.ignores) {
          for (const e of [
            ...(rule.jsonPointers ?? []),
            ...(rule.jqPathExpressions ?? []),
            ...(rule.managedFieldsManagers ?? []).map((m) => `manager ${m}`),
          ]) {
            rules.set(`${rule.kind} ${e}`, { ignores: w.ignores, rule, expression: e });
          }
        }
      }
      for (const [name, { rule, expression }] of rules) {
        const only: IgnoreDifference = expression.startsWith('manager ')
          ? { group: rule.group, kind: rule.kind, managedFieldsManagers: [expression.slice('manager '.length)] }
          : expression.startsWith('/')
            ? { group: rule.group, kind: rule.kind, jsonPointers: [expression] }
            : { group: rule.group, kind: rule.kind, jqPathExpressions: [expression] };
        let used = false;
        for (const w of mine.filter((x) => x.rendered.kind === rule.kind)) {
          for (const scenario of scenarios(w)) {
            for (const s of liveStates(w.rendered, scenario, w.hpaMax)) {
              const n = await normalize(w.rendered, s.live, [only]);
              if (!deepEqual(n.live, s.live)) used = true;
            }
          }
        }
        // a kind the cluster's fleet does not render here (its module is on) is not a dead rule: the kinds are
        // covered on prod-use1, where every module is on
        if (!used && (cluster === 'prod-use1' || mine.some((x) => x.rendered.kind === rule.kind))) {
          unused.push(`${cluster}: ${name}`);
        }
      }
    }
    expect(unused).toEqual([]);
  }, 120_000);
});
