import { stringify } from 'yaml';
import type { K8sObject } from './k8s-object';
import { markerLine } from './marker';

const OPTIONS = { lineWidth: 0, aliasDuplicateObjects: false, version: '1.2' } as const;

/** One object as a YAML file, with the marker naming the input to edit. */
export function renderYamlFile(object: K8sObject | Record<string, unknown>, source: string): string {
  return `# ${markerLine(source)}\n${stringify(object, OPTIONS)}`;
}

/**
 * Data as a JSON file whose first key, `//`, carries the marker (JSON has no comments). Argo CD's git
 * file generator reads it as parameters; the extra key is never referenced.
 */
export function renderJsonFile(data: unknown, source: string): string {
  return `${JSON.stringify({ '//': markerLine(source), ...(data as object) }, null, 2).replace('{\n  "//"', '{ "//"')}\n`;
}
