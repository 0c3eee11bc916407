import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDir } from '../checks/schema-registry';
import { GENERATOR_DIR } from '../generator-dir';

/** What the generator needs to know of an EC2 instance type (from `../shared/data/ec2-instance-types.json`). */
export interface InstanceType {
  readonly vcpu: number;
  readonly memoryGiB: number;
  readonly gpus: number;
  readonly neuronDevices: number;
  readonly efaInterfaces: number;
}

/** The shared data is not where the generator looks for it: a setup problem, reported without a stack trace. */
export class SharedDataMissing extends Error {
  constructor(readonly path: string) {
    super(`${path}: not found; the fleet's shared data must sit beside this repository (../shared) or be named by FLEET_SHARED_DIR`);
  }
}

let table: ReadonlyMap<string, InstanceType> | undefined;

/** The instance types the seeds use, by name; read once from the shared data beside the repository. */
export function instanceTypes(): ReadonlyMap<string, InstanceType> {
  if (!table) {
    const path = join(sharedDir(join(GENERATOR_DIR, '..')), 'data', 'ec2-instance-types.json');
    if (!existsSync(path)) throw new SharedDataMissing(path);
    const data = JSON.parse(readFileSync(path, 'utf-8')) as { instanceTypes: Record<string, InstanceType> };
    table = new Map(Object.entries(data.instanceTypes));
  }
  return table;
}

/** The known instance types a pool may launch: its exact types, or every known size of its families. */
export function poolInstanceTypes(pool: { instanceTypes: readonly string[]; instanceFamilies: readonly string[] }): [string, InstanceType][] {
  const all = [...instanceTypes().entries()];
  if (pool.instanceTypes.length) return all.filter(([name]) => pool.instanceTypes.includes(name));
  return all.filter(([name]) => pool.instanceFamilies.includes(name.slice(0, name.indexOf('.'))));
}
