/** Pachyderm: data versioning and data-driven pipelines. */
import { rdsBinderObjects, generatedPasswordObjects } from './database-objects';
import { KubeJob, Quantity } from '../generator/imports/k8s';
import type { ClusterSpec } from '../generator/model/cluster-spec';
import { PACHD } from '../generator/model/data-platform-endpoints';
import { LABELS, MANAGED_BY, type K8sObject } from '../generator/model/k8s-object';
import { moduleDatabase, type ModuleContext, type PlatformModule } from '../generator/model/platform-module';
import { EBS_STORAGE_CLASS } from '../generator/model/platform-names';
import {
  dataPlatformBucket,
  IRSA_ROLE_ANNOTATION,
  irsaRoleArn,
  PACHYDERM_SERVICE_ACCOUNTS,
} from '../generator/platform/aws-names';

const NAME = 'pachyderm';
const DATABASES = ['in-cluster', 'rds'] as const;
const NAMESPACE = PACHD.namespace;

/**
 * The Secret pachd, pachw, pg-bouncer and the bundled PostgreSQL read the database password from
 * (`global.postgresql.postgresqlExistingSecretName`/`Key`, templates/pachd/deployment.yaml and
 * pgbouncer/deployment.yaml;
 * `global.postgresql.existingSecret` in the postgresql subchart's statefulset.yaml, which also reads the
 * `postgres` superuser's password from the second key because the user is not `postgres`).
 */
export const PACHYDERM_DATABASE_SECRET = {
  name: 'pachyderm-postgres',
  passwordKey: 'postgresql-password',
  superuserKey: 'postgresql-postgres-password',
} as const;
/** The ExternalName Service to the RDS instance (`database: rds`), which the RDS binder points at its address. */
export const PACHYDERM_RDS_SERVICE = 'pachyderm-rds';

// Upstream has had no stable release since 2.11.6 (December 2024); treat as unmaintained.
export const pachydermModule: PlatformModule = {
  name: NAME,
  description: 'Pachyderm data versioning and pipelines',
  enabledByDefault: false,
  namespace: NAMESPACE,
  source: {
    kind: 'helm',
    repoURL: 'https://helm.pachyderm.com',
    chart: 'pachyderm',
    version: '2.11.6', // newest stable tag v2.11.6 (2024-12-13); CI packages the chart with --version ${CIRCLE_TAG:1}
  },
  crds: [],
  needs: [],
  onMissingNeed: 'error',
  wave: 3,
  databases: DATABASES,
  values: ({ cluster }) => pachydermValues(cluster),
  manifests: ({ cluster }) => pachydermObjects(cluster),
  provides: () => [
    { apiVersion: 'v1', kind: 'ServiceAccount', name: PACHYDERM_SERVICE_ACCOUNTS.pachd, namespace: NAMESPACE },
    { apiVersion: 'v1', kind: 'ServiceAccount', name: PACHYDERM_SERVICE_ACCOUNTS.worker, namespace: NAMESPACE },
    { apiVersion: 'v1', kind: 'Service', name: PACHD.service, namespace: NAMESPACE },
  ],
  check: (context) => rdsNeedsExternalSecrets(context),
  docs: 'https://github.com/pachyderm/pachyderm/releases/tag/v2.11.6',
};

/**
 * Values of the pachyderm chart 2.11.6 (etc/helm/pachyderm/values.yaml and templates at tag v2.11.6):
 * - storage: `deployTarget: AMAZON` picks the S3 backend (`pachyderm.storageBackend` in _helpers.tpl), which pachd
 *   opens from `pachd.storage.storageURL` (`STORAGE_URL`, parsed by src/internal/obj/url.go: `s3://<bucket>?region=`).
 *   No `amazon.id`/`secret`: the SDK's default chain finds the IRSA role the service accounts' annotation names
 *   (infra/units/data-platform.ts says why IRSA and not Pod Identity). Workers get the worker account.
 * - database: the password from `PACHYDERM_DATABASE_SECRET`, never a value: the chart's `insecure-user-password` and
 *   `insecure-root-password` defaults are blanked, which the templates allow once an existing Secret is named.
 *   In-cluster, the bundled PostgreSQL keeps its data on an encrypted gp3 volume; with RDS it is off and pg-bouncer
 *   and pachd reach the instance through the ExternalName Service, over TLS (RDS for PostgreSQL 15 and later
 *   refuses connections without it: `rds.force_ssl` defaults to 1).
 * - etcd and Loki keep their data on gp3 volumes too.
 */
