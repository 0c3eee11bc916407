import { KubeLimitRange, KubeNamespace, KubeResourceQuota, Quantity } from '../imports/k8s';
import type { ClusterSpec, Team } from '../model/cluster-spec';
import { LABELS, MANAGED_BY, type K8sObject } from '../model/k8s-object';

/** Extended resource names of the accelerators, as the device plugins advertise them. */
export const GPU_RESOURCE = 'nvidia.com/gpu';
export const NEURON_RESOURCE = 'aws.amazon.com/neuron';

/** Default requests for containers that set none, so a quota on CPU and memory does not reject them. */
const DEFAULT_REQUEST = { cpu: '100m', memory: '256Mi' };

/**
 * A team's namespace on one cluster: the Namespace with its labels and Pod Security level, the
 * ResourceQuota from the team's quotas, and a LimitRange giving containers without requests a default.
 */
export function teamNamespaceObjects(cluster: ClusterSpec, team: Team): K8sObject[] {
  const labels: Record<string, string> = {
    ...team.labels,
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.cluster]: cluster.name,
    [LABELS.environment]: cluster.environment,
    [LABELS.team]: team.name,
    [LABELS.priority]: team.priority,
  };
  const objects: K8sObject[] = [
    KubeNamespace.manifest({
      metadata: {
        name: team.namespace,
        labels: {
          ...labels,
          'pod-security.kubernetes.io/enforce': team.podSecurity,
          'pod-security.kubernetes.io/warn': team.podSecurity,
        },
      },
    }),
  ];
  const hard = quotaHard(team);
  if (Object.keys(hard).length > 0) {
    objects.push(
      KubeResourceQuota.manifest({
        metadata: { name: 'team-quota', namespace: team.namespace, labels },
        spec: { hard },
      }),
    );
  }
  if (team.quotas.cpu !== undefined || team.quotas.memory !== undefined) {
    objects.push(
      KubeLimitRange.manifest({
        metadata: { name: 'team-defaults', namespace: team.namespace, labels },
        spec: {
          limits: [
            {
              type: 'Container',
              defaultRequest: {
                cpu: Quantity.fromString(DEFAULT_REQUEST.cpu),
                memory: Quantity.fromString(DEFAULT_REQUEST.memory),
              },
            },
          ],
        },
      }),
    );
  }
  return objects;
}

/** Quota on requests: extended resources (GPUs, Neuron devices) can only be limited by their requests. */
function quotaHard(team: Team): Record<string, Quantity> {
  const hard: Record<string, Quantity> = {};
  const { cpu, memory, gpu, neuron } = team.quotas;
  if (cpu !== undefined) hard['requests.cpu'] = Quantity.fromString(String(cpu));
  if (memory !== undefined) hard['requests.memory'] = Quantity.fromString(memory);
  if (gpu !== undefined) hard[`requests.${GPU_RESOURCE}`] = Quantity.fromString(String(gpu));
  if (neuron !== undefined) hard[`requests.${NEURON_RESOURCE}`] = Quantity.fromString(String(neuron));
  return hard;
}
