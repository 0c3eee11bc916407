import { mkdirSync, readFileSync } from 'node:fs';
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
import {
  expandApplicationSets,
  readTree,
  rolloutLines,
  type ExpandedApplication,
} from '../generator/checks/argocd-expand';
import { loadFleet } from '../generator/config/load-fleet';
import { expectedPlatformApplications } from '../generator/fleet/expected-applications';
import { regenerateFleet } from '../generator/fleet/regenerate';
import type { PlatformModule } from '../generator/model/platform-module';

afterAll(cleanupTemps);

const moduleNames = FLEET.catalog.map((m) => m.name);
const specOf = (root: string, cluster: string) =>
  readFileSync(join(root, 'clusters', cluster, 'cluster.yaml'), 'utf-8');
const edit = (root: string, cluster: string, change: (text: string) => string) =>
  writeFile(root, `clusters/${cluster}/cluster.yaml`, change(specOf(root, cluster)));
const problemsOf = (root: string) => {
  const loaded = loadFleet(root, { moduleNames });
  return loaded.ok ? [] : loaded.problems.map((p) => `${p.file}:${p.line ?? ''} ${p.field}: ${p.message}`);
};

describe('the fleet hub in cluster.yaml', () => {
  it('loads the example fleet: prod-use1 is the hub, dev-usw2 and staging-usw2 its spokes', () => {
    const loaded = loadFleet(REPO, { moduleNames });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    expect(loaded.clusters.map((c) => [c.spec.name, c.spec.argocd.role, c.spec.argocd.destination])).toEqual([
      ['dev-usw2', 'spoke', 'hub'],
      ['prod-use1', 'hub', 'in-cluster'],
      ['staging-usw2', 'spoke', 'hub'],
    ]);
  });

  it('refuses a second hub, naming the first', () => {
    const root = exampleInputs();
    edit(root, 'dev-usw2', (t) => t.replace(/^ {2}role: spoke/m, '  role: hub'));
    expect(problemsOf(root)).toEqual([
      expect.stringMatching(
        /^clusters\/prod-use1\/cluster\.yaml:\d+ argocd\.role: one hub per fleet: dev-usw2 \(clusters\/dev-usw2/,
      ),
    ]);
  });

  it('refuses a spoke without a hub, at its role', () => {
    const root = exampleInputs();
    edit(root, 'prod-use1', (t) => t.replace(/ {2}role: hub.*\n/, ''));
    const problems = problemsOf(root);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(
      /^clusters\/dev-usw2\/cluster\.yaml:\d+ argocd\.role: a spoke needs a hub: set argocd\.role: hub/,
    );
  });

  it('refuses destination: hub on the hub, and a spoke that reads another repository', () => {
    const root = exampleInputs();
    edit(root, 'prod-use1', (t) => t.replace(/ {2}role: hub.*\n/, '  role: hub\n  destination: hub\n'));
    expect(problemsOf(root)).toEqual([
      expect.stringContaining('argocd.destination: expected in-cluster (or no destination) for a cluster whose role'),
    ]);
    const other = exampleInputs();
    edit(other, 'dev-usw2', (t) => t.replace('acme/eks-mlops-fleet.git', 'acme/other.git'));
    expect(problemsOf(other)).toEqual([
      expect.stringContaining(
        "argocd.repoURL: expected https://github.com/acme/eks-mlops-fleet.git, the hub's repository",
      ),
    ]);
  });

  it("refuses a hub without external-secrets, which writes the spokes' cluster Secrets", () => {
    const root = exampleInputs();
    edit(root, 'prod-use1', (t) => t.replace('  external-secrets: true\n', ''));
    const result = regenerate(root);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => `${p.file} ${p.field}: ${p.message}`)).toContainEqual(
      expect.stringContaining("clusters/prod-use1/cluster.yaml argocd.role: the hub's cluster Secrets"),
    );
  });
});

