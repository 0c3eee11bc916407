import { Component, type Project } from 'projen';
import { formatProblem, sortProblems, type Problem } from '../config/problems';
import { prepareRegenerate } from '../fleet/regenerate';
import type { GitHubSettings } from '../github/settings';
import type { PlatformModule } from '../platform/module';
import { acquireLock, LOCK_PATH } from '../write/lock';
import { applyWrite, recoverInterruptedWrite, type WritePlan } from '../write/write-files';

export interface FleetGeneratorOptions {
  /** The platform module catalog. */
  readonly catalog: readonly PlatformModule[];
  /** The repository the fleet lives in. */
  readonly github: GitHubSettings;
}

/**
 * The projen component that regenerates the fleet. It owns the files under `clusters/` that carry
 * the projen marker, and writes them with the generator's own writer (projen's file objects do not
 * scale to a rendered fleet). Everything is computed in preSynthesize, before projen touches any
 * file: bad input stops the run with the list of problems and leaves the tree as it was.
 */
export class FleetGenerator extends Component {
  private readonly options: FleetGeneratorOptions;
  private plan: WritePlan | undefined;
  private releaseLock: (() => void) | undefined;

  constructor(project: Project, options: FleetGeneratorOptions) {
    super(project);
    this.options = options;
  }

  preSynthesize(): void {
    const root = this.project.outdir;
    const lock = acquireLock(root);
    if (!lock.ok) exitWithProblems([{ file: LOCK_PATH, field: '', message: lock.message }]);
    this.releaseLock = lock.release;
    if (recoverInterruptedWrite(root) === 'rolled-forward') {
      this.project.logger.info('fleet: finished writing an interrupted regenerate');
    }
    const prepared = prepareRegenerate({ root, ...this.options });
    if (!prepared.ok) exitWithProblems(prepared.problems);
    this.plan = prepared.plan;
  }

  synthesize(): void {
    if (!this.plan) return;
    const report = applyWrite(this.plan);
    this.releaseLock?.();
    if (report.written.length || report.deleted.length) {
      this.project.logger.info(`fleet: ${report.written.length} written, ${report.deleted.length} deleted, ${report.unchanged} unchanged`);
    }
  }
}

/** A person's mistake is not a crash: print every problem, no stack trace, exit non-zero. */
function exitWithProblems(problems: readonly Problem[]): never {
  const sorted = sortProblems(problems);
  process.stderr.write(
    `${sorted.map(formatProblem).join('\n')}\n\n` +
      `${sorted.length} problem${sorted.length === 1 ? '' : 's'} found; nothing was written. Fix the input${sorted.length === 1 ? '' : 's'} and run "npx projen" again.\n`,
  );
  process.exit(1);
}
