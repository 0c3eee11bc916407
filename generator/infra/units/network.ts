import { defaultSubnets, parseCidr } from '../../config/cidr';
import type { ClusterSpec } from '../../model/cluster-spec';
import { DISCOVERY_TAG, INFRA_UNITS, poolDiscoveryTag, poolZone } from '../names';
import { MODULES } from '../terraform-modules';
import { unitDir, type InfraContext, type InfraUnit } from '../unit';

/**
 * The cluster's subnets: as listed in cluster.yaml, or the derived layout (the loader has checked that one applies).
 */
export function clusterSubnets(spec: ClusterSpec): { private: string[]; public: string[] } {
  const derived = defaultSubnets(parseCidr(spec.network.vpcCidr), spec.aws.availabilityZones.length);
  const privateSubnets = spec.network.privateSubnets ?? derived?.private;
  const publicSubnets = spec.network.publicSubnets ?? derived?.public;
  if (!privateSubnets || !publicSubnets) throw new Error(`generator bug: no subnet layout for ${spec.name}`);
  return { private: privateSubnets, public: publicSubnets };
}

/**
 * The VPC: a private and a public subnet per availability zone, NAT for the private subnets, and the tags
 * the load balancer controller and Karpenter discover subnets by. Single-zone pools (EFA, Neuron)
 * get a discovery tag of their own on the private subnet of their zone.
 */
export function networkUnit(context: InfraContext): InfraUnit {
  const { spec } = context;
  const subnets = clusterSubnets(spec);
  const perZone: Record<string, Record<string, string>> = {};
  for (const pool of spec.nodePools) {
    const zone = poolZone(spec, pool);
    if (zone) perZone[zone] = { ...perZone[zone], [poolDiscoveryTag(pool.name)]: spec.name };
  }
  const prod = spec.environment === 'prod';
  return {
    dir: unitDir(spec, INFRA_UNITS.network),
    module: MODULES.vpc,
    template: 'network.hcl',
    summary: `VPC ${spec.network.vpcCidr}, private and public subnets in ${spec.aws.availabilityZones.join(', ')}`,
    dependencies: [],
    after: [],
    values: {
      name: spec.name,
      cidr: spec.network.vpcCidr,
      azs: spec.aws.availabilityZones,
      privateSubnets: subnets.private,
      publicSubnets: subnets.public,
      // one NAT gateway per zone in prod (a zone outage does not cut the others off), one in total elsewhere
      singleNatGateway: !prod,
      oneNatGatewayPerAz: prod,
      publicSubnetTags: { 'kubernetes.io/role/elb': '1' },
      privateSubnetTags: { 'kubernetes.io/role/internal-elb': '1', [DISCOVERY_TAG]: spec.name },
      privateSubnetTagsPerAz: Object.keys(perZone).length ? sortKeys(perZone) : undefined,
    },
  };
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}