describe('progressive rollout of a shared module version', () => {
  /** The expanded Applications of a tree, by name: what each syncs and at which step. */
  const expansion = (root: string) => {
    const { applications, problems } = expandApplicationSets(readTree(root));
    expect(problems).toEqual([]);
    return applications;
  };
  const changed = (before: readonly ExpandedApplication[], after: readonly ExpandedApplication[]) => {
    const old = new Map(before.map((a) => [a.application.metadata.name, JSON.stringify(a.application)]));
    return after.filter((a) => old.get(a.application.metadata.name) !== JSON.stringify(a.application));
  };

  it('changes metrics-server on every cluster, synced dev, then staging, then prod', () => {
    const root = exampleInputs();
    expect(regenerate(root).ok).toBe(true);
    const before = expansion(root);
    // the catalog's pin moves: every cluster's metrics-server Application changes in the same commit (regenerated
    // into a fresh copy: the render cache knows a catalog change only as a change of the generator's code)
    const catalog: PlatformModule[] = FLEET.catalog.map((m) =>
      m.name === 'metrics-server' && m.source?.kind === 'helm'
        ? { ...m, source: { ...m.source, version: '3.13.2' } }
        : m,
    );
    const changedRoot = exampleInputs();
    expect(regenerateFleet({ root: changedRoot, ...FLEET, catalog }).ok).toBe(true);
    const after = expansion(changedRoot);
    const moved = changed(before, after);
    const steps = moved
      .map((a) => `step ${a.rolloutStep} (${a.rolloutStepLabel}): ${a.application.metadata.name} -> ${a.cluster}`)
      .sort();
    console.log(`a shared module version changed; the rollout:\n  ${steps.join('\n  ')}`);
    expect(steps).toEqual([
      'step 1 (env In dev): dev-usw2-metrics-server -> dev-usw2',
      'step 2 (env In staging): staging-usw2-metrics-server -> staging-usw2',
      'step 3 (env In prod): prod-use1-metrics-server -> prod-use1',
    ]);
    expect(moved.every((a) => a.applicationSet === 'prod-use1-fleet-platform')).toBe(true);
    expect(rolloutLines(after).join('\n')).toMatch(/step 1 \(env In dev\)[^]*step 2 \(env In staging\)[^]*step 3/);
  });
});

describe('a hub with 50 spokes', () => {
  const ENVS = ['dev', 'staging', 'prod'];
  const fleet = () => {
    const root = tempDir('hub-50-');
    const dev = readFileSync(join(REPO, 'clusters/dev-usw2/cluster.yaml'), 'utf-8');
    const spec = (name: string, environment: string, role: string, i: number) =>
      dev
        .replace(/^name: dev-usw2$/m, `name: ${name}`)
        .replace(/^environment: dev$/m, `environment: ${environment}`)
        .replace('vpcCidr: 10.10.0.0/16', `vpcCidr: 10.${i}.0.0/16`)
        .replace(/ {2}role: spoke.*\n/, `  role: ${role}\n`)
        .replace('\nteams:\n', role === 'hub' ? '\nmodules:\n  external-secrets: true\nteams:\n' : '\nteams:\n');
    mkdirSync(join(root, 'clusters', 'hub'), { recursive: true });
    writeFile(root, 'clusters/hub/cluster.yaml', spec('hub', 'prod', 'hub', 200));
    for (let i = 1; i <= 50; i++) {
      const name = `spoke-${String(i).padStart(2, '0')}`;
      writeFile(root, `clusters/${name}/cluster.yaml`, spec(name, ENVS[i % 3], 'spoke', i));
    }
    return root;
  };

  it('regenerates byte for byte, and expands to one Application per spoke and enabled module', () => {
    const a = fleet();
    const b = fleet();
    const first = regenerate(a);
    if (!first.ok) throw new Error(JSON.stringify(first.problems.slice(0, 3)));
    expect(regenerate(b).ok).toBe(true);
    const snapA = snapshotTree(a, notOutput);
    const snapB = snapshotTree(b, notOutput);
    expect([...snapA.keys()]).toEqual([...snapB.keys()]);
    for (const [path, content] of snapA) expect(snapB.get(path), path).toBe(content);

    const secrets = [...snapA.keys()].filter((p) => /^clusters\/hub\/platform\/argocd\/externalsecret-/.test(p));
    expect(secrets).toHaveLength(50);
    const values = parse(snapA.get('clusters/hub/platform/argocd/values.yaml')!) as {
      controller: { replicas: number };
      configs: { params: Record<string, unknown> };
    };
    // 51 clusters, one shard per 10
    expect(values.controller.replicas).toBe(6);
    expect(values.configs.params['applicationsetcontroller.enable.progressive.syncs']).toBe(true);

    const { applications, problems } = expandApplicationSets(readTree(a));
    expect(problems).toEqual([]);
    const expected = expectedPlatformApplications(a, FLEET.catalog);
    if (!expected.ok) throw new Error(JSON.stringify(expected.problems));
    const platform = applications.filter((x) => x.applicationSet === 'hub-fleet-platform');
    for (const [cluster, { names }] of expected.expected) {
      expect(
        platform
          .filter((x) => x.cluster === cluster)
          .map((x) => x.application.metadata.name)
          .sort(),
      ).toEqual(names);
    }
    expect(platform).toHaveLength([...expected.expected.values()].reduce((n, e) => n + e.names.length, 0));
    const roots = applications.filter((x) => x.applicationSet === 'hub-spoke-roots');
    expect(roots).toHaveLength(50);
    // every Application is in a step: dev spokes first, then staging, then prod (the hub among them)
    const stepOf = (env: string) => platform.filter((x) => x.application.metadata.labels?.env === env);
    expect(new Set(stepOf('dev').map((x) => x.rolloutStep))).toEqual(new Set([1]));
    expect(new Set(stepOf('staging').map((x) => x.rolloutStep))).toEqual(new Set([2]));
    expect(new Set(stepOf('prod').map((x) => x.rolloutStep))).toEqual(new Set([3]));
  }, 300_000);
});
