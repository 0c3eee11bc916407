import { instanceTable } from '../instances/instance-table';

/** What a test's nodes cost per hour, or why the report cannot say. */
export type HourlyCost =
  { readonly usdPerHour: number; readonly note: string } | { readonly usdPerHour: null; readonly note: string };

/**
 * `nodes` instances of `instanceType` in `region` per hour (times `share`: the tested model's part of nodes it shares
 * with other models, as its packing's requests divide them), at the vendored instance table's on-demand list price
 * (Linux, shared tenancy, the table's date). An estimate of the nodes only: no EBS, data transfer, EKS fee, Spot or
 * Savings Plans. A type or region the table has no price for is a note for the report, not an error: load tests run
 * on instance types the table may not list yet.
 */
export function hourlyCost(instanceType: string, region: string, nodes: number, share = 1): HourlyCost {
  const { asOf, types } = instanceTable();
  const entry = types.get(instanceType);
  if (!entry) return { usdPerHour: null, note: `${instanceType} is not in the instance table` };
  const price = entry.onDemandUsdPerHour?.[region];
  if (price === undefined || price === null) {
    return { usdPerHour: null, note: `the instance table has no on-demand price of ${instanceType} in ${region}` };
  }
  const shared = share < 1 ? `, of which the model's share ${Number((share * 100).toFixed(1))}%` : '';
  return {
    usdPerHour: price * nodes * share,
    note: `${nodes} x ${instanceType} at $${price}/h on demand in ${region}${shared} (instance table of ${asOf})`,
  };
}

/** USD per million requests at `throughput` requests per second; null without a price or a throughput. */
export function costPerMillion(usdPerHour: number | null, throughput: number | null): number | null {
  if (usdPerHour === null || throughput === null || !(throughput > 0)) return null;
  return (usdPerHour / (throughput * 3600)) * 1e6;
}
