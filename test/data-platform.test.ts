import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { fakeCurl } from './support/fake-curl';
import { cleanupTemps, exampleInputs, FLEET, tempDir } from './support/fleet';
import { checkInfra, type InfraCheckReport } from '../generator/checks/check-infra';
import { formatProblem, type Problem } from '../generator/config/problems';
import { generateFleet } from '../generator/fleet/generate';
import { DETERMINED_CREDENTIALS, DETERMINED_MASTER, PACHD } from '../generator/model/data-platform-endpoints';
import { TERRAFORM_MODULE_DIR } from '../generator/model/vendor-files';

afterAll(cleanupTemps);

const CLUSTER = 'prod-use1';
const ACCOUNT = '777788889999';
const REGION = 'us-east-1';
const PLATFORM = `clusters/${CLUSTER}/platform`;
const INFRA = `clusters/${CLUSTER}/infra`;

type Files = Map<string, string>;

/** The example fleet's inputs in a temporary root, prod-use1's cluster.yaml edited by `edit`. */
function fleetRoot(edit: (yaml: string) => string = (y) => y): string {
  const root = exampleInputs();
  const path = join(root, 'clusters', CLUSTER, 'cluster.yaml');
  writeFileSync(path, edit(readFileSync(path, 'utf-8')));
  return root;
}

function generate(root: string): Files {
  const result = generateFleet({ root, ...FLEET });
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
  return new Map(result.files.map((f) => [f.path, f.content]));
}

function problemsOf(root: string): Problem[] {
  const result = generateFleet({ root, ...FLEET });
  return result.ok ? [] : result.problems;
}

function yamlOf(files: Files, path: string): any {
  const text = files.get(path);
  if (text === undefined) throw new Error(`${path} was not generated`);
  return parseYaml(text);
}

/** Every object of the module's own folder (not its values or descriptor). */
function objectsOf(files: Files, module: string): any[] {
  return [...files]
    .filter(([path]) => path.startsWith(`${PLATFORM}/${module}/`) && /\.ya?ml$/.test(path))
    .filter(([path]) => !path.endsWith('/values.yaml'))
    .flatMap(([, text]) => parseAllDocuments(text).map((d) => d.toJS()))
    .filter((o) => o && typeof o === 'object' && o.kind);
}

async function hcl(files: Files, path: string): Promise<any> {
  const text = files.get(path);
  if (text === undefined) throw new Error(`${path} was not generated`);
  return parseHcl(path, text);
}
const inputsOf = (unit: any) => unit.inputs;

let exampleFiles: Files | undefined;
/** The example fleet, generated once for the tests that need only it. */
const exampleFleet = (): Files => (exampleFiles ??= generate(fleetRoot()));

const WITH_IN_CLUSTER = (yaml: string) =>
  yaml.replace(/ {2}pachyderm:\n {4}database: rds[^\n]*\n/, '  pachyderm: true\n');

