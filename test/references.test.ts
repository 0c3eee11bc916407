import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { checkFleetReferences } from '../generator/checks/fleet-references';
import { SchemaRegistry } from '../generator/checks/schema-registry';
import { formatProblem } from '../generator/config/problems';
import { OUTPUT_ROOTS } from '../generator/model/paths';
import { readManifest } from '../generator/write/write-files';
import { PLATFORM_MODULES } from '../platform';
import { cleanupTemps, exampleInputs, REPO, runProjen, projectCopy } from './support/fleet';

afterAll(cleanupTemps);

const registry = SchemaRegistry.forFleet();
/** The example fleet's generated files, as committed. */
const committed = [...readManifest(REPO, OUTPUT_ROOTS)]
  .sort()
  .map((path) => ({ path, content: readFileSync(join(REPO, path), 'utf-8') }));
const find = (pattern: RegExp) => committed.find((f) => pattern.test(f.path))!;

/** The committed files with one file's object changed in memory; the problems of the reference check. */
function referencesWith(file: { path: string; content: string }, change: (object: any) => void, root = REPO): string[] {
  const [marker] = file.content.split('\n', 1);
  const object = parse(file.content);
  change(object);
  const files = committed.map((f) =>
    f.path === file.path ? { path: f.path, content: `${marker}\n${stringify(object)}` } : f,
  );
  return checkFleetReferences(root, files, PLATFORM_MODULES, registry).map(formatProblem);
}

