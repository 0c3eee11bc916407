import { execFile } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  cleanupTemps,
  exampleInputs,
  FLEET,
  notOutput,
  regenerate,
  REPO,
  snapshotTree,
  tempDir,
  writeFile,
} from './support/fleet';
import { BUILT_IMAGE, importSeedCorpus, SEED, type ImportedSeed } from './support/seed-corpus';
import { checkManifests } from '../generator/checks/check-manifests';
import { SchemaRegistry } from '../generator/checks/schema-registry';
import { formatProblem, sortProblems } from '../generator/config/problems';
import { generateFleet } from '../generator/fleet/generate';
import { importSeedRecipe, nameFromPath, type ImportOptions } from '../generator/recipes/seed-import';

afterAll(cleanupTemps);
// the recipes are compiled in a temporary root: the instance table comes from the shared folder beside the repository

type Values = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Obj = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: any;
  data?: Record<string, string>;
}; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Imported extends ImportedSeed {
  values: Values;
}

describe('importing the seed corpus', () => {
  const root = tempDir('recipe-corpus-');
  cpSync(join(REPO, 'test', 'fixtures', 'recipe-corpus', 'clusters'), join(root, 'clusters'), { recursive: true });
  const { files, refused, ...corpus } = importSeedCorpus(root);
  const imported: Imported[] = corpus.imported.map((r) => ({
    ...r,
    values: parse(readFileSync(join(SEED, r.seed), 'utf-8')),
  }));
  const generated = generateFleet({ root, ...FLEET });

  it('holds all 134 seed recipes', () => {
    expect(files.length).toBe(134);
  });

  it('every imported recipe compiles on both clusters, and the tally is printed', () => {
    if (!generated.ok) {
      throw new Error(generated.problems.map((p) => `${p.file}:${p.line}: ${p.field}: ${p.message}`).join('\n'));
    }
    const compiled = new Map<string, number>();
    for (const r of imported.filter((i) => i.name.startsWith('a'))) {
      compiled.set(r.kind, (compiled.get(r.kind) ?? 0) + 1);
    }
    const lines = [
      `seed corpus: ${files.length} recipes, ${[...compiled.values()].reduce((a, b) => a + b, 0)} ` +
        `compiled, ${[...refused.values()].reduce((a, b) => a + b.length, 0)} refused`,
      ...[...compiled.entries()].sort().map(([kind, n]) => `  compiled ${String(n).padStart(3)}  ${kind}`),
      ...[...refused.entries()]
        .sort()
        .map(([reason, seeds]) => `  refused  ${String(seeds.length).padStart(3)}  ${reason}`),
    ];
    console.log(lines.join('\n'));
    expect(
      [...compiled.values()].reduce((a, b) => a + b, 0) + [...refused.values()].reduce((a, b) => a + b.length, 0),
    ).toBe(134);
    // the refusals are the files that are not recipes of a machine-learning chart, or cannot be run as written
    expect([...refused.values()].reduce((a, b) => a + b.length, 0)).toBeLessThanOrEqual(17);
    // the one the path policy refuses: the Mask R-CNN seed's COCO download writes /fsx/data/, which every team reads
    expect([...refused].filter(([reason]) => reason.startsWith('path policy:')).flatMap(([, seeds]) => seeds)).toEqual([
      'legacy/maskrcnn/coco-2017.yaml',
    ]);
  });

  it('the import adds the header and changes nothing else in meaning', () => {
    for (const r of imported) {
      const { name, team, cluster, kind, ...rest } = parse(r.text) as Values;
      expect({ name, team, cluster, kind }, r.seed).toEqual({
        name: r.name,
        team: 'ml',
        cluster: r.name.startsWith('a') ? 'corpus-v2' : 'corpus-v1',
        kind: r.kind,
      });
      const seed = structuredClone(r.values);
      // the only additions: the image the user builds where the seed leaves it empty, the LWS chart's default
      // group size written out, and an empty key no chart reads dropped
      if (typeof seed.image === 'object' && seed.image && !seed.image.name) seed.image.name = BUILT_IMAGE;
      else if (!seed.image && r.kind !== 'model-download') seed.image = BUILT_IMAGE;
      if (rest.lws && !seed.lws) seed.lws = { size: 2 };
      if (seed.resources && 'resources' in seed.resources && seed.resources.resources === null) {
        delete seed.resources.resources;
      }
      expect(rest, r.seed).toEqual(seed);
    }
  });

  it('every compiled object is valid against the Kubernetes schema or its vendored CRD', () => {
    if (!generated.ok) return;
    const registry = SchemaRegistry.forFleet();
    const report = checkManifests(
      generated.files.filter((f) => f.path.includes('/workloads/')),
      registry,
    );
    expect(report.problems.slice(0, 10)).toEqual([]);
    expect(report.counts.get('trainer.kubeflow.org/v1alpha1 TrainJob')).toBeGreaterThan(50);
    expect(report.counts.get('kubeflow.org/v1 PyTorchJob')).toBeGreaterThan(50);
  }, 60_000);

  it(
    'each compiles to what its seed chart renders: kind, replicas, ' +
      'resources, node selection, tolerations, volumes, env, script order',
    () => {
      if (!generated.ok) return;
      const byFolder = new Map<string, Obj[]>();
      for (const f of generated.files) {
        const m = /^clusters\/(corpus-v[12])\/workloads\/(runs|services)\/ml\/([a-z0-9-]+)\//.exec(f.path);
        if (!m) continue;
        const key = m[3].replace(/-[0-9a-f]{6}$/, '');
        byFolder.set(key, [...(byFolder.get(key) ?? []), parse(f.content) as Obj]);
      }
      for (const r of imported) {
        const objects = byFolder.get(r.name);
        expect(objects, r.seed).toBeDefined();
        assertEquivalent(r, objects!, r.name.startsWith('a') ? 'v2' : 'v1');
      }
    },
  );
});

