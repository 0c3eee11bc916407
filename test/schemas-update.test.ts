import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { cleanupTemps, tempDir } from './support/fleet';
import { sourceVersion } from '../generator/model/platform-module';
import { SCHEMAS_DIR } from '../generator/model/vendor-files';
import { CRD_SOURCES, FILE_SOURCES } from '../generator/vendor/schema-sources';
import { describeChanges, refOf, updateSchemas, UpstreamProblem } from '../generator/vendor/update-schemas';
import { PLATFORM_MODULES } from '../platform';

const moduleVersions = new Map(
  PLATFORM_MODULES.flatMap((m) => (m.source ? [[m.name, sourceVersion(m.source)] as const] : [])),
);

/**
 * An upstream that answers as GitHub's raw file host does: `/<owner>/<name>/<ref>/<path>`. Each CRD is served as
 * upstream writes it (YAML, every version it serves): the vendored one plus an older served version.
 */
let upstream: Map<string, string>;
let asked: string[];
let server: Server;
let baseUrl: string;

type Crd = { metadata: { name: string }; spec: { versions: { name: string; served: boolean }[] } };

function upstreamFiles(change: (crd: Crd) => void = () => {}): Map<string, string> {
  const files = new Map<string, string>();
  for (const source of CRD_SOURCES) {
    const crd = JSON.parse(readFileSync(join(SCHEMAS_DIR, 'crds', `${source.name}.json`), 'utf-8')) as Crd;
    const old = { name: 'v0alpha9', served: true, storage: false, schema: { openAPIV3Schema: { type: 'object' } } };
    crd.spec.versions = [old, ...crd.spec.versions];
    change(crd);
    files.set(
      `/${source.repository}/${refOf(source, moduleVersions)}/${source.path}`,
      `# upstream comment\n${stringify(crd, { lineWidth: 0 })}`,
    );
  }
  for (const source of FILE_SOURCES) {
    files.set(
      `/${source.repository}/${source.ref}/${source.path}`,
      readFileSync(join(SCHEMAS_DIR, source.file), 'utf-8'),
    );
  }
  return files;
}

beforeAll(async () => {
  server = createServer((request, response) => {
    asked.push(request.url!);
    const body = upstream.get(request.url!);
    response.writeHead(body === undefined ? 404 : 200).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
  cleanupTemps();
});

/** A copy of the vendored schemas to update. */
function vendoredCopy(): string {
  const dir = tempDir('schemas-');
  cpSync(SCHEMAS_DIR, dir, { recursive: true });
  return dir;
}

const snapshot = (dir: string) =>
  new Map(readdirSync(join(dir, 'crds')).map((name) => [name, readFileSync(join(dir, 'crds', name), 'utf-8')]));

describe('npx projen schemas:update', () => {
  it(
    "fetches every CRD at its module's pinned release, keeps only the " +
      'emitted versions, and reproduces the vendored files byte for byte',
    async () => {
      upstream = upstreamFiles();
      asked = [];
      const dir = vendoredCopy();
      const before = snapshot(dir);
      const changes = await updateSchemas({ schemasDir: dir, moduleVersions, baseUrl });
      expect(snapshot(dir)).toEqual(before);
      expect(changes.filter((c) => c.file.startsWith('crds/') && c.change !== 'unchanged')).toEqual([]);
      // the release follows the platform module's pin
      expect(asked).toContain(
        '/kubernetes-sigs/kueue/v0.19.2/config/components/crd/bases/kueue.x-k8s.io_clusterqueues.yaml',
      );
      expect(asked).toContain('/kubeflow/trainer/v1.9.4/manifests/base/crds/kubeflow.org_pytorchjobs.yaml');
      expect(
        JSON.parse(before.get('clusterqueues.kueue.x-k8s.io.json')!).spec.versions.map((v: { name: string }) => v.name),
      ).toEqual(['v1beta2']);

      // a second run changes nothing and says so
      const again = await updateSchemas({ schemasDir: dir, moduleVersions, baseUrl });
      expect(describeChanges(again)).toEqual([`no changes: ${again.length} files are as upstream has them`]);
    },
  );

  it('writes what changed upstream, removes a CRD the generator no longer emits, and prints both', async () => {
    upstream = upstreamFiles();
    const dir = vendoredCopy();
    const path = '/kubernetes-sigs/kueue/v0.19.2/config/components/crd/bases/kueue.x-k8s.io_localqueues.yaml';
    upstream.set(
      path,
      upstream
        .get(path)!
        .replace('LocalQueue is the Schema for the localQueues API', 'LocalQueue is a queue of a namespace'),
    );
    writeFileSync(join(dir, 'crds', 'tfjobs.kubeflow.org.json'), '{}\n');
    const changes = await updateSchemas({ schemasDir: dir, moduleVersions, baseUrl });
    const lines = describeChanges(changes);
    expect(lines).toContain('updated  crds/localqueues.kueue.x-k8s.io.json  (kubernetes-sigs/kueue@v0.19.2)');
    expect(lines).toContain('removed  crds/tfjobs.kubeflow.org.json');
    expect(lines.at(-1)).toMatch(/^3 of \d+ files changed in vendor\/schemas/); // and SOURCES.md, whose sha256 changed
    expect(readFileSync(join(dir, 'crds', 'localqueues.kueue.x-k8s.io.json'), 'utf-8')).toContain(
      'LocalQueue is a queue of a namespace',
    );
    expect(readFileSync(join(dir, 'SOURCES.md'), 'utf-8')).toContain(`${baseUrl}${path}`);
  });

  it('writes nothing when an upstream file is missing, or no longer serves a version the generator emits', async () => {
    const unserved = (crd: Crd) => {
      if (crd.metadata.name === 'clusterqueues.kueue.x-k8s.io') {
        crd.spec.versions.find((v) => v.name === 'v1beta2')!.served = false;
      }
    };
    for (const broken of [
      () => {
        const files = upstreamFiles();
        files.delete('/ray-project/kuberay/v1.7.0/ray-operator/config/crd/bases/ray.io_rayjobs.yaml');
        return files;
      },
      () => upstreamFiles(unserved),
    ]) {
      upstream = broken();
      const dir = vendoredCopy();
      const before = snapshot(dir);
      const sources = readFileSync(join(dir, 'SOURCES.md'), 'utf-8');
      const update = updateSchemas({ schemasDir: dir, moduleVersions, baseUrl });
      await expect(update).rejects.toBeInstanceOf(UpstreamProblem);
      await expect(update).rejects.toThrow(/HTTP 404|does not serve v1beta2 \(the generator emits it\)/);
      expect(snapshot(dir)).toEqual(before);
      expect(readFileSync(join(dir, 'SOURCES.md'), 'utf-8')).toBe(sources);
    }
  });
});
