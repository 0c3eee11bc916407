/**
 * The objects a data platform module adds around its database, so that no password is ever in git:
 * - in-cluster: a Job that generates the database's passwords in the cluster, once, into a Secret the chart reads;
 * - RDS: a binder Job that learns where the instance is and which Secrets Manager secret RDS keeps its master password
 *   in (both known only after the Terragrunt unit is applied, written by it to SSM), and writes an ExternalName
 *   Service to the instance and the ExternalSecret that brings the password into the namespace (External Secrets
 *   refreshes it, so RDS's own rotations reach the Secret).
 * They run before the chart (sync waves -2 and -1): the chart's pods start with their Secret there.
 */
import {
  KubeConfigMap,
  KubeJob,
  KubeRole,
  KubeRoleBinding,
  KubeServiceAccount,
  Quantity,
} from '../generator/imports/k8s';
import type { ClusterSpec } from '../generator/model/cluster-spec';
import { LABELS, MANAGED_BY, type K8sObject } from '../generator/model/k8s-object';
import {
  databaseBinderServiceAccount,
  databaseParameter,
  IRSA_ROLE_ANNOTATION,
  irsaRoleArn,
} from '../generator/platform/aws-names';

/** The AWS CLI image the Jobs run (AWS CLI v2 on Amazon Linux 2, with curl, sed and coreutils). */
const AWS_CLI_IMAGE = 'public.ecr.aws/aws-cli/aws-cli:2.27.0';
const WAVE = 'argocd.argoproj.io/sync-wave';

export function labelsOf(cluster: ClusterSpec, module: string): Record<string, string> {
  return { [LABELS.managedBy]: MANAGED_BY, [LABELS.cluster]: cluster.name, 'app.kubernetes.io/part-of': module };
}

/** Service account, Role and RoleBinding of a Job that may only do `rules` in its namespace. */
export function jobIdentity(
  name: string,
  namespace: string,
  labels: Record<string, string>,
  rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[],
  annotations?: Record<string, string>,
): K8sObject[] {
  const early = { [WAVE]: '-2' };
  return [
    KubeServiceAccount.manifest({
      metadata: { name, namespace, labels, annotations: { ...early, ...annotations } },
    }),
    KubeRole.manifest({ metadata: { name, namespace, labels, annotations: early }, rules }),
    KubeRoleBinding.manifest({
      metadata: { name, namespace, labels, annotations: early },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    }),
  ];
}

/** A Job running `script` (from its ConfigMap) with the AWS CLI image, before the chart (wave -1). */
export function scriptJob(
  name: string,
  namespace: string,
  labels: Record<string, string>,
  files: Record<string, string>,
  env: { name: string; value: string }[],
  jobAnnotations: Record<string, string> = { [WAVE]: '-1' },
): K8sObject[] {
  return [
    KubeConfigMap.manifest({ metadata: { name, namespace, labels, annotations: { [WAVE]: '-2' } }, data: files }),
    KubeJob.manifest({
      metadata: { name, namespace, labels, annotations: jobAnnotations },
      spec: {
        backoffLimit: 10,
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            restartPolicy: 'OnFailure',
            securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534 },
            containers: [
              {
                name: 'run',
                image: AWS_CLI_IMAGE,
                command: ['/bin/sh', '/config/run.sh'],
                env,
                resources: { requests: { cpu: Quantity.fromString('50m'), memory: Quantity.fromString('128Mi') } },
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
                volumeMounts: [{ name: 'config', mountPath: '/config', readOnly: true }],
              },
            ],
            volumes: [{ name: 'config', configMap: { name } }],
          },
        },
      },
    }),
  ];
}

/** Shell helpers: calls to the Kubernetes API with the Job's own service account token. */
export const KUBE_API = [
  // the projected token of the pod's service account (SA_DIR elsewhere: the tests' fake)
  'SA=${SA_DIR:-/var/run/secrets/kubernetes.io/serviceaccount}',
  'NS=$(cat $SA/namespace)',
  'kube() { curl -sS --cacert $SA/ca.crt -H "Authorization: Bearer $(cat $SA/token)" "$@"; }',
];

/**
 * A Secret of random passwords, created in the cluster the first time and never changed after (the database was
 * initialised with them): `keys` of 32 letters and digits from /dev/urandom. Argo CD does not own the Secret, so
 * it is neither pruned nor overwritten.
 */
export function generatedPasswordObjects(
  cluster: ClusterSpec,
  module: string,
  namespace: string,
  secret: string,
  keys: readonly string[],
): K8sObject[] {
  const name = `${module}-db-password`;
  const labels = labelsOf(cluster, module);
  const labelsJson = JSON.stringify(JSON.stringify(labels)).slice(1, -1);
  const script = [
    '#!/bin/sh',
    '# Creates the database password Secret once; an existing one is kept (the database was initialised with it).',
    'set -eu',
    ...KUBE_API,
    'URL="https://kubernetes.default.svc/api/v1/namespaces/$NS/secrets"',
    'code=$(kube -o /dev/null -w "%{http_code}" "$URL/$SECRET_NAME")',
    'if [ "$code" = 200 ]; then echo "Secret $SECRET_NAME exists: kept"; exit 0; fi',
    'if [ "$code" != 404 ]; then echo "reading Secret $SECRET_NAME: HTTP $code" >&2; exit 1; fi',
    'random() { head -c 96 /dev/urandom | base64 | tr -dc "A-Za-z0-9" | cut -c1-32; }',
    'data=""',
    'for key in $SECRET_KEYS; do data="$data${data:+,}\\"$key\\":\\"$(random)\\""; done',
    `body="{\\"apiVersion\\":\\"v1\\",\\"kind\\":\\"Secret\\",\\"type\\":\\"Opaque\\",` +
      `\\"metadata\\":{\\"name\\":\\"$SECRET_NAME\\",\\"labels\\":${labelsJson}},` +
      `\\"stringData\\":{$data}}"`,
    'code=$(printf "%s" "$body" | kube -o /dev/null -w "%{http_code}" -X POST -H "Content-Type: application/json" \\',
    '  --data-binary @- "$URL")',
    'if [ "$code" != 201 ]; then echo "creating Secret $SECRET_NAME: HTTP $code" >&2; exit 1; fi',
    'echo "created Secret $SECRET_NAME"',
    '',
  ].join('\n');
  return [
    ...jobIdentity(name, namespace, labels, [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'create'] }]),
    ...scriptJob(name, namespace, labels, { 'run.sh': script }, [
      { name: 'HOME', value: '/tmp' },
      { name: 'SECRET_NAME', value: secret },
      { name: 'SECRET_KEYS', value: keys.join(' ') },
    ]),
  ];
}