/**
 * The object each seed chart creates for its workload (the LWS chart: the seed's README beside the recipe says which).
 */
const EXPECTED_KIND: Record<string, (v: Values, trainer: 'v1' | 'v2', seed: string) => string> = {
  'pytorch-distributed': (_v, t) => (t === 'v2' ? 'TrainJob' : 'PyTorchJob'),
  'pytorch-elastic': () => 'PyTorchJob',
  'ray-train': () => 'RayJob',
  'data-process': () => 'Job',
  'model-download': () => 'Job',
  'rayserve-vllm': () => 'RayService',
  triton: (v, _t, seed) => (v.lws || seed.includes('/ray_vllm_backend/') ? 'LeaderWorkerSet' : 'Deployment'),
  'djl-lmi': () => 'Deployment',
};

/** The pod specs of a workload object, with the container that runs the seed's script or server. */
function pods(o: Obj): { spec: any; main: any; replicas: number }[] {
  // eslint-disable-line @typescript-eslint/no-explicit-any
  const s = o.spec;
  switch (o.kind) {
    case 'TrainJob': {
      const spec = s.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[0].template.spec.template.spec;
      return [
        {
          spec,
          main: { ...spec.containers[0], env: s.trainer.env, resources: s.trainer.resourcesPerNode },
          replicas: s.trainer.numNodes,
        },
      ];
    }
    case 'PyTorchJob':
      return Object.values(s.pytorchReplicaSpecs).map((r: any) => ({
        spec: r.template.spec,
        main: r.template.spec.containers[0],
        replicas: r.replicas,
      })); // eslint-disable-line @typescript-eslint/no-explicit-any
    case 'RayJob': {
      const w = s.rayClusterSpec.workerGroupSpecs[0];
      return [{ spec: w.template.spec, main: w.template.spec.containers[0], replicas: w.replicas }];
    }
    case 'RayService': {
      const w = s.rayClusterConfig.workerGroupSpecs[0];
      return [{ spec: w.template.spec, main: w.template.spec.containers[0], replicas: w.replicas }];
    }
    case 'Job':
    case 'Deployment':
      return [{ spec: s.template.spec, main: s.template.spec.containers[0], replicas: s.replicas ?? 1 }];
    case 'LeaderWorkerSet':
      return [
        {
          spec: s.leaderWorkerTemplate.leaderTemplate.spec,
          main: s.leaderWorkerTemplate.leaderTemplate.spec.containers[0],
          replicas: s.leaderWorkerTemplate.size,
        },
      ];
    default:
      throw new Error(`no pods in ${o.kind}`);
  }
}

