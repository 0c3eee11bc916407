import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTemps, EXAMPLE_CLUSTERS, exampleInputs, regenerate, REPO, writeFile } from './support/fleet';
import {
  checkApplications,
  checkProjects,
  describeApplication,
  expandApplicationSets,
  readTree,
  type ExpandedApplication,
} from '../generator/checks/argocd-expand';
import { renderGoTemplate, TemplateError } from '../generator/checks/go-template';
import { SchemaRegistry } from '../generator/checks/schema-registry';
import { compareApplications, expectedPlatformApplications } from '../generator/fleet/expected-applications';
import { PLATFORM_MODULES } from '../platform';

afterAll(cleanupTemps);

const registry = SchemaRegistry.forFleet();
const REPOS = new Set(['https://github.com/acme/eks-mlops-fleet.git']);
const byName = (apps: readonly ExpandedApplication[], name: string) =>
  apps.find((a) => a.application.metadata.name === name)!.application;

describe('Argo CD expansion of the committed tree', () => {
  const tree = readTree(REPO);
  const { applications, problems } = expandApplicationSets(tree);

  it('expands every ApplicationSet without a template error and prints each Application', () => {
    expect(problems).toEqual([]);
    const lines = applications.map(describeApplication);
    expect(lines).toContain(
      'prod-use1-karpenter  [prod-use1-platform]  karpenter@1.14.1 (public.ecr.aws/karpenter) + ' +
        'clusters/prod-use1/platform/karpenter@main  ->  prod-use1/kube-system',
    );
    expect(lines).toContain(
      'staging-usw2-teams  [staging-usw2-platform]  ' +
        'clusters/staging-usw2/platform/teams@main  ->  staging-usw2/default',
    );
  });

  it('gives each cluster exactly one platform Application per enabled module, and one for its teams', () => {
    const expected = expectedPlatformApplications(REPO, PLATFORM_MODULES);
    if (!expected.ok) throw new Error('example fleet is invalid');
    expect([...expected.expected.keys()].sort()).toEqual(EXAMPLE_CLUSTERS);
    for (const [cluster, { names }] of expected.expected) {
      const actual = applications
        // the hub (prod-use1) makes the platform Applications of every cluster of the fleet
        .filter((a) => a.applicationSet === 'prod-use1-fleet-platform' && a.cluster === cluster)
        .map((a) => a.application.metadata.name);
      expect(compareApplications(cluster, names, actual)).toEqual([]);
      expect(actual.length).toBe(names.length);
    }
    expect(expected.expected.get('prod-use1')!.names).toHaveLength(PLATFORM_MODULES.length + 1);
  });

  it('points every Application at sources that exist and hold only valid objects', () => {
    const checked = checkApplications(tree, applications, registry, REPOS);
    expect(checked.problems).toEqual([]);
    expect(checked.objects).toBeGreaterThan(100);
  });

  it('keeps every Application within its AppProject: repositories and destination', () => {
    expect(checkProjects(tree, applications)).toEqual([]);
  });

  it('generates platform Applications with the sync policy of the platform', () => {
    const kueue = byName(applications, 'prod-use1-kueue') as unknown as Record<string, any>;
    expect(kueue.metadata.labels).toMatchObject({
      env: 'prod',
      'mlops-fleet.io/module': 'kueue',
      'mlops-fleet.io/wave': '2',
    });
    expect(kueue.metadata.annotations).toEqual({
      'argocd.argoproj.io/sync-wave': '2',
      'argocd.argoproj.io/manifest-generate-paths': '/clusters/prod-use1/platform/kueue',
    });
    // RollingSync turns automated sync off and prunes as automated.prune says (hub-objects.ts)
    expect(kueue.spec.syncPolicy).toEqual({
      automated: { prune: true },
      retry: { limit: 10, backoff: { duration: '10s', factor: 2, maxDuration: '10m' } },
      syncOptions: [
        'CreateNamespace=true',
        'PruneLast=true',
        'SkipDryRunOnMissingResource=true',
        'ServerSideApply=true',
      ],
    });
    expect(kueue.spec.sources[0]).toEqual({
      repoURL: 'registry.k8s.io/kueue/charts',
      chart: 'kueue',
      targetRevision: '0.19.2',
      helm: { releaseName: 'kueue', valueFiles: ['$values/clusters/prod-use1/platform/kueue/values.yaml'] },
    });
    // the hub addresses every cluster by the name of its cluster Secret, itself included
    expect(kueue.spec.destination).toEqual({ name: 'prod-use1', namespace: 'kueue-system' });
    expect(byName(applications, 'staging-usw2-kueue').spec.destination).toEqual({
      name: 'staging-usw2',
      namespace: 'kueue-system',
    });
  });
});