export function pachydermValues(cluster: ClusterSpec): Record<string, unknown> {
  const bucket = dataPlatformBucket(cluster, NAME);
  const region = cluster.aws.region;
  const roleAnnotation = { [IRSA_ROLE_ANNOTATION]: irsaRoleArn(cluster, NAME) };
  const rds = databaseOf(cluster) === 'rds';
  return {
    deployTarget: 'AMAZON',
    global: {
      postgresql: {
        postgresqlPassword: '',
        postgresqlPostgresPassword: '',
        postgresqlExistingSecretName: PACHYDERM_DATABASE_SECRET.name,
        postgresqlExistingSecretKey: PACHYDERM_DATABASE_SECRET.passwordKey,
        // read by the postgresql subchart (its `postgresql.secretName` helper)
        existingSecret: PACHYDERM_DATABASE_SECRET.name,
        ...(rds
          ? {
              postgresqlHost: `${PACHYDERM_RDS_SERVICE}.${NAMESPACE}.svc.cluster.local`,
              postgresqlPort: '5432',
              postgresqlSSL: 'require',
              ssl: true,
            }
          : {}),
      },
    },
    pachd: {
      storage: {
        storageURL: `s3://${bucket}?region=${region}`,
        amazon: { bucket, region },
      },
      serviceAccount: {
        create: true,
        name: PACHYDERM_SERVICE_ACCOUNTS.pachd,
        additionalAnnotations: roleAnnotation,
      },
      worker: {
        serviceAccount: {
          create: true,
          name: PACHYDERM_SERVICE_ACCOUNTS.worker,
          additionalAnnotations: roleAnnotation,
        },
      },
    },
    // the envoy proxy in front of pachd and the console (a ClusterIP Service): its in-cluster name is the public host
    // pachd and the console build their URLs from (`pachyderm.host`, PACHYDERM_PUBLIC_HOST), unset otherwise
    proxy: { host: `pachyderm-proxy.${NAMESPACE}.svc.cluster.local` },
    etcd: { storageClass: EBS_STORAGE_CLASS },
    // loki 2.16.0 (in loki-stack 2.8.1) renders `subPath:` and `env:` empty when unset, which is no valid value;
    // jaeger-client-go reads JAEGER_DISABLED, and Loki traces nothing without an agent anyway
    'loki-stack': {
      loki: {
        persistence: { storageClassName: EBS_STORAGE_CLASS, subPath: 'loki' },
        env: [{ name: 'JAEGER_DISABLED', value: 'true' }],
      },
    },
    postgresql: rds ? { enabled: false } : inClusterPostgres(),
  };
}

/**
 * The bundled PostgreSQL (bitnami postgresql 10.8.0 in the chart's charts/): an encrypted gp3 volume, off spot
 * capacity. Its templates render `annotations:`, the affinity presets and `subPath:` empty when unset, which is no
 * valid value (templates/svc.yaml, statefulset.yaml): set, they render what is meant.
 */
function inClusterPostgres(): Record<string, unknown> {
  return {
    enabled: true,
    commonAnnotations: { 'mlops-fleet.io/database-of': NAME },
    persistence: { storageClass: EBS_STORAGE_CLASS, size: '50Gi', subPath: 'pgdata' },
    primary: {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: 'karpenter.sh/capacity-type', operator: 'NotIn', values: ['spot'] }] },
            ],
          },
        },
      },
    },
  };
}

