import { cpSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTemps, exampleInputs, FLEET, REPO, writeFile } from './support/fleet';
import { loadImages } from '../generator/config/load-images';
import { formatProblem } from '../generator/config/problems';
import { generateFleet } from '../generator/fleet/generate';

afterAll(cleanupTemps);

const REGISTRY = '777788889999.dkr.ecr.us-east-1.amazonaws.com';
const ACCOUNTS = ['111122223333', '444455556666', '777788889999'];

/** The example fleet's clusters with the example images (and their recorded digests) and one recipe. */
function fleetWithRecipe(recipe: string, edit?: (root: string) => void): string {
  const root = exampleInputs();
  cpSync(join(REPO, 'images'), join(root, 'images'), { recursive: true });
  // Kueue queues the run (dev-usw2 has it off); its registries (its own ECR) do not list the fleet's
  const spec = join(root, 'clusters/dev-usw2/cluster.yaml');
  writeFile(root, 'clusters/dev-usw2/cluster.yaml', `${readFileSync(spec, 'utf-8')}modules:\n  kueue: true\n`);
  writeFile(root, 'recipes/ml-dev/embed.yaml', recipe);
  edit?.(root);
  return root;
}

const recipe = (image: string, nodeType = 'm7g.xlarge') =>
  [
    'name: embed',
    'team: ml-dev',
    'cluster: dev-usw2',
    'kind: data-process',
    `image: ${image}`,
    'resources:',
    `  node_type: ${nodeType}`,
    'process:',
    '  command: ["python", "embed.py"]',
    '',
  ].join('\n');

const problemsOf = (root: string) => {
  const result = generateFleet({ root, ...FLEET });
  return result.ok ? [] : result.problems.map(formatProblem);
};

describe('image: images/<name> in a recipe', () => {
  it('renders the recorded digest from images/<name>/digest.json', () => {
    const root = fleetWithRecipe(recipe('images/bert-cpu-server'));
    const result = generateFleet({ root, ...FLEET });
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
    const digest = JSON.parse(readFileSync(join(REPO, 'images/bert-cpu-server/digest.json'), 'utf-8')) as {
      digest: string;
    };
    const rendered = result.files.filter((f) => f.path.includes('/workloads/runs/ml-dev/embed-'));
    expect(rendered.length).toBeGreaterThan(0);
    const text = rendered.map((f) => f.content).join('\n');
    expect(text).toContain(`image: ${REGISTRY}/eks-mlops-fleet/bert-cpu-server@${digest.digest}`);
    expect(text).not.toContain('images/bert-cpu-server');
  });

  it('names a missing folder with the nearest existing image', () => {
    const root = fleetWithRecipe(recipe('images/bert-cpu-sever'));
    expect(problemsOf(root)).toEqual([
      'recipes/ml-dev/embed.yaml:5: image: no image folder images/bert-cpu-sever in this repository; ' +
        'did you mean "images/bert-cpu-server"?',
    ]);
  });

  it('says to merge the digest pull request when no digest is recorded yet', () => {
    const root = fleetWithRecipe(recipe('images/bert-cpu-server'), (r) =>
      rmSync(join(r, 'images/bert-cpu-server/digest.json')),
    );
    expect(problemsOf(root)).toEqual([
      'recipes/ml-dev/embed.yaml:5: image: images/bert-cpu-server has no recorded digest yet ' +
        "(images/bert-cpu-server/digest.json): merge the image's pull request, then the pull request with its " +
        'digest that the images workflow opens',
    ]);
  });

  it('refuses an image whose platforms miss the architecture of the pool it lands on', () => {
    const root = fleetWithRecipe(recipe('images/bert-neuron-server'));
    expect(problemsOf(root)).toEqual([
      'recipes/ml-dev/embed.yaml:5: image: images/bert-neuron-server is built for linux/amd64, but node pool ' +
        '"graviton" runs arm64 nodes; add linux/arm64 to platforms in images/bert-neuron-server/image.yaml, or pick ' +
        'a node type of another pool',
    ]);
    // the same image on an x86-64 pool is fine
    expect(problemsOf(fleetWithRecipe(recipe('images/bert-neuron-server', 'm6i.xlarge')))).toEqual([]);
  });
});