describe('Argo CD expansion of runs and services', () => {
  const root = exampleInputs();
  regenerate(root);
  const job = (namespace: string) =>
    JSON.stringify({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'train', namespace, labels: { 'kueue.x-k8s.io/queue-name': 'llm-training' } },
      spec: {
        suspend: true,
        template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }] } },
      },
    });
  writeFile(root, 'clusters/prod-use1/workloads/runs/llm-training/llama-sft/job-train.yaml', job('llm-training'));
  writeFile(root, 'clusters/prod-use1/workloads/runs/inference/warmup/job-train.yaml', job('ml-serving'));
  writeFile(
    root,
    'clusters/prod-use1/workloads/services/inference/vllm/deployment-vllm.yaml',
    JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'vllm', namespace: 'ml-serving' },
      spec: {
        selector: { matchLabels: { app: 'vllm' } },
        template: {
          metadata: { labels: { app: 'vllm' } },
          spec: { containers: [{ name: 'vllm', image: 'vllm/vllm-openai' }] },
        },
      },
    }),
  );
  writeFile(root, 'clusters/staging-usw2/workloads/runs/ml-research/probe/job-train.yaml', job('ml-research'));

  it('makes one Application per run folder in the team project and namespace, pruned but never self-healed', () => {
    const { applications, problems } = expandApplicationSets(readTree(root));
    expect(problems).toEqual([]);
    const run = byName(applications, 'prod-use1-llm-training-llama-sft') as unknown as Record<string, any>;
    expect(run.spec.project).toBe('prod-use1-team-llm-training');
    expect(run.spec.source).toEqual({
      repoURL: 'https://github.com/acme/eks-mlops-fleet.git',
      targetRevision: 'main',
      path: 'clusters/prod-use1/workloads/runs/llm-training/llama-sft',
    });
    expect(run.spec.destination).toEqual({ name: 'prod-use1', namespace: 'llm-training' });
    expect(run.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: false });
    expect(run.spec.syncPolicy.syncOptions).toContain('RespectIgnoreDifferences=true');
    // what Kueue changes after admission (test/ignore-differences.test.ts holds each kind against its controllers)
    expect(run.spec.ignoreDifferences).toContainEqual(
      expect.objectContaining({
        group: 'trainer.kubeflow.org',
        kind: 'TrainJob',
        jqPathExpressions: ['.spec.runtimePatches[]? | select(.manager == "kueue.x-k8s.io/manager")'],
      }),
    );
    expect(run.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
    // a team whose namespace is not its name
    expect(byName(applications, 'prod-use1-inference-warmup').spec.destination.namespace).toBe('ml-serving');
    const service = byName(applications, 'prod-use1-inference-vllm') as unknown as Record<string, any>;
    expect(service.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    expect(service.spec.project).toBe('prod-use1-team-inference');
    const hub = byName(applications, 'staging-usw2-ml-research-probe');
    expect(hub.spec.project).toBe('staging-usw2-team-ml-research');
    expect(hub.spec.destination).toEqual({ name: 'staging-usw2', namespace: 'ml-research' });
    expect(checkApplications(readTree(root), applications, registry, REPOS).problems).toEqual([]);
    expect(checkProjects(readTree(root), applications)).toEqual([]);
  });

  it('refuses an Application its team project does not allow', () => {
    const { applications } = expandApplicationSets(readTree(root));
    const run = applications.find((a) => a.application.metadata.name === 'prod-use1-llm-training-llama-sft')!;
    const stray = {
      ...run,
      application: {
        ...run.application,
        spec: {
          ...run.application.spec,
          destination: { ...run.application.spec.destination, namespace: 'kube-system' },
        },
      },
    };
    expect(checkProjects(readTree(root), [stray]).map((p) => p.message)).toEqual([
      'destination prod-use1/kube-system is not allowed by AppProject prod-use1-team-llm-training',
    ]);
  });

  it('reports a source folder with an invalid object, a missing values file and an empty folder', () => {
    const broken = exampleInputs();
    regenerate(broken);
    writeFile(
      broken,
      'clusters/dev-usw2/workloads/runs/ml-dev/bad/job-x.yaml',
      JSON.stringify({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'x' }, spec: { suspend: 'yes' } }),
    );
    rmSync(join(broken, 'clusters/dev-usw2/platform/metrics-server/values.yaml'));
    for (const file of ['storageclass-gp3.yaml']) {
      rmSync(join(broken, 'clusters/dev-usw2/platform/ebs-csi-driver', file));
    }
    const tree = readTree(broken);
    const { applications } = expandApplicationSets(tree);
    const messages = checkApplications(tree, applications, registry, REPOS).problems.map(
      (p) => `${p.file}: ${p.field}: ${p.message}`,
    );
    expect(messages).toEqual(
      expect.arrayContaining([
        'clusters/dev-usw2/workloads/runs/ml-dev/bad/job-x.yaml: spec.suspend: must be boolean',
        "clusters/dev-usw2/workloads/runs/ml-dev/bad/job-x.yaml: spec: must have required property 'template'",
        'clusters/dev-usw2/argocd (Application dev-usw2-metrics-server): spec.sources: ' +
          'value file clusters/dev-usw2/platform/metrics-server/values.yaml does not exist',
        'clusters/dev-usw2/argocd (Application dev-usw2-ebs-csi-driver): spec.source.path: ' +
          'clusters/dev-usw2/platform/ebs-csi-driver holds no Kubernetes objects',
      ]),
    );
  });

  it('finds a module folder without its Application, and an Application without a module', () => {
    expect(compareApplications('c', ['c-a', 'c-b'], ['c-a', 'c-x'])[0].message).toBe(
      'platform Applications differ from the enabled modules: missing c-b; unexpected c-x',
    );
  });
});

