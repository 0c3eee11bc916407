import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cleanupTemps, exampleInputs, regenerate, REPO, snapshotTree, tempDir, writeFile } from './support/fleet';
import { compiledClusters } from './support/rendered-objects';
import { clusterSpecSchema, type ClusterSpec } from '../generator/model/cluster-spec';
import type { K8sObject } from '../generator/model/k8s-object';
import { parseRecipeText } from '../generator/recipes/load-recipes';
import { TEAM_RESOURCES } from '../generator/teams/team-resources';
import { checkWorkloadPolicy } from '../generator/workloads/workload-policy';

afterAll(cleanupTemps);

const SPEC = 'clusters/prod-use1/cluster.yaml';
const ANY_RECIPE = { file: 'recipes/llm-training/x.yaml', lineOf: () => undefined };

/** The example fleet's rendered runs and services, by folder. */
function exampleWorkloads(): { spec: ClusterSpec; folders: ReadonlyMap<string, K8sObject[]> } {
  const prod = compiledClusters(REPO).find((c) => c.input.spec.name === 'prod-use1')!;
  return { spec: prod.input.spec, folders: prod.folders };
}

const { spec, folders } = exampleWorkloads();
const objectsOf = (prefix: string) => structuredClone([...folders.entries()].find(([f]) => f.startsWith(prefix))![1]);
const find = (objects: K8sObject[], kind: string) =>
  objects.find((o) => o.kind === kind) as unknown as Record<string, any>;
const messages = (objects: K8sObject[], teamName = 'llm-training', cluster = spec) =>
  checkWorkloadPolicy(
    objects,
    cluster,
    cluster.teams.find((t) => t.name === teamName)!,
    ANY_RECIPE,
  ).map((p) => `${p.field}: ${p.message}`);

