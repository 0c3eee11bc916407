import { describe, expect, it } from 'vitest';
import { checkManifests } from '../generator/checks/check-manifests';
import { SchemaRegistry, sharedDir } from '../generator/checks/schema-registry';
import { generateFleet } from '../generator/fleet/generate';
import { join } from 'node:path';
import { WORKLOAD_CRD_FILES } from '../generator/workloads/workload-crds';
import { FLEET, REPO } from './support/fleet';

const registry = SchemaRegistry.forKubernetes(sharedDir(REPO));
for (const file of WORKLOAD_CRD_FILES) registry.addCrdFile(join(sharedDir(REPO), 'schemas', 'crds', file));

describe('manifest validation', () => {
  it('every rendered object of the example fleet is valid against its schema', () => {
    const generated = generateFleet({ root: REPO, ...FLEET });
    if (!generated.ok) throw new Error('example fleet is invalid');
    const report = checkManifests(generated.files, registry);
    expect(report.problems).toEqual([]);
    expect(report.counts.get('v1 Namespace')).toBe(6);
    expect(report.counts.get('v1 ResourceQuota')).toBe(6);
  });

  it('catches unknown fields, bad quantities, missing names and kinds without a schema', () => {
    const file = (object: unknown) => ({ path: 'clusters/x/platform/teams/o.yaml', content: JSON.stringify(object) });
    const report = checkManifests(
      [
        file({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', labelz: {} } }),
        file({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'a' }, spec: { hard: { 'requests.cpu': 'eight' } } }),
        file({ apiVersion: 'v1', kind: 'Namespace', metadata: {} }),
        file({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }),
      ],
      registry,
    );
    const messages = report.problems.map((p) => `${p.field}: ${p.message}`);
    expect(messages).toContain('metadata: must NOT have additional properties "labelz"');
    expect(messages.some((m) => m.startsWith('spec.hard.requests.cpu: must match pattern'))).toBe(true);
    expect(messages).toContain('metadata.name: is required');
    expect(messages).toContain(': no schema for example.com/v1 Widget: not a Kubernetes API kind nor a vendored CRD');
  });
});
