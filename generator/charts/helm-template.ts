import { parseAllDocuments } from 'yaml';
import { firstLine, runHelm, type Helm } from './helm-binary';

/** One object `helm template` rendered, with the template it came from. */
export interface RenderedObject {
  readonly object: KubernetesObject;
  /** `<chart>/templates/<file>.yaml`, from helm's `# Source:` comment; `<chart>/crds/...` for CRDs. */
  readonly source: string;
}

export interface KubernetesObject {
  readonly apiVersion?: unknown;
  readonly kind?: unknown;
  readonly metadata?: { readonly name?: unknown; readonly namespace?: unknown; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

export interface TemplateRequest {
  readonly chartPath: string;
  /** The Helm release name: Argo CD's `helm.releaseName`. */
  readonly release: string;
  /** The Application's destination namespace. */
  readonly namespace: string;
  readonly valuesFiles: readonly string[];
  /** The cluster's Kubernetes minor version, `1.33`. */
  readonly kubeVersion: string;
  /**
   * API versions the cluster serves beyond Kubernetes' own (`group/version` and `group/version/Kind`), as Argo CD
   * passes them.
   */
  readonly apiVersions?: readonly string[];
}

export type TemplateResult =
  | { readonly ok: true; readonly objects: RenderedObject[]; readonly problems: string[] }
  | { readonly ok: false; readonly message: string };

/**
 * Renders a chart as Argo CD does for a Helm source: `helm template` with the release name, the destination
 * namespace, the values files, the CRDs of the chart's `crds/` folder, the cluster's Kubernetes version and API
 * versions, and no test hooks (Argo CD does not run Helm tests). Returns each object with its template.
 */
export async function templateChart(
  helm: Helm,
  request: TemplateRequest,
  env?: NodeJS.ProcessEnv,
): Promise<TemplateResult> {
  const args = [
    'template',
    request.release,
    request.chartPath,
    '--namespace',
    request.namespace,
    '--include-crds',
    '--skip-tests',
    '--kube-version',
    request.kubeVersion,
  ];
  for (const file of request.valuesFiles) args.push('--values', file);
  for (const apiVersion of request.apiVersions ?? []) args.push('--api-versions', apiVersion);
  const result = await runHelm(helm, args, env);
  if (result.code !== 0) {
    return { ok: false, message: `helm template failed: ${firstLine(result.stderr) || `exit ${result.code}`}` };
  }
  return { ok: true, ...parseRendered(result.stdout) };
}

/** The objects of `helm template`'s output, each with its `# Source:`; documents that are not objects are problems. */
export function parseRendered(text: string): { objects: RenderedObject[]; problems: string[] } {
  const objects: RenderedObject[] = [];
  const problems: string[] = [];
  for (const doc of parseAllDocuments(text)) {
    // helm writes `# Source: <chart>/templates/<file>` at the top of each document
    const source = /^# Source: (\S+)/m.exec(text.slice(doc.range[0], doc.range[2]))?.[1] ?? 'unknown template';
    if (doc.errors.length) {
      problems.push(`${source}: is not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
      continue;
    }
    const value = doc.toJS({ maxAliasCount: 1000 }) as unknown;
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) {
      problems.push(`${source}: renders a document that is not a Kubernetes object`);
      continue;
    }
    objects.push({ object: value as KubernetesObject, source });
  }
  return { objects, problems };
}
