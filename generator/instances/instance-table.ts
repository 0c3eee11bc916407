import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { INSTANCE_TABLE, VENDOR_DIR } from '../model/vendor-files';

/**
 * What the generator knows of an EC2 instance type (`vendor/data/ec2-instance-types.json`; units in its fieldNotes).
 */
export interface InstanceType {
  readonly vcpu: number;
  readonly memoryGiB: number;
  readonly gpus: number;
  readonly neuronDevices: number;
  readonly neuronCores: number;
  readonly efaInterfaces: number;
  /** On-demand list price in USD per hour by region; null where AWS publishes none. */
  readonly onDemandUsdPerHour: Readonly<Record<string, number | null>> | null;
  /** The `kubernetes.io/arch` of its nodes; absent: amd64. */
  readonly architecture?: 'amd64' | 'arm64';
  /** The regions it is offered in, sorted; only the table's `regionsCovered` are known. null: unknown. */
  readonly regions?: readonly string[] | null;
  /** What Karpenter computes a node can give pods on Amazon Linux 2023 (update-instance-table.ts says how). */
  readonly karpenterAllocatableAL2023?: AllocatableAL2023;
}

/** Allocatable cpu and memory as Kubernetes quantities, and the pod limit. */
export interface AllocatableAL2023 {
  readonly cpu: string;
  readonly memory: string;
  readonly pods: number;
}

export interface InstanceTable {
  /** The date of the table's facts and prices. */
  readonly asOf: string;
  readonly types: ReadonlyMap<string, InstanceType>;
  /** The regions whose offerings the `regions` fields record; any other region is unknown, not unavailable. */
  readonly regionsCovered: readonly string[];
}

/** The vendored table is missing or unreadable: a broken checkout, reported without a stack trace. */
export class InstanceTableMissing extends Error {
  /** What is wrong, without the path. */
  readonly detail: string;
  constructor(
    readonly path: string,
    reason: string,
  ) {
    const detail =
      `${reason}; it is part of the repository (restore it with ` +
      `git, or refresh it with "npx projen instances:update")`;
    super(`${path}: ${detail}`);
    this.detail = detail;
  }
}

let table: InstanceTable | undefined;

/** The vendored instance table, read once. */
export function instanceTable(): InstanceTable {
  if (!table) {
    const path = `vendor/${relative(VENDOR_DIR, INSTANCE_TABLE)}`;
    let data: { asOf: string; regionsCovered?: string[]; instanceTypes: Record<string, InstanceType> };
    try {
      data = JSON.parse(readFileSync(INSTANCE_TABLE, 'utf-8'));
    } catch (error) {
      throw new InstanceTableMissing(
        path,
        (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? 'is missing'
          : `is not valid JSON (${(error as Error).message})`,
      );
    }
    table = {
      asOf: data.asOf,
      types: new Map(Object.entries(data.instanceTypes)),
      regionsCovered: data.regionsCovered ?? [],
    };
  }
  return table;
}

/** The instance types by name. */
export function instanceTypes(): ReadonlyMap<string, InstanceType> {
  return instanceTable().types;
}
