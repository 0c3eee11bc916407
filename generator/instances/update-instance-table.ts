import { readFileSync } from 'node:fs';
import {
  DescribeInstanceTypeOfferingsCommand,
  DescribeInstanceTypesCommand,
  DescribeRegionsCommand,
  EC2Client,
  type InstanceTypeInfo,
} from '@aws-sdk/client-ec2';
import { GetProductsCommand, PricingClient, type Filter as PricingFilter } from '@aws-sdk/client-pricing';
import type { AllocatableAL2023 } from './instance-table';
import { writeFileAtomically } from '../util/atomic-file';

/**
 * `npx projen instances:update`: refreshes the vendored EC2 instance table (`vendor/data/ec2-instance-types.json`)
 * from the AWS APIs with the user's credentials: instance facts from EC2 DescribeInstanceTypes, on-demand list
 * prices from the Price List Query API (GetProducts), the regions each type is offered in from EC2
 * DescribeInstanceTypeOfferings (every region DescribeRegions lists, or an explicit list). Fields the APIs do not give
 * (`gpuMemoryNominalGB`, `notes`) are kept; `karpenterAllocatableAL2023` is recomputed from the DescribeInstanceTypes
 * answer with Karpenter's own formula. Same API answers and the same date give a byte-identical file.
 */

/** The instance fields in the order the table writes them (then any other field, such as `notes`, as it was). */
const FIELD_ORDER = [
  'vcpu',
  'memoryGiB',
  'gpus',
  'gpuModel',
  'gpuMemoryGiB',
  'gpuMemoryNominalGB',
  'neuronDevices',
  'neuronCores',
  'neuronDeviceModel',
  'efaInterfaces',
  'architecture',
  'onDemandUsdPerHour',
  'regions',
  'karpenterAllocatableAL2023',
] as const;
/** The table's top-level keys in their order (then any other key as it was). */
const TOP_LEVEL_ORDER = [
  'asOf',
  'asOfDetail',
  'sources',
  'fieldNotes',
  'crossChecks',
  'regionsCovered',
  'instanceTypes',
] as const;

/** Karpenter's source the allocatable formula and the bare-metal price filters are read from. */
export const KARPENTER_SOURCE = 'aws/karpenter-provider-aws@1d927085dd81a9df9301e613f371dac5b4d16bfe';
/** Karpenter's default VM memory overhead (`--vm-memory-overhead-percent`, 0.075). */
const VM_MEMORY_OVERHEAD_PERCENT = 0.075;
/** The Price List Query API is served from us-east-1 (also ap-south-1, eu-central-1). */
const PRICING_REGION = 'us-east-1';
/** Parallel GetProducts calls (the Price List API throttles; the SDK retries what it throttles). */
const PRICING_CONCURRENCY = 4;
/** Regions asked for offerings at a time. */
const OFFERINGS_CONCURRENCY = 4;