/**
 * In-cluster: the Job that generates the database passwords once. RDS: the binder that writes the ExternalName
 * Service and the ExternalSecret, and a Job that creates the `dex` database pachd's identity service opens
 * (`IDENTITY_SERVER_DATABASE`, default `dex`, src/internal/pachconfig/config.go), which the bundled PostgreSQL's
 * init script creates in-cluster and nothing does on RDS.
 */
export function pachydermObjects(cluster: ClusterSpec): K8sObject[] {
  if (databaseOf(cluster) !== 'rds') {
    return generatedPasswordObjects(cluster, NAME, NAMESPACE, PACHYDERM_DATABASE_SECRET.name, [
      PACHYDERM_DATABASE_SECRET.passwordKey,
      PACHYDERM_DATABASE_SECRET.superuserKey,
    ]);
  }
  return [
    ...rdsBinderObjects(cluster, NAME, NAMESPACE, {
      service: PACHYDERM_RDS_SERVICE,
      secret: PACHYDERM_DATABASE_SECRET.name,
      passwordKeys: [PACHYDERM_DATABASE_SECRET.passwordKey],
    }),
    dexDatabaseJob(cluster),
  ];
}

/** The image of the chart's own PostgreSQL (values.yaml `postgresql.image`), for its psql client. */
const POSTGRES_CLIENT_IMAGE = 'docker.io/pachyderm/postgresql:13.3.0';

function dexDatabaseJob(cluster: ClusterSpec): K8sObject {
  const name = 'pachyderm-dex-database';
  const labels = { [LABELS.managedBy]: MANAGED_BY, [LABELS.cluster]: cluster.name, 'app.kubernetes.io/part-of': NAME };
  const script = [
    'set -eu',
    'q() { psql -v ON_ERROR_STOP=1 -tA -c "$1"; }',
    `if [ "$(q "SELECT 1 FROM pg_database WHERE datname = 'dex'")" = 1 ]; then echo "database dex exists"; exit 0; fi`,
    'q "CREATE DATABASE dex"',
    'echo "created database dex"',
  ].join('\n');
  return KubeJob.manifest({
    metadata: { name, namespace: NAMESPACE, labels, annotations: { 'argocd.argoproj.io/sync-wave': '-1' } },
    spec: {
      backoffLimit: 20,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'OnFailure',
          securityContext: { runAsNonRoot: true, runAsUser: 1001 },
          containers: [
            {
              name: 'create-dex-database',
              image: POSTGRES_CLIENT_IMAGE,
              command: ['/bin/sh', '-c', script],
              env: [
                { name: 'PGHOST', value: `${PACHYDERM_RDS_SERVICE}.${NAMESPACE}.svc.cluster.local` },
                { name: 'PGPORT', value: '5432' },
                { name: 'PGDATABASE', value: NAME },
                { name: 'PGUSER', value: NAME },
                { name: 'PGSSLMODE', value: 'require' },
                {
                  name: 'PGPASSWORD',
                  // written by External Secrets once the binder has applied the ExternalSecret: until then psql
                  // fails and the Job retries
                  valueFrom: {
                    secretKeyRef: {
                      name: PACHYDERM_DATABASE_SECRET.name,
                      key: PACHYDERM_DATABASE_SECRET.passwordKey,
                      optional: true,
                    },
                  },
                },
              ],
              resources: { requests: { cpu: Quantity.fromString('50m'), memory: Quantity.fromString('64Mi') } },
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
            },
          ],
        },
      },
    },
  });
}

function rdsNeedsExternalSecrets({ cluster, enabled }: ModuleContext) {
  if (databaseOf(cluster) !== 'rds' || enabled.has('external-secrets')) return [];
  return [
    {
      field: 'database',
      message:
        'database: rds brings the RDS master password into the namespace with an ExternalSecret: ' +
        'turn on external-secrets (modules.external-secrets: true), or use database: in-cluster',
    },
  ];
}

/** Where the cluster keeps Pachyderm's database. */
function databaseOf(cluster: ClusterSpec) {
  return moduleDatabase(cluster, { name: NAME, databases: DATABASES });
}
