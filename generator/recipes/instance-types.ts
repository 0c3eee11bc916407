import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Accelerator facts of one EC2 instance type (`../shared/data/ec2-instance-types.json`). */
export interface InstanceType {
  readonly vcpu: number;
  readonly memoryGiB: number;
  readonly gpus: number;
  readonly neuronDevices: number;
  readonly neuronCores: number;
  readonly efaInterfaces: number;
  /** On-demand USD per hour by region, where known. */
  readonly onDemandUsdPerHour: Record<string, number | null> | null;
}

export const INSTANCE_TABLE = 'data/ec2-instance-types.json';

/** The instance table from the shared data folder, or undefined where it is not present. */
export function loadInstanceTypes(shared: string): ReadonlyMap<string, InstanceType> | undefined {
  const path = join(shared, INSTANCE_TABLE);
  if (!existsSync(path)) return undefined;
  const data = JSON.parse(readFileSync(path, 'utf-8')) as { instanceTypes: Record<string, InstanceType> };
  return new Map(Object.entries(data.instanceTypes));
}

/** The extended resources a pod may request, and the instance fact that bounds each. */
export const ACCELERATOR_RESOURCES = [
  { resource: 'nvidia.com/gpu', fact: 'gpus', what: 'GPUs' },
  { resource: 'aws.amazon.com/neuron', fact: 'neuronDevices', what: 'Neuron devices' },
  { resource: 'aws.amazon.com/neuroncore', fact: 'neuronCores', what: 'NeuronCores' },
  { resource: 'vpc.amazonaws.com/efa', fact: 'efaInterfaces', what: 'EFA interfaces' },
] as const;

/** A Kubernetes quantity as a number (cores, bytes, devices); NaN when it is not one. */
export function parseQuantity(text: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|P|Ki|Mi|Gi|Ti|Pi)?$/.exec(text.trim());
  if (!m) return NaN;
  const factor: Record<string, number> = {
    '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50,
  };
  return Number(m[1]) * factor[m[2] ?? ''];
}