describe('the reference check', () => {
  it('passes on the example fleet: every name an object refers to exists on its cluster', () => {
    expect(checkFleetReferences(REPO, committed, PLATFORM_MODULES, registry).map(formatProblem)).toEqual([]);
  });

  it("every TrainJob's runtime is installed on its cluster (rendered by the kubeflow-trainer module)", () => {
    const trainJobs = committed.filter((f) => /\/trainjob-[^/]+\.yaml$/.test(f.path));
    expect(trainJobs.length).toBeGreaterThan(0);
    for (const file of trainJobs) {
      const cluster = file.path.split('/')[1];
      const runtime = parse(file.content).spec.runtimeRef.name;
      expect(committed.map((f) => f.path)).toContain(
        `clusters/${cluster}/platform/kubeflow-trainer/clustertrainingruntime-${runtime}.yaml`,
      );
    }
  });

  const trainJob = find(/prod-use1\/workloads\/runs\/llm-training\/qwen3-14b-nemo2-sft-[^/]+\/trainjob-/);
  const recipe = 'recipes/llm-training/qwen3-14b-nemo2-sft.yaml';

  it('names the object, the field, the missing name and the input to fix: a runtime, a queue, a priority class', () => {
    expect(referencesWith(trainJob, (o) => (o.spec.runtimeRef.name = 'torch-distributed-v9'))).toEqual([
      `${trainJob.path}: spec.runtimeRef.name: TrainJob ` +
        `llm-training/${parse(trainJob.content).metadata.name} refers to ClusterTrainingRuntime ` +
        `"torch-distributed-v9", which cluster prod-use1 does not have; fix it in ${recipe}`,
    ]);
    expect(referencesWith(trainJob, (o) => (o.metadata.labels['kueue.x-k8s.io/queue-name'] = 'inference'))).toEqual([
      expect.stringContaining(
        'metadata.labels["kueue.x-k8s.io/queue-name"]: TrainJob llm-training/',
      ) as unknown as string,
    ]);
    expect(
      referencesWith(trainJob, (o) => (o.metadata.labels['kueue.x-k8s.io/priority-class'] = 'urgent'))[0],
    ).toContain('refers to WorkloadPriorityClass "urgent"');
  });

  it(
    'in pod templates: a volume claim, a ConfigMap, a Secret, ' +
      'a service account, a node selector no pool can satisfy',
    () => {
      const pod = (o: any) =>
        o.spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[0].template.spec.template.spec;
      const claim = referencesWith(
        trainJob,
        (o) => (pod(o).volumes.find((v: any) => v.persistentVolumeClaim).persistentVolumeClaim.claimName = 'pv-lustre'),
      );
      expect(claim).toEqual([
        expect.stringMatching(
          new RegExp(
            String.raw`volumes\[\d+\]\.persistentVolumeClaim\.claimName: .* ` +
              String.raw`refers to PersistentVolumeClaim "pv-lustre" in namespace llm-training`,
          ),
        ),
      ]);
      const configMap = referencesWith(
        trainJob,
        (o) => (pod(o).volumes.find((v: any) => v.configMap).configMap.name = 'gone'),
      );
      expect(configMap[0]).toContain('refers to ConfigMap "gone" in namespace llm-training');
      const secret = referencesWith(trainJob, (o) =>
        o.spec.trainer.env.push({ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'wandb', key: 'key' } } }),
      );
      expect(secret[0]).toContain('spec.trainer.env[');
      expect(secret[0]).toContain('refers to Secret "wandb" in namespace llm-training');
      const account = referencesWith(trainJob, (o) => (pod(o).serviceAccountName = 'trainer'));
      expect(account[0]).toContain('serviceAccountName: TrainJob');
      expect(account[0]).toContain('refers to ServiceAccount "trainer" in namespace llm-training');
      const selector = referencesWith(
        trainJob,
        (o) => (pod(o).nodeSelector = { 'node.kubernetes.io/instance-type': 'trn2.48xlarge' }),
      );
      expect(selector[0]).toContain(
        'selects nodes labelled node.kubernetes.io/instance-type=trn2.48xlarge, ' +
          'which no node pool of cluster prod-use1 can launch',
      );
    },
  );

  it('a Secret must come from an ExternalSecret or be listed as created out of band', () => {
    const download = find(/prod-use1\/workloads\/runs\/llm-training\/qwen3-14b-download-[^/]+\/job-/);
    expect(referencesWith(download, () => {})).toEqual([]);
    const problems = referencesWith(download, (o) => {
      o.spec.template.spec.containers[0].env.find((e: any) => e.valueFrom?.secretKeyRef).valueFrom.secretKeyRef.name =
        'hf-token-2';
    });
    expect(problems[0]).toContain('refers to Secret "hf-token-2" in namespace llm-training');
    expect(problems[0]).toContain("sync it with an ExternalSecret, or list it in the team's `secrets` in cluster.yaml");
  });

  it("a pool's taints: a pod outside Kueue that selects a tainted pool must tolerate its taints", () => {
    const deployment = find(/prod-use1\/workloads\/services\/inference\/llama3-8b-triton\/deployment-/);
    expect(referencesWith(deployment, () => {})).toEqual([]);
    const problems = referencesWith(deployment, (o) => {
      delete o.metadata.labels['kueue.x-k8s.io/queue-name'];
      o.spec.template.spec.tolerations = [];
    });
    expect(problems[0]).toMatch(
      new RegExp(
        String.raw`spec\.template\.spec\.tolerations: Deployment ml-serving/llama3-8b-triton ` +
          String.raw`selects nodes labelled .*, ` +
          String.raw`but tolerates the taints of none of the node pools that can launch them`,
      ),
    );
  });

  it('a module turned off without what its objects need: the kind is not served, and the storage class is gone', () => {
    const root = exampleInputs();
    const spec = join(root, 'clusters/prod-use1/cluster.yaml');
    writeFileSync(
      spec,
      readFileSync(spec, 'utf-8')
        .replace('  kubeflow-trainer: true\n', '  kubeflow-trainer: false\n')
        .replace('modules:\n', 'modules:\n  ebs-csi-driver: false\n'),
    );
    // as the regenerate leaves it: the two modules' folders gone
    const files = committed.filter(
      (f) => !/^clusters\/prod-use1\/platform\/(ebs-csi-driver|kubeflow-trainer)\//.test(f.path),
    );
    const problems = checkFleetReferences(root, files, PLATFORM_MODULES, registry).map(formatProblem);
    expect(problems).toContainEqual(
      expect.stringMatching(
        new RegExp(
          String.raw`trainjob-.*: kind: TrainJob llm-training/.* is a TrainJob, ` +
            String.raw`served by the CRD trainjobs\.trainer\.kubeflow\.org, ` +
            String.raw`which no module enabled on cluster prod-use1 installs ` +
            String.raw`\(enable kubeflow-trainer in clusters/prod-use1/cluster\.yaml\)`,
        ),
      ),
    );
    expect(problems).toContainEqual(
      expect.stringMatching(
        new RegExp(
          String.raw`spec\.storageClassName: PersistentVolumeClaim llm-training/ebs-.* ` +
            String.raw`refers to StorageClass "gp3", which cluster prod-use1 does not have`,
        ),
      ),
    );
  });

  it(
    'npx projen validate fails with the message on a broken ' + 'generated object, and passes on the example fleet',
    async () => {
      const root = projectCopy();
      expect((await runProjen(root, {}, ['validate'])).code).toBe(0);
      const path = join(root, trainJob.path);
      writeFileSync(path, readFileSync(path, 'utf-8').replace('name: torch-distributed', 'name: torch-distributed-v9'));
      const { code, stderr } = await runProjen(root, {}, ['validate']);
      expect(code).not.toBe(0);
      expect(stderr).toContain(
        'refers to ClusterTrainingRuntime "torch-distributed-v9", which cluster prod-use1 does not have',
      );
      expect(stderr).toContain('0 invalid field(s), 1 broken reference(s).');
    },
    120_000,
  );
});
