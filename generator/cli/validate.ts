import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PLATFORM_MODULES } from '../../platform';
import { checkManifests } from '../checks/check-manifests';
import { checkFleetReferences } from '../checks/fleet-references';
import { SchemaRegistry } from '../checks/schema-registry';
import { formatProblem } from '../config/problems';
import { OUTPUT_ROOTS } from '../model/paths';
import { readManifest } from '../write/write-files';

/**
 * `npx projen validate`: checks every committed, generated Kubernetes object against the Kubernetes API
 * schema or its vendored CRD, then that every name an object refers to exists on its cluster; offline.
 * Prints a summary per kind.
 */
function main() {
  const root = process.cwd();
  const paths = [...readManifest(root, OUTPUT_ROOTS)].sort();
  const files = paths.map((path) => ({ path, content: readFileSync(join(root, path), 'utf-8') }));
  const registry = SchemaRegistry.forFleet();
  const report = checkManifests(files, registry);
  const total = [...report.counts.values()].reduce((a, b) => a + b, 0);
  for (const [gvk, count] of [...report.counts.entries()].sort()) console.log(`${String(count).padStart(6)}  ${gvk}`);
  console.log(`${String(total).padStart(6)}  objects in ${files.length} generated files`);
  const references = checkFleetReferences(root, files, PLATFORM_MODULES, registry);
  if (report.problems.length || references.length) {
    const problems = [...report.problems, ...references];
    console.error(
      `\n${problems.map(formatProblem).join('\n')}\n\n${report.problems.length} ` +
        `invalid field(s), ${references.length} broken reference(s).`,
    );
    process.exit(1);
  }
  console.log('all objects are valid against their schemas');
  console.log('every name an object refers to exists on its cluster');
}

main();
