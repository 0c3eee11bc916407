import type { RenderedObject } from './check-references';
import type { Problem } from '../config/problems';
import { IN_CLUSTER_SERVER } from '../model/argocd-names';
import {
  CLUSTER_SECRET_TYPE_LABEL,
  hubAccessRoleArn,
  MEMBER_LABELS,
  spokeConnectionParameter,
  type FleetMember,
  type HubFleet,
} from '../model/fleet-hub';

/**
 * What Argo CD v3.4.4 reads of a cluster Secret (util/db/cluster.go `SecretToCluster`): these keys of its data, and
 * in `config` the JSON of `ClusterConfig` (pkg/apis/application/v1alpha1/types.go). Go's JSON decoding drops a key it
 * does not know without a word, so a misspelt one (`awsAuthconfig`) would leave the hub without credentials.
 */
const SECRET_KEYS = ['name', 'server', 'config', 'namespaces', 'clusterResources', 'project', 'shard'];
const CONFIG_KEYS = [
  'username',
  'password',
  'bearerToken',
  'tlsClientConfig',
  'awsAuthConfig',
  'execProviderConfig',
  'disableCompression',
  'proxyUrl',
];
const TLS_KEYS = ['insecure', 'serverName', 'certData', 'keyData', 'caData'];
const AWS_AUTH_KEYS = ['clusterName', 'roleARN', 'profile'];
/** Credentials that would sit in git or in the Secret: the fleet's clusters are reached by IAM only. */
const STATIC_CREDENTIALS = ['username', 'password', 'bearerToken'];
const STATIC_TLS_CREDENTIALS = ['certData', 'keyData'];

type Json = Record<string, unknown>;
const namespaceOf = (object: RenderedObject['object']) => (object.metadata as Json | undefined)?.namespace;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A cluster Secret as rendered: a plain Secret, or the Secret an ExternalSecret's template writes. */
interface ClusterSecret {
  readonly rendered: RenderedObject;
  readonly labels: Record<string, string>;
  readonly data: Record<string, unknown>;
  /** The field path of `data` in the object. */
  readonly at: string;
  /** For an ExternalSecret: its `spec.data` secret keys and the remote keys they read. */
  readonly remote?: ReadonlyMap<string, string>;
}

/**
 * Checks the hub's cluster Secrets against what Argo CD reads and against the fleet: one per member, named as the
 * member (the Applications' `destination.name`), its labels the member's, the hub's own in-cluster, each spoke's
 * reached by IAM (`awsAuthConfig` with the spoke's EKS cluster and its access role, the CA from the spoke's SSM
 * parameter), no static credentials, and the SecretStore an ExternalSecret reads through present, in the spoke's
 * region, assuming that same role.
 */
export function checkClusterSecrets(objects: readonly RenderedObject[], fleet: HubFleet): Problem[] {
  const problems: Problem[] = [];
  const members = new Map(fleet.members.map((m) => [m.name, m]));
  const seen = new Map<string, string>();
  const stores = new Map<string, Json>();
  for (const { object } of objects) {
    if (object.kind === 'SecretStore') stores.set(`${namespaceOf(object)}/${object.metadata?.name}`, object);
  }
  for (const secret of clusterSecrets(objects)) {
    const { rendered, data, at } = secret;
    const what = `${rendered.object.kind} ${namespaceOf(rendered.object)}/${rendered.object.metadata?.name}`;
    const report = (field: string, message: string) =>
      problems.push({ file: rendered.file, field, message: `${what}: ${message}; fix it in ${rendered.input}` });

    for (const key of Object.keys(data)) {
      if (!SECRET_KEYS.includes(key)) {
        report(
          `${at}.${key}`,
          `Argo CD reads no key "${key}" of a cluster Secret (it reads ${SECRET_KEYS.join(', ')})`,
        );
      }
    }
    const name = data.name;
    const member = typeof name === 'string' ? members.get(name) : undefined;
    if (!member) {
      report(
        `${at}.name`,
        `names cluster ${JSON.stringify(name)}, which is not one the hub manages ` +
          `(${[...members.keys()].join(', ')})`,
      );
      continue;
    }
    const earlier = seen.get(member.name);
    if (earlier) {
      report(`${at}.name`, `is a second cluster Secret of ${member.name} (the first is in ${earlier})`);
    }
    seen.set(member.name, rendered.file);
    checkLabels(secret, member, report);
    checkServer(secret, member, report);
    checkConfig(secret, member, report);
    if (rendered.object.kind === 'ExternalSecret') checkStore(rendered, member, stores, report);
  }
  for (const member of fleet.members) {
    if (!seen.has(member.name)) {
      problems.push({
        file: objects[0]?.file ?? '',
        field: 'kind',
        message: `the hub has no cluster Secret for ${member.name}: Argo CD could not deploy to it`,
      });
    }
  }
  return problems;
}

