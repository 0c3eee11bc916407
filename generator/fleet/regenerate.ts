import { setFlagsFromString } from 'node:v8';
import { streamFleet, type GenerateFleetOptions } from './generate';
import { PLATFORM_MODULES } from '../../platform';
import { readGitHubSettings } from '../config/github-settings-file';
import { inputsDigest, sourceDigest } from '../config/input-digest';
import type { Problem } from '../config/problems';
import { OUTPUT_ROOTS } from '../model/paths';
import { acquireLock, LOCK_PATH } from '../write/lock';
import { asWriteError } from '../write/write-error';
import {
  applyWrite,
  readRenderCache,
  recoverInterruptedWrite,
  STAGING_DIR,
  unchangedPlan,
  WriteSession,
  type WritePlan,
  type WriteReport,
} from '../write/write-files';

export type PrepareResult = { ok: true; plan: WritePlan } | { ok: false; problems: Problem[] };

/**
 * Everything a regenerate decides, with nothing in the tree written yet: inputs in, a write plan out, its new
 * files staged (not with `dryRun`). When no input changed since the last regenerate and its outputs are
 * untouched, nothing is generated at all. A file-system failure throws a WriteError, the staging removed.
 */
export function prepareRegenerate(options: GenerateFleetOptions & { readonly dryRun?: boolean }): PrepareResult {
  const renderCache = readRenderCache(options.root);
  const inputs = inputsDigest(options.root, renderCache.sources);
  const unchanged = unchangedPlan(options.root, inputs.fleet, OUTPUT_ROOTS, renderCache);
  // a no-op; it records the stats of inputs it had to read (touched, not changed) for the next one
  if (unchanged) {
    return {
      ok: true,
      plan: inputs.sourcesChanged ? { ...unchanged, sources: inputs.sources, cacheCurrent: false } : unchanged,
    };
  }
  let session: WriteSession | undefined;
  try {
    session = new WriteSession(options.root, OUTPUT_ROOTS, { stage: !options.dryRun, code: inputs.code, renderCache });
    const generated = streamFleet({ ...options, inputDigest: (file) => sourceDigest(inputs.sources, file) }, session);
    if (!generated.ok) {
      session.abort();
      return generated;
    }
    return session.finish({ inputs: inputs.fleet, sources: inputs.sources });
  } catch (error) {
    session?.abort();
    // every write of a plan goes to the staging folder: one without a path (a cache's, to its open file) went there
    throw asWriteError(error, options.root, { fallback: STAGING_DIR });
  }
}

/**
 * A regenerate streams the fleet through a small live heap but allocates a lot; V8 would let the heap grow to
 * several times what is live before collecting it. A lower growing factor keeps the peak memory near the live
 * set for about the same CPU (docs/benchmarks.md). Called by the entry points, before generating.
 */
export function limitHeapGrowth() {
  setFlagsFromString('--heap-growing-percent=30');
}

export type RegenerateResult =
  | { ok: true; report: WriteReport; recovered: ReturnType<typeof recoverInterruptedWrite> }
  | { ok: false; problems: Problem[] };

/**
 * A whole regenerate: take the lock, finish any interrupted regenerate, prepare, then write.
 * On a problem, nothing is written; a file-system failure throws a WriteError (write/write-error.ts).
 */
export function regenerateFleet(options: GenerateFleetOptions): RegenerateResult {
  const lock = acquireLock(options.root);
  if (!lock.ok) return { ok: false, problems: [{ file: LOCK_PATH, field: '', message: lock.message }] };
  try {
    const recovered = recoverInterruptedWrite(options.root);
    const prepared = prepareRegenerate(options);
    return prepared.ok ? { ok: true, report: applyWrite(prepared.plan), recovered } : prepared;
  } finally {
    lock.release();
  }
}

/**
 * The options `.projenrc.ts` gives the fleet component: the catalog of `platform/`, the repository of its settings
 * file.
 */
export function repositoryFleetOptions(root: string): GenerateFleetOptions {
  return { root, catalog: PLATFORM_MODULES, github: readGitHubSettings(root) };
}

/** The line a regenerate that changed something prints. */
export function writeSummary(report: WriteReport): string | undefined {
  if (!report.written.length && !report.deleted.length) return undefined;
  return `fleet: ${report.written.length} written, ${report.deleted.length} deleted, ${report.unchanged} unchanged`;
}
