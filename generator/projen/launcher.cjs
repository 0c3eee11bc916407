// @ts-check
'use strict';
/**
 * The default task of `npx projen` (set by the fleet component, fleet-component.ts), run as
 * `node generator/projen/launcher.cjs <synthesis command>`.
 *
 * A projen synthesis (`tsx .projenrc.ts`) loads tsx, the projen library and the generator's sources before it
 * does any work: about 1.5 s of CPU. What it writes besides the fleet depends only on `.projenrc.ts` and what it
 * imports, the installed dependencies and projen's own files. When none of those changed since the last
 * synthesis, running it again would write the same project files; the launcher then runs only the fleet's
 * regenerate (fast-regenerate.ts, the same code the component runs), from a bundle of the generator that the
 * last synthesis left in `.projen/`. Otherwise it runs the synthesis, then builds the bundle and the stamp that
 * lists what the bundle and the synthesis were made from. `npx projen --debug` says which way it went.
 *
 * Plain JavaScript on purpose: it runs before anything is compiled.
 */
const { spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { systemErrorCode, failedPath, failureLine } = require('../write/fs-failure.cjs');

const LAUNCHER = 'generator/projen/launcher.cjs';
const ENTRY = 'generator/projen/fast-regenerate.ts';
const BUNDLE = '.projen/fleet-regenerate.cjs';
const STAMP = '.projen/fleet-launch.json';
const STAMP_VERSION = 1;
/** Inputs esbuild does not see: the dependencies as locked and as installed, the package, this file. */
const ALSO = ['package.json', 'package-lock.json', 'node_modules/.package-lock.json', LAUNCHER];

/** @typedef {{ version: number, inputs: Record<string, [size: number, mtimeMs: number, sha1: string]> }} Stamp */

function debug(/** @type {string} */ message) {
  if (process.env.DEBUG === 'true') process.stderr.write(`fleet launcher: ${message}\n`);
}

function sha1(/** @type {string} */ file) {
  return createHash('sha1').update(fs.readFileSync(file)).digest('base64url');
}

/** @returns {Stamp | undefined} */
function readStamp() {
  try {
    const stamp = JSON.parse(fs.readFileSync(STAMP, 'utf-8'));
    return stamp.version === STAMP_VERSION && stamp.inputs ? stamp : undefined;
  } catch {
    return undefined;
  }
}

function writeAtomically(/** @type {string} */ file, /** @type {string | Uint8Array} */ content) {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temp, content);
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * Runs `save`, which writes the launchers' own files (bundles, stamps): they only save time, so when the
 * file system refuses one (a full disk), one line says so and the run goes on without it. Returns whether it saved.
 * @param {() => void} save
 */
function saveOptional(save) {
  try {
    save();
    return true;
  } catch (error) {
    const code = systemErrorCode(error);
    if (!code) throw error;
    process.stderr.write(`${failureLine(failedPath(error, process.cwd()) ?? '.projen', code)}; not saved, the next run is slower\n`);
    return false;
  }
}

/**
 * The first input that is not as the stamp recorded it, if any. A file whose size and modification time
 * changed but not its content (a checkout, a copy) is still the same input; its stamp entry is refreshed.
 * @param {Stamp} stamp
 * @returns {{ changed?: string, refreshed: boolean }}
 */
function firstChange(stamp) {
  let refreshed = false;
  for (const [file, [size, mtimeMs, digest]] of Object.entries(stamp.inputs)) {
    let stat;
    try {
      stat = fs.statSync(file);
    } catch {
      return { changed: `${file} is missing`, refreshed };
    }
    if (stat.size === size && stat.mtimeMs === mtimeMs) continue;
    if (stat.size !== size || sha1(file) !== digest) return { changed: `${file} changed`, refreshed };
    stamp.inputs[file] = [size, stat.mtimeMs, digest];
    refreshed = true;
  }
  return { refreshed };
}

/** Runs the synthesis command given on the command line; exits as it did when it fails. */
function synthesize() {
  const [command, ...args] = process.argv.slice(2);
  if (!command) throw new Error(`usage: node ${LAUNCHER} <synthesis command>`);
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.error) throw result.error;
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/**
 * Builds the bundle of the regenerate and the stamp of everything the synthesis and the bundle were made from.
 * Without esbuild (or when it fails) there is no stamp, and every run is a full synthesis.
 */
function buildFastPath() {
  if (!saveOptional(() => fs.rmSync(STAMP, { force: true }))) return;
  let esbuild;
  try {
    esbuild = require(require.resolve('esbuild', { paths: [process.cwd()] }));
  } catch {
    debug('esbuild is not installed: the next run is a full synthesis too');
    return;
  }
  /** @type {import('esbuild').BuildOptions} */
  const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', write: false, metafile: true, logLevel: 'silent', preserveSymlinks: true };
  let projenrc, bundle;
  try {
    projenrc = esbuild.buildSync({ ...common, entryPoints: ['.projenrc.ts'], packages: 'external' });
    bundle = esbuild.buildSync({ ...common, entryPoints: [ENTRY], outfile: BUNDLE, define: { FLEET_BUNDLE: 'true' } });
  } catch (error) {
    debug(`no bundle (${error instanceof Error ? error.message : error}): the next run is a full synthesis too`);
    return;
  }
  const contents = bundle.outputFiles[0].contents;
  if (!saveOptional(() => writeAtomically(BUNDLE, contents))) return;
  const projenFiles = JSON.parse(fs.readFileSync('.projen/files.json', 'utf-8')).files;
  const sources = [...Object.keys(projenrc.metafile.inputs), ...Object.keys(bundle.metafile.inputs)].filter((file) => !file.startsWith('node_modules/'));
  const files = [...new Set([...sources, ...projenFiles, '.projen/files.json', ...ALSO, BUNDLE])].filter((file) => fs.existsSync(file)).sort();
  /** @type {Stamp} */
  const stamp = { version: STAMP_VERSION, inputs: {} };
  for (const file of files) {
    const stat = fs.statSync(file);
    stamp.inputs[file] = [stat.size, stat.mtimeMs, sha1(file)];
  }
  if (saveOptional(() => writeAtomically(STAMP, JSON.stringify(stamp)))) debug(`bundled the regenerate; ${files.length} inputs stamped`);
}

function main() {
  const stamp = readStamp();
  const { changed, refreshed } = stamp ? firstChange(stamp) : { changed: `no ${STAMP}`, refreshed: false };
  if (changed || !stamp) {
    debug(`${changed}: running the projen synthesis`);
    synthesize();
    buildFastPath();
    return;
  }
  debug('nothing projen reads changed: regenerating the fleet without it');
  /** @type {{ main(root: string): number }} */
  const bundle = require(path.resolve(BUNDLE));
  const code = bundle.main(process.cwd());
  // a refused regenerate leaves everything as it was, the stamp too
  if (code !== 0) {
    process.exitCode = code;
    return;
  }
  if (refreshed) saveOptional(() => writeAtomically(STAMP, JSON.stringify(stamp)));
}

if (require.main === module) main();

// the stamp's helpers serve run-cli.cjs's bundles too
module.exports = { LAUNCHER, LAUNCHER_FILES: [BUNDLE, STAMP], sha1, firstChange, writeAtomically, saveOptional };
