// Milliseconds per recipe file for parseYamlText (js-yaml fast path, `yaml` fallback) against the `yaml`-only
// parse, over the recipes of a synthetic fleet. Run: npx tsx bench/parse-bench.ts [dir]
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildSyntheticFleet } from './synthetic-fleet';
import { fastParseYaml } from '../generator/config/yaml-fast-parse';
import { parseYamlText, parseYamlTextWithYaml } from '../generator/config/yaml-source';

const dir = process.argv[2] ?? '/dev/shm/parse-bench-fleet';
const repo = join(__dirname, '..');
rmSync(dir, { recursive: true, force: true });
buildSyntheticFleet(repo, dir, { clusters: 6, runsPerCluster: 530 });
try {
  const texts = ['recipes', 'apps']
    .flatMap((sub) => yamlFilesUnder(join(dir, sub)))
    .map((path) => [path, readFileSync(path, 'utf-8')] as const);
  const fallbacks = texts.filter(([, text]) => !fastParseYaml(text)).length;
  const time = (parse: typeof parseYamlText) => {
    let best = Infinity;
    for (let round = 0; round < 5; round++) {
      const start = process.hrtime.bigint();
      for (const [path, text] of texts) {
        if (!parse(text, path).ok) throw new Error(`${path} does not parse`);
      }
      best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
    }
    return best / texts.length;
  };
  const old = time(parseYamlTextWithYaml);
  const now = time(parseYamlText);
  console.log(`${texts.length} recipe files`);
  console.log(`yaml only:         ${old.toFixed(4)} ms per file`);
  console.log(`fast path:         ${now.toFixed(4)} ms per file (${(old / now).toFixed(1)}x)`);
  console.log(`fell back to yaml: ${fallbacks} files (${((100 * fallbacks) / texts.length).toFixed(1)}%)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function yamlFilesUnder(path: string): string[] {
  if (!statSync(path, { throwIfNoEntry: false })) return [];
  return readdirSync(path)
    .sort()
    .flatMap((name) => {
      const child = join(path, name);
      return statSync(child).isDirectory() ? yamlFilesUnder(child) : /\.ya?ml$/.test(name) ? [child] : [];
    });
}
