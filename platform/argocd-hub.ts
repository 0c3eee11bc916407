/**
 * What the argocd module adds on the fleet's hub (`argocd.role: hub`): controller shards sized for the fleet,
 * progressive syncs on, and one cluster Secret per cluster the hub manages, which the hub's ApplicationSets
 * select by label.
 */
import { KubeSecret } from '../generator/imports/k8s';
import { IN_CLUSTER_SERVER } from '../generator/model/argocd-names';
import {
  CLUSTER_SECRET_TYPE_LABEL,
  clusterSecretName,
  controllerShards,
  FLEET_MEMBER_LABEL,
  hubAccessRoleArn,
  MEMBER_LABELS,
  moduleEnabledLabel,
  spokeConnectionParameter,
  type FleetMember,
  type HubFleet,
} from '../generator/model/fleet-hub';
import { LABELS, MANAGED_BY, type K8sObject } from '../generator/model/k8s-object';

/** The argocd-cmd-params-cm key that turns on the ApplicationSet controller's RollingSync strategy. */
export const PROGRESSIVE_SYNCS_PARAM = 'applicationsetcontroller.enable.progressive.syncs';

/**
 * Helm values of the argo-cd chart 10.1.1 for the hub (checked against its values.yaml and templates):
 * `controller.replicas` is the number of application controller shards, which the chart's StatefulSet also passes
 * as ARGOCD_CONTROLLER_REPLICAS (argocd-application-controller/statefulset.yaml), so that each replica takes its
 * share of the clusters; `configs.params` becomes argocd-cmd-params-cm, from which the ApplicationSet controller
 * reads ARGOCD_APPLICATIONSET_CONTROLLER_ENABLE_PROGRESSIVE_SYNCS (argocd-applicationset/deployment.yaml).
 */
export function hubValues(fleet: HubFleet): Record<string, unknown> {
  return {
    controller: { replicas: controllerShards(fleet.members.length) },
    configs: { params: { [PROGRESSIVE_SYNCS_PARAM]: true } },
  };
}

/** The labels of a member's cluster Secret: what the hub's ApplicationSets select and template on. */
export function memberLabels(member: FleetMember): Record<string, string> {
  return {
    [CLUSTER_SECRET_TYPE_LABEL]: 'cluster',
    [LABELS.managedBy]: MANAGED_BY,
    [FLEET_MEMBER_LABEL]: 'true',
    [MEMBER_LABELS.cluster]: member.name,
    [MEMBER_LABELS.environment]: member.environment,
    [MEMBER_LABELS.region]: member.region,
    [MEMBER_LABELS.account]: member.accountId,
    ...Object.fromEntries(member.modules.map((m) => [moduleEnabledLabel(m), 'true'])),
  };
}

/**
 * The annotations of a member's cluster Secret, as gitops-bridge writes them (terraform-helm-gitops-bridge main.tf
 * `argocd_annotations`: `cluster_name`, `environment`, then the addons' metadata, where the EKS blueprints put
 * `aws_cluster_name`, `aws_region` and `aws_account_id`), so ApplicationSets written for gitops-bridge, which template
 * `{{ .metadata.annotations.aws_region }}`, read the same values here.
 */
export function memberAnnotations(member: FleetMember): Record<string, string> {
  return {
    cluster_name: member.name,
    environment: member.environment,
    aws_cluster_name: member.name,
    aws_region: member.region,
    aws_account_id: member.accountId,
  };
}

/**
 * The `config` of an Argo CD cluster Secret (argo-cd v3.4.4 pkg/apis/application/v1alpha1 `ClusterConfig`):
 * for a spoke, `awsAuthConfig` makes Argo CD get its token with `argocd-k8s-auth aws`, assuming `roleARN` with the
 * hub's own credentials (EKS Pod Identity) for the EKS cluster `clusterName`; `tlsClientConfig.caData` is the
 * spoke's certificate authority, base64 as EKS gives it, filled in by the ExternalSecret's template.
 */
export function spokeClusterConfig(member: FleetMember, roleArn: string): string {
  return JSON.stringify({
    awsAuthConfig: { clusterName: member.name, roleARN: roleArn },
    tlsClientConfig: { insecure: false, caData: '{{ .caData }}' },
  });
}

/**
 * The cluster Secrets of the fleet, in the hub's Argo CD namespace. The hub's own is a plain Secret: Argo CD
 * reaches its own cluster in-cluster. A spoke's endpoint and certificate authority are known only once its EKS
 * cluster exists, so its Secret is written by an ExternalSecret from the two SSM parameters the spoke's
 * `argocd-hub-access` unit writes in the spoke's account; the SecretStore reads them by assuming the same role
 * in the spoke's account that Argo CD assumes. No token is stored anywhere: Argo CD asks EKS for one each time.
 */
export function hubClusterObjects(fleet: HubFleet, namespace: string): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const member of fleet.members) {
    const name = clusterSecretName(member.name);
    if (member.hub) {
      objects.push(
        KubeSecret.manifest({
          metadata: { name, namespace, labels: memberLabels(member), annotations: memberAnnotations(member) },
          type: 'Opaque',
          stringData: {
            name: member.name,
            server: IN_CLUSTER_SERVER,
            config: JSON.stringify({ tlsClientConfig: { insecure: false } }),
          },
        }) as K8sObject,
      );
      continue;
    }
    const roleArn = hubAccessRoleArn({ name: member.name, accountId: member.accountId, region: member.region });
    const store = `spoke-${member.name}`;
    objects.push({
      apiVersion: 'external-secrets.io/v1',
      kind: 'SecretStore',
      metadata: { name: store, namespace, labels: { [LABELS.managedBy]: MANAGED_BY, [LABELS.cluster]: member.name } },
      spec: {
        provider: { aws: { service: 'ParameterStore', region: member.region, role: roleArn } },
      },
    });
    objects.push({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name, namespace, labels: { [LABELS.managedBy]: MANAGED_BY, [LABELS.cluster]: member.name } },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { name: store, kind: 'SecretStore' },
        target: {
          name,
          creationPolicy: 'Owner',
          template: {
            engineVersion: 'v2',
            type: 'Opaque',
            metadata: { labels: memberLabels(member), annotations: memberAnnotations(member) },
            data: { name: member.name, server: '{{ .server }}', config: spokeClusterConfig(member, roleArn) },
          },
        },
        data: (['server', 'ca-data'] as const).map((field) => ({
          secretKey: field === 'server' ? 'server' : 'caData',
          remoteRef: { key: spokeConnectionParameter(member.name, field) },
        })),
      },
    });
  }
  return objects;
}
