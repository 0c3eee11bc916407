import type { ClusterSpec } from '../../model/cluster-spec';
import { STORAGE_PARAMETERS, storageParameter } from '../names';

/**
 * The SSM parameters a storage unit writes (a generated `storage_parameters.tf` beside the pinned module):
 * the IDs AWS assigns to the file system, where the in-cluster binder Job reads them to create the
 * `pv-efs` / `pv-fsx` PersistentVolumes.
 */
export function storageParameters(spec: ClusterSpec, system: keyof typeof STORAGE_PARAMETERS) {
  return Object.entries(STORAGE_PARAMETERS[system]).map(([field, value]) => ({
    resource: field.replace(/-/g, '_'),
    name: storageParameter(spec.name, system, field as 'file-system-id'),
    value,
  }));
}
