import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EXAMPLE_CLUSTERS, FLEET, REPO } from './support/fleet';
import { dataMutation, FUZZ_SEED, textMutation } from './support/mutations';
import { CLUSTER_FILE_EXPECTED, loadClusterSource, loadFleet } from '../generator/config/load-fleet';
import type { Problem } from '../generator/config/problems';
import { parseYamlText } from '../generator/config/yaml-source';
import { compileCluster } from '../generator/fleet/compile-cluster';
import { instanceTypes as readInstanceTypes } from '../generator/instances/instance-table';
import type { CompiledCluster } from '../generator/model/compiled-cluster';
import { parseRecipe, RECIPE_EXPECTED } from '../generator/recipes/load-recipes';
import { renderCluster } from '../generator/render/render-cluster';
import { renderYamlFile } from '../generator/render/yaml';
import { compileWorkloads } from '../generator/workloads/compile-workloads';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2500);
const tally = { accepted: 0, refused: 0 };
const moduleNames = FLEET.catalog.map((m) => m.name);

/** The whole per-cluster pipeline on one text, in memory: parse, validate, compile, render. */
function generateCluster(
  text: string,
  file: string,
  folder: string,
): { ok: true } | { ok: false; problems: Problem[] } {
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
  assertResult(() => generateCluster(text, file, folder), file, tally);
}

/** The problems that may name neither a field nor a line: they are about the file as a whole. */
const KNOWN_UNPLACED = new RegExp(
  String.raw`^(is empty|expands too many|holds several|is not valid|uses the YAML tag|YAML syntax error|` +
    String.raw`has a duplicate key|uses an unknown YAML tag|expected a mapping)`,
);

function assertResult(
  run: () => { ok: true } | { ok: false; problems: Problem[] },
  file: string,
  counts: { accepted: number; refused: number },
) {
  const started = Date.now();
  const result = run();
  expect(Date.now() - started, 'a single input took over 5 s: a hang').toBeLessThan(5000);
  counts[result.ok ? 'accepted' : 'refused']++;
  if (!result.ok) {
    expect(result.problems.length).toBeGreaterThan(0);
    for (const p of result.problems) {
      expect(p.file).toBe(file);
      expect(p.message.length).toBeGreaterThan(0);
      expect(p.field !== '' || p.line !== undefined || KNOWN_UNPLACED.test(p.message), JSON.stringify(p)).toBe(true);
    }
  }
}

describe(`fuzzing cluster specs (seed ${FUZZ_SEED}, FUZZ_SEED=<n> to change)`, () => {
  for (const name of EXAMPLE_CLUSTERS) {
    const file = `clusters/${name}/cluster.yaml`;
    const text = readFileSync(join(REPO, file), 'utf-8');
    const value = parse(text);

    it(`${name}: ${RUNS} data mutations (types, keys, numbers, unicode, nesting)`, () => {
      fc.assert(
        fc.property(dataMutation(value), (mutated) => assertHandled(mutated, file, name)),
        { seed: FUZZ_SEED, numRuns: RUNS },
      );
    });

    it(`${name}: ${Math.round(RUNS / 2)} text mutations (tags, anchors, merge keys, truncation, bytes)`, () => {
      fc.assert(
        fc.property(textMutation(text), (mutated) => assertHandled(mutated, file, name)),
        { seed: FUZZ_SEED, numRuns: Math.round(RUNS / 2) },
      );
    });
  }

  afterAll(() => {
    console.log(
      `cluster specs fuzzed: ${tally.accepted + tally.refused} ` +
        `(${tally.accepted} accepted, ${tally.refused} refused with file and field)`,
    );
    expect(tally.refused).toBeGreaterThan(tally.accepted); // the mutations do reach the validation
  });
});

