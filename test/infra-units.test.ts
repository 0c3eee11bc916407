import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTemps, exampleInputs, FLEET, REPO } from './support/fleet';
import { checkInfra, type InfraCheckReport } from '../generator/checks/check-infra';
import { loadFleet } from '../generator/config/load-fleet';
import { loadImages } from '../generator/config/load-images';
import { formatProblem } from '../generator/config/problems';
import { compileCluster } from '../generator/fleet/compile-cluster';
import { generateFleet } from '../generator/fleet/generate';
import { compileFleetInfra } from '../generator/infra/compile-infra';
import {
  karpenterControllerRoleName,
  karpenterInterruptionQueue,
  karpenterNodeRole,
  poolDiscoveryTag,
  poolZone,
  storageParameter,
} from '../generator/infra/names';
import { POD_IDENTITY_MODULES } from '../generator/infra/units/pod-identity';
import type { GeneratedFile } from '../generator/model/generated-file';
import { applyEnvironmentName, applyRoleName, planRoleName } from '../generator/model/github-settings';
import { TERRAFORM_MODULE_DIR } from '../generator/model/vendor-files';

afterAll(cleanupTemps);

const SCHEMAS = TERRAFORM_MODULE_DIR;

function generate(root: string): Map<string, string> {
  const result = generateFleet({ root, ...FLEET });
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
  return new Map(result.files.map((f) => [f.path, f.content]));
}

const hclOf = (files: Map<string, string>): GeneratedFile[] =>
  [...files].filter(([path]) => path.endsWith('.hcl')).map(([path, content]) => ({ path, content }));

/** The example fleet's inputs in a temporary root, with one cluster's cluster.yaml edited. */
function editedFleet(cluster: string, edit: (yaml: string) => string): string {
  const root = exampleInputs();
  const path = join(root, 'clusters', cluster, 'cluster.yaml');
  const before = readFileSync(path, 'utf-8');
  const after = edit(before);
  expect(after, 'the edit changed nothing').not.toBe(before);
  writeFileSync(path, after);
  return root;
}

const infraChanges = (a: Map<string, string>, b: Map<string, string>) =>
  [...new Set([...a.keys(), ...b.keys()])]
    .filter((p) => p.includes('/infra/') && p.endsWith('.hcl') && a.get(p) !== b.get(p))
    .sort();

async function hcl(files: Map<string, string>, path: string): Promise<Record<string, any>> {
  const content = files.get(path);
  if (content === undefined) throw new Error(`${path} was not generated`);
  return (await parse(path, content)) as Record<string, any>;
}

