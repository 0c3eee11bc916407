import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FLEET, REPO } from './support/fleet';
import { checkManifests } from '../generator/checks/check-manifests';
import { SchemaRegistry } from '../generator/checks/schema-registry';
import { generateFleet } from '../generator/fleet/generate';

const registry = SchemaRegistry.forFleet();
const generated = generateFleet({ root: REPO, ...FLEET });
if (!generated.ok) throw new Error('example fleet is invalid');
const files = new Map(generated.files.map((f) => [f.path, f.content]));

describe('manifest validation', () => {
  it('every rendered object of the example fleet is valid against the Kubernetes schema or its vendored CRD', () => {
    const report = checkManifests(generated.files, registry);
    expect(report.problems).toEqual([]);
    expect(report.counts.get('v1 Namespace')).toBe(6);
    expect(report.counts.get('v1 ResourceQuota')).toBe(6);
    // the CRD kinds the generator emits, at the versions the vendored CRDs serve
    expect(report.counts.get('karpenter.sh/v1 NodePool')).toBe(12);
    expect(report.counts.get('karpenter.k8s.aws/v1 EC2NodeClass')).toBe(12);
    expect(report.counts.get('kueue.x-k8s.io/v1beta2 ClusterQueue')).toBe(5);
    expect(report.counts.get('kueue.x-k8s.io/v1beta2 ResourceFlavor')).toBe(9);
    // runs and services per cluster, and the hub's fleet-platform and spoke-roots
    expect(report.counts.get('argoproj.io/v1alpha1 ApplicationSet')).toBe(8);
    expect(report.counts.get('argoproj.io/v1alpha1 AppProject')).toBe(9);
    // the hub's root Application; the spokes' are generated on the hub by its spoke-roots ApplicationSet
    expect(report.counts.get('argoproj.io/v1alpha1 Application')).toBe(1);
  });

  it('checks the PersistentVolumes the storage binder applies, with the IDs filled in', () => {
    const configMap = parse(
      files.get('clusters/prod-use1/platform/fsx-csi-driver/configmap-kube-system-fsx-pv-binder.yaml')!,
    );
    const volumes = Object.entries(configMap.data as Record<string, string>).filter(([key]) => key.endsWith('.json'));
    expect(volumes.map(([key]) => key).sort()).toEqual([
      'pv-fsx-llm-training.json',
      'pv-fsx-ml-serving.json',
      'pv-fsx-neuron-research.json',
    ]);
    for (const [, text] of volumes) {
      const filled = text
        .replace('@FILE_SYSTEM_ID@', 'fs-0123456789abcdef0')
        .replace('@DNS_NAME@', 'fs.example')
        .replace('@MOUNT_NAME@', 'abcdef');
      const volume = JSON.parse(filled);
      expect(registry.validate(volume)).toEqual([]);
      expect(volume.spec.claimRef.name).toBe('pv-fsx');
    }
    expect(configMap.data['bind.sh']).toContain('/eks-mlops-fleet/prod-use1/storage/fsx/file-system-id');
  });

  it('catches unknown fields, bad quantities, missing names and kinds without a schema', () => {
    const file = (object: unknown) => ({ path: 'clusters/x/platform/teams/o.yaml', content: JSON.stringify(object) });
    const report = checkManifests(
      [
        file({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', labelz: {} } }),
        file({
          apiVersion: 'v1',
          kind: 'ResourceQuota',
          metadata: { name: 'q', namespace: 'a' },
          spec: { hard: { 'requests.cpu': 'eight' } },
        }),
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

  it('checks custom resources against the CRD version emitted: a v1beta1 field in a v1beta2 ClusterQueue fails', () => {
    const queue = parse(files.get('clusters/prod-use1/platform/kueue/clusterqueue-llm-training.yaml')!);
    expect(registry.validate(queue)).toEqual([]);
    const old = { ...queue, spec: { ...queue.spec, cohort: queue.spec.cohortName } };
    delete old.spec.cohortName;
    expect(registry.validate(old).map((p) => p.message)).toContain('must NOT have additional properties "cohort"');
    // only the version the generator emits is vendored: the deprecated v1beta1 is refused
    expect(registry.validate({ ...old, apiVersion: 'kueue.x-k8s.io/v1beta1' })[0].message).toMatch(
      /^no schema for kueue.x-k8s.io\/v1beta1 ClusterQueue/,
    );
    expect(registry.validate({ ...queue, apiVersion: 'kueue.x-k8s.io/v1' })[0].message).toMatch(
      /^no schema for kueue.x-k8s.io\/v1 ClusterQueue/,
    );

    const pool = parse(files.get('clusters/prod-use1/platform/karpenter/nodepool-cuda-efa.yaml')!);
    pool.spec.disruption.consolidationPolicy = 'Sometimes';
    pool.spec.template.spec.nodeClassRef.namespace = 'kube-system';
    const problems = registry.validate(pool).map((p) => `${p.path}: ${p.message}`);
    expect(problems).toContain('/spec/disruption/consolidationPolicy: must be equal to one of the allowed values');
    expect(problems).toContain('/spec/template/spec/nodeClassRef: must NOT have additional properties "namespace"');
  });
});