describe('images/ inputs', () => {
  const load = (root: string) => loadImages(root, { github: FLEET.github, fleetAccounts: ACCOUNTS });

  it('loads the example images with their digests', () => {
    const loaded = load(REPO);
    expect(loaded.ok && [...loaded.catalog!.images.keys()]).toEqual([
      'bert-cpu-server',
      'bert-neuron-server',
      'det-cli',
      'pachctl',
    ]);
    expect(loaded.ok && loaded.catalog!.images.get('bert-cpu-server')!.spec.platforms).toEqual([
      'linux/amd64',
      'linux/arm64',
    ]);
  });

  it('refuses a bad image.yaml, a registry outside the fleet and a digest of another repository, with lines', () => {
    const root = exampleInputs();
    writeFile(root, 'images/registry.yaml', 'accountId: "999999999999"\nregion: us-east-1\n');
    writeFile(
      root,
      'images/server/image.yaml',
      'description: a server\nplatforms: [linux/amd64, linux/s390x]\nbuildArg: {}\n',
    );
    const refused = load(root);
    expect(refused.ok ? [] : refused.problems.map(formatProblem)).toEqual([
      'images/registry.yaml:1: accountId: account 999999999999 has no cluster; expected one of the ' +
        "fleet's accounts (a cluster's aws.accountId): 111122223333, 444455556666, 777788889999",
      'images/server/image.yaml:2: platforms[1]: expected one of "linux/amd64", "linux/arm64", got "linux/s390x"',
      'images/server/image.yaml:3: buildArg: unknown key; did you mean "buildArgs"?',
    ]);
    writeFile(root, 'images/registry.yaml', 'accountId: "777788889999"\nregion: us-east-1\n');
    writeFile(root, 'images/server/image.yaml', 'description: a server\nplatforms: [linux/arm64]\n');
    writeFile(
      root,
      'images/server/digest.json',
      JSON.stringify(
        { image: `${REGISTRY}/other/server`, tag: 'a'.repeat(40), digest: `sha256:${'b'.repeat(64)}` },
        null,
        2,
      ),
    );
    const loaded = load(root);
    expect(loaded.ok ? [] : loaded.problems.map(formatProblem)).toEqual([
      `images/server/digest.json:2: image: is "${REGISTRY}/other/server", but images/registry.yaml puts the image ` +
        `at ${REGISTRY}/eks-mlops-fleet/server; the images workflow records the digest again after the image is ` +
        'pushed there (or delete this file)',
    ]);
  });
});

describe('the registry account units', () => {
  const base = join(REPO, 'clusters/_accounts/777788889999');
  const unit = (dir: string) => readFileSync(join(base, dir, 'terragrunt.hcl'), 'utf-8');

  it('the push role trusts only pushes to main and may push to exactly the fleet repositories', async () => {
    const { parse } = await import('@cdktf/hcl2json');
    const hcl = (await parse('role.hcl', unit('github-oidc/image-push-role'))) as {
      inputs: {
        oidc_subjects: string[];
        inline_policy_permissions: Record<string, { actions: string[]; resources: string[] }>;
      };
    };
    const inputs = hcl.inputs;
    expect(inputs.oidc_subjects).toEqual(['repo:acme/eks-mlops-fleet:ref:refs/heads/main']);
    const policy = inputs.inline_policy_permissions;
    expect(policy.EcrLogin).toEqual({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] });
    expect(policy.EcrPush.resources).toEqual([
      'arn:aws:ecr:us-east-1:777788889999:repository/eks-mlops-fleet/bert-cpu-server',
      'arn:aws:ecr:us-east-1:777788889999:repository/eks-mlops-fleet/bert-neuron-server',
      'arn:aws:ecr:us-east-1:777788889999:repository/eks-mlops-fleet/det-cli',
      'arn:aws:ecr:us-east-1:777788889999:repository/eks-mlops-fleet/pachctl',
    ]);
    expect(policy.EcrPush.actions).toContain('ecr:PutImage');
    expect(policy.EcrPush.resources.join(' ')).not.toContain('*');
  });

  it('each repository is immutable, scanned on push, expires images, lets only the fleet accounts pull', async () => {
    const { parse } = await import('@cdktf/hcl2json');
    for (const image of ['bert-cpu-server', 'bert-neuron-server']) {
      const inputs = ((await parse('ecr.hcl', unit(`ecr/${image}`))) as { inputs: Record<string, unknown> }).inputs;
      expect(inputs.repository_name).toBe(`eks-mlops-fleet/${image}`);
      expect(inputs.repository_image_tag_mutability).toBe('IMMUTABLE');
      expect(inputs.repository_image_scan_on_push).toBe(true);
      expect(inputs.region).toBe('us-east-1');
      expect(inputs.repository_read_access_arns).toEqual(ACCOUNTS.map((a) => `arn:aws:iam::${a}:root`));
      expect(String(inputs.repository_lifecycle_policy)).toMatch(/untagged.*sinceImagePushed.*imageCountMoreThan/s);
    }
  });
});
