import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { healthChecks, WORKLOAD_HEALTH } from '../generator/argocd/health-checks';
import { describeApplication, expandApplicationSets, readTree } from '../generator/checks/argocd-expand';
import { generateFleet } from '../generator/fleet/generate';
import type { PlatformModule } from '../generator/model/platform-module';
import { resolveModules } from '../generator/platform/resolve-modules';
import { PLATFORM_MODULES } from '../platform';
import { cleanupTemps, exampleInputs, FLEET, lineOf, regenerate, REPO, snapshotTree, writeFile } from './support/fleet';

afterAll(cleanupTemps);

const PROD = 'clusters/prod-use1/cluster.yaml';
const committed = (path: string) => readFileSync(join(REPO, path), 'utf-8');

/** The example fleet with prod-use1's cluster.yaml edited; returns the generator's problems as text. */
function problemsWith(edit: (text: string) => string, file = PROD): string[] {
  const root = exampleInputs();
  const text = readFileSync(join(root, file), 'utf-8');
  const edited = edit(text);
  expect(edited, 'the edit changed nothing').not.toBe(text);
  writeFile(root, file, edited);
  const result = generateFleet({ root, ...FLEET });
  return result.ok ? [] : result.problems.map((p) => `${p.file}:${p.line ?? ''}: ${p.field}: ${p.message}`);
}

describe('Argo CD as part of the fleet', () => {
  it("its module carries the fleet's health check of every run and service kind that needs one in argocd-cm", () => {
    const values = parse(committed('clusters/prod-use1/platform/argocd/values.yaml'));
    const cm = values.configs.cm as Record<string, string>;
    const checks = healthChecks();
    expect(checks.length).toBeGreaterThan(0);
    for (const check of checks) {
      expect(cm[`resource.customizations.health.${check.group}_${check.kind}`]).toBe(check.script);
    }
    // every kind the fleet's own check covers reaches argocd-cm; the rest are built in or upstream Lua
    const own = Object.entries(WORKLOAD_HEALTH)
      .filter(([, c]) => c.by === 'fleet')
      .map(([kind]) => kind);
    expect(own.sort()).toEqual(checks.map((c) => `${c.group}/${c.kind}`).sort());
  });

  it('is off on a cluster a hub Argo CD manages, and refuses to be on there', () => {
    expect(readdirSync(join(REPO, 'clusters/staging-usw2/platform'))).not.toContain('argocd');
    expect(readdirSync(join(REPO, 'clusters/dev-usw2/platform'))).not.toContain('argocd');
    expect(
      problemsWith(
        (text) => text.replace('  argocd: false ', '  argocd: true  '),
        'clusters/staging-usw2/cluster.yaml',
      ),
    ).toEqual([
      expect.stringContaining(
        'modules.argocd: this cluster is managed by a hub Argo CD ' +
          '(argocd.role: spoke) and runs none of its own: remove modules.argocd',
      ),
    ]);
  });
});

