import { compileCluster } from './compile-cluster';
import { loadFleet } from '../config/load-fleet';
import type { Problem } from '../config/problems';
import type { PlatformModule } from '../model/platform-module';

/**
 * Per cluster, the platform Applications its spec asks for (one per enabled module, and the teams), and its repository.
 */
export type ExpectedApplications = Map<string, { names: string[]; repoURL: string }>;

export function expectedPlatformApplications(
  root: string,
  catalog: readonly PlatformModule[],
): { ok: true; expected: ExpectedApplications } | { ok: false; problems: Problem[] } {
  const loaded = loadFleet(root, { moduleNames: catalog.map((m) => m.name) });
  if (!loaded.ok) return loaded;
  const expected: ExpectedApplications = new Map();
  const problems: Problem[] = [];
  for (const input of loaded.clusters) {
    const compiled = compileCluster(input, catalog, loaded.clusters);
    if (!compiled.ok) {
      problems.push(...compiled.problems);
      continue;
    }
    expected.set(input.spec.name, {
      names: compiled.cluster.applications.map((a) => a.application).sort(),
      repoURL: input.spec.argocd.repoURL,
    });
  }
  return problems.length ? { ok: false, problems } : { ok: true, expected };
}

/** Differences between the expanded platform Applications of a cluster and the ones its spec asks for. */
export function compareApplications(
  cluster: string,
  expected: readonly string[],
  actual: readonly string[],
): Problem[] {
  const missing = expected.filter((n) => !actual.includes(n));
  const extra = actual.filter((n) => !expected.includes(n));
  if (!missing.length && !extra.length) return [];
  return [
    {
      file: `clusters/${cluster}/cluster.yaml`,
      field: 'modules',
      message:
        `platform Applications differ from the enabled modules: ` +
        `missing ${missing.join(', ') || 'none'}; unexpected ${extra.join(', ') || 'none'}`,
    },
  ];
}