describe('the example fleet: pachyderm on RDS, determined in-cluster (prod-use1)', () => {
  const files = generate(fleetRoot());
  let report: InfraCheckReport;
  beforeAll(async () => {
    const hclFiles = [...files].filter(([p]) => p.endsWith('.hcl')).map(([path, content]) => ({ path, content }));
    report = await checkInfra(hclFiles, TERRAFORM_MODULE_DIR);
  });

  it('gives pachyderm its bucket, region and IRSA role on both service accounts', () => {
    const values = yamlOf(files, `${PLATFORM}/pachyderm/values.yaml`);
    const bucket = `${CLUSTER}-${ACCOUNT}-pachyderm`;
    const role = { 'eks.amazonaws.com/role-arn': `arn:aws:iam::${ACCOUNT}:role/${CLUSTER}-pachyderm` };
    expect(values.deployTarget).toBe('AMAZON');
    expect(values.pachd.storage.storageURL).toBe(`s3://${bucket}?region=${REGION}`);
    expect(values.pachd.storage.amazon).toEqual({ bucket, region: REGION });
    expect(values.pachd.storage.amazon.id).toBeUndefined();
    expect(values.pachd.serviceAccount).toEqual({ create: true, name: 'pachyderm', additionalAnnotations: role });
    expect(values.pachd.worker.serviceAccount).toEqual({
      create: true,
      name: 'pachyderm-worker',
      additionalAnnotations: role,
    });
  });

  it('points pachyderm at RDS through the ExternalName Service, its password from the Secret, never a value', () => {
    const values = yamlOf(files, `${PLATFORM}/pachyderm/values.yaml`);
    expect(values.postgresql).toEqual({ enabled: false });
    expect(values.global.postgresql).toMatchObject({
      postgresqlHost: 'pachyderm-rds.pachyderm.svc.cluster.local',
      postgresqlPassword: '',
      postgresqlPostgresPassword: '',
      postgresqlExistingSecretName: 'pachyderm-postgres',
      postgresqlExistingSecretKey: 'postgresql-password',
      ssl: true,
      postgresqlSSL: 'require',
    });
    const text = [...files]
      .filter(([p]) => p.startsWith(`${PLATFORM}/pachyderm/`))
      .map(([, t]) => t)
      .join('\n');
    expect(text).not.toMatch(/insecure-(user|root)-password/);

    const objects = objectsOf(files, 'pachyderm');
    const store = objects.find((o) => o.kind === 'SecretStore');
    expect(store.spec.provider.aws).toEqual({
      service: 'SecretsManager',
      region: REGION,
      auth: { jwt: { serviceAccountRef: { name: 'pachyderm-database-binder' } } },
    });
    const binderName = store.spec.provider.aws.auth.jwt.serviceAccountRef.name;
    const binderAccount = objects.find((o) => o.kind === 'ServiceAccount' && o.metadata.name === binderName);
    expect(binderAccount.metadata.annotations['eks.amazonaws.com/role-arn']).toBe(
      `arn:aws:iam::${ACCOUNT}:role/${CLUSTER}-pachyderm-database-binder`,
    );
    const binder = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'pachyderm-database-binder');
    const script: string = binder.data['run.sh'];
    expect(script).toContain(`/eks-mlops-fleet/${CLUSTER}/database/pachyderm/address`);
    expect(script).toContain(`/eks-mlops-fleet/${CLUSTER}/database/pachyderm/secret-arn`);
    const service = JSON.parse(binder.data['pachyderm-rds.json']);
    expect(service.spec).toEqual({ type: 'ExternalName', externalName: '@ADDRESS@' });
    const externalSecret = JSON.parse(binder.data['pachyderm-postgres.json']);
    expect(externalSecret.spec.secretStoreRef).toEqual({ name: store.metadata.name, kind: 'SecretStore' });
    expect(externalSecret.spec.data).toEqual([
      { secretKey: 'postgresql-password', remoteRef: { key: '@SECRET_ARN@', property: 'password' } },
    ]);
    // before the chart: the binder and the dex database Job in wave -1, what they run as in wave -2
    const waves = Object.fromEntries(
      objects.map((o) => [`${o.kind}/${o.metadata.name}`, o.metadata.annotations?.['argocd.argoproj.io/sync-wave']]),
    );
    expect(waves['Job/pachyderm-database-binder']).toBe('-1');
    expect(waves['Job/pachyderm-dex-database']).toBe('-1');
    expect(waves['ServiceAccount/pachyderm-database-binder']).toBe('-2');
  });

  it('gives determined its checkpoint bucket, the task service account with its role, and its database on gp3', () => {
    const values = yamlOf(files, `${PLATFORM}/determined/values.yaml`);
    expect(values.checkpointStorage).toEqual({
      type: 's3',
      bucket: `${CLUSTER}-${ACCOUNT}-determined`,
      prefix: 'checkpoints',
      saveExperimentBest: 0,
      saveTrialBest: 1,
      saveTrialLatest: 1,
    });
    for (const spec of ['cpuPodSpec', 'gpuPodSpec', 'checkpointGcPodSpec']) {
      expect(values.taskContainerDefaults[spec].spec.serviceAccountName).toBe('determined-task');
    }
    expect(values.db).toEqual({ storageClassName: 'gp3', storageSize: '50Gi' });
    expect(values.db.password).toBeUndefined();
    expect(values.useNodePortForMaster).toBe(true);
    // prod-use1's GPU pools launch 1-GPU sizes (g5.xlarge) and 8-GPU ones (p5.48xlarge)
    expect(values.maxSlotsPerPod).toBe(1);

    const objects = objectsOf(files, 'determined');
    const task = objects.find((o) => o.kind === 'ServiceAccount' && o.metadata.name === 'determined-task');
    expect(task.metadata.annotations['eks.amazonaws.com/role-arn']).toBe(
      `arn:aws:iam::${ACCOUNT}:role/${CLUSTER}-determined`,
    );
    const job = objects.find((o) => o.kind === 'Job' && o.metadata.name === 'determined-credentials');
    expect(job.metadata.annotations['argocd.argoproj.io/hook']).toBe('PostSync');
    const env = Object.fromEntries(job.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
    expect(env.SECRET_NAME).toBe(DETERMINED_CREDENTIALS.secret);
    expect(env.MASTER).toBe(`http://${DETERMINED_MASTER.service}.determined.svc.cluster.local:8080`);
  });

  it('creates each bucket and an IRSA role allowed on that bucket only, for those service accounts only', async () => {
    for (const [module, accounts] of [
      ['pachyderm', ['pachyderm:pachyderm', 'pachyderm:pachyderm-worker']],
      ['determined', ['determined:determined-task']],
    ] as const) {
      const bucket = await hcl(files, `${INFRA}/storage/${module}-data/terragrunt.hcl`);
      expect(inputsOf(bucket).bucket).toBe(`${CLUSTER}-${ACCOUNT}-${module}`);
      const role = await hcl(files, `${INFRA}/irsa/${module}/terragrunt.hcl`);
      const inputs = inputsOf(role);
      expect(inputs.name).toBe(`${CLUSTER}-${module}`);
      expect(inputs.oidc_providers.eks.namespace_service_accounts).toEqual(accounts);
      expect(inputs.oidc_providers.eks.provider_arn).toBe('${dependency.eks.outputs.oidc_provider_arn}');
      expect(inputs.permissions.ListBucket.resources).toEqual(['${dependency.bucket.outputs.s3_bucket_arn}']);
      expect(inputs.permissions.ReadWriteObjects.resources).toEqual(['${dependency.bucket.outputs.s3_bucket_arn}/*']);
      const dependency = role.dependency.bucket[0];
      expect(dependency.config_path).toMatch(new RegExp(`storage/${module}-data$`));
      expect(dependency.mock_outputs.s3_bucket_arn).toBe(`arn:aws:s3:::${CLUSTER}-${ACCOUNT}-${module}`);
    }
    const eks = await hcl(files, `${INFRA}/eks/terragrunt.hcl`);
    expect(inputsOf(eks).enable_irsa).toBe(true);
  });

  it('creates the RDS instance with its password kept by RDS, and the binder role on that secret alone', async () => {
    const database = await hcl(files, `${INFRA}/database/pachyderm/terragrunt.hcl`);
    const inputs = inputsOf(database);
    expect(inputs).toMatchObject({
      identifier: `${CLUSTER}-pachyderm`,
      engine: 'postgres',
      manage_master_user_password: true,
      storage_encrypted: true,
      multi_az: true,
      deletion_protection: true,
      db_name: 'pachyderm',
      username: 'pachyderm',
    });
    expect(Object.keys(inputs).filter((k) => /password/.test(k) && k !== 'manage_master_user_password')).toEqual([]);
    expect(files.get(`${INFRA}/database/pachyderm/terragrunt.hcl`)).toContain(
      `/eks-mlops-fleet/${CLUSTER}/database/pachyderm/secret-arn`,
    );
    const binder = inputsOf(await hcl(files, `${INFRA}/irsa/pachyderm-database-binder/terragrunt.hcl`));
    expect(binder.oidc_providers.eks.namespace_service_accounts).toEqual(['pachyderm:pachyderm-database-binder']);
    expect(binder.permissions.ReadMasterSecret.resources).toEqual([
      '${dependency.database.outputs.db_instance_master_user_secret_arn}',
    ]);
    expect(binder.permissions.ReadDatabaseParameters.resources).toEqual([
      `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/eks-mlops-fleet/${CLUSTER}/database/pachyderm/address`,
      `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/eks-mlops-fleet/${CLUSTER}/database/pachyderm/secret-arn`,
    ]);
  });

  it('passes the offline infra check with the new units', () => {
    expect(report.problems.map(formatProblem)).toEqual([]);
    const order = report.applyOrder.get(CLUSTER)!.flat();
    expect(order).toEqual(expect.arrayContaining(['database/pachyderm', 'irsa/pachyderm', 'storage/pachyderm-data']));
  });

  it('leaves the clusters without either module on Pod Identity alone', async () => {
    const eks = await hcl(files, 'clusters/dev-usw2/infra/eks/terragrunt.hcl');
    expect(inputsOf(eks).enable_irsa).toBe(false);
    expect([...files.keys()].some((p) => p.startsWith('clusters/dev-usw2/infra/irsa/'))).toBe(false);
  });
});