describe('the module catalog on prod-use1', () => {
  it('prod-use1 turns on every module of the catalog, each with its folder and descriptor', () => {
    const descriptors = PLATFORM_MODULES.map((m) => `clusters/prod-use1/platform/${m.name}/module.json`);
    for (const path of descriptors) {
      expect(JSON.parse(committed(path)).application).toBe(`prod-use1-${path.split('/')[3]}`);
    }
    expect(PLATFORM_MODULES.length).toBe(34);
  });

  it('lets the conflicting alternates run together: each steps aside in its values or patches', () => {
    const gpuOperator = parse(committed('clusters/prod-use1/platform/nvidia-gpu-operator/values.yaml'));
    expect(gpuOperator).toMatchObject({
      devicePlugin: { enabled: false },
      dcgmExporter: { enabled: false },
      driver: { enabled: false },
    });
    const trainingOperator = JSON.parse(committed('clusters/prod-use1/platform/training-operator/module.json'));
    const patches = trainingOperator.sources[0].kustomize.patches as {
      target: { kind: string; name: string };
      patch: string;
    }[];
    expect(patches.map((p) => `${p.target.kind}/${p.target.name}`)).toEqual([
      'Namespace/kubeflow', // owned by the Kubeflow platform's Application
      'CustomResourceDefinition/mpijobs.kubeflow.org',
      'Deployment/training-operator',
    ]);
    expect(patches[2].patch).not.toContain('--enable-scheme=mpijob');
    expect(patches[2].patch).toContain('--enable-scheme=pytorchjob');
    const autoscaler = parse(committed('clusters/prod-use1/platform/cluster-autoscaler/values.yaml'));
    expect(autoscaler.autoDiscovery.tags).toEqual([
      'k8s.io/cluster-autoscaler/enabled',
      'k8s.io/cluster-autoscaler/prod-use1',
    ]);
    const readme = committed('clusters/prod-use1/README.md');
    expect(readme).toMatch(
      /\| `nvidia-gpu-operator` \|.*with nvidia-device-plugin: the operator's own device plugin is off/,
    );
    expect(readme).toMatch(/\| `training-operator` \|.*with mpi-operator: its v1 MPIJob CRD and scheme are left out/);
    // on a cluster without the alternates, nothing is turned off
    const staging = committed('clusters/staging-usw2/platform/nvidia-device-plugin/values.yaml');
    expect(parse(staging).tolerations).toEqual([{ operator: 'Exists' }]);
  });

  it('adds the companion CRD charts of KServe and Istio as sources of the same Application', () => {
    const kserve = JSON.parse(committed('clusters/prod-use1/platform/kserve/module.json'));
    expect(kserve.sources.map((s: { chart?: string; ref?: string }) => s.chart ?? s.ref)).toEqual([
      'kserve-resources',
      'kserve-crd',
      'values',
    ]);
    expect(kserve.syncOptions).toContain('ServerSideApply=true');
    const istio = JSON.parse(committed('clusters/prod-use1/platform/istio/module.json'));
    expect(istio.sources.map((s: { chart?: string; ref?: string }) => s.chart ?? s.ref)).toEqual([
      'istiod',
      'base',
      'values',
    ]);
  });

  it('renders the values from the cluster spec, with the cluster.yaml override merged over them', () => {
    const prometheus = parse(committed('clusters/prod-use1/platform/kube-prometheus-stack/values.yaml'));
    expect(prometheus.prometheus.prometheusSpec).toEqual({
      serviceMonitorSelectorNilUsesHelmValues: false,
      podMonitorSelectorNilUsesHelmValues: false,
      retention: '30d',
    });
    expect(parse(committed('clusters/prod-use1/platform/cert-manager/values.yaml'))).toEqual({
      crds: { enabled: true },
    });
    expect(parse(committed('clusters/prod-use1/platform/slurm/values.yaml'))).toEqual({ crds: { enabled: true } });
    expect(parse(committed('clusters/prod-use1/platform/kubeflow-trainer/values.yaml'))).toEqual({
      jobset: { install: false },
    });
    expect(parse(committed('clusters/prod-use1/platform/karpenter/values.yaml')).settings).toEqual({
      clusterName: 'prod-use1',
      interruptionQueue: 'Karpenter-prod-use1',
    });
    const kueue = parse(
      parse(committed('clusters/prod-use1/platform/kueue/values.yaml')).managerConfig.controllerManagerConfigYaml,
    );
    expect(kueue.apiVersion).toBe('config.kueue.x-k8s.io/v1beta2');
    expect(kueue.integrations.frameworks).toEqual([
      'batch/job',
      'kubeflow.org/mpijob',
      'ray.io/rayjob',
      'ray.io/rayservice',
      'ray.io/raycluster',
      'jobset.x-k8s.io/jobset',
      'kubeflow.org/paddlejob',
      'kubeflow.org/pytorchjob',
      'kubeflow.org/tfjob',
      'kubeflow.org/xgboostjob',
      'kubeflow.org/jaxjob',
      'trainer.kubeflow.org/trainjob',
      'pod',
      'deployment',
      'statefulset',
      'leaderworkerset.x-k8s.io/leaderworkerset',
    ]);
    // staging has no MPI operator, training operator nor LeaderWorkerSet: Kueue is not told about them
    const staging = parse(
      parse(committed('clusters/staging-usw2/platform/kueue/values.yaml')).managerConfig.controllerManagerConfigYaml,
    );
    expect(staging.integrations.frameworks).toEqual([
      'batch/job',
      'ray.io/rayjob',
      'ray.io/rayservice',
      'ray.io/raycluster',
      'jobset.x-k8s.io/jobset',
      'trainer.kubeflow.org/trainjob',
      'pod',
      'deployment',
      'statefulset',
    ]);
  });
});

