import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export type TerragruntMode = 'plan' | 'apply';

/** What happened to one unit. */
export interface UnitResult {
  readonly dir: string;
  readonly status: 'changes' | 'no-changes' | 'applied' | 'failed' | 'skipped';
  /**
   * `Plan: 1 to add, 0 to change, 0 to destroy.`, `Apply complete! ...`, `No changes.`, or why it failed or was
   * skipped.
   */
  readonly summary: string;
  /** The end of the command's output (plans can be long; the job log has all of it). */
  readonly output: string;
  readonly seconds: number;
}

/** The results of one cluster, written as `<out>/<cluster>.json` for the comment job. */
export interface ClusterRunResult {
  readonly cluster: string;
  readonly mode: TerragruntMode;
  readonly units: readonly UnitResult[];
}

export interface RunUnitsOptions {
  readonly root: string;
  readonly cluster: string;
  readonly mode: TerragruntMode;
  /** Unit folders relative to `root`, in apply order. */
  readonly units: readonly string[];
  /** The Terragrunt executable (default `terragrunt` on PATH). */
  readonly terragrunt?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Where each unit's full output goes as it runs (the job log). */
  readonly log?: (text: string) => void;
}

const OUTPUT_TAIL = 12_000;

/** The command for a mode. Plans do not take the state lock: a read-only role cannot write the lock table. */
export function terragruntArgs(mode: TerragruntMode): string[] {
  return mode === 'plan'
    ? ['plan', '-input=false', '-no-color', '-lock=false', '-detailed-exitcode']
    : ['apply', '-input=false', '-no-color', '-auto-approve'];
}

/**
 * Runs `terragrunt plan` or `terragrunt apply` in each unit folder, in order. A plan goes on after a failed
 * unit (the reviewer sees every problem); an apply stops at the first failure and skips the rest, since
 * later units depend on earlier ones.
 */
export function runUnits(options: RunUnitsOptions): ClusterRunResult {
  const results: UnitResult[] = [];
  let failed: string | undefined;
  for (const dir of options.units) {
    if (failed && options.mode === 'apply') {
      results.push({
        dir,
        status: 'skipped',
        summary: `not applied: ${failed} failed before it`,
        output: '',
        seconds: 0,
      });
      continue;
    }
    const started = Date.now();
    options.log?.(`::group::terragrunt ${options.mode} ${dir}\n`);
    const run = spawnSync(options.terragrunt ?? 'terragrunt', terragruntArgs(options.mode), {
      cwd: join(options.root, dir),
      env: { ...process.env, ...options.env, TF_IN_AUTOMATION: '1', TG_NON_INTERACTIVE: 'true' },
      encoding: 'utf-8',
      maxBuffer: 256 * 1024 * 1024,
    });
    const output = `${run.stdout ?? ''}${run.stderr ?? ''}`;
    options.log?.(`${output}\n::endgroup::\n`);
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    const result = classify(dir, options.mode, run.status, run.error, output, seconds);
    if (result.status === 'failed') failed = dir;
    results.push(result);
  }
  return { cluster: options.cluster, mode: options.mode, units: results };
}

function classify(
  dir: string,
  mode: TerragruntMode,
  status: number | null,
  error: Error | undefined,
  output: string,
  seconds: number,
): UnitResult {
  const tail = output.length > OUTPUT_TAIL ? `...\n${output.slice(-OUTPUT_TAIL)}` : output;
  const line = (pattern: RegExp) => output.match(pattern)?.[0];
  if (error) {
    return {
      dir,
      status: 'failed',
      summary: `terragrunt could not be started: ${error.message}`,
      output: tail,
      seconds,
    };
  }
  if (mode === 'plan') {
    // -detailed-exitcode: 0 no changes, 2 changes, anything else an error
    if (status === 0) {
      return { dir, status: 'no-changes', summary: line(/No changes\.[^\n]*/) ?? 'No changes.', output: tail, seconds };
    }
    if (status === 2) {
      return {
        dir,
        status: 'changes',
        summary: line(/Plan: \d+ to add, \d+ to change, \d+ to destroy\./) ?? 'Changes planned.',
        output: tail,
        seconds,
      };
    }
  } else if (status === 0) {
    return {
      dir,
      status: 'applied',
      summary: line(/Apply complete![^\n]*/) ?? 'Apply complete.',
      output: tail,
      seconds,
    };
  }
  const firstError = line(/Error: [^\n]*/);
  return {
    dir,
    status: 'failed',
    summary: `exit ${status}${firstError ? `: ${firstError}` : ''}`,
    output: tail,
    seconds,
  };
}
