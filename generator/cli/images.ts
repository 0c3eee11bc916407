import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PLATFORM_MODULES } from '../../platform';
import { readGitHubSettings } from '../config/github-settings-file';
import { loadFleet } from '../config/load-fleet';
import { loadImages } from '../config/load-images';
import { formatProblem, sortProblems } from '../config/problems';
import { changedImages, imageBuilds, imagePushRoleArn, recordDigests } from '../github/image-builds';

/**
 * `tsx generator/cli/images.ts <command>`, run by the images workflow:
 *   detect --head <sha> [--base <sha>]   the images to build (all without --base) -> $GITHUB_OUTPUT matrix, count,
 *                                        role, region, registry
 *   record --results <dir>               <dir>/<name>.json from the push jobs -> images/<name>/digest.json; prints
 *                                        the images whose digest changed
 */
function main(argv: string[]): number {
  const [command, ...rest] = argv;
  const root = process.cwd();
  const github = readGitHubSettings(root);
  const fleet = loadFleet(root, { moduleNames: PLATFORM_MODULES.map((m) => m.name) });
  const loaded = loadImages(root, {
    github,
    fleetAccounts: (fleet.clusters ?? []).map((c) => c.spec.aws.accountId),
  });
  if (!loaded.ok) {
    for (const p of sortProblems(loaded.problems)) console.error(formatProblem(p));
    return 1;
  }
  const catalog = loaded.catalog;
  if (command === 'detect') {
    const { values } = parseArgs({ args: rest, options: { base: { type: 'string' }, head: { type: 'string' } } });
    if (!values.head) throw new Error('detect: --head <sha> is required');
    const builds = catalog
      ? imageBuilds(root, catalog, github, changedImages(root, catalog, values.base, values.head), values.head)
      : [];
    for (const b of builds) console.log(`${b.name}: ${b.platforms} -> ${b.image}:${b.tag}`);
    if (!builds.length) console.log('no image to build');
    const output = [
      `matrix=${JSON.stringify(builds)}`,
      `count=${builds.length}`,
      `role=${catalog ? imagePushRoleArn(catalog, github) : ''}`,
      `region=${catalog?.registry.region ?? ''}`,
    ];
    if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `${output.join('\n')}\n`);
    return 0;
  }
  if (command === 'record') {
    const { values } = parseArgs({ args: rest, options: { results: { type: 'string' } } });
    if (!values.results) throw new Error('record: --results <dir> is required');
    if (!catalog) throw new Error(`record: the repository has no images`);
    const dir = values.results;
    const results = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => ({ name: f.slice(0, -'.json'.length), text: readFileSync(join(dir, f), 'utf-8') }));
    const recorded = recordDigests(root, catalog, github, results);
    if (!recorded.ok) {
      for (const p of recorded.problems) console.error(formatProblem(p));
      return 1;
    }
    for (const name of recorded.recorded) console.log(name);
    return 0;
  }
  console.error('usage: images.ts detect --head <sha> [--base <sha>] | record --results <dir>');
  return 2;
}

process.exitCode = main(process.argv.slice(2));
