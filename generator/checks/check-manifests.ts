import { parseManifest } from './parse-manifest';
import type { SchemaRegistry } from './schema-registry';
import type { Problem } from '../config/problems';
import type { GeneratedFile } from '../model/generated-file';

export interface ManifestCheckReport {
  readonly problems: Problem[];
  /** Objects checked, per `apiVersion kind`. */
  readonly counts: Map<string, number>;
}

/** Validates every Kubernetes object in the given YAML files against its schema. */
export function checkManifests(files: readonly GeneratedFile[], registry: SchemaRegistry): ManifestCheckReport {
  const problems: Problem[] = [];
  const counts = new Map<string, number>();
  for (const file of files) {
    if (!file.path.endsWith('.yaml') || !isManifestPath(file.path)) continue;
    const { objects, error } = parseManifest(file.content);
    if (error) problems.push({ file: file.path, field: '', message: error });
    for (const object of objects) {
      const gvk = `${object.apiVersion} ${object.kind}`;
      counts.set(gvk, (counts.get(gvk) ?? 0) + 1);
      for (const p of registry.validate(object)) {
        problems.push({ file: file.path, field: p.path.replace(/^\//, '').replace(/\//g, '.'), message: p.message });
      }
    }
  }
  return { problems, counts };
}

/**
 * Kubernetes manifests live in a cluster's platform/, workloads/ and argocd/ folders (not infra/, not
 * cluster.yaml); a module's Helm values (`platform/<module>/values.yaml`) are not a manifest.
 */
export function isManifestPath(path: string): boolean {
  return (
    /^clusters\/[^/]+\/(platform|workloads|argocd)\//.test(path) &&
    !/^clusters\/[^/]+\/platform\/[^/]+\/values\.yaml$/.test(path)
  );
}
