/** Determined AI: distributed training, hyperparameter search and experiment tracking platform. */
import { jobIdentity, KUBE_API, labelsOf, scriptJob } from './database-objects';
import { KubeServiceAccount } from '../generator/imports/k8s';
import type { ClusterSpec } from '../generator/model/cluster-spec';
import {
  DETERMINED_CREDENTIALS,
  DETERMINED_MASTER,
  determinedMasterAddress,
} from '../generator/model/data-platform-endpoints';
import type { K8sObject } from '../generator/model/k8s-object';
import type { PlatformModule } from '../generator/model/platform-module';
import { EBS_STORAGE_CLASS } from '../generator/model/platform-names';
import {
  dataPlatformBucket,
  DETERMINED_SERVICE_ACCOUNTS,
  IRSA_ROLE_ANNOTATION,
  irsaRoleArn,
} from '../generator/platform/aws-names';
import { poolInstanceTypes } from '../generator/platform/instance-types';

const NAME = 'determined';
const NAMESPACE = DETERMINED_MASTER.namespace;

/**
 * The password the chart makes the master give the `admin` and `determined` users when it first creates them
 * (`initialUserPassword`, required by templates/master-config.yaml: under Argo CD its `lookup` of the database
 * Service finds nothing, so the chart always asks for it). It is public, in git, and lives only until the
 * credentials Job replaces both users' passwords with random ones kept in the cluster (DETERMINED_CREDENTIALS).
 */
const BOOTSTRAP_PASSWORD = 'Replaced-On-Install-1';
/** Salt the det CLI hashes passwords with before sending them (harness/determined/common/api/authentication.py). */
const PASSWORD_SALT = 'GubPEmmotfiK9TMD6Zdw';

// Upstream has had no release since 0.38.1 (March 2025); treat as unmaintained.
export const determinedModule: PlatformModule = {
  name: NAME,
  description: 'Determined AI master and database for distributed training and hyperparameter search',
  enabledByDefault: false,
  namespace: NAMESPACE,
  source: {
    kind: 'helm',
    repoURL: 'https://helm.determined.ai/',
    chart: 'determined',
    version: '0.38.1', // newest release tag v0.38.1 (2025-03-19); chart version is stamped with the release version
  },
  crds: [],
  needs: [],
  onMissingNeed: 'error',
  wave: 3,
  // the chart reads the database password from its values only (templates/master-config.yaml writes `db.password`
  // into the master's config Secret, templates/db-deployment.yaml into POSTGRES_PASSWORD; the master Deployment
  // takes no extra environment, so DET_DB_PASSWORD cannot come from a Secret): an RDS password kept in Secrets
  // Manager cannot reach it, so only the chart's own database
  databases: ['in-cluster'],
  values: ({ cluster }) => determinedValues(cluster),
  manifests: ({ cluster }) => determinedObjects(cluster),
  provides: () => [
    { apiVersion: 'v1', kind: 'ServiceAccount', name: DETERMINED_SERVICE_ACCOUNTS.master, namespace: NAMESPACE },
    { apiVersion: 'v1', kind: 'Service', name: DETERMINED_MASTER.service, namespace: NAMESPACE },
  ],
  docs: 'https://docs.determined.ai/latest/setup-cluster/k8s/install-on-kubernetes.html',
};

/**
 * Values of the determined chart 0.38.1 (helm/charts/determined/values.yaml and templates at tag v0.38.1):
 * - checkpoints in the module's bucket (`checkpointStorage.type: s3`); no access keys: `accessKey` and `secretKey`
 *   left unset render as null in master.yaml (Sprig's `quote` drops a nil), so boto3 in the task pods uses its
 *   default chain, which finds the IRSA role of the task service account.
 * - every task pod (trials, checkpoint GC, notebooks, commands) runs as that service account: the master keeps the
 *   pod spec's `serviceAccountName` from `taskContainerDefaults.*PodSpec` (master/internal/rm/kubernetesrm/spec.go).
 * - `maxSlotsPerPod` is required: the greatest common divisor of the GPU counts the cluster's GPU pools may launch,
 *   as the chart's comment advises, so every multi-GPU trial splits into pods that fit any of them.
 * - the master's Service is a NodePort, not the chart's default internet-facing LoadBalancer; inside the cluster it
 *   is reached at DETERMINED_MASTER.
 * - the chart's PostgreSQL on an encrypted gp3 volume.
 */
