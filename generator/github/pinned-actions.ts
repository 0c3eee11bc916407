/**
 * Every third-party action the workflows use, pinned to the full commit of a release tag (a tag can be
 * moved; a commit cannot). The workflow files carry the version as a comment after the commit.
 * To update one: look up the new tag's commit (`git ls-remote https://github.com/<repo> refs/tags/<tag>^{}`)
 * and change both fields here, then `npx projen`. Each runs on a supported runtime: at the commit pinned, the
 * `action.yml` of every one says `runs.using: node24`. Terraform and Terragrunt are not set up by actions but
 * downloaded and checked against their checksums (versions and checksums in `generator/model/tool-versions.ts`).
 */
export interface PinnedAction {
  readonly repo: string;
  readonly sha: string;
  readonly version: string;
}

export const ACTIONS = {
  checkout: { repo: 'actions/checkout', sha: '3d3c42e5aac5ba805825da76410c181273ba90b1', version: 'v7.0.1' },
  setupNode: { repo: 'actions/setup-node', sha: '820762786026740c76f36085b0efc47a31fe5020', version: 'v7.0.0' },
  configureAwsCredentials: {
    repo: 'aws-actions/configure-aws-credentials',
    sha: 'e6de054238d6b7531b4efff3b6587d9aade6a06c',
    version: 'v6.2.3',
  },
  uploadArtifact: {
    repo: 'actions/upload-artifact',
    sha: 'bbbca2ddaa5d8feaa63e36b76fdaad77386f024f',
    version: 'v7.0.0',
  },
  setupQemu: { repo: 'docker/setup-qemu-action', sha: '96fe6ef7f33517b61c61be40b68a1882f3264fb8', version: 'v4.2.0' },
  setupBuildx: {
    repo: 'docker/setup-buildx-action',
    sha: '37fe631027851001ddb9b187196cc803df7f5f0e',
    version: 'v4.3.0',
  },
  downloadArtifact: {
    repo: 'actions/download-artifact',
    sha: '3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c',
    version: 'v8.0.1',
  },
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