describe('workload policy: every pod template of every kind', () => {
  it('the example runs and services pass', () => {
    for (const [folder, objects] of folders) {
      if (!folder.startsWith('workloads/')) continue;
      const teamName = folder.split('/')[2];
      expect(messages(objects, teamName), folder).toEqual([]);
    }
  });

  it('TrainJob runtime patch: a privileged container', () => {
    const objects = objectsOf('workloads/runs/llm-training/qwen3-14b-nemo2-sft');
    const job = find(objects, 'TrainJob');
    const replicatedJob = job.spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[0];
    replicatedJob.template.spec.template.spec.containers[0].securityContext = { privileged: true };
    expect(messages(objects)).toEqual([
      `TrainJob/${job.metadata.name} spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[0]` +
        '.template.spec.template.spec.containers[0].securityContext.privileged: privileged ' +
        `containers are not allowed for team "llm-training" (${SPEC}: teams[0].allow.privileged)`,
    ]);
  });

  it('RayJob worker group: host networking; head group: a host port', () => {
    const objects = objectsOf('workloads/runs/llm-training/bert-raytrain-fine-tune');
    const job = find(objects, 'RayJob');
    job.spec.rayClusterSpec.workerGroupSpecs[0].template.spec.hostNetwork = true;
    job.spec.rayClusterSpec.headGroupSpec.template.spec.containers[0].ports = [{ containerPort: 8265, hostPort: 8265 }];
    expect(messages(objects)).toEqual([
      `RayJob/${job.metadata.name} spec.rayClusterSpec.headGroupSpec.template.spec.containers[0].ports[0].hostPort: ` +
        `host ports are not allowed for team "llm-training" (${SPEC}: teams[0].allow.hostNetwork)`,
      `RayJob/${job.metadata.name} spec.rayClusterSpec.workerGroupSpecs[0].template.spec.hostNetwork: ` +
        `host networking is not allowed for team "llm-training" (${SPEC}: teams[0].allow.hostNetwork)`,
    ]);
  });

  it('RayService head group: a hostPath volume', () => {
    const objects = objectsOf('workloads/services/inference/llama3-8b-vllm');
    const service = find(objects, 'RayService');
    service.spec.rayClusterConfig.headGroupSpec.template.spec.volumes.push({
      name: 'shm',
      hostPath: { path: '/dev/shm' },
    });
    const i = service.spec.rayClusterConfig.headGroupSpec.template.spec.volumes.length - 1;
    expect(messages(objects, 'inference')).toEqual([
      `RayService/${service.metadata.name} spec.rayClusterConfig.headGroupSpec.template.spec.volumes[${i}].hostPath: ` +
        `host path volumes ("/dev/shm") are not allowed for team "inference" ` +
        `(${SPEC}: teams[2].allow.hostPath); use a PersistentVolumeClaim (pv-efs, pv-fsx) or an emptyDir`,
    ]);
  });

  it('Deployment (Triton): an added capability, and an image from Docker Hub', () => {
    const objects = objectsOf('workloads/services/inference/llama3-8b-triton');
    const deployment = find(objects, 'Deployment');
    deployment.spec.template.spec.containers[0].securityContext = { capabilities: { add: ['SYS_ADMIN'] } };
    deployment.spec.template.spec.containers[0].image = 'tritonserver:latest';
    expect(messages(objects, 'inference')).toEqual([
      `Deployment/${deployment.metadata.name} spec.template.spec.containers[0].image: image ` +
        `"tritonserver:latest" is not from a registry the cluster allows (${SPEC}: ` +
        'policy.imageRegistries: 777788889999.dkr.ecr.us-east-1.amazonaws.com, public.ecr.aws, nvcr.io, ' +
        'docker.io/grafana)',
      `Deployment/${deployment.metadata.name} ` +
        `spec.template.spec.containers[0].securityContext.capabilities.add[0]: capability "SYS_ADMIN" is not ` +
        `allowed for team "inference" (${SPEC}: teams[2].allow.capabilities: none)`,
    ]);
  });

  it('Job (model download): the host PID namespace, and a registry that only looks like an allowed one', () => {
    const objects = objectsOf('workloads/runs/llm-training/qwen3-14b-download');
    const job = find(objects, 'Job');
    job.spec.template.spec.hostPID = true;
    job.spec.template.spec.containers[0].image = 'nvcr.io.evil.example/pytorch:1';
    expect(messages(objects)).toEqual([
      `Job/${job.metadata.name} spec.template.spec.hostPID: the host's PID namespace ` +
        `is not allowed for team "llm-training" (${SPEC}: teams[0].allow.hostPID)`,
      `Job/${job.metadata.name} spec.template.spec.containers[0].image: image ` +
        `"nvcr.io.evil.example/pytorch:1" is not from a registry the cluster allows (${SPEC}: ` +
        'policy.imageRegistries: 777788889999.dkr.ecr.us-east-1.amazonaws.com, public.ecr.aws, nvcr.io, ' +
        'docker.io/grafana)',
    ]);
  });

  it('PyTorchJob replica specs, LeaderWorkerSet templates, InferenceService predictor (constructed)', () => {
    const meta = { name: 'w', namespace: 'llm-training' };
    const pod = (extra: Record<string, unknown>) => ({
      spec: { containers: [{ name: 'c', image: 'nvcr.io/nvidia/pytorch:25.10-py3' }], ...extra },
    });
    const objects = [
      {
        apiVersion: 'kubeflow.org/v1',
        kind: 'PyTorchJob',
        metadata: meta,
        spec: { pytorchReplicaSpecs: { Worker: { template: pod({ hostIPC: true }) } } },
      },
      {
        apiVersion: 'leaderworkerset.x-k8s.io/v1',
        kind: 'LeaderWorkerSet',
        metadata: meta,
        spec: { leaderWorkerTemplate: { workerTemplate: pod({ hostNetwork: true }) } },
      },
      {
        apiVersion: 'serving.kserve.io/v1beta1',
        kind: 'InferenceService',
        metadata: meta,
        spec: {
          predictor: {
            containers: [
              { name: 'kserve-container', image: 'docker.io/library/vllm:1', securityContext: { privileged: true } },
            ],
          },
        },
      },
    ] as unknown as K8sObject[];
    expect(messages(objects)).toEqual([
      `PyTorchJob/w spec.pytorchReplicaSpecs.Worker.template.spec.hostIPC: the host's IPC ` +
        `namespace is not allowed for team "llm-training" (${SPEC}: teams[0].allow.hostIPC)`,
      `LeaderWorkerSet/w spec.leaderWorkerTemplate.workerTemplate.spec.hostNetwork: host ` +
        `networking is not allowed for team "llm-training" (${SPEC}: teams[0].allow.hostNetwork)`,
      `InferenceService/w spec.predictor.containers[0].image: image "docker.io/library/vllm:1" ` +
        `is not from a registry the cluster allows (${SPEC}: policy.imageRegistries: ` +
        `777788889999.dkr.ecr.us-east-1.amazonaws.com, public.ecr.aws, nvcr.io, docker.io/grafana)`,
      `InferenceService/w spec.predictor.containers[0].securityContext.privileged: privileged ` +
        `containers are not allowed for team "llm-training" (${SPEC}: teams[0].allow.privileged)`,
    ]);
  });

  it("another team's namespace, no namespace, cluster-scoped and RBAC kinds", () => {
    const objects = [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'ml-serving' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'c' } },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'd', namespace: 'llm-training' } },
      { apiVersion: 'example.com/v1', kind: 'Job', metadata: { name: 'e', namespace: 'llm-training' } },
    ] as unknown as K8sObject[];
    const allowed = TEAM_RESOURCES.map((r) => r.kind).join(', ');
    expect(messages(objects)).toEqual([
      'ConfigMap/a metadata.namespace: expected the team\'s namespace "llm-training", ' +
        'got "ml-serving": a team\'s workloads land only in its own namespace',
      "ConfigMap/b metadata.namespace: expected the team's namespace " +
        '"llm-training", got none: a team\'s workloads land only in its own namespace',
      `ClusterRoleBinding/c kind: kind "ClusterRoleBinding" (rbac.authorization.k8s.io/v1) ` +
        `is not a namespaced workload kind a team may deploy (allowed: ${allowed})`,
      "ClusterRoleBinding/c metadata.namespace: expected the team's namespace " +
        '"llm-training", got none: a team\'s workloads land only in its own namespace',
      `Role/d kind: kind "Role" (rbac.authorization.k8s.io/v1) is not a ` +
        `namespaced workload kind a team may deploy (allowed: ${allowed})`,
      `Job/e kind: kind "Job" (example.com/v1) is not a namespaced ` +
        `workload kind a team may deploy (allowed: ${allowed})`,
    ]);
  });
});