describe('Karpenter node pools', () => {
  const pool = (name: string) => parse(committed(`clusters/prod-use1/platform/karpenter/nodepool-${name}.yaml`));
  const nodeClass = (name: string) =>
    parse(committed(`clusters/prod-use1/platform/karpenter/ec2nodeclass-${name}.yaml`));
  const requirement = (
    p: { spec: { template: { spec: { requirements: { key: string; values: string[] }[] } } } },
    key: string,
  ) => p.spec.template.spec.requirements.find((r) => r.key === key)?.values;

  it(
    'places EFA and Neuron pools in one AZ, by requirement ' + 'and by subnet tag; EFA pools get their security group',
    () => {
      expect(requirement(pool('cuda-efa'), 'topology.kubernetes.io/zone')).toEqual(['us-east-1a']);
      expect(requirement(pool('neuron'), 'topology.kubernetes.io/zone')).toEqual(['us-east-1b']);
      expect(requirement(pool('cuda'), 'topology.kubernetes.io/zone')).toBeUndefined();
      expect(nodeClass('cuda-efa').spec.subnetSelectorTerms).toEqual([
        { tags: { 'karpenter.sh/discovery/cuda-efa': 'prod-use1' } },
      ]);
      expect(nodeClass('cuda').spec.subnetSelectorTerms).toEqual([{ tags: { 'karpenter.sh/discovery': 'prod-use1' } }]);
      expect(nodeClass('cuda-efa').spec.securityGroupSelectorTerms).toEqual([
        { tags: { 'karpenter.sh/discovery': 'prod-use1' } },
        { tags: { 'karpenter.sh/discovery/cuda-efa': 'prod-use1' } },
      ]);
      // trn1 types have EFA: the Neuron pool gets the EFA security group too; the CUDA pool does not
      expect(nodeClass('neuron').spec.securityGroupSelectorTerms).toHaveLength(2);
      expect(nodeClass('cuda').spec.securityGroupSelectorTerms).toHaveLength(1);
    },
  );

  it('carries the seed instance families, the taints, the limits and the consolidation of each pool', () => {
    expect(requirement(pool('cpu'), 'karpenter.k8s.aws/instance-family')).toEqual([
      'm6i',
      'm7i',
      'c6i',
      'c7i',
      'r6i',
      'r7i',
    ]);
    expect(requirement(pool('cuda-efa'), 'node.kubernetes.io/instance-type')).toEqual(['p5.48xlarge', 'p4d.24xlarge']);
    expect(pool('cuda-efa').spec.template.spec.taints.map((t: { key: string }) => t.key)).toEqual([
      'nvidia.com/gpu',
      'vpc.amazonaws.com/efa',
    ]);
    expect(pool('neuron').spec.limits).toEqual({ cpu: '512', memory: '2048Gi', 'aws.amazon.com/neuron': '64' });
    expect(pool('cpu').spec.disruption).toEqual({ consolidateAfter: '5m', consolidationPolicy: 'WhenEmpty' });
    expect(nodeClass('cuda').spec.role).toBe('KarpenterNode-prod-use1');
  });
});

