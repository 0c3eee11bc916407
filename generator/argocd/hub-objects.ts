import { ApplicationSet } from '../imports/argocd-applicationset-argoproj.io';
import { IN_CLUSTER_SERVER } from '../model/argocd-names';
import type { ClusterSpec } from '../model/cluster-spec';
import { FLEET_MEMBER_LABEL, MEMBER_LABELS, ROLLOUT_STEPS } from '../model/fleet-hub';
import { LABEL_PREFIX, LABELS, MANAGED_BY, type K8sObject } from '../model/k8s-object';
import { MODULE_DESCRIPTOR, PLATFORM_FOLDER } from '../platform/compile-platform';

/** The label RollingSync selects on (see argocd-objects.ts `ENV_LABEL`): the same on every generated Application. */
const ENV_LABEL = 'env';
const WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
const GENERATE_PATHS = 'argocd.argoproj.io/manifest-generate-paths';

/** The hub's ApplicationSet of every cluster's platform modules, rolled out dev -> staging -> prod. */
export function fleetPlatformName(hub: ClusterSpec): string {
  return `${hub.name}-fleet-platform`;
}

/** The hub's ApplicationSet of the spokes' root Applications (their AppProjects and workload ApplicationSets). */
export function spokeRootsName(hub: ClusterSpec): string {
  return `${hub.name}-spoke-roots`;
}

/** A cluster generator's parameter of a label of the cluster Secret, as a Go template reads it. */
function memberLabel(key: string): string {
  return `{{ index .metadata.labels ${JSON.stringify(key)} }}`;
}

function hubLabels(hub: ClusterSpec): Record<string, string> {
  return { [LABELS.managedBy]: MANAGED_BY, [LABELS.cluster]: hub.name, [ENV_LABEL]: hub.environment };
}

/**
 * The hub's ApplicationSets. Both select clusters by their cluster Secrets' labels (platform/argocd-hub.ts), so
 * a spoke added to the fleet, or a module turned on for it, appears without a per-cluster copy; the manifests
 * stay in each cluster's own folders.
 *
 * - `<hub>-fleet-platform`: a matrix of the fleet's clusters and, per cluster, a git file generator over its
 *   `platform/* /module.json`: one Application per cluster and enabled module, named and sourced as the
 *   descriptor says. Its RollingSync strategy (argo-cd v3.4.4 docs/operator-manual/applicationset/
 *   Progressive-Syncs.md) syncs the Applications labelled `env: dev` first, then `staging`, then `prod`, each
 *   step only once every Application of the previous one is Healthy. RollingSync turns off the generated
 *   Applications' automated sync (it sets `automated.enabled` to false) and takes `automated.prune` as the prune
 *   setting of the syncs it starts (v3.4.4 applicationset/controllers/applicationset_controller.go
 *   `syncDesiredApplications`, `syncApplication`), so the template keeps `automated: { prune: true }` for that.
 *   An Application no step selects would never be synced: every environment has a step.
 * - `<hub>-spoke-roots`: one Application per spoke syncing its `argocd/` folder (its AppProjects and the
 *   ApplicationSets of its runs and services) into the hub's namespace; it replaces applying each spoke's root
 *   Application by hand.
 */
export function hubApplicationSets(hub: ClusterSpec): K8sObject[] {
  const { repoURL, targetRevision, namespace } = hub.argocd;
  const members = { matchLabels: { [FLEET_MEMBER_LABEL]: 'true' } };
  const platform = ApplicationSet.manifest({
    metadata: { name: fleetPlatformName(hub), namespace, labels: hubLabels(hub) },
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: [
        {
          matrix: {
            generators: [
              { clusters: { selector: members } },
              {
                git: {
                  repoUrl: repoURL,
                  revision: targetRevision,
                  files: [{ path: `clusters/{{ .name }}/${PLATFORM_FOLDER}/*/${MODULE_DESCRIPTOR}` }],
                },
              },
            ],
          },
        },
      ],
      strategy: {
        type: 'RollingSync',
        rollingSync: {
          steps: ROLLOUT_STEPS.map((env) => ({
            matchExpressions: [{ key: ENV_LABEL, operator: 'In', values: [env] }],
          })),
        },
      },
      // removing a module's folder deletes its Application, never what the module runs (CRDs and their objects)
      syncPolicy: { preserveResourcesOnDeletion: true },
      template: {
        metadata: {
          name: '{{ .application }}',
          labels: {
            [LABELS.managedBy]: MANAGED_BY,
            [LABELS.cluster]: '{{ .name }}',
            [ENV_LABEL]: memberLabel(MEMBER_LABELS.environment),
            [`${LABEL_PREFIX}/module`]: '{{ .module }}',
            [`${LABEL_PREFIX}/wave`]: '{{ .wave }}',
          },
          annotations: { [WAVE_ANNOTATION]: '{{ .wave }}', [GENERATE_PATHS]: '/{{ .path.path }}' },
        },
        spec: {
          project: '{{ .name }}-platform',
          destination: { name: '{{ .name }}', namespace: '{{ .namespace }}' },
          syncPolicy: {
            automated: { prune: true },
            retry: { limit: 10, backoff: { duration: '10s', factor: 2, maxDuration: '10m' } },
          },
        },
      },
      templatePatch: [
        'spec:',
        '  sources: {{ toJson .sources }}',
        '  syncPolicy:',
        '    syncOptions: {{ toJson .syncOptions }}',
        '',
      ].join('\n'),
    },
  });
  const roots = ApplicationSet.manifest({
    metadata: { name: spokeRootsName(hub), namespace, labels: hubLabels(hub) },
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: [
        {
          clusters: {
            selector: {
              ...members,
              matchExpressions: [{ key: MEMBER_LABELS.cluster, operator: 'NotIn', values: [hub.name] }],
            },
          },
        },
      ],
      template: {
        metadata: {
          name: '{{ .name }}-root',
          labels: {
            [LABELS.managedBy]: MANAGED_BY,
            [LABELS.cluster]: '{{ .name }}',
            [ENV_LABEL]: memberLabel(MEMBER_LABELS.environment),
          },
        },
        spec: {
          project: 'default',
          source: {
            repoUrl: repoURL,
            targetRevision,
            path: 'clusters/{{ .name }}/argocd',
            directory: { recurse: false },
          },
          // a spoke's Argo CD objects live in the hub's namespace, beside the hub's own
          destination: { server: IN_CLUSTER_SERVER, namespace },
          syncPolicy: {
            automated: { prune: true, selfHeal: true },
            retry: { limit: 10, backoff: { duration: '10s', factor: 2, maxDuration: '10m' } },
          },
        },
      },
    },
  });
  return [platform, roots];
}
