/**
 * Every third-party action the workflows use, pinned to the full commit of a release tag (a tag can be
 * moved; a commit cannot). The workflow files carry the version as a comment after the commit.
 * To update one: look up the new tag's commit (`git ls-remote https://github.com/<repo> refs/tags/<tag>^{}`)
 * and change both fields here, then `npx projen`.
 */
export interface PinnedAction {
  readonly repo: string;
  readonly sha: string;
  readonly version: string;
}

export const ACTIONS = {
  checkout: { repo: 'actions/checkout', sha: '3d3c42e5aac5ba805825da76410c181273ba90b1', version: 'v7.0.1' },
  setupNode: { repo: 'actions/setup-node', sha: '820762786026740c76f36085b0efc47a31fe5020', version: 'v7.0.0' },
  configureAwsCredentials: { repo: 'aws-actions/configure-aws-credentials', sha: 'e6de054238d6b7531b4efff3b6587d9aade6a06c', version: 'v6.2.3' },
  setupTerraform: { repo: 'hashicorp/setup-terraform', sha: 'dfe3c3f87815947d99a8997f908cb6525fc44e9e', version: 'v4.0.1' },
  setupTerragrunt: { repo: 'autero1/action-terragrunt', sha: 'aefb0a43c4f5503a91fefb307745c4d51c26ed0e', version: 'v3.0.2' },
  uploadArtifact: { repo: 'actions/upload-artifact', sha: 'bbbca2ddaa5d8feaa63e36b76fdaad77386f024f', version: 'v7.0.0' },
  downloadArtifact: { repo: 'actions/download-artifact', sha: '3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c', version: 'v8.0.1' },
} as const satisfies Record<string, PinnedAction>;

/** `owner/repo@<sha>` for a step's `uses:`. */
export function uses(action: PinnedAction): string {
  return `${action.repo}@${action.sha}`;
}

/** Appends `# <version>` to every `uses: <repo>@<sha>` line of a rendered workflow. */
export function annotateVersions(yaml: string): string {
  const versions = new Map(Object.values(ACTIONS).map((a) => [uses(a), a.version]));
  return yaml.replace(/^(\s*(?:- )?uses: )(\S+)$/gm, (line, prefix: string, ref: string) => {
    const version = versions.get(ref);
    return version ? `${prefix}${ref} # ${version}` : line;
  });
}

/** The Terraform and Terragrunt versions the infrastructure jobs install (inputs of the setup actions). */
export const TERRAFORM_VERSION = '1.14.6';
export const TERRAGRUNT_VERSION = '0.99.1';
