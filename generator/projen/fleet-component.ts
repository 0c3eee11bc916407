import { Component, JsonFile, type Project } from 'projen';
import { PLATFORM_MODULES } from '../../platform';
import { SETTINGS_FILE } from '../config/github-settings-file';
import { problemsReport, type Problem } from '../config/problems';
import { limitHeapGrowth, prepareRegenerate, writeSummary } from '../fleet/regenerate';
import type { GitHubSettings } from '../model/github-settings';
import { acquireLock, LOCK_PATH } from '../write/lock';
import { WriteError } from '../write/write-error';
import { applyWrite, recoverInterruptedWrite, type WritePlan } from '../write/write-files';

// the launcher is plain JavaScript (it runs before anything is compiled); its paths, typed
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a .cjs file, loaded as projen loads it
const { LAUNCHER, LAUNCHER_FILES } = require('./launcher.cjs') as {
  LAUNCHER: string;
  LAUNCHER_FILES: readonly string[];
};

export interface FleetGeneratorOptions {
  /** The repository the fleet lives in (GitHub OIDC trust, workflow settings). */
  readonly github: GitHubSettings;
}

/**
 * The projen component that regenerates the fleet from `clusters/`, `recipes/` and `apps/` with the module
 * catalog of `platform/`. It owns the files under `clusters/` that carry the projen marker, and writes them
 * with the generator's own writer (projen's file objects do not scale to a rendered fleet). Everything is
 * computed in preSynthesize, before projen touches any file: bad input stops the run with the list of
 * problems and leaves the tree as it was.
 *
 * It also makes `npx projen` start fast: the default task becomes the launcher (launcher.cjs), which runs
 * this synthesis only when `.projenrc.ts`, what it imports or projen's own files changed, and otherwise
 * the same regenerate from a bundle, without loading projen.
 */
export class FleetGenerator extends Component {
  private readonly options: FleetGeneratorOptions;
  private plan: WritePlan | undefined;
  private releaseLock: (() => void) | undefined;

  constructor(project: Project, options: FleetGeneratorOptions) {
    super(project);
    this.options = options;
    // the fast path reads the repository from this file, so both paths regenerate with the same settings
    new JsonFile(project, SETTINGS_FILE, {
      obj: { owner: options.github.owner, repository: options.github.repository },
      marker: true,
    });
    const synth =
      project.defaultTask?.steps.flatMap((step) => step.execArgs ?? (step.exec ? step.exec.split(' ') : [])) ?? [];
    project.defaultTask?.reset();
    project.defaultTask?.execArgs(['node', LAUNCHER, ...synth]);
    for (const file of LAUNCHER_FILES) project.gitignore.exclude(`/${file}`);
  }

  preSynthesize(): void {
    limitHeapGrowth();
    const root = this.project.outdir;
    const lock = exitOnWriteError(() => acquireLock(root));
    if (!lock.ok) exitWithProblems([{ file: LOCK_PATH, field: '', message: lock.message }]);
    this.releaseLock = lock.release;
    if (exitOnWriteError(() => recoverInterruptedWrite(root)) === 'rolled-forward') {
      this.project.logger.info('fleet: finished writing an interrupted regenerate');
    }
    const prepared = exitOnWriteError(() =>
      prepareRegenerate({ root, catalog: PLATFORM_MODULES, github: this.options.github }),
    );
    if (!prepared.ok) exitWithProblems(prepared.problems);
    this.plan = prepared.plan;
  }

  synthesize(): void {
    if (!this.plan) return;
    const report = exitOnWriteError(() => applyWrite(this.plan!));
    this.releaseLock?.();
    const summary = writeSummary(report);
    if (summary) this.project.logger.info(summary);
  }
}

/** A full disk or a permission is not a crash either: its one line, no stack trace, exit non-zero. */
function exitOnWriteError<T>(step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (!(error instanceof WriteError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

/** A person's mistake is not a crash: print every problem, no stack trace, exit non-zero. */
function exitWithProblems(problems: readonly Problem[]): never {
  process.stderr.write(problemsReport(problems));
  process.exit(1);
}