describe('pachyderm with its database in-cluster', () => {
  const files = generate(fleetRoot(WITH_IN_CLUSTER));

  it('runs the chart PostgreSQL on gp3 with a password generated in the cluster', () => {
    const values = yamlOf(files, `${PLATFORM}/pachyderm/values.yaml`);
    expect(values.postgresql).toMatchObject({ enabled: true, persistence: { storageClass: 'gp3', size: '50Gi' } });
    // a database stays off spot capacity
    expect(values.postgresql.primary.affinity.nodeAffinity).toEqual({
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          { matchExpressions: [{ key: 'karpenter.sh/capacity-type', operator: 'NotIn', values: ['spot'] }] },
        ],
      },
    });
    expect(values.global.postgresql.postgresqlHost).toBeUndefined();
    expect(values.global.postgresql.existingSecret).toBe('pachyderm-postgres');
    const objects = objectsOf(files, 'pachyderm');
    expect(objects.some((o) => o.kind === 'SecretStore' || o.kind === 'ExternalSecret')).toBe(false);
    const job = objects.find((o) => o.kind === 'Job');
    expect(job.metadata.name).toBe('pachyderm-db-password');
    const env = Object.fromEntries(job.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({
      SECRET_NAME: 'pachyderm-postgres',
      SECRET_KEYS: 'postgresql-password postgresql-postgres-password',
    });
    const role = objects.find((o) => o.kind === 'Role');
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'create'] }]);
    expect([...files.keys()].some((p) => p.startsWith(`${INFRA}/database/`))).toBe(false);
    expect([...files.keys()]).toContain(`${INFRA}/irsa/pachyderm/terragrunt.hcl`);
  });
});

