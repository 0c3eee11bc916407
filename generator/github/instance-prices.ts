import { instanceTable } from '../instances/instance-table';

/** The regions the vendored instance table has on-demand prices for. */
export const PRICED_REGIONS = ['us-east-1', 'us-west-2'] as const;

interface InstanceTypeEntry {
  readonly onDemandUsdPerHour: Readonly<Record<string, number | null>> | null;
}

/** The instance table's prices: Linux, shared tenancy, on-demand list prices in USD per hour (see its fieldNotes). */
export interface InstancePrices {
  /** The date of the price snapshot (`asOf`). */
  readonly asOf: string;
  readonly types: Readonly<Record<string, InstanceTypeEntry>>;
}

/** The vendored instance table's prices. */
export function loadInstancePrices(): InstancePrices {
  const { asOf, types } = instanceTable();
  return { asOf, types: Object.fromEntries(types) };
}

export interface CostEstimate {
  /** All nodes of the run, per hour; null when no price is known. */
  readonly perHourUsd: number | null;
  /** perHourUsd x the duration the recipe states; null without either. */
  readonly perRunUsd: number | null;
  /** Why a price is missing, or what the estimate leaves out. */
  readonly note: string;
}

/**
 * Estimated on-demand cost of `nodes` instances of `instanceType` in `region`. An estimate: list prices at the
 * table's date, without EBS, data transfer, the EKS fee, Spot, Savings Plans or Reserved Instances.
 */
export function estimateCost(
  prices: InstancePrices,
  run: { instanceType: string | null; region: string; nodes: number; durationHours?: number },
): CostEstimate {
  const none = (note: string): CostEstimate => ({ perHourUsd: null, perRunUsd: null, note });
  if (!run.instanceType) return none('no single instance type: Karpenter picks the size from the pool, so no price');
  const entry = prices.types[run.instanceType];
  if (!entry) return none(`no price: ${run.instanceType} is not in the instance table`);
  if (!entry.onDemandUsdPerHour || !(run.region in entry.onDemandUsdPerHour)) {
    return none(`no price for ${run.region}: the instance table has ${PRICED_REGIONS.join(' and ')}`);
  }
  const hourly = entry.onDemandUsdPerHour[run.region];
  if (hourly === null || hourly === undefined) {
    return none(`no on-demand list price for ${run.instanceType} (not sold on demand, or not published)`);
  }
  const perHourUsd = round2(hourly * run.nodes);
  const perRunUsd = run.durationHours !== undefined ? round2(perHourUsd * run.durationHours) : null;
  return {
    perHourUsd,
    perRunUsd,
    note: `on-demand list price of ${run.instanceType} in ${run.region} ($${hourly}/h per node) as of ${prices.asOf}`,
  };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** `$1,234.56` */
export function formatUsd(value: number): string {
  return `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}