describe('the example fleet infrastructure', () => {
  const files = generate(REPO);
  let report: InfraCheckReport;
  beforeAll(async () => {
    report = await checkInfra(hclOf(files), SCHEMAS);
  });

  it('parses, points every dependency at a unit, has no cycle, and matches the pinned modules', () => {
    expect(report.problems.map(formatProblem)).toEqual([]);
    expect(report.hclFiles).toBe(hclOf(files).length);
    expect(report.units).toBe(hclOf(files).filter((f) => f.path.endsWith('/terragrunt.hcl')).length);
    expect(report.units).toBeGreaterThan(40);
    expect(report.inputsChecked).toBeGreaterThan(250);
    expect(report.outputReadsChecked).toBeGreaterThan(30);
  });

  it('prints the apply order per cluster, the same as the generator computed', () => {
    for (const [cluster, waves] of report.applyOrder) {
      console.log(`${cluster}:\n${waves.map((w, i) => `  ${i + 1}. ${w.join(', ')}`).join('\n')}`);
    }
    const loaded = loadFleet(REPO, { moduleNames: FLEET.catalog.map((m) => m.name) });
    if (!loaded.ok) throw new Error('example fleet does not load');
    const compiled = loaded.clusters.map((input) => {
      const result = compileCluster(input, FLEET.catalog, loaded.clusters);
      if (!result.ok) throw new Error('example fleet does not compile');
      return result.cluster;
    });
    const images = loadImages(REPO, {
      github: FLEET.github,
      fleetAccounts: loaded.clusters.map((c) => c.spec.aws.accountId),
    });
    const infra = compileFleetInfra(compiled, FLEET.github, images.ok ? images.catalog : undefined);
    if (!infra.ok) throw new Error('example fleet infra does not compile');
    for (const cluster of infra.clusters) {
      const base = `clusters/${cluster.spec.name}/infra/`;
      expect(report.applyOrder.get(cluster.spec.name)).toEqual(
        cluster.applyOrder.map((w) => w.map((d) => d.slice(base.length))),
      );
    }
    for (const account of infra.accounts) {
      const base = `clusters/_accounts/${account.accountId}/`;
      expect(report.applyOrder.get(`_accounts/${account.accountId}`)).toEqual(
        account.applyOrder.map((w) => w.map((d) => d.slice(base.length))),
      );
    }
    // the registry's account (images/registry.yaml) also holds the image repositories and the push role
    expect(report.applyOrder.get('_accounts/777788889999')).toEqual([
      ['ecr/bert-cpu-server', 'ecr/bert-neuron-server', 'ecr/det-cli', 'ecr/pachctl', 'github-oidc-provider'],
      ['github-oidc/image-push-role'],
    ]);
    expect(report.applyOrder.get('_accounts/111122223333')).toEqual([['github-oidc-provider']]);
    // the roles read the account's provider (applied before, from its own folder)
    expect(report.applyOrder.get('prod-use1')).toEqual([
      [
        'github-oidc/apply-role',
        'github-oidc/plan-role',
        'network',
        'storage/determined-data',
        'storage/mlflow-artifacts',
        'storage/pachyderm-data',
      ],
      ['eks', 'storage/efs', 'storage/fsx'],
      // every module that calls AWS (prod-use1 turns on every module) gets its pod identity once the cluster exists;
      // Pachyderm's and Determined's IRSA roles (SDKs older than Pod Identity) and Pachyderm's RDS instance too
      [
        'database/pachyderm',
        'irsa/determined',
        'irsa/pachyderm',
        'karpenter',
        'pod-identity/ack-sagemaker',
        // the hub's Argo CD, which assumes the spokes' access roles
        'pod-identity/argocd',
        'pod-identity/aws-load-balancer-controller',
        'pod-identity/cluster-autoscaler',
        'pod-identity/ebs-csi-driver',
        'pod-identity/efs-csi-driver',
        'pod-identity/efs-pv-binder',
        'pod-identity/external-dns',
        'pod-identity/external-secrets',
        'pod-identity/fsx-csi-driver',
        'pod-identity/fsx-pv-binder',
        'pod-identity/mlflow',
      ],
      // the role of the database binder reads the instance's secret ARN
      ['irsa/pachyderm-database-binder'],
    ]);
  });

  it('generates only the units a cluster needs', () => {
    const units = (cluster: string) =>
      [...files.keys()]
        .filter((p) => p.startsWith(`clusters/${cluster}/infra/`) && p.endsWith('/terragrunt.hcl'))
        .map((p) => p.slice(`clusters/${cluster}/infra/`.length, -'/terragrunt.hcl'.length));
    expect(units('dev-usw2')).not.toContain('storage/fsx');
    expect(units('dev-usw2')).not.toContain('storage/mlflow-artifacts');
    expect(units('dev-usw2')).not.toContain('pod-identity/mlflow');
    expect(units('staging-usw2')).toContain('storage/fsx');
    expect(units('prod-use1')).toEqual(
      expect.arrayContaining(['storage/fsx', 'storage/mlflow-artifacts', 'pod-identity/mlflow', 'karpenter']),
    );
  });

  it('keeps state in S3, encrypted and locked, under one key per cluster and unit', async () => {
    const root = await hcl(files, 'clusters/root.hcl');
    const state = root.remote_state[0];
    expect(state.backend).toBe('s3');
    expect(state.config).toMatchObject({
      bucket: '${local.owner.state_bucket}',
      key: '${path_relative_to_include()}/terraform.tfstate',
      region: '${local.owner.region}',
      encrypt: true,
      use_lockfile: true,
    });
    // the key is the unit's path below clusters/ (where root.hcl sits): unique per cluster and unit
    const unitDirs = [...files.keys()]
      .filter((p) => p.endsWith('/terragrunt.hcl'))
      .map((p) => p.slice('clusters/'.length, -'/terragrunt.hcl'.length));
    expect(new Set(unitDirs).size).toBe(unitDirs.length);
    expect(unitDirs).toContain('prod-use1/infra/eks');
    expect(unitDirs).toContain('_accounts/777788889999/github-oidc-provider');
    // a cluster's unit reads its cluster.hcl, an account's unit its account.hcl
    expect(root.locals[0].owner).toBe(
      '${read_terragrunt_config(find_in_parent_folders("cluster.hcl", ' +
        'find_in_parent_folders("account.hcl", "no cluster.hcl or account.hcl above this unit"))).locals}',
    );
    const provider = root.generate.provider[0].contents as string;
    expect(provider).toContain('region              = "${local.owner.region}"');
    expect(provider).toContain('allowed_account_ids = ["${local.owner.account_id}"]');
    expect(provider).toContain('tags = ${jsonencode(local.owner.tags)}');
    // IAM is global: an account's units keep their state in the partition's IAM region, whichever clusters it has
    const account = await hcl(files, 'clusters/_accounts/111122223333/account.hcl');
    expect(account.locals[0]).toEqual({
      account_id: '111122223333',
      region: 'us-east-1',
      state_bucket: 'tfstate-111122223333-us-east-1',
      tags: { 'managed-by': 'terragrunt' },
    });
    const cluster = await hcl(files, 'clusters/prod-use1/infra/cluster.hcl');
    expect(cluster.locals[0]).toEqual({
      cluster: 'prod-use1',
      environment: 'prod',
      account_id: '777788889999',
      region: 'us-east-1',
      state_bucket: 'tfstate-777788889999-us-east-1',
      tags: { 'cost-center': 'ml-platform', cluster: 'prod-use1', environment: 'prod', 'managed-by': 'terragrunt' },
    });
  });

  it('tags subnets for load balancers, Karpenter, and the single-zone EFA and Neuron pools', async () => {
    const prod = (await hcl(files, 'clusters/prod-use1/infra/network/terragrunt.hcl')).inputs;
    expect(prod.azs).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c']);
    expect(prod.private_subnets).toEqual(['10.30.0.0/18', '10.30.64.0/18', '10.30.128.0/18']);
    expect(prod.public_subnet_tags).toEqual({ 'kubernetes.io/role/elb': '1' });
    expect(prod.private_subnet_tags).toEqual({
      'kubernetes.io/role/internal-elb': '1',
      'karpenter.sh/discovery': 'prod-use1',
    });
    expect(prod.private_subnet_tags_per_az).toEqual({
      'us-east-1a': { 'karpenter.sh/discovery/cuda-efa': 'prod-use1', 'karpenter.sh/discovery/inf2': 'prod-use1' },
      'us-east-1b': { 'karpenter.sh/discovery/neuron': 'prod-use1' },
    });
    const staging = (await hcl(files, 'clusters/staging-usw2/infra/network/terragrunt.hcl')).inputs;
    expect(staging.private_subnet_tags_per_az).toEqual({
      'us-west-2b': { 'karpenter.sh/discovery/neuron': 'staging-usw2' },
    });
    expect(
      (await hcl(files, 'clusters/dev-usw2/infra/network/terragrunt.hcl')).inputs.private_subnet_tags_per_az,
    ).toBeUndefined();
    // the platform's EC2NodeClasses select by the same tags and zones (generator/platform/aws-names.ts,
    // node-pool-zone.ts)
    const loaded = loadFleet(REPO, { moduleNames: FLEET.catalog.map((m) => m.name) });
    if (!loaded.ok) throw new Error('example fleet does not load');
    const spec = loaded.clusters.find((c) => c.spec.name === 'prod-use1')!.spec;
    for (const pool of spec.nodePools) {
      const zone = poolZone(spec, pool);
      if (zone) expect(prod.private_subnet_tags_per_az[zone][poolDiscoveryTag(pool.name)], pool.name).toBe('prod-use1');
    }
  });

  it(
    "builds the cluster at the spec's version, with access " + 'entries, add-ons and EFA rules only where EFA runs',
    async () => {
      const prod = await hcl(files, 'clusters/prod-use1/infra/eks/terragrunt.hcl');
      expect(prod.inputs.kubernetes_version).toBe('1.33');
      expect(Object.keys(prod.inputs.addons).sort()).toEqual([
        'coredns',
        'eks-pod-identity-agent',
        'kube-proxy',
        'vpc-cni',
      ]);
      expect(prod.inputs.access_entries['github-apply'].principal_arn).toBe('${dependency.apply_role.outputs.arn}');
      expect(prod.inputs.access_entries['admin-platform-admin'].principal_arn).toBe(
        'arn:aws:iam::777788889999:role/platform-admin',
      );
      expect(prod.inputs.node_security_group_tags).toEqual({
        'karpenter.sh/discovery': 'prod-use1',
        'karpenter.sh/discovery/cuda-efa': 'prod-use1',
      });
      expect(Object.keys(prod.inputs.node_security_group_additional_rules).sort()).toEqual([
        'efa_egress_self',
        'efa_ingress_self',
      ]);
      const dev = await hcl(files, 'clusters/dev-usw2/infra/eks/terragrunt.hcl');
      expect(dev.inputs.node_security_group_additional_rules).toBeUndefined();
      expect(dev.dependency.network[0].mock_outputs.private_subnets).toHaveLength(2);
    },
  );

  it("names Karpenter's roles and queue as the platform will (names.ts)", async () => {
    const karpenter = (await hcl(files, 'clusters/prod-use1/infra/karpenter/terragrunt.hcl')).inputs;
    const spec = { name: 'prod-use1' } as Parameters<typeof karpenterControllerRoleName>[0];
    expect(karpenter).toMatchObject({
      iam_role_name: karpenterControllerRoleName(spec),
      node_iam_role_name: karpenterNodeRole('prod-use1'),
      queue_name: karpenterInterruptionQueue('prod-use1'),
      iam_role_use_name_prefix: false,
      node_iam_role_use_name_prefix: false,
      namespace: 'kube-system',
      service_account: 'karpenter',
    });
  });

  it(
    'links FSx to its S3 path with automatic import and ' + 'export, and writes the IDs the volumes need to SSM',
    async () => {
      const fsx = await hcl(files, 'clusters/prod-use1/infra/storage/fsx/terragrunt.hcl');
      expect(fsx.inputs).toMatchObject({
        deployment_type: 'PERSISTENT_2',
        storage_capacity: 4800,
        per_unit_storage_throughput: 250,
      });
      expect(fsx.inputs.subnet_ids).toEqual(['${dependency.network.outputs.private_subnets[0]}']);
      const association = fsx.inputs.data_repository_associations.data;
      expect(association.data_repository_path).toBe('s3://acme-ml-prod-data/datasets');
      expect(association.s3.auto_import_policy.events).toEqual(['NEW', 'CHANGED', 'DELETED']);
      expect(association.s3.auto_export_policy.events).toEqual(['NEW', 'CHANGED', 'DELETED']);
      const parameters = (await parse('storage_parameters.tf', fsx.generate.storage_parameters[0].contents)) as Record<
        string,
        any
      >;
      expect(
        Object.fromEntries(
          Object.values(parameters.resource.aws_ssm_parameter).map((p: any) => [p[0].name, p[0].value]),
        ),
      ).toEqual({
        [storageParameter('prod-use1', 'fsx', 'file-system-id')]: '${aws_fsx_lustre_file_system.this[0].id}',
        [storageParameter('prod-use1', 'fsx', 'dns-name')]: '${aws_fsx_lustre_file_system.this[0].dns_name}',
        [storageParameter('prod-use1', 'fsx', 'mount-name')]: '${aws_fsx_lustre_file_system.this[0].mount_name}',
      });
      // the binder Job that reads them has a role that may read exactly these parameters
      const binder = (await hcl(files, 'clusters/prod-use1/infra/pod-identity/fsx-pv-binder/terragrunt.hcl')).inputs;
      expect(binder.associations['fsx-pv-binder']).toMatchObject({
        namespace: 'kube-system',
        service_account: 'fsx-pv-binder',
      });
      expect(binder.policy_statements[0].resources).toEqual(
        ['file-system-id', 'dns-name', 'mount-name'].map(
          (f) => `arn:aws:ssm:us-east-1:777788889999:parameter/eks-mlops-fleet/prod-use1/storage/fsx/${f}`,
        ),
      );
      // the resources the parameters read are the pinned modules' (the checks pin the versions)
      expect(files.get('clusters/prod-use1/infra/storage/efs/terragrunt.hcl')).toContain(
        'value = aws_efs_file_system.this[0].id',
      );
    },
  );

  it('trusts only this repository: pull requests for plan, the cluster environment for apply', async () => {
    const spec = { name: 'prod-use1', environment: 'prod' } as Parameters<typeof planRoleName>[0];
    const plan = (await hcl(files, 'clusters/prod-use1/infra/github-oidc/plan-role/terragrunt.hcl')).inputs;
    expect(plan).toMatchObject({
      name: planRoleName(spec),
      enable_github_oidc: true,
      oidc_subjects: ['repo:acme/eks-mlops-fleet:pull_request'],
    });
    expect(Object.keys(plan.policies)).toEqual(['ReadOnlyAccess']);
    expect(plan.inline_policy_permissions.StateLock.resources).toEqual([
      'arn:aws:s3:::tfstate-777788889999-us-east-1/*.tflock',
    ]);
    const apply = (await hcl(files, 'clusters/prod-use1/infra/github-oidc/apply-role/terragrunt.hcl')).inputs;
    expect(apply).toMatchObject({
      name: applyRoleName(spec),
      oidc_subjects: [`repo:acme/eks-mlops-fleet:environment:${applyEnvironmentName('prod')}`],
    });
    expect(Object.keys(apply.policies)).toEqual(['AdministratorAccess']);
  });

  it('binds a pod identity role to the service account of each enabled module that calls AWS', async () => {
    const mlflow = (await hcl(files, 'clusters/prod-use1/infra/pod-identity/mlflow/terragrunt.hcl')).inputs;
    expect(mlflow.associations.mlflow).toEqual({
      cluster_name: '${dependency.eks.outputs.cluster_name}',
      namespace: 'mlflow',
      service_account: 'mlflow',
    });
    expect(mlflow.policy_statements[1].resources).toEqual(['${dependency.artifacts.outputs.s3_bucket_arn}/*']);
    const lbc = (await hcl(files, 'clusters/dev-usw2/infra/pod-identity/aws-load-balancer-controller/terragrunt.hcl'))
      .inputs;
    expect(lbc).toMatchObject({
      name: 'dev-usw2-aws-load-balancer-controller',
      use_name_prefix: false,
      attach_aws_lb_controller_policy: true,
    });
  });
});

