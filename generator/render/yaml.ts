import { createHash } from 'node:crypto';
import { emitYaml } from './yaml-emitter';
import type { GeneratedFile } from '../model/generated-file';
import type { K8sObject } from '../model/k8s-object';
import { markerLine } from '../model/marker';

/** One object as a YAML file, with the marker naming the input to edit. */
export function renderYamlFile(object: K8sObject | Record<string, unknown>, source: string): string {
  return `# ${markerLine(source)}\n${emitYaml(object)}`;
}

/**
 * Bumped whenever the text made from the same object changes (yaml-emitter.ts YAML_OPTIONS, the marker): it is part of
 * every render key, so no stale rendering is reused.
 */
const RENDER_VERSION = 'yaml-1';

/**
 * A YAML file rendered only when its text is needed: its key (a digest of the object and its source) lets a
 * regenerate skip files whose object did not change. Serializing is most of the generator's cost.
 */
export function yamlFile(path: string, object: K8sObject | Record<string, unknown>, source: string): GeneratedFile {
  const key = createHash('sha1')
    .update(RENDER_VERSION)
    .update('\0')
    .update(source)
    .update('\0')
    .update(JSON.stringify(object))
    .digest('base64url');
  // not memoized: the writer asks for the text at most twice (compare, then stage) and should not keep it
  return {
    path,
    key,
    get content() {
      return renderYamlFile(object, source);
    },
  };
}

/**
 * Data as a JSON file whose first key, `//`, carries the marker (JSON has no comments). Argo CD's git
 * file generator reads it as parameters; the extra key is never referenced.
 */
export function renderJsonFile(data: unknown, source: string): string {
  const text = JSON.stringify({ '//': markerLine(source), ...(data as object) }, null, 2);
  return `${text.replace('{\n  "//"', '{ "//"')}\n`;
}