function assertEquivalent(r: Imported, objects: Obj[], trainer: 'v1' | 'v2') {
  const v = r.values;
  const kind = EXPECTED_KIND[r.kind](v, trainer, r.seed);
  const workload = objects.find((o) => o.kind === kind);
  expect(workload, `${r.seed}: a ${kind}`).toBeDefined();
  const all = pods(workload!);
  const what = `${r.seed} (${trainer})`;

  // replicas
  const nnodes = v.resources?.nnodes;
  if (kind === 'TrainJob') expect(all[0].replicas, what).toBe(nnodes ?? 2);
  if (kind === 'PyTorchJob') {
    const total = all.reduce((a, p) => a + p.replicas, 0);
    expect(total, what).toBe(nnodes ?? (r.kind === 'pytorch-elastic' ? 1 : 2));
  }
  if (kind === 'RayJob') expect(all[0].replicas, what).toBe(nnodes ?? 1);
  if (kind === 'Deployment' && v.server?.autoscaling) {
    expect(all[0].replicas, what).toBe(v.server.autoscaling.minReplicas);
  }
  if (kind === 'LeaderWorkerSet') expect(all[0].replicas, what).toBe(v.lws?.size ?? 2);
  if (kind === 'RayService' && v.resources?.min_replicas !== undefined) {
    expect(all[0].replicas, what).toBe(v.resources.min_replicas);
  }

  for (const { spec, main } of all) {
    // resources: exactly the seed's requests and limits
    const str = (m: Record<string, unknown> | undefined) =>
      Object.fromEntries(Object.entries(m ?? {}).map(([k, x]) => [k, String(x)]));
    if (v.resources?.requests && Object.keys(v.resources.requests).length) {
      expect(main.resources.requests, what).toEqual(str(v.resources.requests));
    }
    if (v.resources?.limits && Object.keys(v.resources.limits).length) {
      expect(main.resources.limits, what).toEqual(str(v.resources.limits));
    }
    // node selection
    if (v.resources?.node_type) {
      expect(spec.nodeSelector['node.kubernetes.io/instance-type'], what).toBe(v.resources.node_type);
    }
    // tolerations: the seed's, kept
    for (const t of v.tolerations ?? []) {
      expect(
        spec.tolerations.map((x: { key: string }) => x.key),
        what,
      ).toContain(t.key);
    }
    // volumes: the seed's claims in order, or the chart's defaults
    const claims = spec.volumes
      .filter((x: any) => x.persistentVolumeClaim && x.name.startsWith('pv-'))
      .map((x: any) => x.persistentVolumeClaim.claimName); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(claims, what).toEqual(
      (v.pvc ?? [{ name: 'pv-fsx' }, { name: 'pv-efs' }]).map((p: { name: string }) => p.name),
    );
    if (v.ebs && Object.keys(v.ebs).length && r.kind !== 'rayserve-vllm' && r.kind !== 'ray-train') {
      expect(
        spec.volumes.some((x: { name: string }) => x.name === 'ebs'),
        what,
      ).toBe(true);
    }
    // env: the seed's variables, in order
    const env = (v.train ?? v.process ?? v.server ?? {}).env as { name: string }[] | undefined;
    if (env?.length && r.kind !== 'rayserve-vllm') {
      expect(
        main.env.slice(0, env.length).map((e: { name: string }) => e.name),
        what,
      ).toEqual(env.map((e) => e.name));
    }
  }

  // script order: git clone, inline script, pre script, command with args, post script
  const script = objects.find(
    (o) => o.kind === 'ConfigMap' && o.data && Object.keys(o.data).some((k) => k.endsWith('.sh')),
  );
  if (!script) return;
  const text = Object.values(script.data!)[0];
  const cmd = v.train ?? v.process ?? v.server ?? {};
  const marks = [
    v.git?.repo_url ? text.indexOf(`git clone ${v.git.repo_url}`) : -1,
    v.inline_script?.length ? text.indexOf(String(v.inline_script[0]).split('\n')[0]) : -1,
    v.pre_script?.length ? text.indexOf(String(v.pre_script[0])) : -1,
    cmd.command?.length ? text.indexOf(`${cmd.command[0]} \\`) : -1,
    v.post_script?.length ? text.lastIndexOf(String(v.post_script[v.post_script.length - 1])) : -1,
  ].filter((i) => i !== -1);
  expect(
    [...marks].sort((a, b) => a - b),
    `${what}: script order`,
  ).toEqual(marks);
  expect(Math.min(...marks, Infinity), what).toBeGreaterThanOrEqual(0);
}