describe('a team the cluster spec allows more', () => {
  const withAllow = (allow: unknown, podSecurity?: string) => {
    const raw = parse(readFileSync(join(REPO, SPEC), 'utf-8'));
    raw.teams[0].allow = allow;
    if (podSecurity) raw.teams[0].podSecurity = podSecurity;
    return clusterSpecSchema.safeParse(raw);
  };

  it('may run privileged with the capabilities it is allowed, and its namespace gets the privileged level', () => {
    const parsed = withAllow({ privileged: true, hostPath: true, capabilities: ['IPC_LOCK'] });
    expect(parsed.success).toBe(true);
    const allowed = parsed.data!;
    expect(allowed.teams[0].podSecurity).toBe('privileged');
    expect(allowed.teams[1].podSecurity).toBe('baseline');
    const objects = objectsOf('workloads/runs/llm-training/qwen3-14b-download');
    const pod = find(objects, 'Job').spec.template.spec;
    pod.containers[0].securityContext = { privileged: true, capabilities: { add: ['IPC_LOCK', 'NET_ADMIN'] } };
    pod.volumes.push({ name: 'host', hostPath: { path: '/var/log' } });
    expect(messages(objects, 'llm-training', allowed)).toEqual([
      `Job/${find(objects, 'Job').metadata.name} ` +
        `spec.template.spec.containers[0].securityContext.capabilities.add[1]: capability "NET_ADMIN" is not allowed ` +
        `for team "llm-training" (${SPEC}: teams[0].allow.capabilities: IPC_LOCK)`,
    ]);
  });

  it('an allowance with a Pod Security level that would refuse it is an error in the cluster spec', () => {
    const parsed = withAllow({ hostNetwork: true }, 'baseline');
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'teams.0.podSecurity: expected "privileged" (or no podSecurity) for a team whose allow lets its pods ' +
        'run privileged, on the host or with added capabilities (Pod Security admission would refuse them)',
    ]);
  });

  it("the registries default to the account's ECR in its region, public.ecr.aws and nvcr.io", () => {
    const raw = parse(readFileSync(join(REPO, SPEC), 'utf-8'));
    delete raw.policy;
    const parsed = clusterSpecSchema.parse(raw);
    const objects = objectsOf('workloads/runs/llm-training/qwen3-14b-download');
    find(objects, 'Job').spec.template.spec.containers[0].image = 'quay.io/x/y:1';
    expect(messages(objects, 'llm-training', parsed)).toEqual([
      `Job/${find(objects, 'Job').metadata.name} spec.template.spec.containers[0].image: ` +
        `image "quay.io/x/y:1" is not from a registry the cluster allows (${SPEC}: ` +
        `policy.imageRegistries: 777788889999.dkr.ecr.us-east-1.amazonaws.com, public.ecr.aws, nvcr.io)`,
    ]);
  });
});

