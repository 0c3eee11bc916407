/** External Secrets Operator: syncs AWS Secrets Manager / SSM Parameter Store secrets into Kubernetes Secrets. */
import type { PlatformModule } from '../generator/model/platform-module';

export const externalSecretsModule: PlatformModule = {
  name: 'external-secrets',
  description: 'External Secrets Operator syncing AWS Secrets Manager and Parameter Store into Secrets',
  enabledByDefault: false,
  namespace: 'external-secrets',
  source: {
    kind: 'helm',
    repoURL: 'https://charts.external-secrets.io',
    chart: 'external-secrets',
    version: '2.9.0', // deploy/charts/external-secrets/Chart.yaml, tag helm-chart-2.9.0 (2026-08-08)
  },
  crds: [
    ...[
      'externalsecrets',
      'clusterexternalsecrets',
      'secretstores',
      'clustersecretstores',
      'pushsecrets',
      'clusterpushsecrets',
    ].map((plural) => `${plural}.external-secrets.io`),
    ...[
      'acraccesstokens',
      'beyondtrustworkloadcredentialsdynamicsecrets',
      'cloudsmithaccesstokens',
      'clustergenerators',
      'ecrauthorizationtokens',
      'fakes',
      'gcraccesstokens',
      'generatorstates',
      'githubaccesstokens',
      'gitlabdeploytokens',
      'grafanas',
      'mfas',
      'passwords',
      'quayaccesstokens',
      'sshkeys',
      'stssessiontokens',
      'uuids',
      'vaultdynamicsecrets',
      'webhooks',
    ].map((plural) => `${plural}.generators.external-secrets.io`),
  ],
  needs: [],
  onMissingNeed: 'error',
  wave: 1,
  serverSideApply: true,
  docs: 'https://github.com/external-secrets/external-secrets/releases/tag/helm-chart-2.9.0',
};