describe('the database choice in cluster.yaml', () => {
  const lineOf = (yaml: string, text: string) => yaml.split('\n').findIndex((l) => l.includes(text)) + 1;

  it('is refused, at its line, on a module that runs no database', () => {
    let edited = '';
    const root = fleetRoot((yaml) => (edited = yaml.replace('  mlflow: true\n', '  mlflow:\n    database: rds\n')));
    const problems = problemsOf(root);
    expect(problems).toHaveLength(1);
    const [problem] = problems;
    expect(problem.file).toMatch(/clusters\/prod-use1\/cluster\.yaml$/);
    expect(problem.field).toBe('modules.mlflow.database');
    expect(problem.line).toBe(lineOf(edited, '  mlflow:') + 1);
    expect(problem.message).toMatch(/module "mlflow" runs no database/);
    expect(problem.message).toMatch(/determined, pachyderm/);
  });

  it('is refused when the module does not offer that choice', () => {
    const root = fleetRoot((yaml) => yaml.replace('  determined: true', '  determined: { database: rds }'));
    const problems = problemsOf(root);
    expect(problems.map((p) => [p.field, p.message])).toEqual([
      ['modules.determined.database', 'module "determined" runs its database "in-cluster", not "rds"'],
    ]);
  });

  it('is refused when it is not one of the kinds', () => {
    const root = fleetRoot((yaml) => yaml.replace('database: rds', 'database: aurora'));
    const problems = problemsOf(root);
    expect(problems.map((p) => p.field)).toEqual(['modules.pachyderm.database']);
    expect(problems[0].message).toMatch(/expected one of in-cluster, rds/);
  });

  it('asks for external-secrets when a module keeps its database on RDS', () => {
    const root = fleetRoot((yaml) => yaml.replace('  external-secrets: true\n', ''));
    const problems = problemsOf(root);
    expect(problems.map((p) => p.field)).toContain('modules.pachyderm.database');
  });
});

describe('the addresses the hook Jobs call', () => {
  it('are the Services the charts create', () => {
    expect(PACHD).toMatchObject({ namespace: 'pachyderm', service: 'pachd', grpcPort: 30650 });
    expect(DETERMINED_MASTER).toMatchObject({ service: 'determined-master-service-determined', port: 8080 });
  });
});