describe('Kueue queues', () => {
  const queue = (team: string) => parse(committed(`clusters/prod-use1/platform/kueue/clusterqueue-${team}.yaml`));
  const quota = (team: string, flavor: string, resource: string) =>
    queue(team)
      .spec.resourceGroups[0].flavors.find((f: { name: string }) => f.name === flavor)
      .resources.find((r: { name: string }) => r.name === resource);

  it('has a flavor per node pool, tolerating its taints, and a queue per team in the cluster cohort', () => {
    const flavor = parse(committed('clusters/prod-use1/platform/kueue/resourceflavor-cuda-efa.yaml'));
    expect(flavor.spec.nodeLabels).toEqual({ 'karpenter.sh/nodepool': 'cuda-efa' });
    expect(flavor.spec.tolerations.map((t: { key: string }) => t.key)).toEqual([
      'nvidia.com/gpu',
      'vpc.amazonaws.com/efa',
    ]);
    expect(queue('inference').spec.cohortName).toBe('prod-use1');
    expect(queue('inference').spec.namespaceSelector.matchLabels).toEqual({
      'kubernetes.io/metadata.name': 'ml-serving',
    });
    const local = parse(committed('clusters/prod-use1/platform/kueue/localqueue-ml-serving-inference.yaml'));
    expect(local.spec).toEqual({ clusterQueue: 'inference' });
  });

  it(
    'splits each pool among the teams by their quotas: no pool ' +
      'gives out more than its limit, no team more than its quota',
    () => {
      const teams = ['llm-training', 'neuron-research', 'inference'];
      const pools = {
        cpu: { cpu: 1000 },
        cuda: { cpu: 768, 'nvidia.com/gpu': 32 },
        'cuda-efa': { cpu: 768, 'nvidia.com/gpu': 64 },
        neuron: { cpu: 512, 'aws.amazon.com/neuron': 64 },
      };
      const quotas: Record<string, Record<string, number>> = {
        'llm-training': { cpu: 1024, 'nvidia.com/gpu': 64 },
        'neuron-research': { cpu: 256, 'aws.amazon.com/neuron': 64 },
        inference: { cpu: 256, 'nvidia.com/gpu': 16 },
      };
      for (const [poolName, limits] of Object.entries(pools)) {
        for (const [resource, limit] of Object.entries(limits)) {
          const given = teams.reduce((sum, t) => sum + Number(quota(t, poolName, resource).nominalQuota), 0);
          expect(given, `${poolName} ${resource}`).toBeLessThanOrEqual(limit);
        }
      }
      for (const team of teams) {
        for (const [resource, limit] of Object.entries(quotas[team])) {
          const total = Object.keys(pools).reduce((sum, p) => sum + Number(quota(team, p, resource).nominalQuota), 0);
          expect(total, `${team} ${resource}`).toBeLessThanOrEqual(limit);
        }
      }
      expect(quota('llm-training', 'cuda-efa', 'nvidia.com/gpu')).toEqual({
        name: 'nvidia.com/gpu',
        nominalQuota: '42',
        borrowingLimit: '22',
      });
      // no quota of its own for a resource: no guaranteed share, but it may borrow what the cohort has idle
      expect(quota('neuron-research', 'cuda', 'nvidia.com/gpu')).toEqual({ name: 'nvidia.com/gpu', nominalQuota: '0' });
      expect(quota('llm-training', 'neuron', 'aws.amazon.com/neuron')).toEqual({
        name: 'aws.amazon.com/neuron',
        nominalQuota: '0',
      });
      // a pool that cannot provide a resource: nothing, not even borrowed
      expect(quota('llm-training', 'cpu', 'nvidia.com/gpu')).toEqual({
        name: 'nvidia.com/gpu',
        nominalQuota: '0',
        borrowingLimit: '0',
      });
      // EFA interfaces come with the accelerators: p5.48xlarge has 32 for 8 GPUs
      expect(quota('llm-training', 'cuda-efa', 'vpc.amazonaws.com/efa').nominalQuota).toBe('168');
    },
  );
});

describe('Kueue quotas at the edges', () => {
  it(
    'renders finite, valid quotas for pools without limits, ' +
      'families the instance table has no size of and odd quantities',
    async () => {
      const { SchemaRegistry } = await import('../generator/checks/schema-registry');
      const registry = SchemaRegistry.forFleet();
      const root = exampleInputs();
      const file = 'clusters/dev-usw2/cluster.yaml';
      const text = readFileSync(join(root, file), 'utf-8');
      const edited = text
        // m7i: a default CPU family the fleet knows but the instance table has no size of (an unknown one is refused)
        .replace('    limits: { cpu: 256, memory: 1024Gi }\n', '    limits: { cpu: 0 }\n    instanceFamilies: [m7i]\n')
        .replace('    limits: { cpu: 192, memory: 768Gi, gpu: 8 }\n', '')
        .replace('quotas: { cpu: 128, memory: 512Gi, gpu: 4 }', 'quotas: { cpu: 128, memory: 1073741824, gpu: 4 }')
        .replace('teams:\n', 'modules:\n  kueue: true\nteams:\n');
      expect(edited).not.toBe(text);
      writeFile(root, file, edited);
      const result = generateFleet({ root, ...FLEET });
      if (!result.ok) throw new Error(JSON.stringify(result.problems));
      const queues = result.files.filter((f) => f.path.startsWith('clusters/dev-usw2/platform/kueue/clusterqueue-'));
      expect(queues).toHaveLength(1);
      expect(queues[0].content).not.toMatch(/Infinity|NaN/);
      expect(registry.validate(parse(queues[0].content))).toEqual([]);
    },
  );
});

