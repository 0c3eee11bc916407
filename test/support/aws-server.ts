import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the two AWS APIs `instances:update` calls, answering on the wire as AWS does, so the real
 * SDK clients run against it through their endpoint setting:
 * - EC2 (EC2 Query protocol): a form-encoded POST `Action=DescribeInstanceTypes&Version=2016-11-15&Filter.1.Name=...`,
 *   answered with a `DescribeInstanceTypesResponse` XML document (`instanceTypeSet/item`, `nextToken`), paginated;
 *   `DescribeRegions` (`regionInfo/item/regionName`); `DescribeInstanceTypeOfferings` with `LocationType=region`
 *   (`instanceTypeOfferingSet/item` of instanceType, locationType, location; paginated), answered for the region the
 *   request is signed for; errors as `<Response><Errors><Error><Code>`.
 * - Price List (AWS JSON 1.1): `X-Amz-Target: AWSPriceListService.GetProducts`, answered with
 *   `{"FormatVersion", "PriceList": ["<product JSON string>"...], "NextToken"}`; the TERM_MATCH filters are applied to
 *   the products as AWS does; errors as `x-amzn-ErrorType` and `{"__type", "Message"}`.
 * The region and service of each request come from its SigV4 credential scope; an unsigned request is refused.
 */

/** A DescribeInstanceTypes item in the SDK's output shape (PascalCase members). */
export type InstanceTypeInfoJson = { InstanceType: string } & Record<string, unknown>;

/** One Price List product: a GetProducts PriceList entry before it is turned into its JSON string. */
export interface PriceProduct {
  product: { productFamily: string; attributes: Record<string, string>; sku: string };
  serviceCode: string;
  terms: Record<string, Record<string, unknown>>;
  version: string;
  publicationDate: string;
}

export interface ApiError {
  status: number;
  code: string;
  message: string;
}

export interface RecordedRequest {
  service: 'ec2' | 'pricing';
  region: string;
  /** EC2: the form fields; Pricing: the JSON body. */
  params: Record<string, unknown>;
}

