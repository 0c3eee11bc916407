import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ec2Product, FakeAws, type InstanceTypeInfoJson } from './support/aws-server';
import { updateInstanceTable } from '../generator/instances/update-instance-table';

/**
 * `npx projen instances:update` against a local server that answers as EC2 (Query protocol, XML) and the Price List
 * API (JSON 1.1) do, reached by the real SDK clients through AWS_ENDPOINT_URL_EC2 / AWS_ENDPOINT_URL_PRICING (the
 * command) or the `endpoint` client option (in-process). Every run works on a copy of the table in a temporary
 * folder; the repository's vendor/data/ec2-instance-types.json is never written.
 */

const REPO = join(__dirname, '..');
const FIXTURES = join(__dirname, 'fixtures', 'instances-update');
/** The vendored table as it was copied from the hand-checked data (2026-07-20), frozen for these tests. */
const TABLE = join(FIXTURES, 'ec2-instance-types.json');
/** DescribeInstanceTypes items for the table's 39 types and g6.8xlarge (provenance in the file's `source`). */
const DESCRIBED = (
  JSON.parse(readFileSync(join(FIXTURES, 'describe-instance-types.json'), 'utf-8')) as {
    instanceTypes: InstanceTypeInfoJson[];
  }
).instanceTypes;
const TSX = join(REPO, 'node_modules', '.bin', 'tsx');
const CLI = join(REPO, 'generator', 'cli', 'instances-update.ts');

interface Table {
  asOf: string;
  fieldNotes: unknown;
  crossChecks: unknown;
  instanceTypes: Record<string, Record<string, unknown> & { onDemandUsdPerHour: Record<string, number | null> }>;
}
const fixtureTable = JSON.parse(readFileSync(TABLE, 'utf-8')) as Table;

const temps: string[] = [];
/** A temporary folder holding a copy of the table; returns the copy's path. */
function tableCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'instances-update-'));
  temps.push(dir);
  const file = join(dir, 'ec2-instance-types.json');
  copyFileSync(TABLE, file);
  return file;
}

/**
 * AWS as the table knows it: every type offered in us-east-1 but p5e.48xlarge (only in us-west-2 here, to show
 * the region fallback), the table's prices as Price List products (none where the table has null), g4dn.metal as
 * a bare-metal product (in us-west-2 only under Dedicated tenancy, as Karpenter prices metal), g6.8xlarge (not in
 * the table) offered in both regions and priced in us-east-1 only, and products the filters must leave out.
 */
function awsAsTheTableSays(): FakeAws {
  const aws = new FakeAws();
  const copy = () => structuredClone(DESCRIBED);
  aws.instanceTypes.set(
    'us-east-1',
    copy().filter((i) => i.InstanceType !== 'p5e.48xlarge'),
  );
  aws.instanceTypes.set('us-west-2', copy());
  for (const [instanceType, entry] of Object.entries(fixtureTable.instanceTypes)) {
    for (const [region, usd] of Object.entries(entry.onDemandUsdPerHour)) {
      if (usd === null) continue;
      const metal = instanceType.endsWith('.metal');
      aws.products.push(
        ec2Product({
          instanceType,
          region,
          usd,
          productFamily: metal ? 'Compute Instance (bare metal)' : undefined,
          tenancy: metal && region === 'us-west-2' ? 'Dedicated' : undefined,
        }),
      );
    }
  }
  aws.products.push(
    ec2Product({ instanceType: 'g6.8xlarge', region: 'us-east-1', usd: 2.0144 }),
    // what the filters must leave out: another OS, another tenancy, a Capacity Block offer, unused reservations
    ec2Product({ instanceType: 'g5.xlarge', region: 'us-east-1', usd: 1.19, operatingSystem: 'Windows' }),
    ec2Product({ instanceType: 'g5.xlarge', region: 'us-east-1', usd: 1.107, tenancy: 'Dedicated' }),
    ec2Product({
      instanceType: 'g5.xlarge',
      region: 'us-east-1',
      usd: 1.006,
      capacitystatus: 'UnusedCapacityReservation',
    }),
    ec2Product({ instanceType: 'p5e.48xlarge', region: 'us-west-2', usd: 41.32, marketoption: 'CapacityBlock' }),
    ec2Product({ instanceType: 'trn2.48xlarge', region: 'us-east-1', usd: 35.77, marketoption: 'CapacityBlock' }),
  );
  return aws;
}