describe('naming an imported recipe', () => {
  it("takes the seed file's own name, not its folder path", () => {
    expect(nameFromPath('legacy/neuronx-distributed/llama3_8b/pretrain.yaml')).toBe('pretrain');
    expect(nameFromPath('inference/triton-inference-server/vllm_backend/qwen3-0.6b/triton_server.yaml')).toBe(
      'triton-server',
    );
    expect(nameFromPath('/home/me/seed/examples/training/x/.Fine_Tune.yml')).toBe('fine-tune');
  });

  it('a hidden or plain values file takes the name of its own folder, never the joined path', () => {
    expect(nameFromPath('training/gpt-pretrain-p5/.values.yaml')).toBe('gpt-pretrain-p5');
    expect(nameFromPath('data-service/tcga-brca/values.yaml')).toBe('tcga-brca');
    expect(nameFromPath('../seed/examples/inference/Qwen3_32B/values.yml')).toBe('qwen3-32b');
  });

  it('is cut to the longest recipe name, and is none when neither name holds a letter or digit', () => {
    expect(nameFromPath('x/a-very-long-seed-file-name-that-goes-on-and-on.yaml')).toBe(
      'a-very-long-seed-file-name-that-goes',
    );
    expect(nameFromPath('values.yaml')).toBeUndefined();
    expect(nameFromPath('../values.yaml')).toBeUndefined();
    expect(nameFromPath('x/___.yaml')).toBe('x');
    expect(nameFromPath('___/.yaml')).toBeUndefined();
  });
});