type Report = (field: string, message: string) => void;

function clusterSecrets(objects: readonly RenderedObject[]): ClusterSecret[] {
  const out: ClusterSecret[] = [];
  for (const rendered of objects) {
    const object = rendered.object as Json;
    if (object.kind === 'Secret' && object.apiVersion === 'v1') {
      const labels = ((object.metadata as Json | undefined)?.labels ?? {}) as Record<string, string>;
      if (labels[CLUSTER_SECRET_TYPE_LABEL] !== 'cluster') continue;
      // what Argo CD reads is the Secret's data; stringData is how it is written
      const data = { ...decoded(object.data), ...((object.stringData ?? {}) as Json) };
      out.push({ rendered, labels, data, at: object.stringData ? 'stringData' : 'data' });
    }
    if (object.kind === 'ExternalSecret') {
      const spec = (object.spec ?? {}) as Json;
      const template = ((spec.target as Json | undefined)?.template ?? {}) as Json;
      const labels = ((template.metadata as Json | undefined)?.labels ?? {}) as Record<string, string>;
      if (labels[CLUSTER_SECRET_TYPE_LABEL] !== 'cluster') continue;
      const remote = new Map<string, string>();
      for (const entry of Array.isArray(spec.data) ? (spec.data as Json[]) : []) {
        const key = ((entry.remoteRef ?? {}) as Json).key;
        if (typeof entry.secretKey === 'string' && typeof key === 'string') remote.set(entry.secretKey, key);
      }
      out.push({ rendered, labels, data: (template.data ?? {}) as Json, at: 'spec.target.template.data', remote });
    }
  }
  return out;
}

function decoded(data: unknown): Json {
  if (!isMap(data)) return {};
  return Object.fromEntries(
    Object.entries(data).map(([k, v]) => [k, typeof v === 'string' ? Buffer.from(v, 'base64').toString() : v]),
  );
}

function checkLabels({ labels, at }: ClusterSecret, member: FleetMember, report: Report) {
  const field = at.startsWith('spec') ? 'spec.target.template.metadata.labels' : 'metadata.labels';
  const expected: Record<string, string> = {
    [MEMBER_LABELS.cluster]: member.name,
    [MEMBER_LABELS.environment]: member.environment,
    [MEMBER_LABELS.region]: member.region,
    [MEMBER_LABELS.account]: member.accountId,
  };
  for (const [key, value] of Object.entries(expected)) {
    if (labels[key] !== value) {
      report(`${field}["${key}"]`, `expected "${value}" (the hub's ApplicationSets select on it), got ${labels[key]}`);
    }
  }
}

/**
 * The value an ExternalSecret's template puts in a key: `{{ .x }}` is the secret key x of its `spec.data`, which
 * must read the remote key the spoke's access unit writes; anything else is literal.
 */
function templated(
  secret: ClusterSecret,
  value: string,
  field: string,
  expectedRemote: Record<string, string>,
  report: Report,
): string {
  return value.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_, key: string) => {
    const remote = secret.remote?.get(key);
    if (remote === undefined) {
      report(field, `uses {{ .${key} }}, which no entry of spec.data (secretKey) provides`);
    } else if (expectedRemote[key] !== undefined && remote !== expectedRemote[key]) {
      report(field, `reads {{ .${key} }} from ${remote}, expected ${expectedRemote[key]} (the access unit writes it)`);
    }
    return key === 'server' ? 'https://spoke.eks.amazonaws.com' : 'Q0EK'; // a well-formed stand-in
  });
}

function expectedRemotes(member: FleetMember): Record<string, string> {
  return {
    server: spokeConnectionParameter(member.name, 'server'),
    caData: spokeConnectionParameter(member.name, 'ca-data'),
  };
}

function checkServer(secret: ClusterSecret, member: FleetMember, report: Report) {
  const field = `${secret.at}.server`;
  const server = secret.data.server;
  if (typeof server !== 'string' || !server) {
    report(field, 'has no server: Argo CD addresses a cluster by it');
    return;
  }
  if (member.hub) {
    if (server !== IN_CLUSTER_SERVER) report(field, `expected ${IN_CLUSTER_SERVER} for the hub itself, got ${server}`);
    return;
  }
  const resolved = secret.remote ? templated(secret, server, field, expectedRemotes(member), report) : server;
  if (!/^https:\/\/\S+$/.test(resolved)) report(field, `expected the spoke's https endpoint, got ${server}`);
}

