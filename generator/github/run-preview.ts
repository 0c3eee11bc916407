import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { estimateCost, formatUsd, type InstancePrices } from './instance-prices';
import { cell, COMMENT_LIMIT, fence, keepEnd } from './markdown';
import { commentMarker } from './pr-comment';
import type { Problem } from '../config/problems';
import { formatProblem } from '../config/problems';
import type { PackedSetSummary } from '../model/compiled-cluster';
import { renderTemplate } from '../render/templates';

export const RUN_PREVIEW_MARKER = commentMarker('run-preview');

/** Whether a run fits, and why (or why not), in words a reviewer can check. */
export interface Fit {
  readonly fits: boolean;
  readonly reason: string;
}

/** What the preview comment shows of one run (or service) a pull request adds or changes. */
export interface RunPreview {
  /** The run's name (recipe `name`). */
  readonly name: string;
  /** The recipe or app file, relative to the repository root. */
  readonly file: string;
  readonly cluster: string;
  /** AWS region of the cluster, for the price. */
  readonly region: string;
  readonly team: string;
  /** The Kueue LocalQueue (`kueue.x-k8s.io/queue-name`). */
  readonly queue: string;
  /** The workload kind: TrainJob, PyTorchJob, MPIJob, RayJob, RayService, Job, InferenceService, ... */
  readonly kind: string;
  readonly nodes: number;
  readonly acceleratorsPerNode: number;
  /** The extended resource counted by `acceleratorsPerNode`; null for CPU-only runs. */
  readonly acceleratorResource: 'nvidia.com/gpu' | 'aws.amazon.com/neuron' | 'aws.amazon.com/neuroncore' | null;
  /** The node type the run asks for; null when Karpenter chooses among the pool's families. */
  readonly instanceType: string | null;
  /** The Karpenter NodePool (and Kueue ResourceFlavor) the run lands on. */
  readonly pool: string;
  readonly fitsQuota: Fit;
  readonly fitsPool: Fit;
  /** Hours, when the recipe states how long the run takes. */
  readonly durationHours?: number;
  /** The rendered objects: a unified diff against the base branch (the full text for a new run). */
  readonly rendered: string;
  readonly objectCount: number;
  /** A packed model set (`packed-models`): its packing and cost against one replica a node. */
  readonly packed?: PackedSetSummary;
}

export type RunPreviewResult = { ok: true; runs: RunPreview[] } | { ok: false; problems: Problem[] };

/**
 * Compiles the recipes and apps a pull request adds or changes into previews. The recipe compiler provides it;
 * `changedFiles` are relative to `root`, `base` is the commit the pull request merges into.
 */
export type RunPreviewProvider = (input: {
  root: string;
  changedFiles: readonly string[];
  base: string;
}) => RunPreviewResult | Promise<RunPreviewResult>;

/** The diff of a run's rendered folder between `base` and the working tree, for `RunPreview.rendered`. */
export function renderedDiff(root: string, base: string, folder: string): string {
  // files the preview's own regenerate created are untracked: intent-to-add makes `git diff` show them as new
  if (existsSync(join(root, folder))) execFileSync('git', ['add', '--intent-to-add', '--', folder], { cwd: root });
  return execFileSync('git', ['diff', '--no-color', '--no-ext-diff', base, '--', folder], {
    cwd: root,
    encoding: 'utf-8',
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** A packed set in one table cell: the nodes and what each holds, its cost, and against one replica a node. */
function packingText(set: PackedSetSummary): string {
  const usd = (n: number | undefined) => (n === undefined ? 'no price' : `${formatUsd(n)}/h`);
  const nodes = set.nodeModels.map((models, i) => `node ${i + 1}: ${models.join(', ')}`).join('; ');
  const models = set.models.map((m) => `${m.name} ×${m.replicas} ${usd(m.usdPerHour)}`).join(', ');
  return cell(
    `${set.nodes} × ${set.instanceType} (${set.optimal ? 'least possible' : `at least ${set.lowerBound}`}): ` +
      `${nodes}. ${usd(set.usdPerHour)}; per model ${models}. One replica a node: ${set.onePerNode.nodes} nodes, ` +
      `${usd(set.onePerNode.usdPerHour)}`,
  );
}

/** The one preview comment of a pull request: a table per run, the rendered objects folded, problems first. */
export function renderRunPreviewComment(input: {
  runs: readonly RunPreview[];
  problems: readonly Problem[];
  prices: InstancePrices;
  commit: string;
}): string {
  const budget = Math.floor((COMMENT_LIMIT - 6_000 - 1_500 * input.runs.length) / Math.max(1, input.runs.length));
  const runs = [...input.runs]
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.cluster < b.cluster ? -1 : 1))
    .map((run) => {
      const cost = estimateCost(input.prices, run);
      const accelerators = run.acceleratorResource
        ? `${run.acceleratorsPerNode} × \`${run.acceleratorResource}\``
        : 'no accelerators';
      return {
        name: cell(run.name),
        file: cell(run.file),
        cluster: cell(run.cluster),
        teamQueue: `\`${cell(run.team)}\` / queue \`${cell(run.queue)}\``,
        kind: cell(run.kind),
        shape:
          `${run.nodes} node${run.nodes === 1 ? '' : 's'} × ${accelerators} ` +
          `on ${run.instanceType ? `\`${cell(run.instanceType)}\`` : 'a size Karpenter picks'} ` +
          `(pool \`${cell(run.pool)}\`)`,
        quota: `${run.fitsQuota.fits ? '✅' : '❌'} ${cell(run.fitsQuota.reason)}`,
        pool: `${run.fitsPool.fits ? '✅' : '❌'} ${cell(run.fitsPool.reason)}`,
        perHour:
          cost.perHourUsd === null
            ? `— (${cell(cost.note)})`
            : `≈ ${formatUsd(cost.perHourUsd)}/h (${cell(cost.note)})`,
        perRun:
          cost.perRunUsd !== null
            ? `≈ ${formatUsd(cost.perRunUsd)} for ${run.durationHours} h`
            : run.durationHours === undefined
              ? 'the recipe states no duration'
              : '—',
        packing: run.packed ? packingText(run.packed) : undefined,
        objectCount: run.objectCount,
        rendered: fence(keepEnd(run.rendered, budget), 'diff'),
        blocked: !run.fitsQuota.fits || !run.fitsPool.fits,
      };
    });
  return renderTemplate('run-preview-comment.md', {
    marker: RUN_PREVIEW_MARKER,
    runs,
    problems: input.problems.map((p) => cell(formatProblem(p))),
    asOf: input.prices.asOf,
    commit: cell(input.commit.slice(0, 12)),
    blocked: runs.some((r) => r.blocked),
  });
}