describe('npx projen import:recipe', () => {
  const run = (cwd: string, args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        join(REPO, 'node_modules', '.bin', 'tsx'),
        [join(REPO, 'generator', 'cli', 'import-recipe.ts'), ...args],
        { cwd },
        (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
      );
    });
  const IMAGE = 'public.ecr.aws/acme/trainer:1.0';

  it(
    'writes recipes/<team>/<name>.yaml (apps/ for a ' + 'service) that a regenerate accepts; never overwrites',
    async () => {
      const root = exampleInputs();
      const seed = join(SEED, 'legacy/neuronx-distributed/llama3_8b/pretrain.yaml');
      const ok = await run(root, [seed, '--team', 'neuron-research', '--cluster', 'prod-use1']);
      expect(ok.code, ok.stderr).toBe(0);
      const chart = 'charts/machine-learning/training/pytorchjob-distributed';
      expect(ok.stdout).toContain(`recipes/neuron-research/pretrain.yaml: pytorch-distributed (seed chart ${chart})`);
      expect(readFileSync(join(root, 'recipes/neuron-research/pretrain.yaml'), 'utf-8')).toBe(
        `# Imported from the seed recipe legacy/neuronx-distributed/llama3_8b/pretrain.yaml (chart ${chart}).\n` +
          (`name: pretrain\nteam: neuron-research\ncluster: prod-use1\nkind: ` +
            `pytorch-distributed\n\n${readFileSync(seed, 'utf-8')}`),
      );
      const again = await run(root, [seed, '--team', 'neuron-research', '--cluster', 'prod-use1']);
      expect(again.code).toBe(1);
      expect(again.stderr).toBe('recipes/neuron-research/pretrain.yaml exists already; choose another --name\n');
      const rayservice = join(SEED, 'inference/rayserve/meta-llama3-8b-vllm/rayservice.yaml');
      const service = await run(root, [rayservice, '--team', 'inference', '--cluster', 'prod-use1', '--image', IMAGE]);
      expect(service.stdout).toContain('apps/inference/rayservice.yaml: rayserve-vllm');
      const overlay = await run(root, [
        join(SEED, 'training/accelerate/bert-glue-mrpc/hyperpod.yaml'),
        '--team',
        'x',
        '--cluster',
        'y',
      ]);
      expect(overlay.code).toBe(1);
      expect(overlay.stderr).toMatch(/hyperpod\.yaml: refused: a SageMaker HyperPod values overlay/);
      const regenerated = regenerate(root);
      if (!regenerated.ok) throw new Error(regenerated.problems.map(formatProblem).join('\n'));
      const written = regenerated.report.written;
      const runFolder = /^clusters\/prod-use1\/workloads\/runs\/neuron-research\/pretrain-[0-9a-f]{6}\//;
      expect(
        written.some((f) => runFolder.test(f)),
        written.join(),
      ).toBe(true);
      expect(
        written.some((f) => f.startsWith('clusters/prod-use1/workloads/services/inference/rayservice/')),
        written.join(),
      ).toBe(true);
    },
    60_000,
  );

  it('names a hidden .values.yaml or a values.yaml after its own folder, not after the joined path', async () => {
    const root = exampleInputs();
    const text = readFileSync(join(SEED, 'legacy/neuronx-distributed/llama3_8b/pretrain.yaml'), 'utf-8');
    writeFile(root, 'seed/examples/training/gpt-pretrain-p5/.values.yaml', text);
    writeFile(root, 'seed/examples/training/Llama3_8B/values.yaml', text);
    const target = ['--team', 'neuron-research', '--cluster', 'prod-use1'];
    const hidden = await run(root, ['seed/examples/training/gpt-pretrain-p5/.values.yaml', ...target]);
    expect(hidden.code, hidden.stderr).toBe(0);
    expect(hidden.stdout).toMatch(/^recipes\/neuron-research\/gpt-pretrain-p5\.yaml: /);
    const plain = await run(root, ['seed/examples/training/Llama3_8B/values.yaml', ...target]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toMatch(/^recipes\/neuron-research\/llama3-8b\.yaml: /);
    expect([...snapshotTree(root, notOutput).keys()].filter((f) => f.startsWith('recipes/'))).toEqual([
      'recipes/neuron-research/gpt-pretrain-p5.yaml',
      'recipes/neuron-research/llama3-8b.yaml',
    ]);
  }, 30_000);

  it(
    'refuses a seed it cannot name, asking for --name, and ' + 'a --name that is no recipe name; nothing is written',
    async () => {
      const root = exampleInputs();
      writeFile(
        root,
        'values.yaml',
        readFileSync(join(SEED, 'legacy/neuronx-distributed/llama3_8b/pretrain.yaml'), 'utf-8'),
      );
      const before = snapshotTree(root);
      const unnamed = await run(root, ['values.yaml', '--team', 'neuron-research', '--cluster', 'prod-use1']);
      expect(unnamed.code).toBe(1);
      expect(unnamed.stderr).toBe(
        'values.yaml: refused: no recipe name can be made from its file or folder name; give one with --name ' +
          '(a recipe name (lowercase letters, digits and "-", at most 36 characters))\n',
      );
      const badName = await run(root, [
        'values.yaml',
        '--team',
        'neuron-research',
        '--cluster',
        'prod-use1',
        '--name',
        'Llama_Pretrain',
      ]);
      expect(badName.code).toBe(1);
      expect(badName.stderr).toBe(
        'values.yaml: refused: --name "Llama_Pretrain" is not a recipe name ' +
          '(lowercase letters, digits and "-", at most 36 characters)\n',
      );
      expect(snapshotTree(root)).toEqual(before);
    },
    30_000,
  );

  /**
   * The import of `seed` (relative to `root`) is refused with exactly what a regenerate says of the same text at the
   * same path, one line each, then the refusal; the tree is left as it was.
   */
  async function expectRefusedAsRegenerateWould(root: string, seed: string, options: ImportOptions) {
    const seedPath = seed.split('/examples/')[1];
    const imported = importSeedRecipe(seedPath, readFileSync(join(root, seed), 'utf-8'), options);
    if (!imported.ok) throw new Error(imported.reason);
    const file = `${imported.role === 'service' ? 'apps' : 'recipes'}/${options.team}/${imported.name}.yaml`;
    const before = snapshotTree(root);
    const args = Object.entries(options).flatMap(([key, value]) =>
      value === undefined ? [] : [`--${key}`, String(value)],
    );
    const result = await run(root, [seed, ...args]);
    expect(snapshotTree(root)).toEqual(before);

    // the regenerate, on a copy of the same fleet holding the imported text
    const copy = tempDir('import-regenerate-');
    cpSync(root, copy, { recursive: true });
    writeFile(copy, file, imported.text);
    const regenerated = regenerate(copy);
    if (regenerated.ok) throw new Error(`the regenerate accepts ${file}`);
    const expected = sortProblems(regenerated.problems).map(formatProblem);
    expect(result.code).toBe(1);
    const refused = `${seed}: refused: "npx projen" would refuse it as ${file}`;
    expect(result.stderr).toBe(
      [...expected, `${refused} (the problems above, at that file's lines); nothing was written`, ''].join('\n'),
    );
    return expected;
  }

  /**
   * A fleet of the example clusters, with the seed recipe `seedPath` at seed/examples/ (as a seed checkout keeps it),
   * `edit`ed.
   */
  function fleetWithSeed(seedPath: string, edit: (text: string) => string = (t) => t): string {
    const root = exampleInputs();
    writeFile(root, `seed/examples/${seedPath}`, edit(readFileSync(join(SEED, seedPath), 'utf-8')));
    return root;
  }

  it("refuses, with the regenerate's messages, a node type that no node pool of the cluster offers", async () => {
    const root = fleetWithSeed('training/accelerate/bert-glue-mrpc/pretrain.yaml');
    const problems = await expectRefusedAsRegenerateWould(
      root,
      'seed/examples/training/accelerate/bert-glue-mrpc/pretrain.yaml',
      { team: 'ml-research', cluster: 'staging-usw2', image: IMAGE },
    );
    // the pools the message lists are those of the example spec, which may change: the line and the field are checked
    const nodeType =
      'recipes/ml-research/pretrain.yaml:16: resources.node_type: "g6.48xlarge" belongs to no node pool of cluster';
    expect(problems.filter((p) => p.startsWith(nodeType))).toHaveLength(1);
  }, 60_000);

  it("refuses, with the regenerate's message, a team that does not exist on the cluster", async () => {
    const root = fleetWithSeed('legacy/neuronx-distributed/llama3_8b/pretrain.yaml');
    const problems = await expectRefusedAsRegenerateWould(
      root,
      'seed/examples/legacy/neuronx-distributed/llama3_8b/pretrain.yaml',
      { team: 'llm-research', cluster: 'prod-use1' },
    );
    expect(problems).toHaveLength(1);
    const noTeam =
      'recipes/llm-research/pretrain.yaml:3: team: team "llm-research" does not exist on cluster "prod-use1" (';
    expect(problems[0].startsWith(noTeam), problems[0]).toBe(true);
  }, 60_000);

  it("refuses, with the regenerate's messages, GPUs that do not fit the node type", async () => {
    const root = fleetWithSeed('training/accelerate/bert-glue-mrpc/pretrain.yaml', (text) =>
      text.replace("'g6.48xlarge'", "'g5.2xlarge'"),
    );
    const problems = await expectRefusedAsRegenerateWould(
      root,
      'seed/examples/training/accelerate/bert-glue-mrpc/pretrain.yaml',
      { team: 'llm-training', cluster: 'prod-use1', name: 'bert-on-g5', image: IMAGE },
    );
    expect(problems).toEqual([
      'recipes/llm-training/bert-on-g5.yaml:11: resources.requests["nvidia.com/gpu"]: ' +
        '8 GPUs per pod do not fit a g5.2xlarge, which has 1',
      'recipes/llm-training/bert-on-g5.yaml:13: resources.limits["nvidia.com/gpu"]: ' +
        '8 GPUs per pod do not fit a g5.2xlarge, which has 1',
    ]);
  }, 60_000);

  it("refuses, with the regenerate's messages, an import into a fleet whose cluster specs have problems", async () => {
    const root = fleetWithSeed('legacy/neuronx-distributed/llama3_8b/pretrain.yaml');
    const spec = join(root, 'clusters/dev-usw2/cluster.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf-8').replace(/^kubernetesVersion: .*$/m, 'kubernetesVersion: latest'));
    const problems = await expectRefusedAsRegenerateWould(
      root,
      'seed/examples/legacy/neuronx-distributed/llama3_8b/pretrain.yaml',
      { team: 'neuron-research', cluster: 'prod-use1' },
    );
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.startsWith('clusters/dev-usw2/cluster.yaml:'))).toBe(true);
  }, 60_000);
});
