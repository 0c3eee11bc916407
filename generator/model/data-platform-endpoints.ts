/*
 * Where the data platform's servers listen inside a cluster, and how a client in the cluster authenticates: what the
 * hook Jobs of Pachyderm pipelines and Determined experiments call. The modules (platform/pachyderm.ts,
 * platform/determined.ts) install them under these names; the values below are read from the pinned charts.
 */

/**
 * pachd's gRPC API: the Service `pachd` of the pachyderm chart 2.11.6 (etc/helm/pachyderm/templates/pachd/service.yaml,
 * port `pachd.service.apiGRPCPort`, 30650 in its values.yaml), in the module's namespace.
 */
export const PACHD = {
  namespace: 'pachyderm',
  service: 'pachd',
  grpcPort: 30650,
  /** Port of pachd's S3 gateway on the same Service. */
  s3GatewayPort: 30600,
} as const;

/**
 * The address pachctl and the Python client take (`pachctl connect <address>`, or the `PACHD_ADDRESS` environment
 * variable, src/internal/client/client.go at v2.11.6).
 */
export function pachdAddress(): string {
  return `grpc://${PACHD.service}.${PACHD.namespace}.svc.cluster.local:${PACHD.grpcPort}`;
}

/**
 * How a client authenticates to pachd: it does not. The community edition runs without auth: the chart activates auth
 * only with an enterprise license (`pachyderm.withEnterprise` in templates/pachd/auth-secret.yaml and deployment.yaml),
 * which the fleet has none of. Any pod that reaches the Service may call it: a hook Job needs no credentials.
 */
export const PACHD_AUTH = 'none' as const;

/**
 * The Determined master's REST and gRPC-gateway API: the Service `determined-master-service-<release>` of the
 * determined chart 0.38.1 (helm/charts/determined/templates/master-service.yaml, port `masterPort`, 8080), with the
 * module's name as the release name (Argo CD `helm.releaseName`).
 */
export const DETERMINED_MASTER = {
  namespace: 'determined',
  service: 'determined-master-service-determined',
  port: 8080,
} as const;

/** The address the `det` CLI takes (`det -m <address>`, or `DET_MASTER`, harness/determined/common/api/_util.py). */
export function determinedMasterAddress(): string {
  const { service, namespace, port } = DETERMINED_MASTER;
  return `http://${service}.${namespace}.svc.cluster.local:${port}`;
}

/**
 * How a client authenticates to the Determined master: as the user `determined`, with the password in the Secret
 * below (namespace `determined`), which the module's credentials Job generates in the cluster on first install and
 * sets on the master; never in git. The `det` CLI reads the user and password from `DET_USER` and `DET_PASS`
 * (harness/determined/common/api/authentication.py at v0.38.1). A hook Job in another namespace needs the Secret
 * copied there (an ExternalSecret, or the run's secrets list).
 */
export const DETERMINED_CREDENTIALS = {
  namespace: 'determined',
  secret: 'determined-user-credentials',
  usernameKey: 'username',
  passwordKey: 'password',
  user: 'determined',
} as const;
