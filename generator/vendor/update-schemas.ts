import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CRD_SOURCES, FILE_SOURCES, type CrdSource } from './schema-sources';
import { writeFileAtomically } from '../util/atomic-file';

/** Where upstream files are read from: GitHub's raw file host, `<base>/<owner>/<name>/<ref>/<path>`. */
export const UPSTREAM_BASE_URL = 'https://raw.githubusercontent.com';

export interface UpdateSchemasOptions {
  /** The `vendor/schemas` folder to update. */
  readonly schemasDir: string;
  /** The pinned version of each platform module (chart version, or git ref), by module name. */
  readonly moduleVersions: ReadonlyMap<string, string>;
  readonly baseUrl?: string;
  readonly fetch?: typeof fetch;
}

export type FileChange = {
  readonly file: string;
  readonly change: 'added' | 'updated' | 'removed' | 'unchanged';
  readonly from: string;
};

/** An upstream file could not be fetched or is not what its source says: nothing was written. */
export class UpstreamProblem extends Error {}

interface Fetched {
  readonly file: string;
  readonly content: string;
  readonly url: string;
  readonly sha256: string;
  readonly license: string;
  readonly versions?: readonly string[];
  readonly from: string;
}

/**
 * Fetches every vendored schema from upstream at its pinned release, keeps the versions the generator emits,
 * and writes those that changed (each by a rename: a file is never half written). Every file is fetched and
 * checked before the first write, so a failure leaves the folder as it was. Same upstream bytes, same files.
 */
export async function updateSchemas(options: UpdateSchemasOptions): Promise<FileChange[]> {
  const baseUrl = (options.baseUrl ?? UPSTREAM_BASE_URL).replace(/\/+$/, '');
  const get = options.fetch ?? fetch;
  const download = async (repository: string, ref: string, path: string) => {
    const url = `${baseUrl}/${repository}/${ref}/${path}`;
    let response: Response;
    try {
      response = await get(url, { signal: AbortSignal.timeout(120_000) });
    } catch (error) {
      throw new UpstreamProblem(
        `${url}: ` + ((error as Error).cause ? String((error as Error).cause) : (error as Error).message),
      );
    }
    if (!response.ok) throw new UpstreamProblem(`${url}: HTTP ${response.status} ${response.statusText}`.trim());
    const text = await response.text();
    return { url, text, sha256: createHash('sha256').update(text).digest('hex') };
  };

  const fetched: Fetched[] = [];
  for (const source of CRD_SOURCES) {
    const ref = refOf(source, options.moduleVersions);
    const { url, text, sha256 } = await download(source.repository, ref, source.path);
    fetched.push({
      file: `crds/${source.name}.json`,
      content: `${JSON.stringify(trimCrd(source, text, url), null, 2)}\n`,
      url,
      sha256,
      license: source.license,
      versions: source.versions,
      from: `${source.repository}@${ref}`,
    });
  }
  for (const source of FILE_SOURCES) {
    const { url, text, sha256 } = await download(source.repository, source.ref, source.path);
    try {
      JSON.parse(text);
    } catch {
      throw new UpstreamProblem(`${url}: is not JSON`);
    }
    fetched.push({
      file: source.file,
      content: text,
      url,
      sha256,
      license: source.license,
      from: `${source.repository}@${source.ref}`,
    });
  }
  fetched.push({
    file: 'SOURCES.md',
    content: sourcesTable(fetched),
    url: '',
    sha256: '',
    license: '',
    from: 'this command',
  });

  const changes: FileChange[] = [];
  const wanted = new Set(fetched.map((f) => f.file));
  for (const f of fetched) {
    const path = join(options.schemasDir, f.file);
    let old: string | undefined;
    try {
      old = readFileSync(path, 'utf-8');
    } catch {
      old = undefined;
    }
    if (old === f.content) {
      changes.push({ file: f.file, change: 'unchanged', from: f.from });
      continue;
    }
    writeFileAtomically(path, f.content);
    changes.push({ file: f.file, change: old === undefined ? 'added' : 'updated', from: f.from });
  }
  // CRDs the generator no longer emits
  const crdDir = join(options.schemasDir, 'crds');
  for (const name of listFiles(crdDir)) {
    if (!wanted.has(`crds/${name}`)) {
      rmSync(join(crdDir, name));
      changes.push({ file: `crds/${name}`, change: 'removed', from: '' });
    }
  }
  return changes;
}

/** What a run of the update did, one line per changed file and a last line that sums it up. */
export function describeChanges(changes: readonly FileChange[]): string[] {
  const changed = changes.filter((c) => c.change !== 'unchanged');
  return [
    ...changed.map(({ file, change, from }) => `${change.padEnd(8)} ${file}${from ? `  (${from})` : ''}`),
    changed.length
      ? `${changed.length} of ${changes.length} files changed in ` +
        `vendor/schemas; run "npx projen" and the tests, then commit`
      : `no changes: ${changes.length} files are as upstream has them`,
  ];
}

/** The release a CRD is taken at. */
export function refOf(source: CrdSource, moduleVersions: ReadonlyMap<string, string>): string {
  if ('ref' in source.pin) return source.pin.ref;
  const version = moduleVersions.get(source.pin.module);
  if (!version) {
    throw new UpstreamProblem(
      `${source.name}: the module "${source.pin.module}" that pins its release is not in the catalog`,
    );
  }
  return source.pin.tag(version);
}

/** The CustomResourceDefinition named by the source, with only the versions the generator emits. */
function trimCrd(source: CrdSource, text: string, url: string): object {
  let documents: unknown[];
  try {
    documents = parseAllDocuments(text).map((d) => {
      if (d.errors.length) throw d.errors[0];
      return d.toJS();
    });
  } catch (error) {
    throw new UpstreamProblem(`${url}: is not YAML (${(error as Error).message})`);
  }
  const crd = documents.find(
    (d): d is Crd =>
      (d as Crd | null)?.kind === 'CustomResourceDefinition' && (d as Crd).metadata?.name === source.name,
  );
  if (!crd) throw new UpstreamProblem(`${url}: holds no CustomResourceDefinition named ${source.name}`);
  const versions = crd.spec.versions.filter((v) => source.versions.includes(v.name));
  for (const name of source.versions) {
    const version = versions.find((v) => v.name === name);
    if (!version?.served) {
      throw new UpstreamProblem(`${url}: ${source.name} does not serve ${name} (the generator emits it)`);
    }
  }
  return { ...crd, spec: { ...crd.spec, versions } };
}

interface Crd {
  kind: string;
  metadata: { name: string };
  spec: { versions: { name: string; served: boolean }[] };
}

function sourcesTable(fetched: readonly Fetched[]): string {
  const rows = fetched.map(
    (f) =>
      `| \`${f.file}\` | ${f.url} | ${f.versions ? f.versions.join(', ') : 'whole file'} ` +
      `| \`${f.sha256.slice(0, 16)}\` | ${f.license} |`,
  );
  return [
    '<!-- Written by "npx projen schemas:update"; edit generator/vendor/schema-sources.ts instead. -->',
    '# Vendored schemas: where each file comes from',
    '',
    'Each CRD is the upstream file at the release its platform module pins, with only the versions the generator',
    'emits kept (`spec.versions`; nothing else changed), stored as JSON. The other files are upstream files as they',
    'are. The sha256 is of the upstream file as fetched. Every upstream project here is under the license named.',
    '',
    '| file | upstream | versions kept | sha256 (first 16) | license |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

function listFiles(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}