describe('shared storage', () => {
  it('gives every team namespace pv-efs and pv-fsx claims, each bound to its own volume', () => {
    for (const ns of ['llm-training', 'neuron-research', 'ml-serving']) {
      for (const [system, size] of [
        ['efs', '1000Gi'],
        ['fsx', '4800Gi'],
      ]) {
        const claim = parse(
          committed(`clusters/prod-use1/platform/${system}-csi-driver/persistentvolumeclaim-${ns}-pv-${system}.yaml`),
        );
        expect(claim.spec).toEqual({
          accessModes: ['ReadWriteMany'],
          storageClassName: `${system}-sc`,
          volumeName: `pv-${system}-${ns}`,
          resources: { requests: { storage: size } },
        });
      }
    }
    // dev has no FSx: no claims, no binder
    expect(() => committed('clusters/dev-usw2/platform/fsx-csi-driver/storageclass-fsx-sc.yaml')).toThrow();
  });
});

describe('dependencies and conflicts', () => {
  it('refuses KServe without cert-manager and Trainer v2 without JobSet, naming both modules', () => {
    expect(problemsWith((t) => t.replace('modules:\n', 'modules:\n  cert-manager: false\n'))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /modules\.kserve: module "kserve" needs module "cert-manager", which is off on this cluster/,
        ),
      ]),
    );
    expect(problemsWith((t) => t.replace('  jobset: true\n', ''))).toEqual([
      `${PROD}:${lineOf(PROD, 'kubeflow-trainer: true')}: modules.kubeflow-trainer: ` +
        `module "kubeflow-trainer" needs module "jobset", which is off on this ` +
        `cluster; turn on "jobset" (modules.jobset: true) or turn off "kubeflow-trainer"`,
    ]);
  });

  it('refuses a Kueue integration for a framework that is not installed, naming the module', () => {
    const file = 'clusters/dev-usw2/cluster.yaml';
    const problems = problemsWith(
      (t) =>
        t.replace(
          'teams:\n',
          'modules:\n  kueue:\n    values:\n      managerConfig:\n        controllerManagerConfigYaml: ' +
            '|\n          integrations:\n            frameworks: [batch/job, ray.io/rayjob]\nteams:\n',
        ),
      file,
    );
    expect(problems).toEqual([
      `${file}:${lineOf(file, 'teams:') + 4}: modules.kueue.values.managerConfig.controllerManagerConfigYaml: ` +
        `Kueue integration "ray.io/rayjob" needs module "kuberay", which is off on this ` +
        `cluster; turn on "kuberay" (modules.kuberay: true) or remove the integration from "kueue"`,
    ]);
  });

  it('refuses an instance type that cannot serve its pool, at its line in cluster.yaml', () => {
    expect(
      problemsWith((t) =>
        t.replace('instanceTypes: [p5.48xlarge, p4d.24xlarge]', 'instanceTypes: [p5.48xlarge, g5.2xlarge, m6i.xlarge]'),
      ),
    ).toEqual([
      `${PROD}:${lineOf(PROD, 'instanceTypes: [p5.48xlarge, p4d.24xlarge]')}: ` +
        `nodePools[2].instanceTypes[1]: expected an instance type with EFA for ` +
        `a cuda-efa pool, got "g5.2xlarge" (no EFA interfaces): use a cuda pool`,
      `${PROD}:${lineOf(PROD, 'instanceTypes: [p5.48xlarge, p4d.24xlarge]')}: ` +
        `nodePools[2].instanceTypes[2]: expected an instance type with NVIDIA GPUs ` +
        `for a cuda-efa pool, got "m6i.xlarge" (no accelerator): use a cpu pool`,
    ]);
  });

  it('refuses two conflicting modules unless one says how it steps aside', () => {
    const a: PlatformModule = {
      ...PLATFORM_MODULES[0],
      name: 'a',
      enabledByDefault: true,
      conflicts: [{ module: 'b' }],
    };
    const b: PlatformModule = { ...PLATFORM_MODULES[0], name: 'b', enabledByDefault: true, conflicts: [] };
    const spec = { modules: {} } as Parameters<typeof resolveModules>[0];
    expect(resolveModules(spec, 'c.yaml', [a, b]).problems.map((p) => p.message)).toEqual([
      'module "a" conflicts with module "b"; turn one of them off',
    ]);
    const resolved = resolveModules(spec, 'c.yaml', [
      { ...a, conflicts: [{ module: 'b', resolvedBy: 'it steps aside' }] },
      b,
    ]);
    expect(resolved.problems).toEqual([]);
    expect(resolved.modules.find((m) => m.module.name === 'a')!.notes).toEqual(['with b: it steps aside']);
  });
});