describe('a violation fails the regenerate, nothing written', () => {
  it('a recipe whose image comes from a registry the cluster does not allow', () => {
    const root = exampleInputs();
    for (const dir of ['recipes', 'apps', 'images']) cpSync(join(REPO, dir), join(root, dir), { recursive: true });
    const file = 'recipes/llm-training/qwen3-14b-nemo2-sft.yaml';
    const text = readFileSync(join(root, file), 'utf-8');
    writeFile(root, file, text.replace(/^image: .*$/m, 'image: ghcr.io/someone/nemo:latest'));
    const outside = tempDir('outside-');
    writeFileSync(join(outside, 'keep.txt'), 'x');
    const before = snapshotTree(root);
    const result = regenerate(root);
    expect(result.ok).toBe(false);
    const line = text.split('\n').findIndex((l) => l.startsWith('image:')) + 1;
    expect(result.ok ? [] : result.problems.map((p) => `${p.file}:${p.line}: ${p.field}: ${p.message}`)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${file}:${line}: TrainJob/qwen3-14b-nemo2-sft-[0-9a-f]{6} ` +
            `spec\\.trainer\\.image: image "ghcr\\.io/someone/nemo:latest" is not from ` +
            `a registry the cluster allows \\(${SPEC}: policy\\.imageRegistries: `,
        ),
      ),
    ]);
    expect(snapshotTree(root)).toEqual(before);
    expect(snapshotTree(outside)).toEqual(new Map([['keep.txt', 'x']]));
  });
});

describe('a problem names the line of the recipe field it comes from', () => {
  /** An example run of llm-training as a regenerate reads it, and its rendered objects: the subject of one workload. */
  const example = (name: string) => {
    const file = `recipes/llm-training/${name}.yaml`;
    const text = readFileSync(join(REPO, file), 'utf-8');
    const parsed = parseRecipeText(text, file, 'run');
    if (!parsed.ok) throw new Error(`${file} is invalid`);
    const subject = { file, lineOf: parsed.input.lineOf, step: { path: [], body: parsed.input.recipe.body } };
    const lineOf = (start: string) => text.split('\n').findIndex((l) => l.startsWith(start)) + 1;
    return { subject, objects: objectsOf(`workloads/runs/llm-training/${name}`), lineOf };
  };
  const located = (objects: K8sObject[], subject: Parameters<typeof checkWorkloadPolicy>[3], cluster = spec) =>
    checkWorkloadPolicy(objects, cluster, cluster.teams[0], subject).map(
      (p) => `${p.file}:${p.line}: ${p.field}: ${p.message}`,
    );

  it(
    "a pipeline whose second step's image is from a registry " + "the cluster does not allow: that step's image line",
    () => {
      const root = exampleInputs();
      const file = 'recipes/llm-training/two-registries.yaml';
      writeFile(
        root,
        file,
        [
          'name: two-registries',
          'team: llm-training',
          'cluster: prod-use1',
          'kind: pipeline',
          'steps:',
          '  - name: prep',
          '    kind: data-process',
          '    image: public.ecr.aws/docker/library/python:3.12',
          '    process:',
          '      command: [python, prep.py]',
          '  - name: train',
          '    kind: pytorch-distributed',
          '    image: ghcr.io/someone/trainer:1',
          '    train:',
          '      command: [torchrun, train.py]',
          '',
        ].join('\n'),
      );
      const result = regenerate(root);
      expect(result.ok ? [] : result.problems.map((p) => `${p.file}:${p.line}: ${p.field}: ${p.message}`)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^${file}:13: TrainJob/two-registries-[0-9a-f]{6}-s2 spec\\.trainer\\.image: ` +
              'image "ghcr\\.io/someone/trainer:1" is not from a registry',
          ),
        ),
      ]);
    },
  );

  it(
    'a host path volume: the line of the pvc entry it was ' + "rendered from; a privileged container: the kind's line",
    () => {
      const { subject, objects, lineOf } = example('bert-raytrain-fine-tune');
      const job = find(objects, 'RayJob');
      const worker = job.spec.rayClusterSpec.workerGroupSpecs[0].template.spec;
      const i = worker.volumes.findIndex((v: { name: string }) => v.name === 'pv-1');
      worker.volumes[i] = { name: 'pv-1', hostPath: { path: '/efs' } };
      job.spec.rayClusterSpec.headGroupSpec.template.spec.containers[0].securityContext = { privileged: true };
      const at = `${subject.file}:%d: RayJob/${job.metadata.name} spec.rayClusterSpec`;
      const atKind = at.replace('%d', String(lineOf('kind:')));
      const atPvc = at.replace('%d', String(lineOf('  - name: pv-efs')));
      expect(located(objects, subject)).toEqual([
        `${atKind}.headGroupSpec.template.spec.containers[0].securityContext.privileged: ` +
          `privileged containers are not allowed for team "llm-training" (${SPEC}: teams[0].allow.privileged)`,
        `${atPvc}.workerGroupSpecs[0].template.spec.volumes[${i}].hostPath: ` +
          `host path volumes ("/efs") are not allowed for team "llm-training" (${SPEC}: teams[0].allow.hostPath); ` +
          'use a PersistentVolumeClaim (pv-efs, pv-fsx) or an emptyDir',
      ]);
    },
  );

  it("the EBS volume as a host path: the ebs field's line; an image the recipe wrote: its line", () => {
    const { subject, objects, lineOf } = example('gpt2-wikicorpus-preprocess');
    const job = find(objects, 'Job');
    const pod = job.spec.template.spec;
    const i = pod.volumes.findIndex((v: { name: string }) => v.name === 'ebs');
    pod.volumes[i] = { name: 'ebs', hostPath: { path: '/mnt/nvme' } };
    pod.containers[0].image = 'quay.io/x/megatron:1';
    expect(located(objects, subject).map((m) => m.split(': ').slice(0, 2).join(': '))).toEqual([
      `${subject.file}:${lineOf('image:')}: Job/${job.metadata.name} spec.template.spec.containers[0].image`,
      `${subject.file}:${lineOf('ebs:')}: Job/${job.metadata.name} spec.template.spec.volumes[${i}].hostPath`,
    ]);
  });

  it("an image the recipe does not write (the model download's default): the kind's line", () => {
    const { subject, objects, lineOf } = example('qwen3-14b-download');
    const raw = parse(readFileSync(join(REPO, SPEC), 'utf-8'));
    raw.policy.imageRegistries = ['nvcr.io'];
    const strict = clusterSpecSchema.parse(raw);
    const job = find(objects, 'Job');
    expect(located(objects, subject, strict)).toEqual([
      `${subject.file}:${lineOf('kind:')}: Job/${job.metadata.name} spec.template.spec.containers[0].image: ` +
        `image "public.ecr.aws/docker/library/python:slim-bullseye" is not from a registry the cluster allows ` +
        `(${SPEC}: policy.imageRegistries: nvcr.io)`,
    ]);
  });
});

describe('the team AppProjects carry the same limits', () => {
  it('destinations, kinds allowed and denied, nothing cluster-scoped', () => {
    const project = parse(
      readFileSync(join(REPO, 'clusters/prod-use1/argocd/appproject-argocd-prod-use1-team-inference.yaml'), 'utf-8'),
    );
    // prod-use1 is the hub: its Applications address it by its cluster Secret's name
    expect(project.spec.destinations).toEqual([{ name: 'prod-use1', namespace: 'ml-serving' }]);
    expect(project.spec.clusterResourceWhitelist).toEqual([]);
    expect(project.spec.namespaceResourceWhitelist).toEqual(TEAM_RESOURCES);
    expect(project.spec.namespaceResourceBlacklist.map((r: { kind: string }) => r.kind)).toEqual([
      'ResourceQuota',
      'LimitRange',
      'ServiceAccount',
      'LocalQueue',
      'Role',
      'RoleBinding',
      'NetworkPolicy',
    ]);
    expect(project.spec.sourceRepos).toEqual(['https://github.com/acme/eks-mlops-fleet.git']);
  });
});
