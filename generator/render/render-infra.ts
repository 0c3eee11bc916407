import { posix } from 'node:path';
import { renderTemplate } from './templates';
import { GENERATED_TAG_KEYS } from '../infra/check-spec';
import type { AccountInfra, ClusterInfra } from '../infra/compile-infra';
import { accountRegion, accountStateBucket, stateBucketName } from '../infra/names';
import { registrySource } from '../infra/terraform-modules';
import { infraFolder, type InfraUnit } from '../infra/unit';
import type { GeneratedFile } from '../model/generated-file';
import { markerLine } from '../model/marker';
import { accountFolder, CLUSTERS_DIR } from '../model/paths';
import { TERRAFORM, TERRAGRUNT } from '../model/tool-versions';

export const ROOT_HCL = `${CLUSTERS_DIR}/root.hcl`;
/** What an account's folder is generated from: the `aws.accountId` of the cluster specs (any one of the account's). */
export const ACCOUNT_SOURCE = `${CLUSTERS_DIR}/*/cluster.yaml`;
const ROOT_TEMPLATE = 'infra/root.hcl';

/** The root configuration every unit of every cluster includes. */
export function renderRootHcl(): GeneratedFile {
  return {
    path: ROOT_HCL,
    content: renderTemplate(ROOT_TEMPLATE, {
      marker: markerLine(`generator/templates/${ROOT_TEMPLATE}.hbs`),
      // the versions too: a new version changes root.hcl, so the plan workflow plans every unit with it
      terraformVersion: TERRAFORM.version,
      terragruntVersion: TERRAGRUNT.version,
      terraformConstraint: TERRAFORM.constraint,
      terragruntConstraint: TERRAGRUNT.constraint,
    }),
  };
}

/**
 * A cluster's `infra/` folder: its facts (cluster.hcl), a README with the apply order, and one terragrunt.hcl per unit.
 */
export function renderClusterInfra(infra: ClusterInfra): GeneratedFile[] {
  const { spec, source } = infra;
  const marker = markerLine(source);
  const base = infraFolder(spec);
  const generatedTags: Record<(typeof GENERATED_TAG_KEYS)[number], string> = {
    cluster: spec.name,
    environment: spec.environment,
    'managed-by': 'terragrunt',
  };
  const files: GeneratedFile[] = [
    {
      path: `${base}/cluster.hcl`,
      content: renderTemplate('infra/cluster.hcl', {
        marker,
        cluster: spec.name,
        environment: spec.environment,
        accountId: spec.aws.accountId,
        region: spec.aws.region,
        stateBucket: stateBucketName(spec),
        tags: { ...spec.tags, ...generatedTags },
      }),
    },
    ...infra.units.map((unit) => ({ path: `${unit.dir}/terragrunt.hcl`, content: renderUnit(unit, marker) })),
  ];
  files.push({
    path: `${base}/README.md`,
    content: renderTemplate('infra/readme.md', {
      marker,
      spec,
      stateBucket: stateBucketName(spec),
      accountFolder: accountFolder(spec.aws.accountId),
      accountLink: posix.relative(base, accountFolder(spec.aws.accountId)),
      waves: infra.applyOrder.map((wave, i) => ({
        number: i + 1,
        units: wave.map((dir) => posix.relative(base, dir)).join('`, `'),
      })),
      units: infra.units.map((unit) => ({
        path: posix.relative(base, unit.dir),
        module: `${unit.module.source} ${unit.module.version}`,
        summary: unit.summary,
        needs:
          [...unit.dependencies.map((d) => d.unit), ...unit.after].map((d) => posix.relative(base, d)).join(', ') ||
          '-',
      })),
    }),
  });
  return files;
}

/**
 * An account's folder `clusters/_accounts/<accountId>/`: its facts (account.hcl), a README, and one terragrunt.hcl
 * per account unit. Rendered from the account alone: the same bytes whichever clusters the account has.
 */
export function renderAccountInfra(infra: AccountInfra): GeneratedFile[] {
  const base = accountFolder(infra.accountId);
  const marker = markerLine(ACCOUNT_SOURCE);
  const stateBucket = accountStateBucket(infra.accountId, infra.partition);
  return [
    {
      path: `${base}/account.hcl`,
      content: renderTemplate('infra/account.hcl', {
        marker,
        accountId: infra.accountId,
        region: accountRegion(infra.partition),
        stateBucket,
        tags: { 'managed-by': 'terragrunt' },
      }),
    },
    ...infra.units.map((unit) => ({ path: `${unit.dir}/terragrunt.hcl`, content: renderUnit(unit, marker) })),
    {
      path: `${base}/README.md`,
      content: renderTemplate('infra/account-readme.md', {
        marker,
        accountId: infra.accountId,
        region: accountRegion(infra.partition),
        stateBucket,
        units: infra.units.map((unit) => ({
          path: posix.relative(base, unit.dir),
          module: `${unit.module.source} ${unit.module.version}`,
          summary: unit.summary,
        })),
      }),
    },
  ];
}

function renderUnit(unit: InfraUnit, marker: string): string {
  const blocks = unit.dependencies.map((dependency) =>
    renderTemplate('infra/dependency.hcl', {
      name: dependency.name,
      configPath: posix.relative(unit.dir, dependency.unit),
      mockOutputs: dependency.mockOutputs,
    }),
  );
  if (unit.after.length) {
    blocks.push(
      renderTemplate('infra/dependencies.hcl', { paths: unit.after.map((dir) => posix.relative(unit.dir, dir)) }),
    );
  }
  return renderTemplate(`infra/${unit.template}`, {
    ...unit.values,
    marker,
    summary: unit.summary,
    source: registrySource(unit.module),
    dependencies: blocks.map((block) => `\n${block}`).join(''),
  });
}
