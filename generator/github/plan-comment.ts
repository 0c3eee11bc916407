import { cell, COMMENT_LIMIT, fence, keepEnd } from './markdown';
import { commentMarker } from './pr-comment';
import type { ClusterRunResult, UnitResult } from './terragrunt-run';
import { renderTemplate } from '../render/templates';

export const PLAN_MARKER = commentMarker('terragrunt-plan');

export interface PlanCommentInput {
  /** Clusters the detect job selected, with their units in order. */
  readonly expected: ReadonlyArray<{ readonly name: string; readonly units: readonly string[] }>;
  /** Results the plan jobs wrote (a cluster whose job failed before writing has none). */
  readonly results: readonly ClusterRunResult[];
  readonly removed: readonly string[];
  readonly commit: string;
  readonly runUrl: string;
}

const RESULT: Record<UnitResult['status'] | 'missing', string> = {
  changes: '🟡 changes',
  'no-changes': '🟢 no changes',
  applied: '🟢 applied',
  failed: '🔴 failed',
  skipped: '⚪ skipped',
  missing: '🔴 no result',
};

/** The one plan comment of a pull request: a row per unit, the plan output of each changed or failed unit folded. */
export function renderPlanComment(input: PlanCommentInput): string {
  const byCluster = new Map(input.results.map((r) => [r.cluster, r]));
  const withOutput = input.results
    .flatMap((r) => r.units)
    .filter((u) => u.status === 'changes' || u.status === 'failed').length;
  const outputBudget = Math.floor((COMMENT_LIMIT - 8_000) / Math.max(1, withOutput));
  const clusters = input.expected.map(({ name, units }) => {
    const result = byCluster.get(name);
    const unitResults = new Map(result?.units.map((u) => [u.dir, u]));
    const rows = units.map((dir) => {
      const unit = unitResults.get(dir);
      return {
        unit: cell(dir),
        result: RESULT[unit?.status ?? 'missing'],
        summary: cell(unit?.summary ?? 'the plan job stopped before this unit; see the workflow run'),
      };
    });
    const details = (result?.units ?? [])
      .filter((u) => u.status === 'changes' || u.status === 'failed')
      .map((u) => ({
        unit: cell(u.dir),
        status: RESULT[u.status],
        output: fence(keepEnd(u.output, outputBudget), 'text'),
      }));
    return { cluster: cell(name), rows, details };
  });
  return renderTemplate('infra-plan-comment.md', {
    marker: PLAN_MARKER,
    clusters,
    removed: input.removed.map(cell),
    commit: cell(input.commit.slice(0, 12)),
    runUrl: input.runUrl,
  });
}
