import {
  databaseBinderServiceAccount,
  databaseInstanceName,
  dataPlatformBucket,
  eksClusterRoleName,
  karpenterControllerRoleName,
  karpenterInterruptionQueue,
  karpenterNodeRole,
  mlflowArtifactBucket,
  podIdentityRoleName,
} from './names';
import { fieldPath, type Problem } from '../config/problems';
import type { ClusterInput, EnabledModule } from '../model/compiled-cluster';
import { applyRoleName, planRoleName } from '../model/github-settings';
import { moduleDatabase } from '../model/platform-module';
import { POD_IDENTITY_MODULES } from './units/pod-identity';

/** Tags the generator sets on every AWS resource; cluster.yaml `tags` may not redefine them. */
export const GENERATED_TAG_KEYS = ['cluster', 'environment', 'managed-by'] as const;

// AWS tag syntax: letters, digits, spaces and _ . : / = + - @
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

/** Length limits of the AWS names derived from the cluster name. */
const LIMITS = { 'IAM role': 64, 'S3 bucket': 63, 'SQS queue': 80, 'RDS instance': 63 } as const;

/**
 * Rules that come from how the infrastructure is built: AWS tag syntax, admin roles of the cluster's own
 * account, one S3 path for FSx import and export, and AWS names that fit their length limits.
 */
export function infraSpecProblems(input: ClusterInput, modules: readonly EnabledModule[]): Problem[] {
  const { spec, file, lineOf } = input;
  const problems: Problem[] = [];
  const at = (path: PropertyKey[], field: string, message: string) =>
    problems.push({ file, line: lineOf(path), field, message });

  for (const [key, value] of Object.entries(spec.tags)) {
    const field = fieldPath(['tags', key]);
    if ((GENERATED_TAG_KEYS as readonly string[]).includes(key)) {
      at(['tags', key], field, `is set by the generator (${GENERATED_TAG_KEYS.join(', ')}); expected another key`);
    } else if (key.toLowerCase().startsWith('aws:')) {
      at(['tags', key], field, 'expected a key that does not start with "aws:" (reserved by AWS)');
    } else if (!TAG_KEY.test(key)) {
      at(['tags', key], field, 'expected a tag key of 1 to 128 letters, digits, spaces or _ . : / = + - @');
    } else if (!TAG_VALUE.test(value)) {
      at(
        ['tags', key],
        field,
        `expected a tag value of at most 256 letters, digits, spaces or _ . : / = + - @, got ${JSON.stringify(value)}`,
      );
    }
  }

  spec.aws.adminRoleArns.forEach((arn, i) => {
    const account = arn.split(':')[4];
    if (account !== spec.aws.accountId) {
      at(
        ['aws', 'adminRoleArns', i],
        `aws.adminRoleArns[${i}]`,
        `expected a role of the cluster's account ${spec.aws.accountId}, got one of account ${account}`,
      );
    }
  });

  const fsx = spec.storage.fsx;
  if (fsx?.s3ExportPath && fsx.s3ExportPath !== fsx.s3ImportPath) {
    at(
      ['storage', 'fsx', 's3ExportPath'],
      'storage.fsx.s3ExportPath',
      `expected the same path as s3ImportPath (${fsx.s3ImportPath}): the data repository ` +
        `association imports from and exports to one S3 path, got "${fsx.s3ExportPath}"`,
    );
  }

  const longest = derivedNames(input, modules)
    .map((n) => ({ ...n, over: n.name.length - LIMITS[n.kind] }))
    .sort((a, b) => b.over - a.over)[0];
  if (longest && longest.over > 0) {
    at(
      ['name'],
      'name',
      `expected a cluster name of at most ${spec.name.length - longest.over} characters: the ${longest.kind} ` +
        `name "${longest.name}" derived from it has ${longest.name.length} (AWS allows ${LIMITS[longest.kind]})`,
    );
  }
  return problems;
}

function derivedNames(
  input: ClusterInput,
  modules: readonly EnabledModule[],
): { kind: keyof typeof LIMITS; name: string }[] {
  const { spec } = input;
  const on = new Set(modules.map((m) => m.module.name));
  const roles = [eksClusterRoleName(spec), planRoleName(spec), applyRoleName(spec)];
  if (on.has('karpenter')) roles.push(karpenterControllerRoleName(spec), karpenterNodeRole(spec.name));
  for (const module of POD_IDENTITY_MODULES) if (on.has(module)) roles.push(podIdentityRoleName(spec, module));
  for (const system of ['efs', 'fsx']) {
    if (on.has(`${system}-csi-driver`)) roles.push(podIdentityRoleName(spec, `${system}-pv-binder`));
  }
  const buckets = (['pachyderm', 'determined'] as const).filter((m) => on.has(m));
  for (const module of buckets) roles.push(podIdentityRoleName(spec, module));
  const rds = modules.filter((m) => moduleDatabase(spec, m.module) === 'rds').map((m) => m.module.name);
  for (const module of rds) roles.push(podIdentityRoleName(spec, databaseBinderServiceAccount(module)));
  return [
    ...roles.map((name) => ({ kind: 'IAM role' as const, name })),
    ...buckets.map((module) => ({ kind: 'S3 bucket' as const, name: dataPlatformBucket(spec, module) })),
    ...rds.map((module) => ({ kind: 'RDS instance' as const, name: databaseInstanceName(spec, module) })),
    ...(on.has('karpenter') ? [{ kind: 'SQS queue' as const, name: karpenterInterruptionQueue(spec.name) }] : []),
    ...(on.has('mlflow') ? [{ kind: 'S3 bucket' as const, name: mlflowArtifactBucket(spec) }] : []),
  ];
}
