import { createHash } from 'node:crypto';
import { compileCluster } from './compile-cluster';
import { loadFleet } from '../config/load-fleet';
import { loadImages } from '../config/load-images';
import type { Problem } from '../config/problems';
import { compileFleetInfra } from '../infra/compile-infra';
import type { ClusterInput, CompiledCluster } from '../model/compiled-cluster';
import { ROLLOUT_STEPS } from '../model/fleet-hub';
import type { GeneratedFile } from '../model/generated-file';
import type { GitHubSettings } from '../model/github-settings';
import type { ImageCatalog } from '../model/image-spec';
import { markerLine } from '../model/marker';
import { clusterFolder, CLUSTERS_DIR } from '../model/paths';
import type { PlatformModule } from '../model/platform-module';
import { RECIPE_CACHE_PATH } from '../recipes/recipe-cache';
import { renderCluster } from '../render/render-cluster';
import { renderAccountInfra, renderClusterInfra, renderRootHcl } from '../render/render-infra';
import { renderTemplate } from '../render/templates';
import { compileWorkloads } from '../workloads/compile-workloads';
import { loadFleetRecipes, type TakenRecipe } from '../workloads/fleet-recipes';

export interface GenerateFleetOptions {
  /** Repository root. */
  readonly root: string;
  /** The platform module catalog (`platform/index.ts`). */
  readonly catalog: readonly PlatformModule[];
  /** The repository the fleet lives in (GitHub OIDC trust, workflow settings). */
  readonly github: GitHubSettings;
  /** Directory listing, replaceable so tests can prove the output does not depend on it. */
  readonly readdir?: (dir: string) => string[];
  /** The content digest of a hand-written input (by path), when the caller read it already (config/input-digest.ts). */
  readonly inputDigest?: (file: string) => string | undefined;
}

export type GenerateFleetResult = { ok: true; files: GeneratedFile[] } | { ok: false; problems: Problem[] };

/** Where a streamed fleet goes, file by file (write/write-files.ts WriteSession). */
export interface FleetSink {
  add(file: GeneratedFile): void;
  /**
   * Whether the sink keeps a folder (a cluster's, a run's) as the last regenerate left it, given the digest of
   * everything the folder is generated from besides the generator itself: the number of files it kept, then
   * the folder is not generated at all; 0 to generate it.
   */
  keep?(folder: string, inputs: string): number;
  /**
   * Where to write a cache the next regenerate may use (`path`, under .projen/, not committed) as this one makes
   * it; the sink puts it at `path` only if this regenerate succeeds. Without it, no cache is written.
   */
  stageCache?(path: string): string | undefined;
}

export type StreamFleetResult = { ok: true } | { ok: false; problems: Problem[] };

/**
 * The whole generator as a pure function of the inputs, streamed: load and validate every cluster and recipe,
 * then compile and render one cluster at a time into `sink`, so that only one cluster's objects are held at
 * once. When any input has a problem, every problem is returned and the sink is to be discarded.
 */
export function streamFleet(options: GenerateFleetOptions, sink: FleetSink): StreamFleetResult {
  const loaded = loadFleet(options.root, { moduleNames: options.catalog.map((m) => m.name), readdir: options.readdir });
  // a faulty cluster spec does not stop the checks of the other clusters and of every recipe: one run, every problem
  const problems: Problem[] = loaded.ok ? [] : [...loaded.problems];
  const clusters = loaded.clusters ?? [];
  const platforms: (CompiledCluster | undefined)[] = [];
  for (const input of clusters) {
    const result = compileCluster(input, options.catalog, clusters);
    platforms.push(result.ok ? result.cluster : undefined);
    if (!result.ok) problems.push(...result.problems);
  }
  // the images of images/ and their registry, which must be in one of the fleet's accounts
  const images = loadImages(options.root, {
    github: options.github,
    fleetAccounts: loaded.ok ? clusters.map((c) => c.spec.aws.accountId) : undefined,
    readdir: options.readdir,
  });
  if (!images.ok) problems.push(...images.problems);
  const catalog = images.ok ? images.catalog : undefined;
  // the infrastructure is compiled for the fleet as a whole: only when every cluster compiled
  const infra = problems.length
    ? undefined
    : compileFleetInfra(platforms as CompiledCluster[], options.github, catalog);
  if (infra && !infra.ok) problems.push(...infra.problems);

  // runs and services from recipes/ and apps/, into the clusters they target (a recipe aimed at a faulty cluster
  // is checked when its cluster is fixed)
  const clusterNames = loaded.ok ? clusters.map((c) => c.spec.name) : (loaded.folders ?? []);
  const recipes = loadFleetRecipes(
    options.root,
    clusterNames,
    options.readdir,
    sink.stageCache?.(RECIPE_CACHE_PATH),
    options.inputDigest,
  );
  if (!recipes.ok) return { ok: false, problems: [...problems, ...recipes.problems] };
  problems.push(...recipes.problems);
  const summaries: ClusterSummary[] = [];
  const specs = sink.keep ? specsDigest(clusters) : '';
  // a recorded digest changes what a run that names its image renders
  const imagesKey = sink.keep ? imagesDigest(catalog) : '';
  platforms.forEach((platform, i) => {
    if (!platform) return;
    const name = platform.input.spec.name;
    if (sink.keep?.(clusterFolder(name), `${specs}\0${imagesKey}\0${recipes.digestOf(name)}`)) {
      summaries.push(summaryOf(platform));
      platforms[i] = undefined;
      return;
    }
    // a run or service folder is kept by its recipe and its cluster's spec (all a workload is compiled from), and the
    // apps a load test targets
    const own = sink.keep && createHash('sha1').update(JSON.stringify(platform.input.spec)).digest('base64url');
    const keepWorkload =
      sink.keep &&
      ((folder: string, recipe: TakenRecipe, dependsOn: string) =>
        sink.keep!(`${clusterFolder(name)}/${folder}`, `${own}\0${imagesKey}\0${recipe.digest}\0${dependsOn}`));
    const workloads = compileWorkloads(
      platform,
      recipes.takeRecipesOf(name),
      recipes.instanceTypes,
      keepWorkload,
      catalog,
    );
    // what is rendered is no longer needed: the next cluster starts from a lighter heap
    platforms[i] = undefined;
    if (!workloads.ok) {
      problems.push(...workloads.problems);
      return;
    }
    summaries.push(summaryOf(workloads.cluster));
    if (problems.length) return; // refused: the rest is only checked
    if (!infra?.ok) return;
    for (const file of renderCluster(workloads.cluster, renderClusterInfra(infra.clusters[i]))) sink.add(file);
    for (const file of workloads.files) sink.add(file);
  });
  if (problems.length || !infra?.ok) return { ok: false, problems };
  sink.add(renderFleetReadme(summaries));
  sink.add(renderRootHcl());
  for (const account of infra.accounts) for (const file of renderAccountInfra(account)) sink.add(file);
  return { ok: true };
}