/** The environment of a run: no AWS settings of the machine's, fake static keys, the endpoints of `aws`. */
function awsEnv(aws: FakeAws | undefined, credentials = true): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
  const none = join(temps[0] ?? tmpdir(), 'no-such-aws-file');
  Object.assign(env, {
    AWS_CONFIG_FILE: none,
    AWS_SHARED_CREDENTIALS_FILE: none,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_MAX_ATTEMPTS: '1',
  });
  if (credentials) {
    Object.assign(env, {
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    });
  }
  if (aws) Object.assign(env, { AWS_ENDPOINT_URL_EC2: aws.url, AWS_ENDPOINT_URL_PRICING: aws.url });
  return env;
}

/** Runs the command as `npx projen instances:update` does (tsx generator/cli/instances-update.ts ...). */
function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(TSX, [CLI, ...args], { cwd: REPO, env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** The file's bytes and modification time, and its folder's listing: to show a failed run left all of it alone. */
function snapshot(file: string) {
  return {
    text: readFileSync(file, 'utf-8'),
    mtime: statSync(file).mtimeMs,
    dir: readdirSync(join(file, '..')).sort(),
  };
}

const servers: FakeAws[] = [];
async function started(aws: FakeAws): Promise<FakeAws> {
  servers.push(await aws.start());
  return aws;
}

let savedEnv: NodeJS.ProcessEnv;
beforeAll(() => {
  // the in-process runs resolve credentials from this process's environment: fake keys, never the machine's
  savedEnv = { ...process.env };
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
  Object.assign(process.env, awsEnv(undefined), { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
});
afterAll(async () => {
  process.env = savedEnv;
  await Promise.all(servers.map((s) => s.stop()));
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe('instances:update', () => {
  it(
    'writes a changed price and a changed fact, prints each ' + 'as old → new, and a second run prints "no changes"',
    async () => {
      const aws = await started(awsAsTheTableSays());
      // AWS now says: g5.xlarge costs 1.1 in us-east-1; p5en.48xlarge has 32 EFA interfaces
      aws.products = aws.products.filter(
        (p) =>
          !(
            p.product.attributes.instanceType === 'g5.xlarge' &&
            p.product.attributes.regionCode === 'us-east-1' &&
            p.product.attributes.operatingSystem === 'Linux' &&
            p.product.attributes.tenancy === 'Shared' &&
            p.product.attributes.capacitystatus === 'Used'
          ),
      );
      aws.products.push(ec2Product({ instanceType: 'g5.xlarge', region: 'us-east-1', usd: 1.1 }));
      for (const items of aws.instanceTypes.values()) {
        const p5en = items.find((i) => i.InstanceType === 'p5en.48xlarge')!;
        (p5en.NetworkInfo as { EfaInfo: { MaximumEfaInterfaces: number } }).EfaInfo.MaximumEfaInterfaces = 32;
      }
      aws.pricingEmptyFirstPage = true;
      const file = tableCopy();

      const first = await cli(['--file', file, '--as-of', '2026-09-01'], awsEnv(aws));
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      const lines = first.stdout.trimEnd().split('\n');
      expect(lines.slice(0, -1)).toEqual([
        'g5.xlarge: onDemandUsdPerHour.us-east-1: 1.006 → 1.1',
        'p5en.48xlarge: efaInterfaces: 16 → 32',
        'asOf: "2026-07-20" → "2026-09-01"',
        'asOfDetail: updated (the AWS APIs)',
        'sources: updated (the AWS APIs)',
      ]);
      expect(lines.at(-1)).toMatch(/^wrote .*ec2-instance-types\.json \(39 instance types\)$/);

      const written = JSON.parse(readFileSync(file, 'utf-8')) as Table & {
        asOfDetail: Record<string, string>;
        sources: string[];
      };
      expect(written.instanceTypes['g5.xlarge'].onDemandUsdPerHour).toEqual({ 'us-east-1': 1.1, 'us-west-2': 1.006 });
      expect(written.instanceTypes['p5en.48xlarge'].efaInterfaces).toBe(32);
      // AWS has no on-demand price for these (only Capacity Block offers): null stays null, never guessed
      expect(written.instanceTypes['p5e.48xlarge'].onDemandUsdPerHour).toEqual({
        'us-east-1': null,
        'us-west-2': null,
      });
      expect(written.instanceTypes['trn2.48xlarge'].onDemandUsdPerHour).toEqual({
        'us-east-1': null,
        'us-west-2': null,
      });
      // the bare-metal price found through Dedicated tenancy where there is no shared one
      expect(written.instanceTypes['g4dn.metal'].onDemandUsdPerHour).toEqual({
        'us-east-1': 7.824,
        'us-west-2': 7.824,
      });
      // what the APIs do not give is kept, and so is the table's order, down to each entry's keys
      expect(written.fieldNotes).toEqual(fixtureTable.fieldNotes);
      expect(written.crossChecks).toEqual(fixtureTable.crossChecks);
      expect(Object.keys(written)).toEqual(Object.keys(fixtureTable));
      expect(Object.keys(written.instanceTypes)).toEqual(Object.keys(fixtureTable.instanceTypes));
      for (const [name, entry] of Object.entries(fixtureTable.instanceTypes)) {
        expect(Object.keys(written.instanceTypes[name]), name).toEqual(Object.keys(entry));
        expect(written.instanceTypes[name].notes, name).toEqual(entry.notes);
        expect(written.instanceTypes[name].gpuMemoryNominalGB, name).toBe(entry.gpuMemoryNominalGB);
      }
      expect(written.asOf).toBe('2026-09-01');
      expect(written.asOfDetail.instanceFacts).toContain('DescribeInstanceTypes');
      expect(written.asOfDetail.prices).toContain('GetProducts');
      expect(written.sources.filter((s) => s.endsWith(', 2026-09-01'))).toHaveLength(3);
      expect(written.asOfDetail.regions).toContain('DescribeInstanceTypeOfferings');

      // EC2: 38 types in us-east-1, 10 a page, each page after the first asked with the previous page's nextToken;
      // p5e.48xlarge, which us-east-1 does not offer here, looked up in us-west-2
      const ec2 = aws.requests.filter((r) => r.service === 'ec2' && r.params.Action === 'DescribeInstanceTypes');
      const east = ec2.filter((r) => r.region === 'us-east-1');
      expect(east.map((r) => r.params.Action)).toEqual([
        'DescribeInstanceTypes',
        'DescribeInstanceTypes',
        'DescribeInstanceTypes',
        'DescribeInstanceTypes',
      ]);
      expect(east[0].params.NextToken).toBeUndefined();
      expect(east.slice(1).every((r) => typeof r.params.NextToken === 'string')).toBe(true);
      expect(east[0].params['Filter.1.Name']).toBe('instance-type');
      expect(
        ec2
          .filter((r) => r.region === 'us-west-2')
          .map((r) => [r.params['Filter.1.Value.1'], r.params['Filter.1.Value.2']]),
      ).toEqual([['p5e.48xlarge', undefined]]);
      // Pricing: from the us-east-1 endpoint, every query paged (an empty first page with a NextToken), the filters
      const pricing = aws.requests.filter((r) => r.service === 'pricing');
      expect(new Set(pricing.map((r) => r.region))).toEqual(new Set(['us-east-1']));
      expect(pricing.filter((r) => r.params.NextToken === undefined)).toHaveLength(39 * 2 + 1);
      expect(pricing.filter((r) => r.params.NextToken !== undefined)).toHaveLength(39 * 2 + 1);
      expect(pricing[0].params).toMatchObject({ ServiceCode: 'AmazonEC2', FormatVersion: 'aws_v1' });
      expect(
        (pricing[0].params.Filters as { Field: string; Value: string }[]).map((f) => `${f.Field}=${f.Value}`).slice(1),
      ).toEqual([
        expect.stringMatching(/^regionCode=us-(east-1|west-2)$/),
        'operatingSystem=Linux',
        'tenancy=Shared',
        'preInstalledSw=NA',
        'capacitystatus=Used',
        'marketoption=OnDemand',
      ]);

      // the same answers again: nothing to change, the file not even rewritten
      const before = snapshot(file);
      const second = await cli(['--file', file, '--as-of', '2026-09-01'], awsEnv(aws));
      expect(second).toEqual({ code: 0, stdout: 'no changes\n', stderr: '' });
      expect(snapshot(file)).toEqual(before);
    },
  );

  it(
    'gives byte-identical output whatever order and page size ' +
      'AWS answers with, and reproduces every value of the table',
    async () => {
      const inOrder = await started(awsAsTheTableSays());
      const shuffled = awsAsTheTableSays();
      shuffled.reverse = true;
      shuffled.ec2PageSize = 3;
      shuffled.pricingPageSize = 1;
      await started(shuffled);
      const [a, b] = [tableCopy(), tableCopy()];
      const run = (file: string, aws: FakeAws) =>
        updateInstanceTable({ file, asOf: '2026-09-01', ec2Endpoint: aws.url, pricingEndpoint: aws.url });
      const [ra, rb] = [await run(a, inOrder), await run(b, shuffled)];
      expect(readFileSync(a)).toEqual(readFileSync(b));
      expect(ra.text).toBe(rb.text);
      // answers that agree with the table change nothing but the date and the sources: every fact, price and
      // Karpenter allocatable of the 39 types is what the API answers give through the field mapping
      expect(ra.changes.map((c) => `${c.instanceType ?? ''}:${c.field}`)).toEqual([':asOf', ':asOfDetail', ':sources']);
      expect(ra.warnings).toEqual([]);
      // and the file is the vendored layout: two-space JSON, no trailing newline
      expect(ra.text).toBe(JSON.stringify(JSON.parse(ra.text), null, 2));
    },
  );

  it(
    '--add puts a new type among its family, with its facts, ' +
      'Karpenter allocatable and a null price where AWS has none',
    async () => {
      const aws = await started(awsAsTheTableSays());
      const file = tableCopy();
      const result = await cli(['--file', file, '--as-of', '2026-09-01', '--add', 'g6.8xlarge'], awsEnv(aws));
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('g6.8xlarge: added\n');
      expect(result.stdout).toContain(
        'check: g6.8xlarge: gpuMemoryNominalGB (the spec-sheet GPU memory) ' +
          'is not given by the AWS APIs; it is null: fill it in by hand\n',
      );
      const written = JSON.parse(readFileSync(file, 'utf-8')) as Table;
      const names = Object.keys(written.instanceTypes);
      expect(names.slice(names.indexOf('g6.xlarge'), names.indexOf('g6.xlarge') + 6)).toEqual([
        'g6.xlarge',
        'g6.2xlarge',
        'g6.4xlarge',
        'g6.8xlarge',
        'g6.12xlarge',
        'g6.48xlarge',
      ]);
      expect(names.filter((n) => n !== 'g6.8xlarge')).toEqual(Object.keys(fixtureTable.instanceTypes));
      // Karpenter's instance-types.md gives g6.8xlarge 31850m, 118312Mi and 234 pods (AL2023): the formula agrees
      expect(written.instanceTypes['g6.8xlarge']).toEqual({
        vcpu: 32,
        memoryGiB: 128,
        gpus: 1,
        gpuModel: 'L4',
        gpuMemoryGiB: 22.35,
        gpuMemoryNominalGB: null,
        neuronDevices: 0,
        neuronCores: 0,
        neuronDeviceModel: null,
        efaInterfaces: 1,
        architecture: 'amd64',
        onDemandUsdPerHour: { 'us-east-1': 2.0144, 'us-west-2': null },
        regions: ['us-east-1', 'us-west-2'],
        karpenterAllocatableAL2023: { cpu: '31850m', memory: '118312Mi', pods: 234 },
      });
    },
  );

  it('refuses an instance type EC2 does not know: one line, non-zero, the file untouched', async () => {
    const aws = await started(awsAsTheTableSays());
    const file = tableCopy();
    const before = snapshot(file);
    const result = await cli(['--file', file, '--add', 'g6.8xlarge', '--add', 'g9.huge'], awsEnv(aws));
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: EC2 DescribeInstanceTypes knows no instance type g9.huge in us-east-1 or us-west-2\n',
    });
    expect(snapshot(file)).toEqual(before);
  });

  it('without credentials: one clear line, non-zero, nothing asked of AWS, the file untouched', async () => {
    const aws = await started(awsAsTheTableSays());
    const file = tableCopy();
    const before = snapshot(file);
    const result = await cli(['--file', file], awsEnv(aws, false));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')).toHaveLength(2); // one line and its newline
    expect(result.stderr).toMatch(
      new RegExp(
        String.raw`^error: no AWS credentials found.*: ` +
          String.raw`set AWS_PROFILE .*AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; ` +
          String.raw`the command needs ec2:DescribeInstanceTypes, ec2:DescribeRegions, ` +
          String.raw`ec2:DescribeInstanceTypeOfferings and pricing:GetProducts\n$`,
      ),
    );
    expect(aws.requests).toEqual([]);
    expect(snapshot(file)).toEqual(before);
  });

  it(
    'an EC2 error: one line with the call, the HTTP status ' + 'and the AWS error, non-zero, the file untouched',
    async () => {
      const aws = await started(awsAsTheTableSays());
      aws.ec2Error = {
        status: 403,
        code: 'UnauthorizedOperation',
        message:
          'You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/ci ' +
          'is not authorized to perform: ec2:DescribeInstanceTypes ' +
          'because no identity-based policy allows the ec2:DescribeInstanceTypes action',
      };
      const file = tableCopy();
      const before = snapshot(file);
      const result = await cli(['--file', file], awsEnv(aws));
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(
        `error: EC2 DescribeInstanceTypes in us-east-1 failed (HTTP ` +
          `403): UnauthorizedOperation: ${aws.ec2Error.message}\n`,
      );
      expect(snapshot(file)).toEqual(before);
    },
  );

  it('a Price List error after some prices were read: one line, non-zero, nothing written', async () => {
    const aws = await started(awsAsTheTableSays());
    aws.pricingError = {
      status: 400,
      code: 'AccessDeniedException',
      message: 'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: pricing:GetProducts',
      after: 10,
    };
    const file = tableCopy();
    const before = snapshot(file);
    const result = await cli(['--file', file, '--as-of', '2026-09-01'], awsEnv(aws));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      new RegExp(
        String.raw`^error: Price List GetProducts for \S+ in us-(east-1|west-2) failed \(HTTP 400\): ` +
          String.raw`AccessDeniedException: User: arn:aws:iam::123456789012:user/ci ` +
          String.raw`is not authorized to perform: pricing:GetProducts\n$`,
      ),
    );
    expect(snapshot(file)).toEqual(before);
  });

  it(
    'records the regions each type is offered in from ' +
      'DescribeInstanceTypeOfferings, in every region DescribeRegions lists',
    async () => {
      const aws = await started(awsAsTheTableSays());
      // eu-west-1 offers the CPU and GPU types but no Trainium, and lists its offerings two to a page
      const all = Object.keys(fixtureTable.instanceTypes);
      aws.offerings.set(
        'eu-west-1',
        all.filter((t) => !t.startsWith('trn')),
      );
      aws.offeringsPageSize = 2;
      const file = tableCopy();
      const result = await cli(['--file', file, '--as-of', '2026-09-01'], awsEnv(aws));
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const lines = result.stdout.trimEnd().split('\n');
      expect(lines).toContain('regionsCovered: updated (the AWS APIs)');
      const g5Regions = '["us-east-1","us-west-2"] → ["eu-west-1","us-east-1","us-west-2"]';
      expect(lines).toContain(`g5.xlarge: regions: ${g5Regions}`);
      expect(lines.filter((l) => l.startsWith('trn'))).toEqual([]);
      const written = JSON.parse(readFileSync(file, 'utf-8')) as Table & { regionsCovered: string[] };
      expect(written.regionsCovered).toEqual(['eu-west-1', 'us-east-1', 'us-west-2']);
      expect(written.instanceTypes['trn1.32xlarge'].regions).toEqual(['us-east-1', 'us-west-2']);
      expect(written.instanceTypes['p5e.48xlarge'].regions).toEqual(['eu-west-1', 'us-west-2']);
      expect(Object.keys(written.instanceTypes['g5.xlarge'])).toEqual(
        Object.keys(fixtureTable.instanceTypes['g5.xlarge']),
      );
      // asked in each region, for LocationType region, filtered to the table's types, page after page in eu-west-1
      const offerings = aws.requests.filter(
        (r) => r.service === 'ec2' && r.params.Action === 'DescribeInstanceTypeOfferings',
      );
      expect([...new Set(offerings.map((r) => r.region))].sort()).toEqual(['eu-west-1', 'us-east-1', 'us-west-2']);
      expect(
        offerings.every((r) => r.params.LocationType === 'region' && r.params['Filter.1.Name'] === 'instance-type'),
      ).toBe(true);
      expect(offerings.filter((r) => r.region === 'eu-west-1').length).toBe(Math.ceil((all.length - 4) / 2));
      expect(aws.requests.filter((r) => r.params.Action === 'DescribeRegions').map((r) => r.region)).toEqual([
        'us-east-1',
      ]);
    },
  );

  it('--region asks only the regions given, without DescribeRegions', async () => {
    const aws = await started(awsAsTheTableSays());
    aws.offerings.set('eu-west-1', ['m5.xlarge']);
    const file = tableCopy();
    const result = await cli(
      ['--file', file, '--as-of', '2026-09-01', '--region', 'us-west-2', '--region', 'eu-west-1'],
      awsEnv(aws),
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const written = JSON.parse(readFileSync(file, 'utf-8')) as Table & { regionsCovered: string[] };
    expect(written.regionsCovered).toEqual(['eu-west-1', 'us-west-2']);
    expect(written.instanceTypes['m5.xlarge'].regions).toEqual(['eu-west-1', 'us-west-2']);
    expect(written.instanceTypes['g5.xlarge'].regions).toEqual(['us-west-2']);
    expect(aws.requests.filter((r) => r.params.Action === 'DescribeRegions')).toEqual([]);
    await expect(updateInstanceTable({ file, regions: ['Ireland'] })).rejects.toThrow(
      '--region: expected an AWS region such as eu-west-1, got "Ireland"',
    );
  });

  it('refuses a malformed date and a malformed instance type before asking AWS', async () => {
    const file = tableCopy();
    await expect(updateInstanceTable({ file, asOf: '2026-9-1' })).rejects.toThrow(
      '--as-of: expected a date YYYY-MM-DD, got "2026-9-1"',
    );
    await expect(updateInstanceTable({ file, add: ['G6 XL'] })).rejects.toThrow(
      '--add: expected an instance type such as g6.xlarge, got "G6 XL"',
    );
  });
});
