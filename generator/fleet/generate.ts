import { CLUSTERS_DIR, loadFleet } from '../config/load-fleet';
import type { Problem } from '../config/problems';
import type { GitHubSettings } from '../github/settings';
import type { PlatformModule } from '../platform/module';
import { markerLine } from '../render/marker';
import { renderTemplate } from '../render/templates';
import { compileFleetInfra } from '../infra/compile-infra';
import { renderClusterInfra, renderRootHcl } from '../infra/render-infra';
import { compileCluster, type CompiledCluster } from './compile-cluster';
import type { GeneratedFile } from './generated-file';
import { renderCluster } from './render-cluster';
import { compileFleetWorkloads } from '../workloads/compile-fleet-workloads';

export interface GenerateFleetOptions {
  /** Repository root. */
  readonly root: string;
  /** The platform module catalog (`platform/index.ts`). */
  readonly catalog: readonly PlatformModule[];
  /** The repository the fleet lives in (GitHub OIDC trust, workflow settings). */
  readonly github: GitHubSettings;
  /** Directory listing, replaceable so tests can prove the output does not depend on it. */
  readonly readdir?: (dir: string) => string[];
}

export type GenerateFleetResult =
  | {
    ok: true;
    files: GeneratedFile[];
    /** Caches the next regenerate may use (under .projen/, not committed), written only if this one succeeds. */
    caches: GeneratedFile[];
  }
  | { ok: false; problems: Problem[] };

/**
 * The whole generator as a pure function of the inputs: load and validate every cluster, compile
 * each, render every file. Nothing is written here; the result is sorted by path.
 */
export function generateFleet(options: GenerateFleetOptions): GenerateFleetResult {
  const loaded = loadFleet(options.root, { moduleNames: options.catalog.map((m) => m.name), readdir: options.readdir });
  if (!loaded.ok) return loaded;

  const problems: Problem[] = [];
  const compiled: CompiledCluster[] = [];
  for (const input of loaded.clusters) {
    const result = compileCluster(input, options.catalog);
    if (result.ok) compiled.push(result.cluster);
    else problems.push(...result.problems);
  }
  if (problems.length) return { ok: false, problems };
  const infra = compileFleetInfra(compiled, options.github);
  if (!infra.ok) return infra;

  // runs and services from recipes/ and apps/, after the clusters they target
  const workloads = compileFleetWorkloads(options.root, compiled, options.readdir);
  if (!workloads.ok) return workloads;

  const files = [
    ...workloads.clusters.flatMap((cluster, i) => renderCluster(cluster, renderClusterInfra(infra.clusters[i]))),
    ...workloads.files,
  ];
  files.push(renderFleetReadme(workloads.clusters), renderRootHcl());
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (let i = 1; i < files.length; i++) {
    if (files[i].path === files[i - 1].path) throw new Error(`generator bug: two outputs for ${files[i].path}`);
  }
  return { ok: true, files, caches: workloads.recipeCache ? [workloads.recipeCache] : [] };
}

function renderFleetReadme(clusters: CompiledCluster[]): GeneratedFile {
  return {
    path: `${CLUSTERS_DIR}/README.md`,
    content: renderTemplate('fleet-readme.md', {
      marker: markerLine(`${CLUSTERS_DIR}/*/cluster.yaml`),
      single: clusters.length === 1,
      clusters: clusters.map(({ input: { spec }, modules }) => ({
        name: spec.name,
        environment: spec.environment,
        region: spec.aws.region,
        kubernetesVersion: spec.kubernetesVersion,
        nodePools: spec.nodePools.map((p) => `${p.name} (${p.kind})`).join(', ') || 'none',
        teams: spec.teams.map((t) => t.name).join(', ') || 'none',
        modules: modules.length,
      })),
    }),
  };
}
