import { instanceTypes, type InstanceType } from '../instances/instance-table';

/** The known instance types a pool may launch: its exact types, or every known size of its families. */
export function poolInstanceTypes(pool: {
  instanceTypes: readonly string[];
  instanceFamilies: readonly string[];
}): [string, InstanceType][] {
  const all = [...instanceTypes().entries()];
  if (pool.instanceTypes.length) return all.filter(([name]) => pool.instanceTypes.includes(name));
  return all.filter(([name]) => pool.instanceFamilies.includes(name.slice(0, name.indexOf('.'))));
}
