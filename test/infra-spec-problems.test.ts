import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTemps, exampleInputs, FLEET, lineOf } from './support/fleet';
import { formatProblem } from '../generator/config/problems';
import { generateFleet } from '../generator/fleet/generate';

afterAll(cleanupTemps);

/** Generates the example fleet with one cluster.yaml edited; returns the problems (the generation must fail). */
function problemsOf(cluster: string, edit: (yaml: string) => string): string[] {
  const root = exampleInputs();
  const path = join(root, 'clusters', cluster, 'cluster.yaml');
  const before = readFileSync(path, 'utf-8');
  expect(edit(before), 'the edit changed nothing').not.toBe(before);
  writeFileSync(path, edit(before));
  const result = generateFleet({ root, ...FLEET });
  expect(result.ok, 'a bad spec generated infrastructure').toBe(false);
  return result.ok ? [] : result.problems.map(formatProblem);
}

const withSubnets = (subnets: string) => (y: string) =>
  y.replace('vpcCidr: 10.30.0.0/16', `vpcCidr: 10.30.0.0/16\n${subnets}`);

describe('specs the infrastructure cannot be built from are refused, naming file and field', () => {
  it('subnets that overlap', () => {
    expect(
      problemsOf(
        'prod-use1',
        withSubnets(
          '  privateSubnets: [10.30.0.0/18, 10.30.64.0/18, 10.30.128.0/18]\n ' +
            ' publicSubnets: [10.30.192.0/22, 10.30.196.0/22, 10.30.130.0/24]',
        ),
      ),
    ).toEqual([
      'clusters/prod-use1/cluster.yaml:13: network.publicSubnets[2]: ' +
        '"10.30.130.0/24" overlaps network.privateSubnets[2] (10.30.128.0/18)',
    ]);
  });

  it(
    'subnets that do not fit: outside the VPC, smaller than ' + 'AWS allows, more zones than the derived layout has',
    () => {
      expect(
        problemsOf('prod-use1', withSubnets('  privateSubnets: [10.30.0.0/18, 10.30.64.0/18, 10.31.128.0/18]')),
      ).toEqual([
        'clusters/prod-use1/cluster.yaml:12: network.privateSubnets[2]: ' +
          'expected a subnet inside the VPC 10.30.0.0/16, got "10.31.128.0/18"',
      ]);
      expect(
        problemsOf('prod-use1', withSubnets('  publicSubnets: [10.30.192.0/22, 10.30.196.0/22, 10.30.200.0/29]')),
      ).toEqual([
        'clusters/prod-use1/cluster.yaml:12: network.publicSubnets[2]: ' +
          'expected a subnet from /16 to /28 (what AWS allows), got /29',
      ]);
      expect(problemsOf('prod-use1', (y) => y.replace('us-east-1c]', 'us-east-1c, us-east-1d]'))).toEqual([
        'clusters/prod-use1/cluster.yaml:10: network.privateSubnets: is ' +
          'required: the default layout fits up to three AZs in a /16 to /20 VPC',
        'clusters/prod-use1/cluster.yaml:10: network.publicSubnets: is ' +
          'required: the default layout fits up to three AZs in a /16 to /20 VPC',
      ]);
    },
  );

  it('fewer than two availability zones', () => {
    expect(problemsOf('dev-usw2', (y) => y.replace('[us-west-2a, us-west-2b]', '[us-west-2a]'))).toEqual([
      'clusters/dev-usw2/cluster.yaml:7: aws.availabilityZones: ' +
        'expected at least two availability zones, got a list of 1 item',
    ]);
  });

  it('an FSx capacity FSx does not offer, and an export path other than the import path', () => {
    expect(
      problemsOf('staging-usw2', (y) => y.replace('storageCapacityGiB: 1200', 'storageCapacityGiB: 1300')),
    ).toEqual([
      'clusters/staging-usw2/cluster.yaml:26: storage.fsx.storageCapacityGiB: ' +
        'expected 1200, 2400 or a multiple of 2400 (GiB), got 1300',
    ]);
    expect(
      problemsOf('staging-usw2', (y) =>
        y.replace(
          's3ImportPath: s3://acme-ml-staging-data/datasets',
          's3ImportPath: s3://acme-ml-staging-data/datasets\n    s3ExportPath: s3://acme-ml-staging-data/results',
        ),
      ),
    ).toEqual([
      'clusters/staging-usw2/cluster.yaml:28: storage.fsx.s3ExportPath: expected ' +
        'the same path as s3ImportPath (s3://acme-ml-staging-data/datasets): ' +
        ('the data repository association imports from and exports ' +
          'to one S3 path, got "s3://acme-ml-staging-data/results"'),
    ]);
  });

  it('tags AWS refuses or the generator sets, and admin roles of another account', () => {
    const tagsLine = lineOf('clusters/prod-use1/cluster.yaml', 'cost-center: ml-platform');
    expect(
      problemsOf('prod-use1', (y) =>
        y.replace(
          'cost-center: ml-platform',
          'cost-center: ml-platform\n  cluster: other\n  "aws:owner": me\n  "bad#key": x',
        ),
      ),
    ).toEqual([
      `clusters/prod-use1/cluster.yaml:${tagsLine + 1}: tags.cluster: is set by ` +
        `the generator (cluster, environment, managed-by); expected another key`,
      `clusters/prod-use1/cluster.yaml:${tagsLine + 2}: tags["aws:owner"]: ` +
        `expected a key that does not start with "aws:" (reserved by AWS)`,
      `clusters/prod-use1/cluster.yaml:${tagsLine + 3}: tags["bad#key"]: ` +
        `expected a tag key of 1 to 128 letters, digits, spaces or _ . : / = + - @`,
    ]);
    expect(
      problemsOf('prod-use1', (y) =>
        y.replace('arn:aws:iam::777788889999:role/platform-admin', 'arn:aws:iam::111122223333:role/platform-admin'),
      ),
    ).toEqual([
      'clusters/prod-use1/cluster.yaml:8: aws.adminRoleArns[0]: expected a role ' +
        "of the cluster's account 777788889999, got one of account 111122223333",
    ]);
  });

  it('a cluster name too long for the AWS names derived from it', () => {
    const root = exampleInputs();
    const name = 'machine-learning-research-platform-use1';
    mkdirSync(join(root, 'clusters', name));
    // a standalone copy: prod-use1 is the fleet's one hub
    const prod = readFileSync(join(root, 'clusters', 'prod-use1', 'cluster.yaml'), 'utf-8').replace(
      /^ {2}role: hub.*\n/m,
      '',
    );
    writeFileSync(join(root, 'clusters', name, 'cluster.yaml'), prod.replace('name: prod-use1', `name: ${name}`));
    const result = generateFleet({ root, ...FLEET });
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([
      `clusters/${name}/cluster.yaml:2: name: expected a cluster name of at most 35 characters: the IAM role name ` +
        `"${name}-aws-load-balancer-controller" derived from it has 68 (AWS allows 64)`,
    ]);
  });
});
