/**
 * The public terraform-aws-modules modules the Terragrunt units are built on, at pinned versions.
 * `vendor/schemas/terraform/<name>@v<version>.json` lists the variables and outputs of each pin;
 * the infra checks read the pins back from the generated `terraform.source` and compare against it.
 */
export interface TerraformModule {
  /** Registry address: `terraform-aws-modules/<name>/aws`, with `//modules/<sub>` for a submodule. */
  readonly source: string;
  /** Exact version, never a range. */
  readonly version: string;
}

export const MODULES = {
  vpc: { source: 'terraform-aws-modules/vpc/aws', version: '6.6.0' },
  eks: { source: 'terraform-aws-modules/eks/aws', version: '21.19.0' },
  karpenter: { source: 'terraform-aws-modules/eks/aws//modules/karpenter', version: '21.19.0' },
  efs: { source: 'terraform-aws-modules/efs/aws', version: '2.0.0' },
  // the fsx repository has no root module, only modules/{lustre,ontap,openzfs,windows}
  fsxLustre: { source: 'terraform-aws-modules/fsx/aws//modules/lustre', version: '1.3.0' },
  s3Bucket: { source: 'terraform-aws-modules/s3-bucket/aws', version: '5.15.4' },
  podIdentity: { source: 'terraform-aws-modules/eks-pod-identity/aws', version: '2.8.1' },
  oidcProvider: { source: 'terraform-aws-modules/iam/aws//modules/iam-oidc-provider', version: '6.5.0' },
  iamRole: { source: 'terraform-aws-modules/iam/aws//modules/iam-role', version: '6.5.0' },
  irsaRole: { source: 'terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts', version: '6.5.0' },
  // newest tag v7.2.0 (2026-03-19) of terraform-aws-modules/terraform-aws-rds
  rds: { source: 'terraform-aws-modules/rds/aws', version: '7.2.0' },
  ecr: { source: 'terraform-aws-modules/ecr/aws', version: '3.2.0' },
} as const satisfies Record<string, TerraformModule>;

/** Terragrunt's `terraform.source` for a registry module: `tfr:///<source>?version=<version>`. */
export function registrySource(module: TerraformModule): string {
  return `tfr:///${module.source}?version=${module.version}`;
}

/** Reads a `tfr:///...?version=...` source back; undefined for any other form. */
export function parseRegistrySource(source: string): TerraformModule | undefined {
  const match = /^tfr:\/\/\/([^?]+)\?version=([0-9][0-9A-Za-z.+-]*)$/.exec(source);
  return match ? { source: match[1], version: match[2] } : undefined;
}

/** File name of a module's variable and output list in `vendor/schemas/terraform/`. */
export function schemaFileName(module: TerraformModule): string {
  const [, name, sub] = /^terraform-aws-modules\/([^/]+)\/aws(?:\/\/modules\/(.+))?$/.exec(module.source) ?? [];
  if (!name) throw new Error(`not a terraform-aws-modules registry address: ${module.source}`);
  return `${name}${sub ? `__${sub.replace(/\//g, '__')}` : ''}@v${module.version}.json`;
}