const RECIPE_RUNS = Number(process.env.FUZZ_RECIPE_RUNS ?? 860);
const recipeTally = { accepted: 0, refused: 0 };
const RECIPE_FILES = ['recipes', 'apps']
  .flatMap((dir) =>
    readdirSync(join(REPO, dir), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((team) =>
        readdirSync(join(REPO, dir, team.name))
          .filter((f) => f.endsWith('.yaml'))
          .map((f) => `${dir}/${team.name}/${f}`),
      ),
  )
  .sort();

/** The example fleet's clusters, compiled once: every mutated recipe is placed against them. */
function exampleClusters(): Map<string, CompiledCluster> {
  const fleet = loadFleet(REPO, { moduleNames });
  if (!fleet.ok) throw new Error('the example fleet does not load');
  return new Map(
    fleet.clusters.map((input) => {
      const compiled = compileCluster(input, FLEET.catalog, fleet.clusters);
      if (!compiled.ok) throw new Error(`${input.spec.name} does not compile`);
      return [input.spec.name, compiled.cluster];
    }),
  );
}

describe(`fuzzing recipes and services (seed ${FUZZ_SEED}, FUZZ_SEED=<n> to change)`, () => {
  const clusters = exampleClusters();
  const instanceTypes = readInstanceTypes();

  /** The recipe pipeline on one text, in memory: parse, validate, place on its cluster, compile, check, render. */
  function generateRecipe(text: string, file: string): { ok: true } | { ok: false; problems: Problem[] } {
    const read = parseYamlText(text, file, { expected: RECIPE_EXPECTED });
    if (!read.ok) return read;
    const parsed = parseRecipe(read.source, file.startsWith('apps/') ? 'service' : 'run');
    // a recipe salvaged from a file with problems goes on to the later stages, as in a regenerate
    const input = parsed.ok ? parsed.input : parsed.salvaged;
    if (!input) return parsed as { ok: false; problems: Problem[] };
    const cluster = clusters.get(input.recipe.cluster);
    if (!cluster) {
      return {
        ok: false,
        problems: [{ file, field: 'cluster', message: `cluster "${input.recipe.cluster}" does not exist` }],
      };
    }
    const compiled = compileWorkloads(cluster, [input], instanceTypes);
    if (!parsed.ok) return { ok: false, problems: [...parsed.problems, ...(compiled.ok ? [] : compiled.problems)] };
    if (!compiled.ok) return compiled;
    for (const [folder, objects] of compiled.cluster.folders) {
      if (cluster.folders.has(folder)) continue;
      for (const object of objects) renderYamlFile(object, file);
    }
    return { ok: true };
  }

  it('has the example recipes and services to mutate', () => {
    expect(RECIPE_FILES.length).toBeGreaterThanOrEqual(8);
    if (!process.env.FUZZ_RECIPE_RUNS) {
      expect(RECIPE_FILES.length * Math.round(RECIPE_RUNS * 1.5)).toBeGreaterThanOrEqual(10_000);
    }
  });

  for (const file of RECIPE_FILES) {
    const text = readFileSync(join(REPO, file), 'utf-8');
    const value = parse(text);

    it(`${file}: ${RECIPE_RUNS} data mutations`, () => {
      fc.assert(
        fc.property(dataMutation(value), (mutated) =>
          assertResult(() => generateRecipe(mutated, file), file, recipeTally),
        ),
        { seed: FUZZ_SEED, numRuns: RECIPE_RUNS },
      );
    });

    it(`${file}: ${Math.round(RECIPE_RUNS / 2)} text mutations`, () => {
      fc.assert(
        fc.property(textMutation(text), (mutated) =>
          assertResult(() => generateRecipe(mutated, file), file, recipeTally),
        ),
        { seed: FUZZ_SEED, numRuns: Math.round(RECIPE_RUNS / 2) },
      );
    });
  }

  afterAll(() => {
    console.log(
      `recipes fuzzed: ${recipeTally.accepted + recipeTally.refused} ` +
        `(${recipeTally.accepted} accepted, ${recipeTally.refused} refused with file and field)`,
    );
    expect(recipeTally.refused).toBeGreaterThan(recipeTally.accepted / 4);
  });
});
