import { compact, containerResources, meta, podMetadata, type WorkloadContext, type WorkloadEnvVar } from './pod-parts';
import { KubeJob, type KeyToPath, type PodSpec } from '../imports/k8s';
import type { K8sObject } from '../model/k8s-object';

/**
 * The Argo CD sync hook that applies a run to a server with no Kubernetes resource of its own (a Pachyderm pipeline,
 * a Determined experiment): a Job running the server's CLI against the spec rendered beside it in a ConfigMap.
 *
 * - `hook: Sync`: it runs on every sync of the run's Application, so its script must be idempotent (create once, then
 *   update or leave alone). The sync waits for it, and fails when it fails: the Application's sync and health say
 *   whether the server took the spec, and Argo CD Notifications report that on the pull request.
 * - `hook-delete-policy: BeforeHookCreation`: the Job of the last sync stays until the next sync replaces it, so its
 *   logs can be read; a Job's pod template cannot be patched, so it is deleted and created again, never updated.
 * - sync wave 1: after the ConfigMap (wave 0) it mounts.
 */
export const HOOK_ANNOTATIONS = {
  'argocd.argoproj.io/hook': 'Sync',
  'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
  'argocd.argoproj.io/sync-wave': '1',
} as const;

/** What the hook's container asks for: a CLI call. Requests equal limits, so the team's ResourceQuota counts it. */
const HOOK_RESOURCES = { cpu: '100m', memory: '256Mi' };
/** Retries of a failed call (a server restarting); each attempt is idempotent. */
const HOOK_BACKOFF_LIMIT = 2;

export interface SyncHookJob {
  readonly name: string;
  /** The CLI image, resolved from `images/<name>` to its recorded digest. */
  readonly image: string;
  /** The ConfigMap holding the script and the spec, mounted read-only at `mountPath`. */
  readonly configMap: string;
  readonly mountPath: string;
  /** The ConfigMap's keys and where they go under `mountPath`; `scriptKey` is run with bash. */
  readonly items: readonly KeyToPath[];
  readonly scriptKey: string;
  readonly env: readonly WorkloadEnvVar[];
  /** Longest the Job may run (its script's own waits included). */
  readonly deadlineSeconds: number;
}

/**
 * The hook Job: as the namespace's default service account (the one every run of the team runs as), non-root with a
 * read-only root file system and `/tmp` as its only writable place (the CLIs keep their config and login there).
 * Not queued by Kueue: a hook waiting for admission would hold the sync, and it asks for a tenth of a CPU.
 */
export function syncHookJob(ctx: WorkloadContext, hook: SyncHookJob): K8sObject {
  const base = meta(ctx, hook.name);
  const spec = compact<PodSpec>({
    restartPolicy: 'Never',
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 65534,
      runAsGroup: 65534,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    volumes: [
      { name: 'spec', configMap: { name: hook.configMap, defaultMode: 0o444, items: [...hook.items] } },
      { name: 'tmp', emptyDir: {} },
    ],
    containers: [
      {
        name: 'apply',
        image: hook.image,
        command: ['bash', `${hook.mountPath}/${hook.scriptKey}`],
        env: [...hook.env, { name: 'HOME', value: '/tmp' }],
        volumeMounts: [
          { name: 'spec', mountPath: hook.mountPath, readOnly: true },
          { name: 'tmp', mountPath: '/tmp' },
        ],
        resources: containerResources(HOOK_RESOURCES, HOOK_RESOURCES),
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        },
      },
    ],
  });
  return KubeJob.manifest({
    metadata: { ...base, annotations: { ...base.annotations, ...HOOK_ANNOTATIONS } },
    spec: {
      backoffLimit: HOOK_BACKOFF_LIMIT,
      activeDeadlineSeconds: hook.deadlineSeconds,
      template: { metadata: podMetadata(ctx), spec },
    },
  });
}
