import { emitYaml } from './yaml-emitter';
import type { GeneratedFile } from '../model/generated-file';
import type { K8sObject } from '../model/k8s-object';
import { markerLine } from '../model/marker';

/** One object as a YAML file, with the marker naming the input to edit. */
export function renderYamlFile(object: K8sObject | Record<string, unknown>, source: string): string {
  return `# ${markerLine(source)}\n${emitYaml(object)}`;
}

/**
 * A YAML file of one object, rendered when the writer reads its text: a cluster's files are listed before they are
 * written, and holding their objects costs less than holding their text.
 */
export function yamlFile(path: string, object: K8sObject | Record<string, unknown>, source: string): GeneratedFile {
  return {
    path,
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