describe('changes to cluster.yaml change exactly the units they should', () => {
  const base = generate(exampleInputs());

  it("a new availability zone: the network, the cluster's subnets and the EFS mount targets", () => {
    const after = generate(
      editedFleet('dev-usw2', (y) => y.replace('[us-west-2a, us-west-2b]', '[us-west-2a, us-west-2b, us-west-2c]')),
    );
    expect(infraChanges(base, after)).toEqual([
      'clusters/dev-usw2/infra/eks/terragrunt.hcl',
      'clusters/dev-usw2/infra/network/terragrunt.hcl',
      'clusters/dev-usw2/infra/storage/efs/terragrunt.hcl',
    ]);
  });

  it('a replaced availability zone: the network and the EFS mount targets, not FSx in the first zone', () => {
    const after = generate(
      editedFleet('prod-use1', (y) => y.replace('us-east-1b, us-east-1c]', 'us-east-1b, us-east-1d]')),
    );
    expect(infraChanges(base, after)).toEqual([
      'clusters/prod-use1/infra/network/terragrunt.hcl',
      'clusters/prod-use1/infra/storage/efs/terragrunt.hcl',
    ]);
  });

  it('a new Kubernetes version: the EKS unit only', () => {
    const after = generate(
      editedFleet('prod-use1', (y) => y.replace('kubernetesVersion: "1.33"', 'kubernetesVersion: "1.34"')),
    );
    expect(infraChanges(base, after)).toEqual(['clusters/prod-use1/infra/eks/terragrunt.hcl']);
  });

  it('turning MLflow on: its bucket and its pod identity role', () => {
    const after = generate(editedFleet('dev-usw2', (y) => y.replace('teams:', 'modules:\n  mlflow: true\nteams:')));
    expect(infraChanges(base, after)).toEqual([
      'clusters/dev-usw2/infra/pod-identity/mlflow/terragrunt.hcl',
      'clusters/dev-usw2/infra/storage/mlflow-artifacts/terragrunt.hcl',
    ]);
  });

  it('every module that calls AWS, turned on: a pod identity unit each, all valid against the module', async () => {
    const modules = POD_IDENTITY_MODULES.map((m) => `  ${m}: true`).join('\n');
    const after = generate(editedFleet('dev-usw2', (y) => y.replace('teams:', `modules:\n${modules}\nteams:`)));
    for (const module of POD_IDENTITY_MODULES) {
      expect(after.has(`clusters/dev-usw2/infra/pod-identity/${module}/terragrunt.hcl`), module).toBe(true);
    }
    expect((await checkInfra(hclOf(after), SCHEMAS)).problems.map(formatProblem)).toEqual([]);
    const dns = (await hcl(after, 'clusters/dev-usw2/infra/pod-identity/external-dns/terragrunt.hcl')).inputs;
    expect(dns.associations['external-dns']).toMatchObject({
      namespace: 'external-dns',
      service_account: 'external-dns',
    });
    const secrets = (await hcl(after, 'clusters/dev-usw2/infra/pod-identity/external-secrets/terragrunt.hcl')).inputs;
    expect(secrets.external_secrets_secrets_manager_arns).toEqual([
      'arn:aws:secretsmanager:us-west-2:111122223333:secret:dev-usw2/*',
    ]);
  });

  it(
    'two clusters in one account: one GitHub OIDC provider, in ' +
      "the account's folder, whose ARN both clusters' roles read",
    async () => {
      const after = generate(editedFleet('staging-usw2', (y) => y.replace('"444455556666"', '"111122223333"')));
      const providers = [...after.keys()].filter(
        (p) => p.endsWith('/terragrunt.hcl') && after.get(p)!.includes('iam-oidc-provider'),
      );
      expect(providers).toEqual([
        'clusters/_accounts/111122223333/github-oidc-provider/terragrunt.hcl',
        'clusters/_accounts/777788889999/github-oidc-provider/terragrunt.hcl',
      ]);
      // the account that no cluster is in any more has no folder
      expect([...after.keys()].filter((p) => p.startsWith('clusters/_accounts/444455556666/'))).toEqual([]);
      expect(after.get('clusters/_accounts/111122223333/github-oidc-provider/terragrunt.hcl')).toBe(
        base.get('clusters/_accounts/111122223333/github-oidc-provider/terragrunt.hcl'),
      );
      for (const cluster of ['dev-usw2', 'staging-usw2']) {
        const plan = await hcl(after, `clusters/${cluster}/infra/github-oidc/plan-role/terragrunt.hcl`);
        expect(plan.dependency.github_oidc_provider[0].config_path).toBe(
          '../../../../_accounts/111122223333/github-oidc-provider',
        );
        expect(plan.dependencies).toBeUndefined();
        expect(plan.inputs.github_provider).toBe(
          '${split("oidc-provider/", dependency.github_oidc_provider.outputs.arn)[1]}',
        );
      }
      const report = await checkInfra(hclOf(after), SCHEMAS);
      expect(report.problems).toEqual([]);
    },
  );
});