/** What the RDS binder writes: the Service to the instance, the Secret the chart reads its password from. */
export interface RdsBinding {
  /** The ExternalName Service the chart connects to: `<service>.<namespace>.svc.cluster.local`. */
  readonly service: string;
  /** The Secret the ExternalSecret writes, and its keys: each filled with the master password. */
  readonly secret: string;
  readonly passwordKeys: readonly string[];
}

/** The SecretStore of a module's RDS secret: Secrets Manager, as the binder's service account (IRSA). */
export function rdsSecretStoreName(module: string): string {
  return `${module}-database`;
}

/**
 * The binder of a module's RDS instance, and the SecretStore its ExternalSecret reads through. The SecretStore
 * authenticates with the binder's service account token (External Secrets' `jwt` auth: AssumeRoleWithWebIdentity
 * into the role its IRSA annotation names), whose role may read that one secret (infra/units/data-platform.ts).
 */
export function rdsBinderObjects(
  cluster: ClusterSpec,
  module: string,
  namespace: string,
  binding: RdsBinding,
): K8sObject[] {
  const name = databaseBinderServiceAccount(module);
  const labels = labelsOf(cluster, module);
  const store = rdsSecretStoreName(module);
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: binding.service, namespace, labels },
    spec: { type: 'ExternalName', externalName: '@ADDRESS@' },
  };
  const externalSecret = {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: binding.secret, namespace, labels },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { name: store, kind: 'SecretStore' },
      target: { name: binding.secret, creationPolicy: 'Owner' },
      // RDS keeps the master user's credentials as JSON: {"username": ..., "password": ...}
      data: binding.passwordKeys.map((key) => ({
        secretKey: key,
        remoteRef: { key: '@SECRET_ARN@', property: 'password' },
      })),
    },
  };
  const script = [
    '#!/bin/sh',
    '# Points the Service at the RDS instance and the ExternalSecret at its master secret, from what the unit wrote.',
    'set -eu',
    ...KUBE_API,
    'param() { aws ssm get-parameter --name "$1" --query Parameter.Value --output text; }',
    `ADDRESS=$(param ${databaseParameter(cluster.name, module, 'address')})`,
    `SECRET_ARN=$(param ${databaseParameter(cluster.name, module, 'secret-arn')})`,
    'apply() {',
    '  sed -e "s|@ADDRESS@|$ADDRESS|g" -e "s|@SECRET_ARN@|$SECRET_ARN|g" "/config/$2.json" > /tmp/object.json',
    `  code=$(kube -o /dev/null -w "%{http_code}" -X PATCH -H "Content-Type: application/apply-patch+yaml" \\`,
    `    --data-binary @/tmp/object.json "https://kubernetes.default.svc/$1/$2?fieldManager=${name}&force=true")`,
    '  if [ "$code" != 200 ] && [ "$code" != 201 ]; then echo "applying $2: HTTP $code" >&2; exit 1; fi',
    '  echo "applied $2"',
    '}',
    `apply "api/v1/namespaces/$NS/services" ${binding.service}`,
    `apply "apis/external-secrets.io/v1/namespaces/$NS/externalsecrets" ${binding.secret}`,
    '',
  ].join('\n');
  return [
    {
      apiVersion: 'external-secrets.io/v1',
      kind: 'SecretStore',
      metadata: { name: store, namespace, labels, annotations: { [WAVE]: '-2' } },
      spec: {
        provider: {
          aws: {
            service: 'SecretsManager',
            region: cluster.aws.region,
            auth: { jwt: { serviceAccountRef: { name } } },
          },
        },
      },
    },
    ...jobIdentity(
      name,
      namespace,
      labels,
      [
        { apiGroups: [''], resources: ['services'], verbs: ['get', 'create', 'patch'] },
        { apiGroups: ['external-secrets.io'], resources: ['externalsecrets'], verbs: ['get', 'create', 'patch'] },
      ],
      { [IRSA_ROLE_ANNOTATION]: irsaRoleArn(cluster, name) },
    ),
    ...scriptJob(
      name,
      namespace,
      labels,
      {
        'run.sh': script,
        [`${binding.service}.json`]: JSON.stringify(service),
        [`${binding.secret}.json`]: JSON.stringify(externalSecret),
      },
      [
        { name: 'HOME', value: '/tmp' },
        { name: 'AWS_REGION', value: cluster.aws.region },
      ],
    ),
  ];
}