export function determinedValues(cluster: ClusterSpec): Record<string, unknown> {
  const taskPodSpec = {
    apiVersion: 'v1',
    kind: 'Pod',
    spec: { serviceAccountName: DETERMINED_SERVICE_ACCOUNTS.task },
  };
  return {
    maxSlotsPerPod: maxSlotsPerPod(cluster),
    useNodePortForMaster: true,
    initialUserPassword: BOOTSTRAP_PASSWORD,
    checkpointStorage: {
      type: 's3',
      bucket: dataPlatformBucket(cluster, NAME),
      prefix: 'checkpoints',
      saveExperimentBest: 0,
      saveTrialBest: 1,
      saveTrialLatest: 1,
    },
    db: { storageClassName: EBS_STORAGE_CLASS, storageSize: '50Gi' },
    taskContainerDefaults: {
      cpuPodSpec: taskPodSpec,
      gpuPodSpec: taskPodSpec,
      checkpointGcPodSpec: taskPodSpec,
    },
    telemetry: { enabled: false },
  };
}

/** The GCD of the GPU counts of the instance types the cluster's GPU pools may launch; 1 without any. */
export function maxSlotsPerPod(cluster: ClusterSpec): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const counts = cluster.nodePools
    .filter((pool) => pool.kind === 'cuda' || pool.kind === 'cuda-efa')
    .flatMap((pool) => poolInstanceTypes(pool).map(([, type]) => type.gpus))
    .filter((gpus) => gpus > 0);
  return counts.length ? counts.reduce(gcd) : 1;
}

/** The task pods' service account (IRSA: the bucket), and the Job that replaces the bootstrap passwords. */
export function determinedObjects(cluster: ClusterSpec): K8sObject[] {
  const labels = labelsOf(cluster, NAME);
  return [
    KubeServiceAccount.manifest({
      metadata: {
        name: DETERMINED_SERVICE_ACCOUNTS.task,
        namespace: NAMESPACE,
        labels,
        annotations: { [IRSA_ROLE_ANNOTATION]: irsaRoleArn(cluster, NAME) },
      },
    }),
    ...credentialsObjects(cluster),
  ];
}

/**
 * After each sync (an Argo CD PostSync hook, once the master is up): the Secret DETERMINED_CREDENTIALS with random
 * passwords for `admin` and `determined`, created once, and each user's password set to it where logging in with it
 * fails (as admin, with the Secret's password or else the bootstrap one). Idempotent: a second run changes nothing.
 * Passwords travel as the det CLI sends them: salted SHA-512 with `isHashed` (POST /api/v1/auth/login,
 * PATCH /api/v1/users/{id}, harness/determined/common/experimental/user.py `change_password`).
 */
