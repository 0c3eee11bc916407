import { parse } from 'yaml';

/**
 * The data of YAML text held in a field of an input (a Ray Serve config, a RayJob's runtimeEnvYAML, a ConfigMap body),
 * or undefined when it is not YAML: the checks that read it report what they miss. Silent: a tag or odd key in the text
 * is not worth a Node warning in the user's terminal.
 */
export function parseEmbeddedYaml(text: string): unknown {
  try {
    return parse(text, { logLevel: 'silent' }) as unknown;
  } catch {
    return undefined;
  }
}
