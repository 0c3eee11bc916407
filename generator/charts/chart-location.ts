import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { firstLine, runHelm, type Helm } from './helm-binary';

/** A chart at a pinned version, as a module's source names it. */
export interface ChartRef {
  /** Chart repository URL (https://...), or OCI registry with or without `oci://`. */
  readonly repoURL: string;
  readonly chart: string;
  readonly version: string;
}

export type LocatedChart =
  | { readonly ok: true; readonly path: string; /** `--charts`, `cache` or `pulled`. */ readonly from: string }
  | {
      readonly ok: false;
      readonly message: string;
      /** Neither local nor pulled (no network): not a problem of the chart itself. */ readonly unavailable?: true;
    };

export interface ChartStore {
  readonly helm: Helm;
  /** Environment for helm (HELM_CACHE_HOME and friends). */
  readonly env?: NodeJS.ProcessEnv;
  /** A local chart folder (`--charts DIR`): `<chart>-<version>.tgz` or an unpacked `<chart>/`, looked at first. */
  readonly chartsDir?: string;
  /** Where pulled charts are kept, `<chart>-<version>.tgz`, and looked for before pulling again. */
  readonly cacheDir: string;
  /** Whether to pull a chart that is in neither folder (default true). */
  readonly pull?: boolean;
}

/** `1.2.3` and `v1.2.3` name the same chart version (Helm's semver does not care about the `v`). */
const sameVersion = (a: string, b: string) => a.replace(/^v/, '') === b.replace(/^v/, '');

/**
 * Where a chart at its pinned version is on this machine: in the local chart folder, else in the cache of pulled
 * charts, else pulled into that cache with `helm pull` (an `oci://` registry or a chart repository). A local chart
 * of another version is an error naming both versions, not a reason to pull; a pull that fails (no network) is one
 * line naming the chart and version and saying to pass `--charts DIR`.
 */
export async function locateChart(ref: ChartRef, store: ChartStore): Promise<LocatedChart> {
  const wanted = `chart ${ref.chart} version ${ref.version}`;
  if (store.chartsDir) {
    const local = await inChartsDir(ref, store);
    if (local) return local;
  }
  for (const name of new Set([
    `${ref.chart}-${ref.version}.tgz`,
    `${ref.chart}-${ref.version.replace(/^v/, '')}.tgz`,
  ])) {
    if (existsSync(join(store.cacheDir, name))) return { ok: true, path: join(store.cacheDir, name), from: 'cache' };
  }
  const notAvailable =
    `${wanted} not available: pass --charts DIR ` + `with ${ref.chart}-${ref.version}.tgz or ${ref.chart}/ in it`;
  const where = store.chartsDir ? `not in ${store.chartsDir}` : 'no --charts DIR given';
  if (store.pull === false) {
    return { ok: false, message: `${notAvailable} (${where}, pulling is off)`, unavailable: true };
  }
  const pulled = await pullChart(ref, store);
  if (!pulled.ok) return { ok: false, message: `${notAvailable} (${where}; ${pulled.message})`, unavailable: true };
  return pulled;
}

/** The chart in the local chart folder: a `.tgz` named for the version, or an unpacked folder of that version. */
async function inChartsDir(ref: ChartRef, store: ChartStore): Promise<LocatedChart | undefined> {
  const dir = store.chartsDir!;
  const wrong: string[] = [];
  const entries = existsSync(dir) ? readdirSync(dir).sort() : [];
  for (const name of entries) {
    const match = name.startsWith(`${ref.chart}-`) && /^(v?\d.*)\.tgz$/.exec(name.slice(ref.chart.length + 1));
    if (!match) continue;
    const path = join(dir, name);
    if (!sameVersion(match[1], ref.version)) {
      wrong.push(`${match[1]} (${path})`);
      continue;
    }
    // the name says the version; the chart inside must agree
    const shown = await runHelm(store.helm, ['show', 'chart', path], store.env);
    if (shown.code !== 0) {
      return { ok: false, message: `${path}: not a chart helm can read (${firstLine(shown.stderr)})` };
    }
    const meta = chartMeta(shown.stdout);
    if (meta.name !== ref.chart || !sameVersion(meta.version, ref.version)) {
      return {
        ok: false,
        message:
          `${path} holds chart ${meta.name} version ${meta.version}; ` +
          `the module pins chart ${ref.chart} version ${ref.version}`,
      };
    }
    return { ok: true, path, from: '--charts' };
  }
  const unpacked = join(dir, ref.chart);
  if (existsSync(join(unpacked, 'Chart.yaml')) && statSync(unpacked).isDirectory()) {
    const meta = chartMeta(readFileSync(join(unpacked, 'Chart.yaml'), 'utf-8'));
    if (meta.name !== ref.chart) {
      return {
        ok: false,
        message: `${unpacked}/Chart.yaml names chart ${meta.name}; the module pins chart ${ref.chart}`,
      };
    }
    if (sameVersion(meta.version, ref.version)) return { ok: true, path: unpacked, from: '--charts' };
    wrong.push(`${meta.version} (${unpacked}/)`);
  }
  if (wrong.length) {
    return {
      ok: false,
      message: `chart ${ref.chart}: ${dir} has version ${wrong.join(', ')}, but the module pins version ${ref.version}`,
    };
  }
  return undefined;
}

function chartMeta(text: string): { name: string; version: string } {
  try {
    const chart = parse(text) as { name?: unknown; version?: unknown } | null;
    return { name: String(chart?.name ?? ''), version: String(chart?.version ?? '') };
  } catch {
    return { name: '', version: '' };
  }
}

/** Pulls the chart at its version into the cache: into a folder of its own first, then renamed into place. */
async function pullChart(ref: ChartRef, store: ChartStore): Promise<LocatedChart> {
  mkdirSync(store.cacheDir, { recursive: true });
  const temp = mkdtempSync(join(store.cacheDir, '.pull-'));
  try {
    const http = /^https?:\/\//.test(ref.repoURL);
    const args = http
      ? ['pull', ref.chart, '--repo', ref.repoURL, '--version', ref.version, '--destination', temp]
      : [
          'pull',
          `oci://${ref.repoURL.replace(/^oci:\/\//, '').replace(/\/$/, '')}/${ref.chart}`,
          '--version',
          ref.version,
          '--destination',
          temp,
        ];
    const result = await runHelm(store.helm, args, store.env);
    const command = `helm ${args.slice(0, -2).join(' ')}`;
    if (result.code !== 0) {
      return { ok: false, message: `${command} failed: ${firstLine(result.stderr) || `exit ${result.code}`}` };
    }
    const file = readdirSync(temp).find((name) => name.endsWith('.tgz'));
    if (!file) return { ok: false, message: `${command} wrote no chart archive` };
    const path = join(store.cacheDir, `${ref.chart}-${ref.version}.tgz`);
    renameSync(join(temp, file), path);
    return { ok: true, path, from: 'pulled' };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}
