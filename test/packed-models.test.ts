import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cleanupTemps, exampleInputs, lineOf, regenerate, REPO, writeFile } from './support/fleet';
import { formatProblem } from '../generator/config/problems';
import { loadInstancePrices } from '../generator/github/instance-prices';
import { renderRunPreviewComment, type RunPreview } from '../generator/github/run-preview';
import { instanceTypes } from '../generator/instances/instance-table';
import { packedSetSummary, packApp } from '../generator/workloads/packed-models';

afterAll(cleanupTemps);

const APP = 'apps/inference/bert-packed-inf2.yaml';
const FOLDER = 'clusters/prod-use1/workloads/services/inference/bert-packed-inf2';
const appText = () => readFileSync(join(REPO, APP), 'utf-8');

interface Container {
  name: string;
  ports: { name: string; containerPort: number }[];
  resources: { requests: Record<string, string | number>; limits: Record<string, string | number> };
  env: { name: string; value: string }[];
}
interface Doc {
  kind: string;
  metadata: { name: string };
  spec: {
    selector: Record<string, string> & { matchLabels?: Record<string, string> };
    ports?: { port: number; targetPort: string }[];
    template?: {
      metadata: { labels: Record<string, string> };
      spec: {
        containers: Container[];
        nodeSelector: Record<string, string>;
        affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { topologyKey: string }[] } };
      };
    };
  };
}

function rendered(root: string): Doc[] {
  const dir = join(root, FOLDER);
  return readdirSync(dir)
    .sort()
    .map((f) => parse(readFileSync(join(dir, f), 'utf-8')) as Doc);
}

/** Regenerates the example fleet with the app's text changed; returns the formatted problems. */
function problemsWith(edit: (text: string) => string): string[] {
  const root = exampleInputs({ withRecipes: true });
  writeFile(root, APP, edit(appText()));
  const result = regenerate(root);
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.problems.map(formatProblem);
}

