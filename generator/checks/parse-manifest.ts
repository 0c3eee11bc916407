import { parseAllDocuments } from 'yaml';
import { fastParseYaml } from '../config/yaml-fast-parse';

export type ManifestObject = { apiVersion?: string; kind?: string; metadata?: { name?: string } };

/**
 * The objects of a YAML manifest, with the first syntax error if there is one. Generated files are parsed by
 * the fast path wherever it gives exactly what `yaml` would (almost always: one plain object per file), by
 * `yaml` otherwise (several documents, anchors, anything unusual).
 */
export function parseManifest(text: string): { objects: ManifestObject[]; error?: string } {
  const fast = fastParseYaml(text);
  if (fast) return { objects: [fast.data as ManifestObject] };
  const objects: ManifestObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) return { objects, error: `is not valid YAML: ${doc.errors[0].message}` };
    const object = doc.toJS() as ManifestObject | null;
    if (object) objects.push(object);
  }
  return { objects };
}
