/**
 * The one place the versions of the tools the fleet runs with are set: Terraform and Terragrunt (installed by
 * the plan and apply workflows, required by `clusters/root.hcl`) and Node.js (set up by every workflow).
 * `clusters/root.hcl`'s `terraform_version_constraint` and `terragrunt_version_constraint` and every workflow
 * derive from here; `test/tool-versions.test.ts` proves that each version a workflow installs satisfies those
 * constraints and `package.json`'s `engines.node`.
 *
 * To move to another release: change `version` and `sha256` together, with the checksum of that release's
 * linux_amd64 download (HashiCorp publishes `terraform_<v>_SHA256SUMS`, signed with its key; Terragrunt publishes
 * `SHA256SUMS` beside the binaries), then `npx projen`. A checksum that does not match makes the install step fail.
 * `clusters/root.hcl` names the Terraform and Terragrunt versions, so a new one changes it and the plan workflow
 * plans every unit with it before the merge.
 */

/** A command-line tool the infrastructure workflows download for linux_amd64 and check against its checksum. */
export interface DownloadedTool {
  /** Exact release, without a leading `v`. */
  readonly version: string;
  /** What the generated HCL and the workflows' commands need, in Terraform's version-constraint syntax. */
  readonly constraint: string;
  /** The release's linux_amd64 download. */
  readonly url: string;
  /** SHA-256 of that download, as published with the release; the install step refuses any other file. */
  readonly sha256: string;
}

const TERRAFORM_VERSION = '1.15.9';

/**
 * Terraform. The constraint: S3 native state locking (`use_lockfile = true` in root.hcl) needs 1.11; the pinned
 * terraform-aws-modules need no more than 1.11.1 (rds; `vendor/schemas/terraform/README.md`, "requires"); 2.0 would be
 * a new major release, outside the 1.x compatibility promises.
 */
export const TERRAFORM: DownloadedTool = {
  version: TERRAFORM_VERSION,
  constraint: '>= 1.11.0, < 2.0.0',
  url: `https://releases.hashicorp.com/terraform/${TERRAFORM_VERSION}/terraform_${TERRAFORM_VERSION}_linux_amd64.zip`,
  // terraform_1.15.9_SHA256SUMS, linux_amd64 line: the value HashiCorp's Homebrew formula for 1.15.9 carries, and
  // that independent projects pinning this release agree on
  sha256: '76edd0b22d2f27d3d2e097cd793209646f719cf60f02ff3af626b07361137da1',
};

const TERRAGRUNT_VERSION = '1.1.3';

/**
 * Terragrunt. The constraint: the commands the workflows and the README use are those of the redesigned CLI
 * (`terragrunt plan`/`apply` with `TG_NON_INTERACTIVE`, `terragrunt run --all`, `terragrunt backend bootstrap
 * --all`), which 1.0 made the stable interface: its commands, flags and HCL stay valid through 1.x
 * ("Terragrunt 1.0 Guarantees"), and what 1.x deprecates may go in 2.0.
 */
export const TERRAGRUNT: DownloadedTool = {
  version: TERRAGRUNT_VERSION,
  constraint: '>= 1.0.0, < 2.0.0',
  url: `https://github.com/gruntwork-io/terragrunt/releases/download/v${TERRAGRUNT_VERSION}/terragrunt_linux_amd64`,
  // SHA256SUMS of release v1.1.3, terragrunt_linux_amd64 line: the value independent projects pinning this
  // release agree on (with the same linux_arm64 value)
  sha256: 'd5da6a66741f4ee752aa3b502b57e47fd6d5c178942861b2507f14f083e7606e',
};

/**
 * Node.js of the workflows (`actions/setup-node`'s `node-version`: the newest 24.x release). Node 20 reached its
 * end of life in April 2026; 24 is the active LTS line. It must satisfy `package.json`'s `engines.node`
 * (`minNodeVersion` in `.projenrc.ts`), which stays lower so that contributors on an older LTS can still work.
 */
export const NODE = { version: '24.x' } as const;