describe('packed-models: a set of models packed onto nodes of one instance type', () => {
  it('renders one pod per packed node, holding its replicas with their measured needs, and a Service per model', () => {
    const root = exampleInputs({ withRecipes: true });
    expect(regenerate(root).ok).toBe(true);
    const docs = rendered(root);
    const deployments = docs.filter((d) => d.kind === 'Deployment');
    const services = docs.filter((d) => d.kind === 'Service');
    // 6 replicas of one NeuronCore each, 2 NeuronCores a node, replicas of a model apart: 3 nodes
    expect(deployments.map((d) => d.metadata.name)).toEqual([1, 2, 3].map((n) => `bert-packed-inf2-n${n}`));
    expect(services.map((d) => d.metadata.name).sort()).toEqual(
      ['bert-base', 'distilbert', 'roberta-base'].map((m) => `bert-packed-inf2-${m}`),
    );
    const placed = new Map<string, number>();
    for (const d of deployments) {
      const pod = d.spec.template!;
      expect(pod.spec.nodeSelector).toEqual({
        'karpenter.sh/nodepool': 'inf2',
        'node.kubernetes.io/instance-type': 'inf2.xlarge',
      });
      expect(pod.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe(
        'kubernetes.io/hostname',
      );
      const cores = pod.spec.containers.reduce(
        (sum, c) => sum + Number(c.resources.requests['aws.amazon.com/neuroncore']),
        0,
      );
      expect(cores).toBeLessThanOrEqual(2);
      for (const c of pod.spec.containers) {
        expect(c.resources.requests).toEqual(c.resources.limits);
        placed.set(c.name, (placed.get(c.name) ?? 0) + 1);
        // the pod carries the label its model's Service selects
        expect(pod.metadata.labels[`models.mlops-fleet.io/${c.name}`]).toBe('serve');
      }
      // containers share the pod's network: every port differs
      const ports = pod.spec.containers.map((c) => c.ports[0].containerPort);
      expect(new Set(ports).size).toBe(ports.length);
    }
    expect(Object.fromEntries(placed)).toEqual({ 'bert-base': 2, distilbert: 2, 'roberta-base': 2 });
    // every Service's target port is a named port of its model's container in each pod it selects
    for (const s of services) {
      const selected = deployments.filter((d) =>
        Object.entries(s.spec.selector).every(([k, v]) => d.spec.template!.metadata.labels[k] === v),
      );
      expect(selected).toHaveLength(2);
      const model = s.metadata.name.replace('bert-packed-inf2-', '');
      for (const d of selected) {
        const container = d.spec.template!.spec.containers.find((c) => c.name === model)!;
        expect(container.ports[0].name).toBe(s.spec.ports![0].targetPort);
        expect(container.env).toContainEqual({ name: 'PORT', value: String(container.ports[0].containerPort) });
      }
    }
    // the cluster README shows the nodes and the cost against one replica a node
    const readme = readFileSync(join(root, 'clusters/prod-use1/README.md'), 'utf-8');
    expect(readme).toMatch(/\| bert-packed-inf2 \| inference \| inf2\.xlarge \| 3 \(least possible\) \|/);
    expect(readme).toMatch(/\| 6 nodes, \$[0-9.]+\/h \|/);
  });

  it('refuses a model too large for the instance, naming its field, its need and the node', () => {
    const problems = problemsWith((t) => t.replace(/neuron_cores: 1\n/, 'neuron_cores: 4\n'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      new RegExp(
        `^${APP}:${lineOf(APP, 'neuron_cores: 1')}: models\\[0\\]\\.neuron_cores: .*4 NeuronCores.*inf2\\.xlarge`,
      ),
    );
  });

  it('refuses two models on one port, a model without image, no node type, and a set over the quota', () => {
    const ports = problemsWith((t) =>
      // bert-base and roberta-base, the two models of 3Gi
      t.replace(/ {4}memory: 3Gi/g, '    memory: 3Gi\n    port: 9000'),
    );
    expect(ports).toEqual([expect.stringMatching(/models\[2\]\.port: 9000 is also the port of model "bert-base"/)]);
    const image = problemsWith((t) => t.replace(/^image: .*\n/m, ''));
    expect(image).toEqual(
      [0, 1, 2].map((i) => expect.stringMatching(new RegExp(`models\\[${i}\\]\\.image: is required`))),
    );
    const nodeType = problemsWith((t) => t.replace(/^resources:\n {2}node_type: inf2\.xlarge\n/m, ''));
    expect(nodeType).toEqual([expect.stringMatching(/resources\.node_type: is required/)]);
    const quota = problemsWith((t) =>
      t.replace(/memory: 3Gi/g, 'memory: 600Gi').replace(/replicas: 2/g, 'replicas: 1'),
    );
    expect(
      quota.some((p) => /models: the replicas request .* memory together, more than team "inference"/.test(p)),
    ).toBe(true);
  });

  it("resolves each model's images/<name> to its recorded digest, and refuses one not built for the pool", () => {
    const root = exampleInputs({ withRecipes: true });
    const graviton = 'apps/inference/bert-packed-graviton.yaml';
    const text = readFileSync(join(REPO, graviton), 'utf-8');
    writeFile(
      root,
      graviton,
      text.replace('  - name: bert-base\n', '  - name: bert-base\n    image: images/bert-neuron-server\n'),
    );
    const result = regenerate(root);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map(formatProblem)).toEqual([
      `${graviton}:16: models[0].image: images/bert-neuron-server is built for linux/amd64, but node pool ` +
        '"graviton" runs arm64 nodes; add linux/arm64 to platforms in images/bert-neuron-server/image.yaml, or ' +
        'pick a node type of another pool',
    ]);
  });

  it('costs the set from the instance table, and the run preview shows it against one replica a node', () => {
    const body = { tolerations: [], inline_script: [], pre_script: [], post_script: [] };
    const app = parse(appText()) as { models: Record<string, unknown>[] };
    const models = app.models.map((m) => ({ command: [], args: [], env: [], ...m, cpu: String(m.cpu) }));
    const types = instanceTypes();
    const withModels = { ...body, resources: { requests: {}, limits: {}, node_type: 'inf2.xlarge' }, models } as never;
    const packed = packApp(withModels, 'inf2.xlarge', types.get('inf2.xlarge')!);
    expect(packed.ok && packed.packing.nodes.length).toBe(3);
    const summary = packedSetSummary('bert-packed-inf2', 'inference', withModels, types, 'us-east-1')!;
    const price = types.get('inf2.xlarge')!.onDemandUsdPerHour!['us-east-1']!;
    expect(summary.usdPerHour).toBeCloseTo(3 * price, 6);
    expect(summary.onePerNode).toEqual({ nodes: 6, usdPerHour: 6 * price });
    expect(summary.models.reduce((sum, m) => sum + m.usdPerHour!, 0)).toBeCloseTo(3 * price, 6);

    const run: RunPreview = {
      name: 'bert-packed-inf2',
      file: APP,
      cluster: 'prod-use1',
      region: 'us-east-1',
      team: 'inference',
      queue: 'not queued',
      kind: 'Deployment',
      nodes: summary.nodes,
      acceleratorsPerNode: 0,
      acceleratorResource: null,
      instanceType: 'inf2.xlarge',
      pool: 'inf2',
      fitsQuota: { fits: true, reason: 'not queued' },
      fitsPool: { fits: true, reason: 'inf2.xlarge is in the pool' },
      rendered: '',
      objectCount: 6,
      packed: summary,
    };
    const comment = renderRunPreviewComment({ runs: [run], problems: [], prices: loadInstancePrices(), commit: 'abc' });
    expect(comment).toMatch(/\| packing \| 3 × inf2\.xlarge \(least possible\): node 1: [a-z-]+, [a-z-]+;/);
    expect(comment).toContain(`One replica a node: 6 nodes, $${(6 * price).toFixed(2)}/h`);
  });
});
