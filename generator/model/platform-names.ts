import type { NodePool } from './cluster-spec';

/*
 * The names the platform modules give to what they install, by which the runs and services refer to it. Each module
 * renders its objects under these names (platform/), and the workloads and Argo CD objects use the same constants,
 * so that a renamed object cannot leave a dangling reference.
 */

/** The label Karpenter puts on every node of a pool; pods and Kueue ResourceFlavors select a pool by it. */
export const NODEPOOL_LABEL = 'karpenter.sh/nodepool';
/** The extended resource the EFA device plugin advertises. */
export const EFA_RESOURCE = 'vpc.amazonaws.com/efa';

/** The claim every team namespace gets, by the name the recipes mount (`pvc: [{name: pv-fsx, mount_path: /fsx}]`). */
export const SHARED_CLAIMS = { efs: 'pv-efs', fsx: 'pv-fsx' } as const;
/** The EBS StorageClass the ebs-csi-driver module renders, which runs' scratch volumes claim. */
export const EBS_STORAGE_CLASS = 'gp3';

/** The Trainer v2 runtime every distributed PyTorch run uses: JobSet based, one replicated job `node`. */
export const TORCH_RUNTIME = { name: 'torch-distributed', replicatedJob: 'node', container: 'node' } as const;

/** A toleration of one of a pool's taints, as its Kueue ResourceFlavor lists it and Kueue copies it into a pod. */
export type PoolToleration =
  | { key: string; operator: 'Exists'; effect: string }
  | { key: string; operator: 'Equal'; value: string; effect: string };

/** The tolerations of a pool's taints: `Exists` for a taint without a value, `Equal` for one with a value. */
export function poolTolerations(pool: NodePool): PoolToleration[] {
  return pool.taints.map((t): PoolToleration =>
    t.value === undefined
      ? { key: t.key, operator: 'Exists', effect: t.effect }
      : { key: t.key, operator: 'Equal', value: t.value, effect: t.effect },
  );
}
