import { problemsReport } from '../config/problems';
import { limitHeapGrowth, regenerateFleet, repositoryFleetOptions, writeSummary } from '../fleet/regenerate';
import { WriteError } from '../write/write-error';

/**
 * The regenerate of the default task's fast path (see launcher.cjs): what the fleet component does in a projen
 * synthesis, without projen. Bundled into `.projen/` by the last full synthesis; returns the exit code.
 */
export function main(root: string): number {
  limitHeapGrowth();
  let result: ReturnType<typeof regenerateFleet>;
  try {
    result = regenerateFleet(repositoryFleetOptions(root));
  } catch (error) {
    if (!(error instanceof WriteError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 1;
  }
  if (!result.ok) {
    process.stderr.write(problemsReport(result.problems));
    return 1;
  }
  if (result.recovered === 'rolled-forward') {
    process.stdout.write('fleet: finished writing an interrupted regenerate\n');
  }
  const summary = writeSummary(result.report);
  if (summary) process.stdout.write(`${summary}\n`);
  return 0;
}
