import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { writeFleetInputs } from './synthetic-fleet';
import { emitPlainYaml, emitYaml, YAML_OPTIONS } from '../generator/render/yaml-emitter';
import { REPO } from '../test/support/fleet';
import { renderedObjects } from '../test/support/rendered-objects';

/**
 * Per-object serialization time of emitYaml against `yaml`'s stringify, over the example fleet's objects
 * and a synthetic fleet's, after checking both give the same text and counting fallbacks to `yaml`.
 * Run: npx tsx bench/yaml-emitter-bench.ts
 */
function timePerObject(objects: readonly unknown[], serialize: (o: unknown) => string, minMs = 1500): number {
  let rounds = 0;
  const started = process.hrtime.bigint();
  let elapsed = 0;
  do {
    for (const o of objects) serialize(o);
    rounds++;
    elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  } while (elapsed < minMs);
  return (elapsed * 1000) / (rounds * objects.length); // µs per object
}

function report(label: string, objects: readonly unknown[]) {
  let fallbacks = 0;
  let differ = 0;
  for (const o of objects) {
    if (emitPlainYaml(o) === undefined) fallbacks++;
    if (emitYaml(o) !== stringify(o, YAML_OPTIONS)) differ++;
  }
  for (let i = 0; i < 3; i++) for (const o of objects) (emitYaml(o), stringify(o, YAML_OPTIONS)); // warm up
  const yamlUs = timePerObject(objects, (o) => stringify(o, YAML_OPTIONS));
  const emitUs = timePerObject(objects, emitYaml);
  console.log(
    `${label}: ${objects.length} objects, ${differ} differ, ${fallbacks} fall back to yaml; ` +
      (`stringify ${yamlUs.toFixed(1)} µs/object, emitYaml ${emitUs.toFixed(1)} ` +
        `µs/object, ${(yamlUs / emitUs).toFixed(1)}x`),
  );
}

report('example fleet', renderedObjects(REPO));
const dir = mkdtempSync(join(tmpdir(), 'emitter-bench-'));
try {
  writeFleetInputs(REPO, dir, { clusters: 4, runsPerCluster: 40 });
  report('synthetic fleet (4 clusters x 40 runs)', renderedObjects(dir));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