describe('Go templates with missingkey=error', () => {
  const data = {
    path: { basename: 'run', segments: ['clusters', 'c', 'workloads', 'runs', 'team-a', 'run'] },
    list: [1, 2],
    values: { namespace: 'ns' },
  };

  it('renders fields, index, toJson and trimming', () => {
    expect(renderGoTemplate('c-{{ index .path.segments 4 }}-{{ .path.basename }}', data)).toBe('c-team-a-run');
    expect(renderGoTemplate('x: {{ toJson .list }}', data)).toBe('x: [1,2]');
    expect(renderGoTemplate('a  {{- .values.namespace -}}  b', data)).toBe('ansb');
    expect(renderGoTemplate('{{ .values.namespace | upper }}', data)).toBe('NS');
  });

  it('fails on a missing key, an index out of range and constructs it does not know', () => {
    expect(() => renderGoTemplate('{{ .values.team }}', data)).toThrow(
      new TemplateError('map has no entry for key "team"'),
    );
    expect(() => renderGoTemplate('{{ index .path.segments 9 }}', data)).toThrow(TemplateError);
    expect(() => renderGoTemplate('{{ if .x }}a{{ end }}', data)).toThrow(TemplateError);
    expect(() => renderGoTemplate('{{ .values }}', data)).toThrow(/use toJson/);
  });
});