function checkConfig(secret: ClusterSecret, member: FleetMember, report: Report) {
  const field = `${secret.at}.config`;
  const text = secret.data.config;
  if (typeof text !== 'string') {
    report(field, 'has no config: expected the JSON of Argo CD ClusterConfig (tlsClientConfig, awsAuthConfig)');
    return;
  }
  const resolved = secret.remote ? templated(secret, text, field, expectedRemotes(member), report) : text;
  let config: unknown;
  try {
    config = JSON.parse(resolved);
  } catch (error) {
    report(field, `is not JSON: ${(error as Error).message}`);
    return;
  }
  if (!isMap(config)) {
    report(field, 'expected a JSON object (Argo CD ClusterConfig)');
    return;
  }
  unknownKeys(config, CONFIG_KEYS, field, 'ClusterConfig', report);
  for (const key of STATIC_CREDENTIALS.filter((k) => k in config)) {
    report(`${field}.${key}`, 'is a static credential: the fleet reaches its clusters by IAM (awsAuthConfig)');
  }
  const tls = config.tlsClientConfig;
  if (tls !== undefined && !isMap(tls)) report(`${field}.tlsClientConfig`, 'expected an object');
  const tlsConfig = isMap(tls) ? tls : {};
  unknownKeys(tlsConfig, TLS_KEYS, `${field}.tlsClientConfig`, 'TLSClientConfig', report);
  for (const key of STATIC_TLS_CREDENTIALS.filter((k) => k in tlsConfig)) {
    report(`${field}.tlsClientConfig.${key}`, 'is a static credential: the fleet reaches its clusters by IAM');
  }
  if (tlsConfig.insecure === true) {
    report(`${field}.tlsClientConfig.insecure`, 'expected false: the API server is checked against its CA');
  }
  const aws = config.awsAuthConfig;
  if (member.hub) {
    if (aws !== undefined) report(`${field}.awsAuthConfig`, 'the hub reaches itself in-cluster, with no AWS role');
    return;
  }
  if (typeof tlsConfig.caData !== 'string' || !tlsConfig.caData) {
    report(`${field}.tlsClientConfig.caData`, "expected the spoke's certificate authority (base64, as EKS gives it)");
  }
  if (!isMap(aws)) {
    report(`${field}.awsAuthConfig`, 'expected { clusterName, roleARN }: Argo CD gets a token for the spoke by IAM');
    return;
  }
  unknownKeys(aws, AWS_AUTH_KEYS, `${field}.awsAuthConfig`, 'AWSAuthConfig', report);
  // the EKS unit names the cluster after its cluster.yaml (generator/infra/units/eks.ts)
  if (aws.clusterName !== member.name) {
    report(
      `${field}.awsAuthConfig.clusterName`,
      `expected the spoke's EKS cluster ${member.name}, got ${aws.clusterName}`,
    );
  }
  const role = hubAccessRoleArn(member);
  if (aws.roleARN !== role) {
    report(
      `${field}.awsAuthConfig.roleARN`,
      `expected ${role} (the role the spoke's argocd-hub-access unit creates), got ${aws.roleARN}`,
    );
  }
}

function unknownKeys(object: Json, known: readonly string[], field: string, type: string, report: Report) {
  for (const key of Object.keys(object)) {
    if (!known.includes(key)) {
      report(`${field}.${key}`, `Argo CD's ${type} has no field "${key}" (it has ${known.join(', ')})`);
    }
  }
}

function checkStore(rendered: RenderedObject, member: FleetMember, stores: Map<string, Json>, report: Report) {
  const spec = (rendered.object.spec ?? {}) as Json;
  const ref = (spec.secretStoreRef ?? {}) as Json;
  const namespace = namespaceOf(rendered.object);
  const store = ref.kind === 'SecretStore' ? stores.get(`${namespace}/${ref.name}`) : undefined;
  if (!store) {
    report(
      'spec.secretStoreRef',
      `refers to ${ref.kind} "${ref.name}", which is not rendered in namespace ${namespace}`,
    );
    return;
  }
  const aws = (((store.spec as Json | undefined)?.provider as Json | undefined)?.aws ?? {}) as Json;
  const role = hubAccessRoleArn(member);
  if (aws.service !== 'ParameterStore' || aws.region !== member.region || aws.role !== role) {
    report(
      'spec.secretStoreRef',
      `reads through SecretStore ${ref.name}, which must read ParameterStore in ${member.region} as ${role} ` +
        `(it reads ${aws.service} in ${aws.region} as ${aws.role})`,
    );
  }
}