/** Runs a Job's script (from its ConfigMap) with its environment, against the fake curl; the state after. */
function runJob(objects: any[], job: string, namespace: string, state: any): any {
  const dir = tempDir('job-');
  const { bin, serviceAccount } = fakeCurl(dir);
  writeFileSync(join(serviceAccount, 'namespace'), namespace);
  const script = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === job).data['run.sh'];
  writeFileSync(join(dir, 'run.sh'), script);
  const jobObject = objects.find((o) => o.kind === 'Job' && o.metadata.name === job);
  const env = Object.fromEntries(jobObject.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
  const statePath = join(dir, 'state.json');
  writeFileSync(statePath, JSON.stringify({ calls: [], secrets: {}, users: {}, ...state }));
  execFileSync('sh', [join(dir, 'run.sh')], {
    env: { ...env, HOME: dir, PATH: `${bin}:${process.env.PATH}`, SA_DIR: serviceAccount, FAKE_STATE: statePath },
    stdio: 'pipe',
  });
  return JSON.parse(readFileSync(statePath, 'utf-8'));
}

const hashed = (password: string) => createHash('sha512').update(`GubPEmmotfiK9TMD6Zdw${password}`).digest('hex');

describe('the Jobs that keep passwords out of git, run against a fake API', () => {
  it('generates the in-cluster database passwords once, and keeps them after', () => {
    const objects = objectsOf(generate(fleetRoot(WITH_IN_CLUSTER)), 'pachyderm');
    const first = runJob(objects, 'pachyderm-db-password', 'pachyderm', {});
    const secret = first.secrets['pachyderm-postgres'];
    expect(Object.keys(secret.stringData)).toEqual(['postgresql-password', 'postgresql-postgres-password']);
    for (const value of Object.values<string>(secret.stringData)) expect(value).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(secret.stringData['postgresql-password']).not.toBe(secret.stringData['postgresql-postgres-password']);
    expect(secret.metadata.labels['app.kubernetes.io/part-of']).toBe('pachyderm');
    expect(first.calls.map((c: any) => `${c.method} ${c.path}`)).toEqual([
      'GET /api/v1/namespaces/pachyderm/secrets/pachyderm-postgres',
      'POST /api/v1/namespaces/pachyderm/secrets',
    ]);
    const second = runJob(objects, 'pachyderm-db-password', 'pachyderm', { secrets: first.secrets });
    expect(second.secrets).toEqual(first.secrets);
    expect(second.calls.map((c: any) => c.method)).toEqual(['GET']);
  });

  it("replaces Determined's bootstrap passwords with generated ones, once, and finishes a half-done run", () => {
    const objects = objectsOf(exampleFleet(), 'determined');
    const job = objects.find((o) => o.kind === 'Job' && o.metadata.name === 'determined-credentials');
    const bootstrap = job.spec.template.spec.containers[0].env.find((e: any) => e.name === 'BOOTSTRAP').value;
    const users = { admin: { id: 1, hash: hashed(bootstrap) }, determined: { id: 2, hash: hashed(bootstrap) } };
    const first = runJob(objects, 'determined-credentials', 'determined', { users });
    const stored = first.secrets[DETERMINED_CREDENTIALS.secret].stringData;
    expect(stored.username).toBe('determined');
    expect(stored.password).toMatch(/^[A-Za-z0-9]{29}Aa1$/);
    expect(first.users.determined.hash).toBe(hashed(stored.password));
    expect(first.users.admin.hash).toBe(hashed(stored['admin-password']));
    expect(first.calls.filter((c: any) => c.method === 'PATCH').map((c: any) => c.path)).toEqual([
      '/api/v1/users/2',
      '/api/v1/users/1',
    ]);

    const again = runJob(objects, 'determined-credentials', 'determined', first);
    expect(again.users).toEqual(first.users);
    expect(
      again.calls.slice(first.calls.length).some((c: any) => c.method !== 'GET' && c.path !== '/api/v1/auth/login'),
    ).toBe(false);

    // a run that stopped after admin's change: the next logs in as admin with the stored password
    const halfDone = { ...first, users: { ...first.users, determined: { id: 2, hash: hashed(bootstrap) } } };
    const finished = runJob(objects, 'determined-credentials', 'determined', halfDone);
    expect(finished.users.determined.hash).toBe(hashed(stored.password));
  });
});
