import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CLUSTER_FILE_EXPECTED, loadClusterSource } from '../generator/config/load-fleet';
import type { Problem } from '../generator/config/problems';
import { parseYamlText } from '../generator/config/yaml-source';
import { compileCluster } from '../generator/fleet/compile-cluster';
import { renderCluster } from '../generator/fleet/render-cluster';
import { dataMutation, FUZZ_SEED, textMutation } from './support/mutations';
import { EXAMPLE_CLUSTERS, FLEET, REPO } from './support/fleet';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2500);
const tally = { accepted: 0, refused: 0 };
const moduleNames = FLEET.catalog.map((m) => m.name);

/** The whole per-cluster pipeline on one text, in memory: parse, validate, compile, render. */
function generateCluster(text: string, file: string, folder: string): { ok: true } | { ok: false; problems: Problem[] } {
  const read = parseYamlText(text, file, { expected: CLUSTER_FILE_EXPECTED });
  if (!read.ok) return read;
  const loaded = loadClusterSource(read.source, folder, moduleNames);
  if (!loaded.ok) return loaded;
  const compiled = compileCluster(loaded.cluster, FLEET.catalog);
  if (!compiled.ok) return compiled;
  renderCluster(compiled.cluster);
  return { ok: true };
}

/** Each case ends in success or in problems that name the file and a field (or a line); never a throw or a hang. */
function assertHandled(text: string, file: string, folder: string) {
  const started = Date.now();
  const result = generateCluster(text, file, folder);
  expect(Date.now() - started, 'a single input took over 5 s: a hang').toBeLessThan(5000);
  tally[result.ok ? 'accepted' : 'refused']++;
  if (!result.ok) {
    expect(result.problems.length).toBeGreaterThan(0);
    for (const p of result.problems) {
      expect(p.file).toBe(file);
      expect(p.message.length).toBeGreaterThan(0);
      expect(p.field !== '' || p.line !== undefined || /^(is empty|expands too many|holds several|is not valid|uses the YAML tag|YAML syntax error|has a duplicate key|uses an unknown YAML tag|expected a mapping)/.test(p.message), JSON.stringify(p)).toBe(true);
    }
  }
}

describe(`fuzzing cluster specs (seed ${FUZZ_SEED}, FUZZ_SEED=<n> to change)`, () => {
  for (const name of EXAMPLE_CLUSTERS) {
    const file = `clusters/${name}/cluster.yaml`;
    const text = readFileSync(join(REPO, file), 'utf-8');
    const value = parse(text);

    it(`${name}: ${RUNS} data mutations (types, keys, numbers, unicode, nesting)`, () => {
      fc.assert(fc.property(dataMutation(value), (mutated) => assertHandled(mutated, file, name)), { seed: FUZZ_SEED, numRuns: RUNS });
    });

    it(`${name}: ${Math.round(RUNS / 2)} text mutations (tags, anchors, merge keys, truncation, bytes)`, () => {
      fc.assert(fc.property(textMutation(text), (mutated) => assertHandled(mutated, file, name)), { seed: FUZZ_SEED, numRuns: Math.round(RUNS / 2) });
    });
  }

  afterAll(() => {
    console.log(`cluster specs fuzzed: ${tally.accepted + tally.refused} (${tally.accepted} accepted, ${tally.refused} refused with file and field)`);
    expect(tally.refused).toBeGreaterThan(tally.accepted); // the mutations do reach the validation
  });
});
