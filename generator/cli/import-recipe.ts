import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { PLATFORM_MODULES } from '../../platform';
import { readGitHubSettings, SETTINGS_FILE } from '../config/github-settings-file';
import { formatProblem } from '../config/problems';
import { checkRecipeText } from '../fleet/check-recipe-text';
import { APPS_DIR, RECIPES_DIR } from '../recipes/load-recipes';
import { importSeedRecipe } from '../recipes/seed-import';

/**
 * `npx projen import:recipe <seed-file> --team T --cluster C [--name N] [--image I]`: turns a seed recipe (a Helm
 * values file of the seed project) into `recipes/<team>/<name>.yaml`, or `apps/<team>/<name>.yaml` for a service. What
 * the regenerate would refuse (an unknown cluster or team, a node type no pool offers, ...) is refused here with the
 * regenerate's messages, and nothing is written.
 */
function main(argv: string[]) {
  const flags: Record<string, string> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith('--')) {
      const [key, inline] = arg.slice(2).split('=', 2);
      flags[key] = inline ?? argv[++i] ?? '';
    } else {
      positional.push(arg);
    }
  }
  const usage =
    'usage: npx projen import:recipe <seed-file> --team <team> --cluster <cluster> [--name <name>] [--image <image>]';
  if (positional.length !== 1 || !flags.team || !flags.cluster) fail(usage);
  const seedFile = resolve(positional[0]);
  if (!existsSync(seedFile)) fail(`${positional[0]}: no such file`);
  // the seed's path under its examples/ folder (what the chart rule reads), when it can be told
  const seedPath = seedFile.includes('/seed-recipes/')
    ? seedFile.split('/seed-recipes/')[1]
    : seedFile.includes('/examples/')
      ? seedFile.split('/examples/')[1]
      : relative(process.cwd(), seedFile);
  const result = importSeedRecipe(seedPath, readFileSync(seedFile, 'utf-8'), {
    team: flags.team,
    cluster: flags.cluster,
    name: flags.name,
    image: flags.image,
  });
  if (!result.ok) fail(`${positional[0]}: refused: ${result.reason}`);
  // joined as written, not normalized: a --team such as ../x is then refused by the recipe checks, not followed
  const out = `${result.role === 'service' ? APPS_DIR : RECIPES_DIR}/${flags.team}/${result.name}.yaml`;
  if (existsSync(out)) fail(`${out} exists already; choose another --name`);
  // the repository settings name the images' repositories; a tree never regenerated has none (nor image references)
  const github = existsSync(SETTINGS_FILE) ? readGitHubSettings(process.cwd()) : undefined;
  const problems = checkRecipeText(process.cwd(), PLATFORM_MODULES, out, result.text, github);
  if (problems.length) {
    const refused = `${positional[0]}: refused: "npx projen" would refuse it as ${out}`;
    fail(
      [
        ...problems.map(formatProblem),
        `${refused} (the problems above, at that file's lines); nothing was written`,
      ].join('\n'),
    );
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, result.text);
  console.log(`${out}: ${result.kind} (seed chart ${result.chart}); run "npx projen" to render it`);
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

main(process.argv.slice(2));