/**
 * What a cluster's folder is generated from besides the generator: every cluster spec (a cluster's output
 * may depend on others), then the recipes aimed at it.
 */
function specsDigest(clusters: readonly ClusterInput[]): string {
  const hash = createHash('sha1');
  for (const { file, spec } of clusters) hash.update(file).update('\0').update(JSON.stringify(spec)).update('\0');
  return hash.digest('base64url');
}

/** What runs are compiled from in images/: the registry, each image's platforms and recorded digest. */
function imagesDigest(catalog: ImageCatalog | undefined): string {
  if (!catalog) return '';
  const images = [...catalog.images.values()].map(({ name, spec, digest }) => [name, spec.platforms, digest]);
  return createHash('sha1')
    .update(JSON.stringify([catalog.registry, images]))
    .digest('base64url');
}

/** The generator's whole output at once, sorted by path (tests and tools; a regenerate streams it). */
export function generateFleet(options: GenerateFleetOptions): GenerateFleetResult {
  const files: GeneratedFile[] = [];
  const result = streamFleet(options, { add: (file) => files.push(file) });
  if (!result.ok) return result;
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (let i = 1; i < files.length; i++) {
    if (files[i].path === files[i - 1].path) throw new Error(`generator bug: two outputs for ${files[i].path}`);
  }
  return { ok: true, files };
}

/** What the fleet README says of a cluster. */
interface ClusterSummary {
  readonly name: string;
  readonly environment: string;
  readonly region: string;
  readonly kubernetesVersion: string;
  readonly nodePools: string;
  readonly teams: string;
  readonly modules: number;
  /** `argocd.role`. */
  readonly argocd: string;
  /** The hub's rollout step of the cluster's Applications, when a hub manages it. */
  readonly rolloutStep: string;
  readonly moduleNames: string;
}

function summaryOf({ input: { spec }, modules }: CompiledCluster): ClusterSummary {
  return {
    name: spec.name,
    environment: spec.environment,
    region: spec.aws.region,
    kubernetesVersion: spec.kubernetesVersion,
    nodePools: spec.nodePools.map((p) => `${p.name} (${p.kind})`).join(', ') || 'none',
    teams: spec.teams.map((t) => t.name).join(', ') || 'none',
    modules: modules.length,
    argocd: spec.argocd.role,
    rolloutStep:
      spec.argocd.role === 'standalone' ? '' : `${ROLLOUT_STEPS.indexOf(spec.environment) + 1} (${spec.environment})`,
    moduleNames: modules.map((m) => `\`${m.module.name}\``).join(', '),
  };
}

function renderFleetReadme(clusters: ClusterSummary[]): GeneratedFile {
  return {
    path: `${CLUSTERS_DIR}/README.md`,
    content: renderTemplate('fleet-readme.md', {
      marker: markerLine(`${CLUSTERS_DIR}/*/cluster.yaml`),
      single: clusters.length === 1,
      clusters,
      hub: clusters.find((c) => c.argocd === 'hub')?.name,
      managed: clusters.filter((c) => c.argocd !== 'standalone'),
    }),
  };
}
