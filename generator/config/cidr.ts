/** IPv4 CIDR arithmetic for the network checks. */
export interface Cidr {
  readonly text: string;
  readonly start: number;
  readonly prefix: number;
  /** Number of addresses. */
  readonly size: number;
}

export function parseCidr(text: string): Cidr {
  const [ip, prefixText] = text.split('/');
  const prefix = Number(prefixText);
  const octets = ip.split('.').map(Number);
  const address = ((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3];
  const size = 2 ** (32 - prefix);
  return { text, start: address - (address % size), prefix, size };
}

export function contains(outer: Cidr, inner: Cidr): boolean {
  return inner.start >= outer.start && inner.start + inner.size <= outer.start + outer.size;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.start < b.start + b.size && b.start < a.start + a.size;
}

/** True when the address is the network address of its prefix (no host bits set). */
export function isAligned(text: string): boolean {
  const [ip, prefixText] = text.split('/');
  const octets = ip.split('.').map(Number);
  const address = ((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3];
  return address % 2 ** (32 - Number(prefixText)) === 0;
}

function formatCidr(start: number, prefix: number): string {
  return `${start >>> 24}.${(start >>> 16) & 255}.${(start >>> 8) & 255}.${start & 255}/${prefix}`;
}

/**
 * The default subnet layout of a VPC: per AZ, one large private subnet (a quarter of the VPC each,
 * for pods on the VPC CNI) and one small public subnet (for load balancers and NAT), carved from the
 * last quarter. Works for up to three AZs with /16 to /20 VPCs; beyond that the spec must list subnets.
 */
export function defaultSubnets(vpc: Cidr, azCount: number): { private: string[]; public: string[] } | undefined {
  if (azCount > 3 || vpc.prefix > 20) return undefined;
  const privatePrefix = vpc.prefix + 2;
  const publicPrefix = vpc.prefix + 6;
  const quarter = vpc.size / 4;
  const privateSubnets = Array.from({ length: azCount }, (_, i) => formatCidr(vpc.start + i * quarter, privatePrefix));
  const publicSize = vpc.size / 64;
  const publicSubnets = Array.from({ length: azCount }, (_, i) =>
    formatCidr(vpc.start + 3 * quarter + i * publicSize, publicPrefix),
  );
  return { private: privateSubnets, public: publicSubnets };
}
