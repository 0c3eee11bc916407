import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO } from './support/fleet';
import type { RenderedObject } from '../generator/checks/check-references';
import { checkClusterSecrets } from '../generator/checks/cluster-secrets';
import type { HubFleet } from '../generator/model/fleet-hub';

/** The hub's cluster Secrets, ExternalSecrets and SecretStores as committed for the example fleet. */
const FOLDER = 'clusters/prod-use1/platform/argocd';
function hubObjects(): RenderedObject[] {
  return readdirSync(join(REPO, FOLDER))
    .filter((f) => f.endsWith('.yaml') && f !== 'values.yaml')
    .sort()
    .map((f) => ({
      file: `${FOLDER}/${f}`,
      object: parse(readFileSync(join(REPO, FOLDER, f), 'utf-8')) as RenderedObject['object'],
      input: 'clusters/prod-use1/cluster.yaml',
    }));
}

const FLEET: HubFleet = {
  members: [
    { name: 'prod-use1', environment: 'prod', region: 'us-east-1', accountId: '777788889999', hub: true, modules: [] },
    { name: 'dev-usw2', environment: 'dev', region: 'us-west-2', accountId: '111122223333', hub: false, modules: [] },
    {
      name: 'staging-usw2',
      environment: 'staging',
      region: 'us-west-2',
      accountId: '444455556666',
      hub: false,
      modules: [],
    },
  ],
};

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The problems after `change` edits the object of `file` (a copy). */
function problemsAfter(file: string, change: (object: Json) => void): string[] {
  const objects = hubObjects().map((o) =>
    o.file.endsWith(file) ? { ...o, object: structuredClone(o.object) as RenderedObject['object'] } : o,
  );
  change(objects.find((o) => o.file.endsWith(file))!.object as Json);
  // without the object's name and the "fix it in" tail, which every problem has
  const short = (message: string) =>
    message.replace(/^(Secret|ExternalSecret) \S+: /, '').replace(/; fix it in .*$/, '');
  return checkClusterSecrets(objects, FLEET).map((p) => `${p.field}: ${short(p.message)}`);
}

const DEV = 'externalsecret-argocd-cluster-dev-usw2.yaml';
const HUB = 'secret-argocd-cluster-prod-use1.yaml';
const config = (object: Json) => JSON.parse(object.spec.target.template.data.config);
const setConfig = (object: Json, value: unknown) => {
  object.spec.target.template.data.config = JSON.stringify(value);
};

describe("the hub's cluster Secrets, against what Argo CD reads and the fleet", () => {
  it('passes for the example fleet: one per cluster, the hub in-cluster, each spoke by IAM', () => {
    // the committed example is what `npx projen` wrote and `validate` checks
    expect(checkClusterSecrets(hubObjects(), FLEET)).toEqual([]);
  });

  it('refuses a misspelt field of the config, which Argo CD would drop without a word', () => {
    const problems = problemsAfter(DEV, (o) => {
      const { awsAuthConfig, ...rest } = config(o);
      setConfig(o, { ...rest, awsAuthconfig: awsAuthConfig });
    });
    expect(problems).toEqual([
      'spec.target.template.data.config.awsAuthconfig: Argo CD\'s ClusterConfig has no field "awsAuthconfig" ' +
        '(it has username, password, bearerToken, tlsClientConfig, awsAuthConfig, execProviderConfig, ' +
        'disableCompression, proxyUrl)',
      'spec.target.template.data.config.awsAuthConfig: expected { clusterName, roleARN }: ' +
        'Argo CD gets a token for the spoke by IAM',
    ]);
  });

  it("refuses another account's role, another EKS cluster and a static token", () => {
    const problems = problemsAfter(DEV, (o) => {
      const c = config(o);
      setConfig(o, {
        ...c,
        bearerToken: 'abc',
        awsAuthConfig: { clusterName: 'dev', roleARN: 'arn:aws:iam::999999999999:role/dev-usw2-argocd-hub' },
      });
    });
    expect(problems).toEqual([
      'spec.target.template.data.config.bearerToken: is a static credential: ' +
        'the fleet reaches its clusters by IAM (awsAuthConfig)',
      "spec.target.template.data.config.awsAuthConfig.clusterName: expected the spoke's EKS cluster dev-usw2, got dev",
      'spec.target.template.data.config.awsAuthConfig.roleARN: expected ' +
        "arn:aws:iam::111122223333:role/dev-usw2-argocd-hub (the role the spoke's argocd-hub-access unit creates), " +
        'got arn:aws:iam::999999999999:role/dev-usw2-argocd-hub',
    ]);
  });

  it("refuses an endpoint read from a parameter the spoke's unit does not write, and a template key never read", () => {
    const problems = problemsAfter(DEV, (o) => {
      o.spec.data[0].remoteRef.key = '/eks-mlops-fleet/dev-usw2/endpoint';
      o.spec.target.template.data.config = o.spec.target.template.data.config.replace('.caData', '.ca');
    });
    expect(problems).toEqual([
      'spec.target.template.data.server: reads {{ .server }} from /eks-mlops-fleet/dev-usw2/endpoint, ' +
        'expected /eks-mlops-fleet/dev-usw2/argocd-hub/server (the access unit writes it)',
      'spec.target.template.data.config: uses {{ .ca }}, which no entry of spec.data (secretKey) provides',
    ]);
  });

  it("refuses labels that are not the member's, a key Argo CD does not read, and a hub that is not in-cluster", () => {
    const problems = problemsAfter(HUB, (o) => {
      o.metadata.labels.environment = 'production';
      o.stringData.server = 'https://example.eks.amazonaws.com';
      o.stringData.clusterResource = 'true';
    });
    expect(problems).toEqual([
      'stringData.clusterResource: Argo CD reads no key "clusterResource" of a cluster Secret ' +
        '(it reads name, server, config, namespaces, clusterResources, project, shard)',
      'metadata.labels["environment"]: expected "prod" (the hub\'s ApplicationSets select on it), got production',
      'stringData.server: expected https://kubernetes.default.svc for the hub itself, ' +
        'got https://example.eks.amazonaws.com',
    ]);
  });

  it('says when a member has no cluster Secret, and when one names a cluster the hub does not manage', () => {
    const problems = problemsAfter(DEV, (o) => {
      o.spec.target.template.data.name = 'dev-usw3';
    });
    expect(problems).toEqual([
      'spec.target.template.data.name: names cluster "dev-usw3", which is not one the hub manages ' +
        '(prod-use1, dev-usw2, staging-usw2)',
      'kind: the hub has no cluster Secret for dev-usw2: Argo CD could not deploy to it',
    ]);
  });

  it('refuses an ExternalSecret that reads through a store of another region or role', () => {
    const problems = problemsAfter('secretstore-argocd-spoke-dev-usw2.yaml', (o) => {
      o.spec.provider.aws.region = 'us-east-1';
    });
    expect(problems).toEqual([
      'spec.secretStoreRef: reads through SecretStore spoke-dev-usw2, which must read ParameterStore in us-west-2 ' +
        'as arn:aws:iam::111122223333:role/dev-usw2-argocd-hub ' +
        '(it reads ParameterStore in us-east-1 as arn:aws:iam::111122223333:role/dev-usw2-argocd-hub)',
    ]);
  });
});
