/** Memory quantities as Kubernetes writes them: `512Gi`, `64G`, `1.5Ti`, `1048576` (bytes). */
const MEMORY = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;
const UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** Bytes of a memory quantity, or undefined when it is not one. */
export function memoryBytes(quantity: string): number | undefined {
  const match = MEMORY.exec(quantity);
  return match ? Number(match[1]) * UNITS[match[2] ?? ''] : undefined;
}

/** More memory than any cluster has (1 ZiB): larger values are typos. */
export const MAX_MEMORY_BYTES = 2 ** 70;

/** GiB of a memory quantity; throws on text that is not one (callers pass values the spec already validated). */
export function gibibytes(quantity: string): number {
  const bytes = memoryBytes(quantity.trim());
  if (bytes === undefined) throw new Error(`expected a memory quantity such as 64Gi, got "${quantity}"`);
  return bytes / 2 ** 30;
}
