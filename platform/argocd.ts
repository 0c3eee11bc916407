/** Argo CD itself: installed once at bootstrap with its chart, then managed by its own Application. */
import { hubClusterObjects, hubValues } from './argocd-hub';
import { notificationsValues } from './argocd-notifications';
import { argocdCmHealthEntries } from '../generator/argocd/health-checks';
import type { PlatformModule } from '../generator/model/platform-module';

const NAMESPACE = 'argocd';

// Bootstrap (README: "Bootstrapping a cluster"): `helm install argocd` of this chart at this version with the
// cluster's rendered values, then the root Application; from then on this module's Application syncs Argo CD
// from the same chart and values, so an upgrade is a change to this file (and every cluster's values.yaml).
export const argocdModule: PlatformModule = {
  name: 'argocd',
  description:
    'Argo CD: installed at bootstrap, then managed by its own ' +
    "Application, with the health checks the fleet's runs need",
  enabledByDefault: true,
  // a spoke runs no Argo CD of its own: the hub's manages it
  notBaseOn: (cluster) => cluster.argocd.role === 'spoke',
  namespace: NAMESPACE,
  source: {
    kind: 'helm',
    repoURL: 'https://argoproj.github.io/argo-helm',
    chart: 'argo-cd',
    version: '10.1.1', // charts/argo-cd/Chart.yaml at tag argo-cd-10.1.1 of argoproj/argo-helm: appVersion v3.4.4
  },
  crds: ['applications.argoproj.io', 'applicationsets.argoproj.io', 'appprojects.argoproj.io'],
  needs: [],
  onMissingNeed: 'error',
  wave: 0,
  serverSideApply: true,
  values: ({ cluster, hubFleet }) => {
    const hub = hubFleet ? hubValues(hubFleet) : {};
    // runs' and services' status reported to their pull requests (platform/argocd-notifications.ts)
    const notifications = notificationsValues(cluster);
    return {
      // the release name is the module's: resources are argocd-server, argocd-repo-server, ... as at bootstrap
      fullnameOverride: 'argocd',
      crds: { install: true, keep: true },
      ...(hub.controller ? { controller: hub.controller } : {}),
      // the health checks that make a pipeline step wait until the previous run succeeded (generator/argocd/health/)
      configs: { cm: argocdCmHealthEntries(), ...(hub.configs as object | undefined) },
      ...(notifications ? { notifications } : {}),
    };
  },
  // on the hub: the cluster Secret of every cluster it manages (platform/argocd-hub.ts)
  manifests: ({ hubFleet }) => (hubFleet ? hubClusterObjects(hubFleet, NAMESPACE) : []),
  provides: () => [
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      name: 'default',
      namespace: NAMESPACE,
      createdAtRuntime: 'argocd-server at start (argo-cd v3.4.4 server/server.go initializeDefaultProject)',
    },
  ],
  check: ({ cluster, enabled, hubFleet }) => [
    ...(cluster.argocd.destination === 'hub'
      ? [
          {
            field: '',
            message:
              'this cluster is managed by a hub Argo CD (argocd.role: spoke) ' +
              'and runs none of its own: remove modules.argocd',
          },
        ]
      : []),
    // a spoke's cluster Secret is written by an ExternalSecret (platform/argocd-hub.ts)
    ...(hubFleet && hubFleet.members.some((m) => !m.hub) && !enabled.has('external-secrets')
      ? [
          {
            field: '',
            path: ['argocd', 'role'],
            message:
              "the hub's cluster Secrets of its spokes are written by ExternalSecrets from the spokes' " +
              'SSM parameters: set modules.external-secrets: true',
          },
        ]
      : []),
    ...(cluster.argocd.namespace !== NAMESPACE
      ? [
          {
            field: '',
            path: ['argocd', 'namespace'],
            message:
              `the argocd module installs Argo CD into "${NAMESPACE}": use that ` +
              `namespace, or turn the module off and install Argo CD yourself`,
          },
        ]
      : []),
  ],
  docs: 'https://github.com/argoproj/argo-cd/releases/tag/v3.4.4',
};