/** What the AWS APIs say of one instance type, in the table's field names and units (see its fieldNotes). */
export interface InstanceFacts {
  vcpu: number;
  memoryGiB: number;
  gpus: number;
  gpuModel: string | null;
  gpuMemoryGiB: number;
  neuronDevices: number;
  neuronCores: number;
  neuronDeviceModel: string | null;
  efaInterfaces: number;
  architecture: 'amd64' | 'arm64';
  karpenterAllocatableAL2023: AllocatableAL2023;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** A failure the command reports in one line, without a stack trace. */
export class InstancesUpdateError extends Error {}

/**
 * One changed value: `field` is a path inside the instance type (`onDemandUsdPerHour.us-east-1`), or a top-level key.
 */
export interface Change {
  instanceType?: string;
  field: string;
  old?: Json;
  new?: Json;
  /** `added`: a new instance type; `changed`: a value. */
  kind: 'added' | 'changed';
}

export interface UpdateResult {
  changes: Change[];
  /** Things to check by hand (notes that may be stale, fields the APIs do not give). */
  warnings: string[];
  /** The file's new text. */
  text: string;
  /** False when the text is byte-identical to the file's (nothing written). */
  written: boolean;
}

/**
 * Where the SDK clients go: the defaults (AWS), or an endpoint (tests; also `AWS_ENDPOINT_URL_EC2` /
 * `AWS_ENDPOINT_URL_PRICING`).
 */
export interface AwsOptions {
  ec2Endpoint?: string;
  pricingEndpoint?: string;
}

export interface UpdateOptions extends AwsOptions {
  /** The table to update. */
  file: string;
  /** Instance types to add to the table. */
  add?: readonly string[];
  /** The date the data is as of, YYYY-MM-DD; default: today (UTC). */
  asOf?: string;
  /** Print the changes without writing. */
  dryRun?: boolean;
  /** The regions whose offerings to record; default: every region EC2 DescribeRegions lists for the account. */
  regions?: readonly string[];
}

// ---------------------------------------------------------------------------------------------------------------
// DescribeInstanceTypes -> table fields

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * Node allocatable as Karpenter simulates it for the AL2023 AMI family with its defaults (no kubelet overrides,
 * no blockDeviceMappings, ReservedENIs 0, VM memory overhead 7.5%), read from `pkg/providers/instancetype/types.go`
 * at {@link KARPENTER_SOURCE}: allocatable = capacity - kubeReserved - systemReserved (none) - evictionThreshold.
 * - pods: ENILimitedPods = MaximumNetworkInterfaces of the default network card x (Ipv4AddressesPerInterface - 1) + 2
 * - cpu: DefaultVCpus minus kube-reserved 6% of the first core, 1% of the second, 0.5% of the next two, 0.25% above
 *   (each range truncated to whole millicores)
 * - memory: SizeInMiB (minus 64 MiB on arm64) minus ceil(7.5%), minus kube-reserved 11 MiB x pods + 255 MiB,
 *   minus the 100Mi hard eviction threshold
 */
export function karpenterAllocatableAL2023(info: InstanceTypeInfo): AllocatableAL2023 {
  const name = info.InstanceType ?? '?';
  const network = info.NetworkInfo;
  const card = network?.NetworkCards?.find((c) => c.NetworkCardIndex === network.DefaultNetworkCardIndex);
  const enis = card?.MaximumNetworkInterfaces;
  const ipsPerEni = network?.Ipv4AddressesPerInterface;
  const vcpus = info.VCpuInfo?.DefaultVCpus;
  const sizeInMiB = info.MemoryInfo?.SizeInMiB;
  if (enis === undefined || ipsPerEni === undefined || vcpus === undefined || sizeInMiB === undefined) {
    throw new InstancesUpdateError(
      `DescribeInstanceTypes answer for ${name} lacks the network card, IPv4 addresses ` +
        `per interface, vCPUs or memory that karpenterAllocatableAL2023 is computed from`,
    );
  }
  const pods = enis > 0 ? enis * (ipsPerEni - 1) + 2 : 0;

  const milli = vcpus * 1000;
  let reservedMilli = 0;
  for (const { start, end, percentage } of [
    { start: 0, end: 1000, percentage: 0.06 },
    { start: 1000, end: 2000, percentage: 0.01 },
    { start: 2000, end: 4000, percentage: 0.005 },
    { start: 4000, end: 2 ** 31, percentage: 0.0025 },
  ]) {
    if (milli >= start) reservedMilli += Math.trunc((milli < end ? milli - start : end - start) * percentage);
  }

  const mib = sizeInMiB - (info.ProcessorInfo?.SupportedArchitectures?.[0] === 'arm64' ? 64 : 0);
  const capacityMiB = mib - Math.ceil((mib * 1024 * 1024 * VM_MEMORY_OVERHEAD_PERCENT) / 1024 / 1024);
  const memoryMiB = capacityMiB - (11 * pods + 255) - 100;
  return { cpu: `${milli - reservedMilli}m`, memory: `${memoryMiB}Mi`, pods };
}

/** The table's fields from one DescribeInstanceTypes item (units as the table's fieldNotes define them). */
export function factsFromInstanceTypeInfo(info: InstanceTypeInfo): InstanceFacts {
  const name = info.InstanceType ?? '?';
  const vcpu = info.VCpuInfo?.DefaultVCpus;
  const mib = info.MemoryInfo?.SizeInMiB;
  if (vcpu === undefined || mib === undefined) {
    throw new InstancesUpdateError(
      `DescribeInstanceTypes answer for ${name} has no DefaultVCpus or MemoryInfo.SizeInMiB`,
    );
  }
  // nvidia.com/gpu counts NVIDIA GPUs only (as Karpenter does); gpuModel and gpuMemoryGiB are theirs
  const nvidia = (info.GpuInfo?.Gpus ?? []).filter((g) => g.Manufacturer === 'NVIDIA');
  const gpus = nvidia.reduce((sum, g) => sum + (g.Count ?? 0), 0);
  const gpu = gpus > 0 ? nvidia[0] : undefined;
  // aws.amazon.com/neuron: all devices; aws.amazon.com/neuroncore: devices x cores per device of the first (Karpenter)
  const devices = info.NeuronInfo?.NeuronDevices ?? [];
  const neuronDevices = devices.reduce((sum, d) => sum + (d.Count ?? 0), 0);
  const neuronCores = devices.length > 0 ? (devices[0].Count ?? 0) * (devices[0].CoreInfo?.Count ?? 0) : 0;
  return {
    vcpu,
    memoryGiB: round2(mib / 1024),
    gpus,
    gpuModel: gpu?.Name ?? null,
    gpuMemoryGiB: gpu?.MemoryInfo?.SizeInMiB !== undefined ? round2(gpu.MemoryInfo.SizeInMiB / 1024) : 0,
    neuronDevices,
    neuronCores,
    neuronDeviceModel: neuronDevices > 0 ? (devices[0].Name ?? null) : null,
    efaInterfaces: info.NetworkInfo?.EfaInfo?.MaximumEfaInterfaces ?? 0,
    // the node label's name: x86_64 (with or without i386) is amd64
    architecture: info.ProcessorInfo?.SupportedArchitectures?.includes('arm64') ? 'arm64' : 'amd64',
    karpenterAllocatableAL2023: karpenterAllocatableAL2023(info),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// GetProducts -> on-demand price

const termMatch = (Field: string, Value: string): PricingFilter => ({ Type: 'TERM_MATCH', Field, Value });

/**
 * The GetProducts filters for the Linux, shared-tenancy, on-demand price of an instance type in a region. The
 * `marketoption` filter (as Karpenter's, which produced the table's first us-east-1 prices) keeps Capacity Block
 * products out.
 */
export function priceFilters(instanceType: string, region: string): PricingFilter[] {
  return [
    termMatch('instanceType', instanceType),
    termMatch('regionCode', region),
    termMatch('operatingSystem', 'Linux'),
    termMatch('tenancy', 'Shared'),
    termMatch('preInstalledSw', 'NA'),
    termMatch('capacitystatus', 'Used'),
    termMatch('marketoption', 'OnDemand'),
  ];
}

/**
 * Karpenter prices bare-metal types with tenancy Dedicated and productFamily "Compute Instance (bare metal)"
 * (`pkg/providers/pricing/pricing.go` at {@link KARPENTER_SOURCE}); asked only when the shared-tenancy query finds
 * none.
 */
export function bareMetalPriceFilters(instanceType: string, region: string): PricingFilter[] {
  return [
    ...priceFilters(instanceType, region).map((f) => (f.Field === 'tenancy' ? termMatch('tenancy', 'Dedicated') : f)),
    termMatch('productFamily', 'Compute Instance (bare metal)'),
  ];
}

/** The distinct non-zero OnDemand USD prices per hour in GetProducts PriceList entries for one instance type. */
export function onDemandUsdPrices(priceList: readonly unknown[], instanceType: string): number[] {
  const prices = new Set<number>();
  for (const entry of priceList) {
    // each entry is a product's JSON document: a string, or the SDK's String-like LazyJsonString
    const item = (typeof entry === 'string' || entry instanceof String ? JSON.parse(String(entry)) : entry) as {
      product?: { attributes?: { instanceType?: string } };
      terms?: {
        OnDemand?: Record<
          string,
          { priceDimensions?: Record<string, { unit?: string; pricePerUnit?: Record<string, string> }> }
        >;
      };
    };
    if (item.product?.attributes?.instanceType !== instanceType) continue;
    for (const term of Object.values(item.terms?.OnDemand ?? {})) {
      for (const dimension of Object.values(term.priceDimensions ?? {})) {
        const usd = dimension.pricePerUnit?.USD;
        if (usd === undefined || (dimension.unit !== undefined && dimension.unit !== 'Hrs')) continue;
        const price = Number(usd);
        if (Number.isFinite(price) && price > 0) prices.add(price);
      }
    }
  }
  return [...prices].sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------------------------------------------
// The AWS calls

/** One line for an SDK error: the service's error code and message, never a stack trace. */
function describeAwsError(what: string, error: unknown): InstancesUpdateError {
  if (error instanceof InstancesUpdateError) return error;
  const e = error as { name?: string; message?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  if (e?.name === 'CredentialsProviderError') return noCredentials(e.message);
  const code = e?.Code ?? e?.name ?? 'Error';
  const status = e?.$metadata?.httpStatusCode ? ` (HTTP ${e.$metadata.httpStatusCode})` : '';
  const message = String(e?.message ?? error)
    .replace(/\s+/g, ' ')
    .trim();
  return new InstancesUpdateError(
    `${what} failed${status}: ${code}${message && message !== code ? `: ${message}` : ''}`,
  );
}

function noCredentials(detail?: string): InstancesUpdateError {
  const why = detail ? ` (${detail.replace(/\s+/g, ' ').trim()})` : '';
  return new InstancesUpdateError(
    `no AWS credentials found${why}: set AWS_PROFILE (after "aws sso login" or "aws configure"), ` +
      `or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; the command needs ec2:DescribeInstanceTypes, ` +
      `ec2:DescribeRegions, ec2:DescribeInstanceTypeOfferings and pricing:GetProducts`,
  );
}

/**
 * DescribeInstanceTypes for the given types, asked region by region (a type not offered in the first is looked up
 * in the next), paginated. Filtering by `instance-type` (not the InstanceTypes parameter) lets an unknown type come
 * back missing instead of failing the whole call.
 */
export async function describeInstanceTypes(
  types: readonly string[],
  regions: readonly string[],
  options: AwsOptions = {},
): Promise<Map<string, { info: InstanceTypeInfo; region: string }>> {
  const found = new Map<string, { info: InstanceTypeInfo; region: string }>();
  for (const region of regions) {
    const wanted = types.filter((t) => !found.has(t));
    if (wanted.length === 0) break;
    const client = new EC2Client({ region, ...(options.ec2Endpoint ? { endpoint: options.ec2Endpoint } : {}) });
    try {
      for (let i = 0; i < wanted.length; i += 100) {
        const chunk = wanted.slice(i, i + 100);
        let nextToken: string | undefined;
        do {
          const page = await client
            .send(
              new DescribeInstanceTypesCommand({
                Filters: [{ Name: 'instance-type', Values: chunk }],
                MaxResults: 100,
                NextToken: nextToken,
              }),
            )
            .catch((error: unknown) => {
              throw describeAwsError(`EC2 DescribeInstanceTypes in ${region}`, error);
            });
          for (const info of page.InstanceTypes ?? []) {
            if (info.InstanceType && chunk.includes(info.InstanceType) && !found.has(info.InstanceType)) {
              found.set(info.InstanceType, { info, region });
            }
          }
          nextToken = page.NextToken || undefined;
        } while (nextToken);
      }
    } finally {
      client.destroy();
    }
  }
  return found;
}

/** The regions enabled for the account (EC2 DescribeRegions, asked in us-east-1), sorted. */
export async function describeRegions(options: AwsOptions = {}): Promise<string[]> {
  const client = new EC2Client({
    region: PRICING_REGION,
    ...(options.ec2Endpoint ? { endpoint: options.ec2Endpoint } : {}),
  });
  try {
    const answer = await client.send(new DescribeRegionsCommand({})).catch((error: unknown) => {
      throw describeAwsError(`EC2 DescribeRegions in ${PRICING_REGION}`, error);
    });
    return [...new Set((answer.Regions ?? []).map((r) => r.RegionName).filter((r): r is string => !!r))].sort();
  } finally {
    client.destroy();
  }
}

/**
 * The regions each of the types is offered in: EC2 DescribeInstanceTypeOfferings with LocationType `region`, asked
 * in each region (an offering is listed whatever the purchase option: on demand, Spot, Capacity Blocks), paginated.
 * Every type gets a sorted list, empty when no region offers it.
 */
export async function describeOfferings(
  types: readonly string[],
  regions: readonly string[],
  options: AwsOptions = {},
): Promise<Map<string, string[]>> {
  const offered = new Map<string, Set<string>>(types.map((t) => [t, new Set<string>()]));
  await mapLimited(regions, OFFERINGS_CONCURRENCY, async (region) => {
    const client = new EC2Client({ region, ...(options.ec2Endpoint ? { endpoint: options.ec2Endpoint } : {}) });
    try {
      for (let i = 0; i < types.length; i += 100) {
        const chunk = types.slice(i, i + 100);
        let nextToken: string | undefined;
        do {
          const page = await client
            .send(
              new DescribeInstanceTypeOfferingsCommand({
                LocationType: 'region',
                Filters: [{ Name: 'instance-type', Values: chunk }],
                MaxResults: 1000,
                NextToken: nextToken,
              }),
            )
            .catch((error: unknown) => {
              throw describeAwsError(`EC2 DescribeInstanceTypeOfferings in ${region}`, error);
            });
          for (const offering of page.InstanceTypeOfferings ?? []) {
            const type = offering.InstanceType;
            if (type && offered.has(type) && offering.Location === region) offered.get(type)!.add(region);
          }
          nextToken = page.NextToken || undefined;
        } while (nextToken);
      }
    } finally {
      client.destroy();
    }
  });
  return new Map([...offered].map(([type, where]) => [type, [...where].sort()]));
}

/** Runs `work` over `items` with at most `limit` at a time; results in the items' order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await work(items[i]);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * The on-demand Linux shared-tenancy USD price per hour of each type in each region, from GetProducts (paginated);
 * null when AWS publishes none. More than one distinct price for one type and region is an error, never a guess.
 */
export async function onDemandPrices(
  types: readonly { name: string; bareMetal: boolean }[],
  regions: readonly string[],
  options: AwsOptions = {},
): Promise<Map<string, Record<string, number | null>>> {
  const client = new PricingClient({
    region: PRICING_REGION,
    ...(options.pricingEndpoint ? { endpoint: options.pricingEndpoint } : {}),
  });
  const query = async (instanceType: string, region: string, filters: PricingFilter[]): Promise<number[]> => {
    const prices = new Set<number>();
    let nextToken: string | undefined;
    do {
      const page = await client
        .send(
          new GetProductsCommand({
            ServiceCode: 'AmazonEC2',
            FormatVersion: 'aws_v1',
            Filters: filters,
            MaxResults: 100,
            NextToken: nextToken,
          }),
        )
        .catch((error: unknown) => {
          throw describeAwsError(`Price List GetProducts for ${instanceType} in ${region}`, error);
        });
      const list = Array.isArray(page.PriceList) ? (page.PriceList as unknown[]) : [];
      for (const price of onDemandUsdPrices(list, instanceType)) prices.add(price);
      nextToken = page.NextToken || undefined;
    } while (nextToken);
    return [...prices].sort((a, b) => a - b);
  };
  try {
    const jobs = types.flatMap((t) => regions.map((region) => ({ ...t, region })));
    const answers = await mapLimited(jobs, PRICING_CONCURRENCY, async ({ name, bareMetal, region }) => {
      let prices = await query(name, region, priceFilters(name, region));
      if (prices.length === 0 && bareMetal) prices = await query(name, region, bareMetalPriceFilters(name, region));
      if (prices.length > 1) {
        throw new InstancesUpdateError(
          `Price List GetProducts gave ${prices.length} different on-demand Linux prices for ${name} ` +
            `in ${region} (${prices.join(', ')} USD/h); not guessing which is the list price`,
        );
      }
      return { name, region, price: prices.length === 1 ? prices[0] : null };
    });
    const result = new Map<string, Record<string, number | null>>();
    for (const { name, region, price } of answers) result.set(name, { ...result.get(name), [region]: price });
    return result;
  } finally {
    client.destroy();
  }
}

/** Resolves the credentials the SDK would use, so that missing ones are one clear message before any call. */
async function checkCredentials(options: AwsOptions): Promise<void> {
  const client = new EC2Client({
    region: PRICING_REGION,
    ...(options.ec2Endpoint ? { endpoint: options.ec2Endpoint } : {}),
  });
  try {
    const credentials = await client.config.credentials();
    if (!credentials?.accessKeyId) throw noCredentials();
  } catch (error) {
    if (error instanceof InstancesUpdateError) throw error;
    throw noCredentials((error as Error)?.message);
  } finally {
    client.destroy();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The table

const isObject = (x: unknown): x is JsonObject => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Reads and checks the table's shape (an object with `instanceTypes` of objects with `onDemandUsdPerHour`). */
export function parseTable(text: string, file: string): JsonObject {
  let table: unknown;
  try {
    table = JSON.parse(text);
  } catch (error) {
    throw new InstancesUpdateError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(table) || !isObject(table.instanceTypes)) {
    throw new InstancesUpdateError(`${file}: expected an object with "instanceTypes"`);
  }
  for (const [name, entry] of Object.entries(table.instanceTypes)) {
    if (!isObject(entry)) throw new InstancesUpdateError(`${file}: instanceTypes.${name}: expected an object`);
  }
  return table;
}

/** The regions the table prices: the keys of its `onDemandUsdPerHour` objects, in the order they first appear. */
export function pricedRegions(table: JsonObject): string[] {
  const regions: string[] = [];
  for (const entry of Object.values(table.instanceTypes as JsonObject)) {
    const prices = (entry as JsonObject).onDemandUsdPerHour;
    if (isObject(prices)) for (const region of Object.keys(prices)) if (!regions.includes(region)) regions.push(region);
  }
  return regions.length > 0 ? regions : ['us-east-1', 'us-west-2'];
}

const familyOf = (type: string) => type.split('.')[0];
const categoryOf = (entry: JsonObject) =>
  (entry.gpus as number) > 0 ? 0 : (entry.neuronDevices as number) > 0 ? 1 : 2;

/**
 * The table's order: accelerated GPU types, then Neuron types, then CPU types (categories in the order the table
 * has them); families in the order they first appear (new families after them, by name); sizes by vCPUs, memory,
 * name. The current table is already in this order, so existing types keep their places.
 */
function sortTypes(previous: JsonObject, entries: Map<string, JsonObject>): string[] {
  const families: string[] = [];
  const categories: number[] = [];
  for (const [name, entry] of Object.entries(previous)) {
    if (!families.includes(familyOf(name))) families.push(familyOf(name));
    const category = categoryOf(entry as JsonObject);
    if (!categories.includes(category)) categories.push(category);
  }
  for (const category of [0, 1, 2]) if (!categories.includes(category)) categories.push(category);
  const rank = (name: string) => {
    const entry = entries.get(name)!;
    const family = families.indexOf(familyOf(name));
    return [
      categories.indexOf(categoryOf(entry)),
      family < 0 ? families.length : family,
      family < 0 ? familyOf(name) : '',
      entry.vcpu as number,
      entry.memoryGiB as number,
      name,
    ] as const;
  };
  return [...entries.keys()].sort((a, b) => {
    const [ra, rb] = [rank(a), rank(b)];
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i] < rb[i] ? -1 : 1;
    return 0;
  });
}

/** The new entry of one instance type: the APIs' facts and prices, and what the APIs do not give kept from before. */
function updatedEntry(
  old: JsonObject | undefined,
  facts: InstanceFacts,
  prices: Record<string, number | null>,
  regions: readonly string[],
  offeredIn: readonly string[] | undefined,
): JsonObject {
  const entry: JsonObject = {};
  for (const field of FIELD_ORDER) {
    switch (field) {
      case 'gpuMemoryNominalGB':
        // the vendor's spec-sheet figure: not in any AWS API; 0 without a GPU, kept, or null (to fill in) for a new GPU
        // type
        entry[field] =
          facts.gpus === 0 ? 0 : old && typeof old[field] === 'number' && old[field] !== 0 ? old[field] : null;
        break;
      case 'onDemandUsdPerHour':
        entry[field] = Object.fromEntries(regions.map((region) => [region, prices[region] ?? null]));
        break;
      case 'regions':
        // DescribeInstanceTypeOfferings' answer; without one (answers from before offerings were asked) kept as it was
        if (offeredIn) entry[field] = [...offeredIn];
        else if (old && field in old) entry[field] = old[field];
        break;
      case 'karpenterAllocatableAL2023':
        entry[field] = { ...facts.karpenterAllocatableAL2023 };
        break;
      default:
        entry[field] = facts[field];
    }
  }
  for (const [key, value] of Object.entries(old ?? {})) if (!(key in entry)) entry[key] = value;
  return entry;
}

/** Every leaf that differs between two JSON values, as `path: old → new`. */
function diff(
  path: string,
  a: Json | undefined,
  b: Json | undefined,
  out: { field: string; old?: Json; new?: Json }[],
): void {
  if (isObject(a) && isObject(b)) {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])]) {
      diff(path ? `${path}.${key}` : key, a[key], b[key], out);
    }
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ field: path, old: a, new: b });
}

export interface ApiAnswers {
  facts: Map<string, InstanceFacts>;
  prices: Map<string, Record<string, number | null>>;
  /** DescribeInstanceTypeOfferings: the regions each type is offered in, and the regions that were asked. */
  offerings?: { regions: readonly string[]; offeredIn: Map<string, string[]> };
}

/** The table's metadata after an update from the APIs on `asOf`. */
function metadata(
  asOf: string,
  regions: readonly string[],
  offeringRegions: number | undefined,
): { asOfDetail: JsonObject; sources: Json[] } {
  return {
    asOfDetail: {
      instanceFacts:
        `EC2 DescribeInstanceTypes (${regions.join(', then ')} ` + `for types not offered in the first), ${asOf}`,
      prices:
        `AWS Price List Query API GetProducts (endpoint ${PRICING_REGION}), AmazonEC2, ` +
        (`regionCode ${regions.join(' and ')}, Linux, tenancy Shared, ` +
          `preInstalledSw NA, capacitystatus Used, marketoption `) +
        `OnDemand: OnDemand USD pricePerUnit per hour (bare-metal types with no shared-tenancy price: ` +
        `tenancy Dedicated, productFamily Compute Instance (bare metal), as Karpenter does), ${asOf}`,
      ...(offeringRegions !== undefined
        ? {
            regions:
              `EC2 DescribeInstanceTypeOfferings, LocationType region, asked in each of ` +
              `the ${offeringRegions} regions of regionsCovered (EC2 DescribeRegions, or the --region ` +
              `list): the regions where each type is offered by any purchase option, ${asOf}`,
          }
        : {}),
      karpenterAllocatableAL2023:
        `computed from the DescribeInstanceTypes answers with Karpenter's formula ` +
        `(${KARPENTER_SOURCE}:pkg/providers/instancetype/types.go): AL2023, default ` +
        `kube-reserved, 100Mi hard eviction, 7.5% VM memory overhead, ENI-limited max pods`,
      notApiFields:
        'gpuMemoryNominalGB (vendor spec-sheet GPU memory) and notes are not ' +
        'given by the AWS APIs: kept from the hand-checked table (see crossChecks)',
    },
    sources: [
      `EC2 DescribeInstanceTypes ` +
        `(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceTypes.html), ${asOf}`,
      `AWS Price List Query API GetProducts ` +
        `(https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_pricing_GetProducts.html), ${asOf}`,
      ...(offeringRegions !== undefined
        ? [
            `EC2 DescribeInstanceTypeOfferings ` +
              `(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceTypeOfferings.html) ` +
              `and DescribeRegions, ${asOf}`,
          ]
        : []),
      `${KARPENTER_SOURCE}:pkg/providers/instancetype/types.go`,
      `${KARPENTER_SOURCE}:pkg/providers/pricing/pricing.go`,
      'vantage-sh/ec2instances.info@4ef36cd2c9867c1076206dcb691412ae2de7e8dd:scraper/aws/ec2/gpu_data.go',
    ],
  };
}

/** The updated table and what changed (pure: same table, answers and date give the same result). */
export function applyAnswers(
  table: JsonObject,
  add: readonly string[],
  answers: ApiAnswers,
  asOf: string,
): { table: JsonObject; changes: Change[]; warnings: string[] } {
  const previous = table.instanceTypes as JsonObject;
  const regions = pricedRegions(table);
  const names = [...Object.keys(previous), ...add.filter((t) => !(t in previous))];
  const entries = new Map<string, JsonObject>();
  const changes: Change[] = [];
  const warnings: string[] = [];
  for (const name of names) {
    const facts = answers.facts.get(name)!;
    const old = previous[name] as JsonObject | undefined;
    const entry = updatedEntry(
      old,
      facts,
      answers.prices.get(name) ?? {},
      regions,
      answers.offerings?.offeredIn.get(name) ?? (answers.offerings ? [] : undefined),
    );
    entries.set(name, entry);
    if (!old) {
      changes.push({ instanceType: name, field: '', kind: 'added' });
      if (entry.gpuMemoryNominalGB === null) {
        warnings.push(
          `${name}: gpuMemoryNominalGB (the spec-sheet GPU memory) is ` +
            `not given by the AWS APIs; it is null: fill it in by hand`,
        );
      }
      continue;
    }
    const fields: { field: string; old?: Json; new?: Json }[] = [];
    diff('', old, entry, fields);
    for (const f of fields) changes.push({ instanceType: name, kind: 'changed', ...f });
    if (fields.length > 0 && Array.isArray(old.notes)) warnings.push(`${name}: has notes; check that they still hold`);
  }

  const next: JsonObject = {};
  const meta = metadata(asOf, regions, answers.offerings?.regions.length);
  const top: JsonObject = { asOf, asOfDetail: meta.asOfDetail, sources: meta.sources };
  if (answers.offerings) top.regionsCovered = [...answers.offerings.regions].sort();
  for (const key of TOP_LEVEL_ORDER) {
    if (key === 'instanceTypes') {
      next[key] = Object.fromEntries(sortTypes(previous, entries).map((n) => [n, entries.get(n)!]));
    } else if (key in top) {
      next[key] = top[key];
    } else if (key in table) {
      next[key] = table[key];
    }
  }
  for (const [key, value] of Object.entries(table)) if (!(key in next)) next[key] = value;
  for (const key of ['asOf', 'asOfDetail', 'sources', 'regionsCovered'] as const) {
    if (JSON.stringify(table[key]) !== JSON.stringify(next[key])) {
      changes.push({ field: key, old: table[key], new: next[key], kind: 'changed' });
    }
  }
  return { table: next, changes, warnings };
}

/** The table as written: two-space JSON, no trailing newline (the vendored file's format). */
export function renderTable(table: JsonObject): string {
  return JSON.stringify(table, null, 2);
}

const show = (value: Json | undefined): string => (value === undefined ? '(none)' : JSON.stringify(value));

/** What the command prints: one line per changed field (`type: field: old → new`), or "no changes". */
export function formatChanges(changes: readonly Change[]): string[] {
  if (changes.length === 0) return ['no changes'];
  return changes.map((c) => {
    if (c.kind === 'added') return `${c.instanceType}: added`;
    if (c.field === 'layout') return 'layout: rewritten (key order or formatting; no value changed)';
    if (!c.instanceType) {
      return c.field === 'asOf' ? `asOf: ${show(c.old)} → ${show(c.new)}` : `${c.field}: updated (the AWS APIs)`;
    }
    return `${c.instanceType}: ${c.field}: ${show(c.old)} → ${show(c.new)}`;
  });
}

/** Writes the table atomically, keeping the file's mode; a failure is the command's error. */
function writeAtomically(file: string, text: string): void {
  try {
    writeFileAtomically(file, text);
  } catch (error) {
    throw new InstancesUpdateError(`${file}: could not write (${(error as Error).message})`);
  }
}

const INSTANCE_TYPE_NAME = /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-[0-9]$/;

/** The whole command: read the table, ask AWS, write the table (only when it changed), return what changed. */
export async function updateInstanceTable(options: UpdateOptions): Promise<UpdateResult> {
  const asOf = options.asOf ?? new Date().toISOString().slice(0, 10);
  if (!DATE.test(asOf) || new Date(Date.parse(`${asOf}T00:00:00Z`) || 0).toISOString().slice(0, 10) !== asOf) {
    throw new InstancesUpdateError(`--as-of: expected a date YYYY-MM-DD, got "${asOf}"`);
  }
  const add = [...new Set(options.add ?? [])];
  for (const type of add) {
    if (!INSTANCE_TYPE_NAME.test(type)) {
      throw new InstancesUpdateError(`--add: expected an instance type such as g6.xlarge, got "${type}"`);
    }
  }
  for (const region of options.regions ?? []) {
    if (!REGION_NAME.test(region)) {
      throw new InstancesUpdateError(`--region: expected an AWS region such as eu-west-1, got "${region}"`);
    }
  }

  let before: string;
  try {
    before = readFileSync(options.file, 'utf-8');
  } catch (error) {
    throw new InstancesUpdateError(
      `${options.file}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  const table = parseTable(before, options.file);
  const regions = pricedRegions(table);
  const names = [
    ...Object.keys(table.instanceTypes as JsonObject),
    ...add.filter((t) => !(t in (table.instanceTypes as JsonObject))),
  ];

  const aws: AwsOptions = { ec2Endpoint: options.ec2Endpoint, pricingEndpoint: options.pricingEndpoint };
  await checkCredentials(aws);
  const described = await describeInstanceTypes(names, regions, aws);
  const missing = names.filter((n) => !described.has(n));
  if (missing.length > 0) {
    throw new InstancesUpdateError(
      `EC2 DescribeInstanceTypes knows no instance type ${missing.join(', ')} in ${regions.join(' or ')}`,
    );
  }
  const facts = new Map(names.map((n) => [n, factsFromInstanceTypeInfo(described.get(n)!.info)]));
  const offeringRegions = options.regions?.length ? [...new Set(options.regions)].sort() : await describeRegions(aws);
  const offeredIn = await describeOfferings(names, offeringRegions, aws);
  const prices = await onDemandPrices(
    names.map((name) => ({ name, bareMetal: described.get(name)!.info.BareMetal === true })),
    regions,
    aws,
  );

  const {
    table: next,
    changes,
    warnings,
  } = applyAnswers(table, add, { facts, prices, offerings: { regions: offeringRegions, offeredIn } }, asOf);
  const text = renderTable(next);
  const written = text !== before && !options.dryRun;
  if (written) writeAtomically(options.file, text);
  // a file whose values are all current but whose layout differs (key order, indentation) is rewritten too
  const layout: Change[] = text !== before && changes.length === 0 ? [{ field: 'layout', kind: 'changed' }] : [];
  return { changes: text === before ? [] : [...changes, ...layout], warnings, text, written };
}