describe('the infra checks catch', () => {
  const files = generate(REPO);
  const eks = 'clusters/dev-usw2/infra/eks/terragrunt.hcl';
  const mutate = async (path: string, edit: (text: string) => string) => {
    const changed = new Map(files);
    const before = changed.get(path)!;
    const after = edit(before);
    expect(after, 'the mutation changed nothing').not.toBe(before);
    changed.set(path, after);
    return (await checkInfra(hclOf(changed), SCHEMAS)).problems.map(formatProblem);
  };

  it('a file that does not parse', async () => {
    expect(await mutate(eks, (t) => t.replace('inputs = {', 'inputs = {{'))).toEqual([
      expect.stringMatching(new RegExp(`^${eks}: is not valid HCL: `)),
    ]);
  });

  it('an input that is not a variable of the module (renamed in eks v21)', async () => {
    expect(await mutate(eks, (t) => t.replace('kubernetes_version =', 'cluster_version    ='))).toEqual([
      `${eks}: inputs.cluster_version: is not a variable of the pinned module (Terraform would ignore it silently)`,
    ]);
  });

  it('a dependency output the module does not have, or has no mock for', async () => {
    expect(
      await mutate(eks, (t) =>
        t.replace(
          'subnet_ids = dependency.network.outputs.private_subnets',
          'subnet_ids = dependency.network.outputs.subnets',
        ),
      ),
    ).toEqual([
      `${eks}: dependency.network.outputs.subnets: is not an output of the module of clusters/dev-usw2/infra/network`,
    ]);
    expect(
      await mutate(eks, (t) =>
        t.replace(
          'subnet_ids = dependency.network.outputs.private_subnets',
          'subnet_ids = dependency.network.outputs.public_subnets',
        ),
      ),
    ).toEqual([
      `${eks}: dependency.network.outputs.public_subnets: has no mock ` +
        `output (init, validate and plan before the dependency is applied)`,
    ]);
  });

  it('a dependency path that is not a unit, and mocks allowed beyond init, validate and plan', async () => {
    expect(
      await mutate(eks, (t) =>
        t.replace('config_path                             = "../network"', 'config_path = "../vpc"'),
      ),
    ).toEqual([`${eks}: dependency.network.config_path: expected the folder of a generated unit, got "../vpc"`]);
    expect(
      await mutate(eks, (t) => t.replace('["init", "validate", "plan"]', '["init", "validate", "plan", "apply"]')),
    ).toEqual([
      `${eks}: dependency.network.mock_outputs_allowed_terraform_commands: expected ["init","validate","plan"]`,
    ]);
  });

  it('a cycle between units', async () => {
    const network = 'clusters/dev-usw2/infra/network/terragrunt.hcl';
    const problems = await mutate(network, (t) =>
      t.replace('inputs = {', 'dependencies {\n  paths = ["../eks"]\n}\n\ninputs = {'),
    );
    expect(problems).toEqual([
      `clusters/dev-usw2/infra/argocd-hub-access: units wait on each other in a cycle: ${[
        'clusters/dev-usw2/infra/argocd-hub-access',
        'clusters/dev-usw2/infra/eks',
        'clusters/dev-usw2/infra/karpenter',
        'clusters/dev-usw2/infra/network',
        'clusters/dev-usw2/infra/pod-identity/aws-load-balancer-controller',
        'clusters/dev-usw2/infra/pod-identity/ebs-csi-driver',
        'clusters/dev-usw2/infra/pod-identity/efs-csi-driver',
        'clusters/dev-usw2/infra/pod-identity/efs-pv-binder',
        'clusters/dev-usw2/infra/pod-identity/fsx-csi-driver',
        'clusters/dev-usw2/infra/storage/efs',
      ].join(', ')}`,
    ]);
  });

  it('a file a unit generates beside its module that does not parse', async () => {
    const efs = 'clusters/dev-usw2/infra/storage/efs/terragrunt.hcl';
    expect((await mutate(efs, (t) => t.replace('type  = "String"', 'type  = "String'))).at(0)).toMatch(
      new RegExp(`^${efs}: generate\\.storage_parameters\\.contents: is not valid HCL`),
    );
  });

  it('a module version with no variable list, and a source that is not pinned', async () => {
    expect(await mutate(eks, (t) => t.replace('version=21.19.0', 'version=20.0.0'))).toEqual([
      `${eks}: terraform.source: terraform-aws-modules/eks/aws 20.0.0 ` +
        `has no variable and output list in vendor/schemas/terraform`,
    ]);
    expect((await mutate(eks, (t) => t.replace('?version=21.19.0', ''))).at(0)).toMatch(
      /terraform\.source: expected a pinned registry module/,
    );
  });
});