function credentialsObjects(cluster: ClusterSpec): K8sObject[] {
  const name = 'determined-credentials';
  const labels = labelsOf(cluster, NAME);
  const { secret, usernameKey, passwordKey, user } = DETERMINED_CREDENTIALS;
  const script = [
    '#!/bin/sh',
    "# Replaces the bootstrap passwords of Determined's users with random ones kept in a Secret of the cluster.",
    'set -eu',
    ...KUBE_API,
    'URL="https://kubernetes.default.svc/api/v1/namespaces/$NS/secrets"',
    'random() { printf "%sAa1" "$(head -c 96 /dev/urandom | base64 | tr -dc "A-Za-z0-9" | cut -c1-29)"; }',
    `hash() { printf "%s%s" "${PASSWORD_SALT}" "$1" | sha512sum | cut -d" " -f1; }`,
    // the value of a key in a JSON response, compact (the master's) or indented (the API server's)
    'field() { sed -n "s/.*\\"$1\\": *\\"\\{0,1\\}\\([^\\",}]*\\).*/\\1/p"; }',
    'code=$(kube -o /dev/null -w "%{http_code}" "$URL/$SECRET_NAME")',
    'if [ "$code" = 404 ]; then',
    `  body="{\\"apiVersion\\":\\"v1\\",\\"kind\\":\\"Secret\\",\\"type\\":\\"Opaque\\",` +
      `\\"metadata\\":{\\"name\\":\\"$SECRET_NAME\\"},\\"stringData\\":{\\"${usernameKey}\\":\\"${user}\\",` +
      `\\"${passwordKey}\\":\\"$(random)\\",\\"admin-${passwordKey}\\":\\"$(random)\\"}}"`,
    '  code=$(printf "%s" "$body" | kube -o /dev/null -w "%{http_code}" -X POST \\',
    '    -H "Content-Type: application/json" --data-binary @- "$URL")',
    '  if [ "$code" != 201 ]; then echo "creating Secret $SECRET_NAME: HTTP $code" >&2; exit 1; fi',
    '  echo "created Secret $SECRET_NAME"',
    'elif [ "$code" != 200 ]; then echo "reading Secret $SECRET_NAME: HTTP $code" >&2; exit 1; fi',
    'stored() { kube "$URL/$SECRET_NAME" | field "$1" | base64 -d; }',
    'login() {',
    '  curl -sS -X POST -H "Content-Type: application/json" "$MASTER/api/v1/auth/login" \\',
    '    --data-binary "{\\"username\\":\\"$1\\",\\"password\\":\\"$(hash "$2")\\",\\"isHashed\\":true}" | field token',
    '}',
    'ADMIN_NEW=$(stored "admin-' + passwordKey + '")',
    'USER_NEW=$(stored "' + passwordKey + '")',
    'TOKEN=""',
    'admin_token() {',
    '  [ -n "$TOKEN" ] || TOKEN=$(login admin "$ADMIN_NEW")',
    '  [ -n "$TOKEN" ] || TOKEN=$(login admin "$BOOTSTRAP")',
    '  [ -n "$TOKEN" ] || { echo "cannot log in as admin" >&2; exit 1; }',
    '}',
    'set_password() {',
    '  if [ -n "$(login "$1" "$2")" ]; then echo "$1: password already set"; return; fi',
    '  admin_token',
    '  id=$(curl -sS -H "Authorization: Bearer $TOKEN" "$MASTER/api/v1/users/$1/by-username" | field id)',
    '  code=$(curl -sS -o /dev/null -w "%{http_code}" -X PATCH -H "Authorization: Bearer $TOKEN" \\',
    '    -H "Content-Type: application/json" "$MASTER/api/v1/users/$id" \\',
    '    --data-binary "{\\"password\\":\\"$(hash "$2")\\",\\"isHashed\\":true}")',
    '  if [ "$code" != 200 ]; then echo "$1: setting the password: HTTP $code" >&2; exit 1; fi',
    '  echo "$1: password replaced"',
    '}',
    // the determined user first: admin's own change would end the token's use for it otherwise
    `set_password ${user} "$USER_NEW"`,
    'set_password admin "$ADMIN_NEW"',
    '',
  ].join('\n');
  return [
    ...jobIdentity(name, NAMESPACE, labels, [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'create'] }]),
    ...scriptJob(
      name,
      NAMESPACE,
      labels,
      { 'run.sh': script },
      [
        { name: 'HOME', value: '/tmp' },
        { name: 'SECRET_NAME', value: secret },
        { name: 'MASTER', value: determinedMasterAddress() },
        { name: 'BOOTSTRAP', value: BOOTSTRAP_PASSWORD },
      ],
      {
        'argocd.argoproj.io/hook': 'PostSync',
        'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
      },
    ),
  ];
}
