import { stringify } from 'yaml';
import type { K8sObject } from './k8s-object';
import { markerLine } from './marker';

const OPTIONS = { lineWidth: 0, aliasDuplicateObjects: false, version: '1.2' } as const;

/** One object as a YAML file, with the marker naming the input to edit. */
export function renderYamlFile(object: K8sObject | Record<string, unknown>, source: string): string {
  return `# ${markerLine(source)}\n${stringify(object, OPTIONS)}`;
}
