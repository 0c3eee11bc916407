/** A rendered Kubernetes object, as plain data ready to be serialized. */
export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  readonly [field: string]: unknown;
}

/** Labels every generated object carries, so `kubectl get -l` finds what the fleet owns. */
export const LABEL_PREFIX = 'mlops-fleet.io';
export const LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  cluster: `${LABEL_PREFIX}/cluster`,
  environment: `${LABEL_PREFIX}/environment`,
  team: `${LABEL_PREFIX}/team`,
  priority: `${LABEL_PREFIX}/priority`,
} as const;
export const MANAGED_BY = 'mlops-fleet';

/** File name of an object inside its folder: `<kind>-<name>.yaml`, or `<kind>-<namespace>-<name>.yaml`. */
export function objectFileName(object: K8sObject): string {
  const { name, namespace } = object.metadata;
  const base = namespace ? `${object.kind}-${namespace}-${name}` : `${object.kind}-${name}`;
  return `${base.toLowerCase().replace(/[^a-z0-9.-]/g, '-')}.yaml`;
}
