// @ts-check
'use strict';
/**
 * Runs one of the generator's commands (`generator/cli/<name>.ts`) as `node generator/projen/run-cli.cjs <name>
 * [args]`: from a bundle of it in `.projen/` when nothing it was built from changed, else after building it
 * again with esbuild. tsx would compile each of the command's files at every run (about half a second of a
 * `validate` on the example fleet); esbuild builds the whole command in less, once. Bundles and their stamps are
 * not committed: a clean clone builds each on first use. Without esbuild it falls back to tsx.
 *
 * Plain JavaScript on purpose: it runs before anything is compiled.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { firstChange, saveOptional, sha1, writeAtomically } = require('./launcher.cjs');

const STAMP_VERSION = 1;
/** Inputs esbuild does not see: the dependencies as installed, this file. */
const ALSO = ['package-lock.json', 'node_modules/.package-lock.json', 'generator/projen/run-cli.cjs'];

/** Whether every input is as the stamp recorded it (same size and time, or else same content). */
function fresh(/** @type {string} */ stampFile) {
  let stamp;
  try {
    stamp = JSON.parse(fs.readFileSync(stampFile, 'utf-8'));
  } catch {
    return false;
  }
  return stamp.version === STAMP_VERSION && !!stamp.inputs && !firstChange(stamp).changed;
}

/** Builds the command's bundle and its stamp; false when esbuild is missing or fails, or the bundle cannot be saved. */
function build(/** @type {string} */ entry, /** @type {string} */ bundle, /** @type {string} */ stampFile) {
  let esbuild;
  try {
    esbuild = require(require.resolve('esbuild', { paths: [process.cwd()] }));
  } catch {
    return false;
  }
  let result;
  try {
    result = esbuild.buildSync({
      entryPoints: [entry], outfile: bundle, bundle: true, platform: 'node', format: 'cjs', target: 'node20',
      write: false, metafile: true, logLevel: 'silent', preserveSymlinks: true, define: { FLEET_BUNDLE: 'true' },
    });
  } catch {
    return false;
  }
  const contents = result.outputFiles[0].contents;
  if (!saveOptional(() => writeAtomically(bundle, contents))) return false;
  const inputs = {};
  for (const file of [...Object.keys(result.metafile.inputs).filter((f) => !f.startsWith('node_modules/')), ...ALSO, bundle].sort()) {
    if (!fs.existsSync(file)) continue;
    const stat = fs.statSync(file);
    inputs[file] = [stat.size, stat.mtimeMs, sha1(file)];
  }
  saveOptional(() => writeAtomically(stampFile, JSON.stringify({ version: STAMP_VERSION, inputs })));
  return true;
}

function main() {
  const [name, ...args] = process.argv.slice(2);
  const entry = `generator/cli/${name}.ts`;
  if (!name || !/^[a-z][a-z-]*$/.test(name) || !fs.existsSync(entry)) {
    process.stderr.write(`usage: node generator/projen/run-cli.cjs <command> [args]: no ${entry}\n`);
    process.exit(2);
  }
  const bundle = `.projen/fleet-cli-${name}.cjs`;
  const stampFile = `.projen/fleet-cli-${name}.json`;
  if (fresh(stampFile) || build(entry, bundle, stampFile)) {
    process.argv = [process.argv[0], path.resolve(bundle), ...args];
    require(path.resolve(bundle));
    return;
  }
  const result = spawnSync('tsx', [entry, ...args], { stdio: 'inherit' });
  process.exitCode = result.status ?? 1;
}

main();