export class FakeAws {
  /** The instance types each region offers. */
  instanceTypes = new Map<string, InstanceTypeInfoJson[]>();
  /**
   * What DescribeInstanceTypeOfferings lists per region (type names); a region not set here offers what
   * `instanceTypes` holds for it. DescribeRegions lists the regions of both maps.
   */
  offerings = new Map<string, string[]>();
  /** Offerings per DescribeInstanceTypeOfferings page. */
  offeringsPageSize = 1000;
  products: PriceProduct[] = [];
  /** Items per DescribeInstanceTypes page (AWS may return fewer than MaxResults). */
  ec2PageSize = 10;
  /** Products per GetProducts page. */
  pricingPageSize = 100;
  /** Answer the first page of every GetProducts query with no products and a NextToken (AWS does this at times). */
  pricingEmptyFirstPage = false;
  /** Answer items in reverse order (to show the output does not depend on the order AWS answers in). */
  reverse = false;
  ec2Error?: ApiError;
  /** Fail GetProducts with this error once `after` calls have succeeded. */
  pricingError?: ApiError & { after?: number };
  readonly requests: RecordedRequest[] = [];
  private server?: Server;
  private pricingCalls = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          this.handle(req, Buffer.concat(chunks).toString('utf-8'), res);
        } catch (error) {
          res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private handle(req: IncomingMessage, body: string, res: ServerResponse): void {
    // SigV4: Authorization: AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request, ...
    const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(req.headers.authorization ?? '');
    if (!scope) {
      res
        .writeHead(401, { 'content-type': 'text/xml' })
        .end(ec2ErrorXml('AuthFailure', 'AWS was not able to validate the provided access credentials'));
      return;
    }
    const [, region, service] = scope;
    if (service === 'pricing' && req.headers['x-amz-target'] === 'AWSPriceListService.GetProducts') {
      const params = JSON.parse(body) as Record<string, unknown>;
      this.requests.push({ service: 'pricing', region, params });
      this.getProducts(params, res);
    } else if (service === 'ec2' && req.method === 'POST') {
      const params = Object.fromEntries(new URLSearchParams(body));
      this.requests.push({ service: 'ec2', region, params });
      this.ec2(region, params, res);
    } else {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(`unexpected ${service} request`);
    }
  }

  private ec2(region: string, params: Record<string, string>, res: ServerResponse): void {
    if (this.ec2Error) {
      res
        .writeHead(this.ec2Error.status, { 'content-type': 'text/xml;charset=UTF-8' })
        .end(ec2ErrorXml(this.ec2Error.code, this.ec2Error.message));
      return;
    }
    if (params.Version === '2016-11-15' && params.Action === 'DescribeRegions') {
      const regions = [...new Set([...this.instanceTypes.keys(), ...this.offerings.keys()])];
      if (this.reverse) regions.reverse();
      const items = regions.map(
        (r) =>
          `<item><regionName>${r}</regionName><regionEndpoint>ec2.${r}.amazonaws.com</regionEndpoint>` +
          `<optInStatus>opt-in-not-required</optInStatus></item>`,
      );
      res
        .writeHead(200, { 'content-type': 'text/xml;charset=UTF-8' })
        .end(
          `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeRegionsResponse ` +
            `xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>${randomUUID()}</requestId>` +
            `<regionInfo>${items.join('')}</regionInfo></DescribeRegionsResponse>`,
        );
      return;
    }
    if (params.Version === '2016-11-15' && params.Action === 'DescribeInstanceTypeOfferings') {
      if (params.LocationType !== 'region') throw new Error(`unsupported LocationType ${params.LocationType}`);
      let names = this.offerings.get(region) ?? (this.instanceTypes.get(region) ?? []).map((i) => i.InstanceType);
      names = names.filter((n) => filterValues(params, 'instance-type').every((values) => values.includes(n)));
      if (this.reverse) names = [...names].reverse();
      const start = params.NextToken ? Number(Buffer.from(params.NextToken, 'base64').toString()) : 0;
      const size = Math.min(this.offeringsPageSize, Number(params.MaxResults ?? 1000));
      const page = names.slice(start, start + size);
      const next = start + size < names.length ? Buffer.from(String(start + size)).toString('base64') : undefined;
      const items = page.map(
        (n) =>
          `<item><instanceType>${n}</instanceType><locationType>region</locationType>` +
          `<location>${region}</location></item>`,
      );
      res
        .writeHead(200, { 'content-type': 'text/xml;charset=UTF-8' })
        .end(
          `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeInstanceTypeOfferingsResponse ` +
            `xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>${randomUUID()}</requestId>` +
            `<instanceTypeOfferingSet>${items.join('')}</instanceTypeOfferingSet>` +
            `${next ? `<nextToken>${next}</nextToken>` : ''}</DescribeInstanceTypeOfferingsResponse>`,
        );
      return;
    }
    if (params.Action !== 'DescribeInstanceTypes' || params.Version !== '2016-11-15') {
      res
        .writeHead(400, { 'content-type': 'text/xml;charset=UTF-8' })
        .end(ec2ErrorXml('InvalidAction', `The action ${params.Action} is not valid for this web service.`));
      return;
    }
    // Filter.N.Name / Filter.N.Value.M (only instance-type is supported here, as the update uses it)
    let items = [...(this.instanceTypes.get(region) ?? [])];
    for (let n = 1; params[`Filter.${n}.Name`]; n++) {
      const values = Object.entries(params)
        .filter(([k]) => k.startsWith(`Filter.${n}.Value.`))
        .map(([, v]) => v);
      if (params[`Filter.${n}.Name`] !== 'instance-type') {
        throw new Error(`unsupported filter ${params[`Filter.${n}.Name`]}`);
      }
      items = items.filter((i) => values.includes(i.InstanceType));
    }
    if (this.reverse) items.reverse();
    const start = params.NextToken ? Number(Buffer.from(params.NextToken, 'base64').toString()) : 0;
    const size = Math.min(this.ec2PageSize, Number(params.MaxResults ?? 100));
    const page = items.slice(start, start + size);
    const next = start + size < items.length ? Buffer.from(String(start + size)).toString('base64') : undefined;
    const xml = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<DescribeInstanceTypesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">',
      `    <requestId>${randomUUID()}</requestId>`,
      `    <instanceTypeSet>${page.map((item) => `<item>${toXml(item)}</item>`).join('')}</instanceTypeSet>`,
      ...(next ? [`    <nextToken>${next}</nextToken>`] : []),
      '</DescribeInstanceTypesResponse>',
    ].join('\n');
    res.writeHead(200, { 'content-type': 'text/xml;charset=UTF-8' }).end(xml);
  }

  private getProducts(params: Record<string, unknown>, res: ServerResponse): void {
    const json = { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() };
    const error = this.pricingError;
    if (error && this.pricingCalls >= (error.after ?? 0)) {
      res
        .writeHead(error.status, { ...json, 'x-amzn-errortype': error.code })
        .end(JSON.stringify({ __type: error.code, Message: error.message }));
      return;
    }
    this.pricingCalls++;
    const filters = (params.Filters ?? []) as { Type: string; Field: string; Value: string }[];
    let matching = this.products.filter(
      (p) =>
        p.serviceCode === params.ServiceCode &&
        filters.every(
          (f) =>
            f.Type === 'TERM_MATCH' &&
            (f.Field === 'productFamily' ? p.product.productFamily : p.product.attributes[f.Field]) === f.Value,
        ),
    );
    if (this.reverse) matching = matching.reverse();
    const token = params.NextToken as string | undefined;
    if (this.pricingEmptyFirstPage && !token) {
      res
        .writeHead(200, json)
        .end(
          JSON.stringify({ FormatVersion: 'aws_v1', PriceList: [], NextToken: Buffer.from('0').toString('base64') }),
        );
      return;
    }
    const start = token ? Number(Buffer.from(token, 'base64').toString()) : 0;
    const size = Math.min(this.pricingPageSize, Number(params.MaxResults ?? 100));
    const page = matching.slice(start, start + size);
    const next = start + size < matching.length ? Buffer.from(String(start + size)).toString('base64') : undefined;
    res.writeHead(200, json).end(
      JSON.stringify({
        FormatVersion: 'aws_v1',
        PriceList: page.map((p) => JSON.stringify(p)),
        ...(next ? { NextToken: next } : {}),
      }),
    );
  }
}

