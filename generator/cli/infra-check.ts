import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkInfra } from '../checks/check-infra';
import { formatProblem } from '../config/problems';
import { OUTPUT_ROOTS } from '../model/paths';
import { TERRAFORM_MODULE_DIR } from '../model/vendor-files';
import { readManifest } from '../write/write-files';

/**
 * `npx projen infra:check`: parses every committed, generated Terragrunt file, checks units, dependencies
 * and inputs against the pinned modules' variable and output lists (offline), and prints the apply order.
 */
async function main() {
  const root = process.cwd();
  const paths = [...readManifest(root, OUTPUT_ROOTS)].filter((p) => p.endsWith('.hcl')).sort();
  const files = paths.map((path) => ({ path, content: readFileSync(join(root, path), 'utf-8') }));
  const report = await checkInfra(files, TERRAFORM_MODULE_DIR);
  for (const [cluster, waves] of report.applyOrder) {
    console.log(`${cluster}: apply order`);
    waves.forEach((wave, i) => console.log(`  ${i + 1}. ${wave.join(', ')}`));
  }
  console.log(
    `\n${report.hclFiles} HCL files parsed, ${report.units} units, ${report.inputsChecked} inputs and ` +
      `${report.outputReadsChecked} dependency output reads checked against vendor/schemas/terraform`,
  );
  if (report.problems.length) {
    console.error(`\n${report.problems.map(formatProblem).join('\n')}\n\n${report.problems.length} problem(s).`);
    process.exit(1);
  }
  console.log('every unit parses, its dependencies exist and form no cycle, its inputs and outputs match its module');
}

void main();
