import { expression } from '../hcl';
import { fsxName, INFRA_UNITS } from '../names';
import { storageParameters } from './storage-parameters';
import { MODULES } from '../terraform-modules';
import { mockSubnetIds, unitDir, type InfraContext, type InfraUnit } from '../unit';

const ALL_EVENTS = ['NEW', 'CHANGED', 'DELETED'];

/** The zone of the FSx file system: as set, or the cluster's first zone. */
export function fsxAvailabilityZone(zones: readonly string[], fsxZone: string | undefined): string {
  return fsxZone ?? zones[0];
}

/**
 * FSx for Lustre linked to the S3 data path by a data repository association with automatic import
 * and export of new, changed and deleted files (Lustre 2.15: associations work on SCRATCH_2 and
 * PERSISTENT_2). One subnet: a Lustre file system lives in one zone. Only when the cluster has FSx.
 */
export function fsxUnit(context: InfraContext): InfraUnit | undefined {
  const { spec } = context;
  const fsx = spec.storage.fsx;
  if (!fsx) return undefined;
  const zone = fsxAvailabilityZone(spec.aws.availabilityZones, fsx.availabilityZone);
  const zoneIndex = spec.aws.availabilityZones.indexOf(zone);
  const persistent = fsx.deploymentType === 'PERSISTENT_2';
  const lustrePort = (from: number, to: number) => ({
    description: 'Lustre from the cluster VPC',
    cidr_ipv4: spec.network.vpcCidr,
    from_port: from,
    to_port: to,
  });
  return {
    dir: unitDir(spec, INFRA_UNITS.fsx),
    module: MODULES.fsxLustre,
    template: 'fsx.hcl',
    summary:
      `FSx for Lustre ${fsx.deploymentType} ${fsx.storageCapacityGiB} ` +
      `GiB in ${zone}, linked to ${fsx.s3ImportPath}`,
    dependencies: [
      {
        name: 'network',
        unit: unitDir(spec, INFRA_UNITS.network),
        mockOutputs: { private_subnets: mockSubnetIds(spec, 'private') },
      },
    ],
    after: [],
    values: {
      name: fsxName(spec),
      deploymentType: fsx.deploymentType,
      storageCapacity: fsx.storageCapacityGiB,
      // PERSISTENT_2 requires a throughput per TiB; 125 MB/s/TiB is the smallest
      perUnitStorageThroughput: persistent ? Number(fsx.perUnitStorageThroughput ?? '125') : undefined,
      subnet: expression(`dependency.network.outputs.private_subnets[${zoneIndex}]`),
      zone,
      ingressRules: { lustre_988: lustrePort(988, 988), lustre_1018_1023: lustrePort(1018, 1023) },
      parameters: storageParameters(spec, 'fsx'),
      associations: {
        data: {
          data_repository_path: fsx.s3ImportPath,
          file_system_path: '/',
          batch_import_meta_data_on_create: true,
          s3: { auto_import_policy: { events: ALL_EVENTS }, auto_export_policy: { events: ALL_EVENTS } },
        },
      },
    },
  };
}