/** The values of each `Filter.N` named `name` in EC2 Query form fields (one list per such filter). */
function filterValues(params: Record<string, string>, name: string): string[][] {
  const lists: string[][] = [];
  for (let n = 1; params[`Filter.${n}.Name`]; n++) {
    if (params[`Filter.${n}.Name`] !== name) throw new Error(`unsupported filter ${params[`Filter.${n}.Name`]}`);
    lists.push(
      Object.entries(params)
        .filter(([k]) => k.startsWith(`Filter.${n}.Value.`))
        .map(([, v]) => v),
    );
  }
  return lists;
}

/** An EC2 Query error document. */
function ec2ErrorXml(code: string, message: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code>` +
    `<Message>${escapeXml(message)}</Message></Error></Errors><RequestID>${randomUUID()}</RequestID></Response>`
  );
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * An SDK-shaped object as EC2 Query XML: each member an element named as the EC2 API names it (the member name
 * with a lower-case first letter: `VCpuInfo` -> `vCpuInfo`, `SizeInMiB` -> `sizeInMiB`), each list an element of
 * `<item>`s.
 */
function toXml(value: unknown): string {
  if (Array.isArray(value)) return value.map((v) => `<item>${toXml(v)}</item>`).join('');
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value)
      .map(([key, v]) => {
        const name = key[0].toLowerCase() + key.slice(1);
        return `<${name}>${toXml(v)}</${name}>`;
      })
      .join('');
  }
  return escapeXml(String(value));
}

const LOCATIONS: Record<string, { name: string; prefix: string }> = {
  'us-east-1': { name: 'US East (N. Virginia)', prefix: '' },
  'us-west-2': { name: 'US West (Oregon)', prefix: 'USW2-' },
};

/**
 * A Price List product for an EC2 instance type as GetProducts returns it: product attributes, an OnDemand term
 * with one hourly price dimension (USD with 10 decimals) and a Reserved term (which the update must not read).
 */
export function ec2Product(options: {
  instanceType: string;
  region: string;
  usd: number;
  operatingSystem?: string;
  tenancy?: string;
  marketoption?: string;
  capacitystatus?: string;
  productFamily?: string;
}): PriceProduct {
  const { instanceType, region, usd } = options;
  const location = LOCATIONS[region];
  const tenancy = options.tenancy ?? 'Shared';
  const os = options.operatingSystem ?? 'Linux';
  const { marketoption, capacitystatus, productFamily } = options;
  const sku = skuOf(`${instanceType}|${region}|${os}|${tenancy}|${marketoption}|${capacitystatus}|${productFamily}`);
  const usage = `${location.prefix}${tenancy === 'Dedicated' ? 'DedicatedUsage' : 'BoxUsage'}:${instanceType}`;
  return {
    product: {
      productFamily: options.productFamily ?? 'Compute Instance',
      attributes: {
        enhancedNetworkingSupported: 'Yes',
        instanceType,
        usagetype: usage,
        locationType: 'AWS Region',
        location: location.name,
        regionCode: region,
        operatingSystem: os,
        tenancy,
        preInstalledSw: 'NA',
        capacitystatus: options.capacitystatus ?? 'Used',
        marketoption: options.marketoption ?? 'OnDemand',
        licenseModel: 'No License required',
        operation: os === 'Windows' ? 'RunInstances:0002' : 'RunInstances',
        servicecode: 'AmazonEC2',
        servicename: 'Amazon Elastic Compute Cloud',
        instancesku: skuOf(`${sku}|instance`),
      },
      sku,
    },
    serviceCode: 'AmazonEC2',
    terms: {
      OnDemand: {
        [`${sku}.JRTCKXETXF`]: {
          priceDimensions: {
            [`${sku}.JRTCKXETXF.6YS6EN2CT7`]: {
              unit: 'Hrs',
              endRange: 'Inf',
              description: `$${usd} per On Demand ${os} ${instanceType} Instance Hour`,
              appliesTo: [],
              rateCode: `${sku}.JRTCKXETXF.6YS6EN2CT7`,
              beginRange: '0',
              pricePerUnit: { USD: usd.toFixed(10) },
            },
          },
          sku,
          effectiveDate: '2026-08-01T00:00:00Z',
          offerTermCode: 'JRTCKXETXF',
          termAttributes: {},
        },
      },
      Reserved: {
        [`${sku}.4NA7Y494T4`]: {
          priceDimensions: {
            [`${sku}.4NA7Y494T4.6YS6EN2CT7`]: {
              unit: 'Hrs',
              endRange: 'Inf',
              description: `${os} ${instanceType} reserved, 1 year, no upfront`,
              appliesTo: [],
              rateCode: `${sku}.4NA7Y494T4.6YS6EN2CT7`,
              beginRange: '0',
              pricePerUnit: { USD: (usd * 0.63).toFixed(10) },
            },
          },
          sku,
          effectiveDate: '2026-08-01T00:00:00Z',
          offerTermCode: '4NA7Y494T4',
          termAttributes: { LeaseContractLength: '1yr', OfferingClass: 'standard', PurchaseOption: 'No Upfront' },
        },
      },
    },
    version: '20260801000000',
    publicationDate: '2026-08-01T00:00:00Z',
  };
}

/** A stable 16-character SKU-like code for a product. */
function skuOf(key: string): string {
  let h = 2166136261;
  let out = '';
  for (let round = 0; out.length < 16; round++) {
    for (const ch of `${key}#${round}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    out += h.toString(36).toUpperCase();
  }
  return out.slice(0, 16);
}