describe('turning a module off', () => {
  it.each(['airflow', 'kueue', 'kserve'])('%s: removes its folder and its Application and nothing else', (module) => {
    const root = exampleInputs();
    expect(regenerate(root).ok).toBe(true);
    const before = snapshotTree(root);
    const appsBefore = expandApplicationSets(readTree(root)).applications.map(describeApplication);
    const text = readFileSync(join(root, PROD), 'utf-8');
    writeFile(root, PROD, text.replace(`  ${module}: true\n`, `  ${module}: false\n`));
    const result = regenerate(root);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const folder = `clusters/prod-use1/platform/${module}/`;
    expect(result.report.deleted).toEqual([...before.keys()].filter((p) => p.startsWith(folder)));
    expect(result.report.deleted.length).toBeGreaterThanOrEqual(2);
    // the READMEs list the modules; the platform AppProject no longer allows the module's chart repository; without
    // Kueue the runs ignore nothing Kueue would change (argocd-objects.ts runIgnoreDifferences); prod-use1 is the
    // hub, whose own cluster Secret loses the module's enable_ label
    expect(result.report.written).toEqual([
      'clusters/README.md',
      'clusters/prod-use1/README.md',
      ...(module === 'kueue' ? ['clusters/prod-use1/argocd/applicationset-argocd-prod-use1-runs.yaml'] : []),
      'clusters/prod-use1/argocd/appproject-argocd-prod-use1-platform.yaml',
      'clusters/prod-use1/platform/argocd/secret-argocd-cluster-prod-use1.yaml',
    ]);
    const appsAfter = expandApplicationSets(readTree(root)).applications.map(describeApplication);
    expect(appsBefore.filter((a) => !appsAfter.includes(a))).toEqual([
      expect.stringMatching(new RegExp(`^prod-use1-${module} `)),
    ]);
    expect(appsAfter.filter((a) => !appsBefore.includes(a))).toEqual([]);
  });

  it(
    'mpi-operator: removes its folder and Application; the ' +
      'modules that adapt to it are rendered again, nothing else',
    () => {
      const root = exampleInputs();
      expect(regenerate(root).ok).toBe(true);
      const before = snapshotTree(root);
      const text = readFileSync(join(root, PROD), 'utf-8');
      writeFile(root, PROD, text.replace('  mpi-operator: true\n', ''));
      const result = regenerate(root);
      if (!result.ok) throw new Error('regenerate failed');
      expect(result.report.deleted).toEqual(
        [...before.keys()].filter((p) => p.startsWith('clusters/prod-use1/platform/mpi-operator/')),
      );
      expect(result.report.written).toEqual([
        'clusters/README.md',
        'clusters/prod-use1/README.md',
        // no MPIJob rule in the runs' ignoreDifferences (argocd-objects.ts runIgnoreDifferences)
        'clusters/prod-use1/argocd/applicationset-argocd-prod-use1-runs.yaml',
        'clusters/prod-use1/argocd/appproject-argocd-prod-use1-platform.yaml',
        // the hub's own cluster Secret loses enable_mpi_operator
        'clusters/prod-use1/platform/argocd/secret-argocd-cluster-prod-use1.yaml',
        // Kueue no longer integrates MPIJob; the training operator keeps its own MPIJob
        'clusters/prod-use1/platform/kueue/values.yaml',
        'clusters/prod-use1/platform/training-operator/module.json',
      ]);
      const trainingOperator = JSON.parse(
        readFileSync(join(root, 'clusters/prod-use1/platform/training-operator/module.json'), 'utf-8'),
      );
      expect(
        trainingOperator.sources[0].kustomize.patches.map((p: { target: { kind: string } }) => p.target.kind),
      ).toEqual(['Namespace']);
    },
  );
});
