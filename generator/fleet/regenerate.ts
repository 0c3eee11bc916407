import type { Problem } from '../config/problems';
import { acquireLock, LOCK_PATH } from '../write/lock';
import { applyWrite, planWrite, recoverInterruptedWrite, unchangedPlan, type WritePlan, type WriteReport } from '../write/write-files';
import { inputsDigest } from './input-digest';
import { generateFleet, type GenerateFleetOptions } from './generate';
import { OUTPUT_ROOTS } from './paths';

export type PrepareResult = { ok: true; plan: WritePlan } | { ok: false; problems: Problem[] };

/**
 * Everything a regenerate decides, with nothing written yet: inputs in, a write plan out. When no input
 * changed since the last regenerate and its outputs are untouched, nothing is generated at all.
 */
export function prepareRegenerate(options: GenerateFleetOptions): PrepareResult {
  const inputs = inputsDigest(options.root);
  const unchanged = unchangedPlan(options.root, inputs, OUTPUT_ROOTS);
  if (unchanged) return { ok: true, plan: unchanged };
  const generated = generateFleet(options);
  if (!generated.ok) return generated;
  return planWrite(options.root, generated.files, { outputRoots: OUTPUT_ROOTS, inputs, caches: generated.caches });
}

/**
 * A whole regenerate: take the lock, finish any interrupted regenerate, prepare, then write.
 * On a problem, nothing is written.
 */
export function regenerateFleet(options: GenerateFleetOptions): { ok: true; report: WriteReport } | { ok: false; problems: Problem[] } {
  const lock = acquireLock(options.root);
  if (!lock.ok) return { ok: false, problems: [{ file: LOCK_PATH, field: '', message: lock.message }] };
  try {
    recoverInterruptedWrite(options.root);
    const prepared = prepareRegenerate(options);
    return prepared.ok ? { ok: true, report: applyWrite(prepared.plan) } : prepared;
  } finally {
    lock.release();
  }
}
