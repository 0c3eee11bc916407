/**
 * The kinds a team's runs and services may hold, with their API groups: namespaced, and none that changes who
 * may do what (RBAC, service accounts), the team's limits (ResourceQuota, LimitRange, LocalQueue) or the network
 * (NetworkPolicy). The team AppProjects whitelist them (argocd/argocd-objects.ts) and the workload policy refuses
 * any other kind (workloads/workload-policy.ts).
 */
export const TEAM_RESOURCES: readonly { group: string; kind: string }[] = [
  { group: '', kind: 'ConfigMap' },
  { group: '', kind: 'Service' },
  { group: '', kind: 'PersistentVolumeClaim' },
  { group: '', kind: 'Pod' },
  { group: 'batch', kind: 'Job' },
  { group: 'batch', kind: 'CronJob' },
  { group: 'apps', kind: 'Deployment' },
  { group: 'apps', kind: 'StatefulSet' },
  { group: 'autoscaling', kind: 'HorizontalPodAutoscaler' },
  { group: 'trainer.kubeflow.org', kind: 'TrainJob' },
  { group: 'kubeflow.org', kind: 'PyTorchJob' },
  { group: 'kubeflow.org', kind: 'MPIJob' },
  { group: 'jobset.x-k8s.io', kind: 'JobSet' },
  { group: 'ray.io', kind: 'RayJob' },
  { group: 'ray.io', kind: 'RayCluster' },
  { group: 'ray.io', kind: 'RayService' },
  { group: 'leaderworkerset.x-k8s.io', kind: 'LeaderWorkerSet' },
  { group: 'serving.kserve.io', kind: 'InferenceService' },
];
