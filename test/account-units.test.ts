import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTemps, regenerate, REPO, snapshotTree, tempDir, writeFile } from './support/fleet';
import { checkInfra } from '../generator/checks/check-infra';
import { formatProblem } from '../generator/config/problems';
import { changedUnits, readUnits } from '../generator/github/changed-units';
import { OUTPUT_ROOTS } from '../generator/model/paths';
import { TERRAFORM_MODULE_DIR } from '../generator/model/vendor-files';
import { readManifest } from '../generator/write/write-files';

afterAll(cleanupTemps);

const ACCOUNT = '111122223333';
const PROVIDER = `clusters/_accounts/${ACCOUNT}/github-oidc-provider/terragrunt.hcl`;
const ACCOUNT_FILES = [
  `clusters/_accounts/${ACCOUNT}/README.md`,
  `clusters/_accounts/${ACCOUNT}/account.hcl`,
  PROVIDER,
];
const roleUnits = (cluster: string) =>
  ['plan-role', 'apply-role'].map((role) => `clusters/${cluster}/infra/github-oidc/${role}/terragrunt.hcl`);

/**
 * dev-usw2's cluster.yaml, renamed, in the same account, in the region and network given; with its own Argo CD
 * (dev-usw2 is a spoke of prod-use1, which these fleets do not have).
 */
function clusterYaml(name: string, region: string, cidr: string): string {
  return readFileSync(join(REPO, 'clusters/dev-usw2/cluster.yaml'), 'utf-8')
    .replace('name: dev-usw2', `name: ${name}`)
    .replace(/^ {2}role: spoke.*\n/m, '')
    .replaceAll('us-west-2', region)
    .replace('vpcCidr: 10.10.0.0/16', `vpcCidr: ${cidr}`);
}

/**
 * Regenerates `root` (writing and deleting like `npx projen`), then runs the infra check on what the manifest lists.
 */
async function regenerateAndCheck(root: string): Promise<Map<string, string>> {
  const result = regenerate(root);
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
  // what `npx projen infra:check` reads: every .hcl the generator's manifest owns
  const paths = [...readManifest(root, OUTPUT_ROOTS)].filter((p) => p.endsWith('.hcl')).sort();
  const report = await checkInfra(
    paths.map((path) => ({ path, content: readFileSync(join(root, path), 'utf-8') })),
    TERRAFORM_MODULE_DIR,
  );
  expect(report.problems.map(formatProblem)).toEqual([]);
  return snapshotTree(root, (p) => !p.startsWith('clusters'));
}

const changedBetween = (a: Map<string, string>, b: Map<string, string>) =>
  [...new Set([...a.keys(), ...b.keys()])].filter((p) => a.get(p) !== b.get(p)).sort();

describe('account-level units', () => {
  it(
    'adding a second and a third cluster to an account and removing ' +
      "the first never changes the provider or the other clusters' roles",
    async () => {
      const root = tempDir('account-');
      writeFile(root, 'clusters/alpha-usw2/cluster.yaml', clusterYaml('alpha-usw2', 'us-west-2', '10.10.0.0/16'));
      const one = await regenerateAndCheck(root);
      for (const path of [...ACCOUNT_FILES, ...roleUnits('alpha-usw2')]) expect(one.has(path), path).toBe(true);
      // the account's provider, not the cluster's
      expect(
        [...one.keys()].filter((p) => p.endsWith('/terragrunt.hcl') && one.get(p)!.includes('iam-oidc-provider')),
      ).toEqual([PROVIDER]);

      // a second cluster in the same account and region
      writeFile(root, 'clusters/bravo-usw2/cluster.yaml', clusterYaml('bravo-usw2', 'us-west-2', '10.20.0.0/16'));
      const two = await regenerateAndCheck(root);
      const added = changedBetween(one, two);
      expect(
        added.every((p) => p.startsWith('clusters/bravo-usw2/') || p === 'clusters/README.md'),
        added.join('\n'),
      ).toBe(true);

      // a third, in another region of the account
      writeFile(root, 'clusters/charlie-use2/cluster.yaml', clusterYaml('charlie-use2', 'us-east-2', '10.30.0.0/16'));
      const three = await regenerateAndCheck(root);
      const addedAgain = changedBetween(two, three);
      expect(
        addedAgain.every((p) => p.startsWith('clusters/charlie-use2/') || p === 'clusters/README.md'),
        addedAgain.join('\n'),
      ).toBe(true);

      // the first cluster goes: its folder only, never the account's
      rmSync(join(root, 'clusters/alpha-usw2/cluster.yaml'));
      const last = await regenerateAndCheck(root);
      const removed = changedBetween(three, last);
      expect(
        removed.every((p) => p.startsWith('clusters/alpha-usw2/') || p === 'clusters/README.md'),
        removed.join('\n'),
      ).toBe(true);
      expect([...last.keys()].filter((p) => p.startsWith('clusters/alpha-usw2/'))).toEqual([]);

      // byte-identical throughout: the account's files from the first step, each cluster's roles from its first
      for (const [step, tree] of [
        ['two', two],
        ['three', three],
        ['last', last],
      ] as const) {
        for (const path of ACCOUNT_FILES) expect(tree.get(path), `${step}: ${path}`).toBe(one.get(path));
      }
      for (const path of roleUnits('bravo-usw2')) {
        for (const tree of [three, last]) expect(tree.get(path), path).toBe(two.get(path));
      }
      for (const path of roleUnits('charlie-use2')) expect(last.get(path), path).toBe(three.get(path));
      expect(
        [...last.keys()].filter((p) => p.endsWith('/terragrunt.hcl') && last.get(p)!.includes('iam-oidc-provider')),
      ).toEqual([PROVIDER]);

      // the pipeline sees it too: removing alpha selects no unit to plan, the account's provider is not among the
      // removed
      const units = await readUnits(root);
      if (!units.ok) throw new Error(JSON.stringify(units.problems));
      const removedUnits = removed
        .filter((p) => p.endsWith('/terragrunt.hcl'))
        .map((p) => p.slice(0, -'/terragrunt.hcl'.length))
        .sort();
      expect(removedUnits).toEqual(
        expect.arrayContaining(roleUnits('alpha-usw2').map((p) => p.slice(0, -'/terragrunt.hcl'.length))),
      );
      expect(changedUnits(removed, units.units)).toEqual([{ cluster: 'alpha-usw2', units: [], removed: removedUnits }]);
      expect(units.units.find((u) => u.dir === `clusters/_accounts/${ACCOUNT}/github-oidc-provider`)).toMatchObject({
        cluster: `_account-${ACCOUNT}`,
        name: 'github-oidc-provider',
      });
      // a change to the provider plans it, then the roles of every cluster of the account (they read its ARN), and what
      // follows them
      const planned = changedUnits([PROVIDER], units.units);
      expect(planned.map((c) => c.cluster)).toEqual([`_account-${ACCOUNT}`, 'bravo-usw2', 'charlie-use2']);
      expect(planned[0].units).toEqual([`clusters/_accounts/${ACCOUNT}/github-oidc-provider`]);
      for (const entry of planned.slice(1)) {
        expect(entry.units.slice(0, 2)).toEqual(
          roleUnits(entry.cluster)
            .map((p) => p.slice(0, -'/terragrunt.hcl'.length))
            .sort(),
        );
      }

      // the last cluster of the account goes: so does the account's folder
      rmSync(join(root, 'clusters/bravo-usw2/cluster.yaml'));
      rmSync(join(root, 'clusters/charlie-use2/cluster.yaml'));
      const none = regenerate(root);
      expect(none.ok).toBe(true);
      expect([...snapshotTree(root).keys()].filter((p) => p.startsWith('clusters/_accounts/'))).toEqual([]);
    },
  );
});

describe('infra:check on account-level resources', () => {
  const base = async () => {
    const root = tempDir('account-check-');
    writeFile(root, 'clusters/alpha-usw2/cluster.yaml', clusterYaml('alpha-usw2', 'us-west-2', '10.10.0.0/16'));
    writeFile(root, 'clusters/bravo-usw2/cluster.yaml', clusterYaml('bravo-usw2', 'us-west-2', '10.20.0.0/16'));
    return regenerateAndCheck(root);
  };
  const check = async (files: Map<string, string>) =>
    (
      await checkInfra(
        [...files].filter(([p]) => p.endsWith('.hcl')).map(([path, content]) => ({ path, content })),
        TERRAFORM_MODULE_DIR,
      )
    ).problems.map(formatProblem);

  it(
    "fails when a cluster's unit still creates the account's " + 'OIDC provider (the "first cluster by name" layout)',
    async () => {
      const files = await base();
      const old = 'clusters/alpha-usw2/infra/github-oidc/provider/terragrunt.hcl';
      files.set(old, files.get(PROVIDER)!);
      const name = `IAM OIDC provider "https://token.actions.githubusercontent.com" of account ${ACCOUNT}`;
      expect((await check(files)).sort()).toEqual(
        [
          `${PROVIDER}: terraform.source: creates the ${name}, as 1 other unit(s) do ` +
            `(clusters/alpha-usw2/infra/github-oidc/provider); expected one unit per account: the second ` +
            `apply fails, and destroying either removes the provider the other's roles trust`,
          `${old}: terraform.source: creates the ${name}, which exists once per ` +
            `account: expected it in the account's unit under clusters/_accounts/${ACCOUNT}/, ` +
            `not in a cluster's (adding or removing a cluster would move it)`,
          `${old}: terraform.source: creates the ${name}, as 1 other unit(s) do ` +
            `(clusters/_accounts/${ACCOUNT}/github-oidc-provider); expected one unit per account: the second ` +
            `apply fails, and destroying either removes the provider the other's roles trust`,
        ].sort(),
      );
    },
  );

  it('fails when two account units create the same provider', async () => {
    const files = await base();
    const copy = `clusters/_accounts/${ACCOUNT}/github-oidc-provider-2/terragrunt.hcl`;
    files.set(copy, files.get(PROVIDER)!);
    const problems = (await check(files)).filter((p) => p.startsWith(copy));
    expect(await check(files)).toHaveLength(2);
    expect(problems[0]).toMatch(
      new RegExp(
        `^${copy}: terraform.source: creates the IAM OIDC provider .* of account ${ACCOUNT}, ` +
          `as 1 other unit\\(s\\) do \\(clusters/_accounts/${ACCOUNT}/github-oidc-provider\\)`,
      ),
    );
  });

  it("fails when a GitHub role does not read its account's provider", async () => {
    const files = await base();
    const plan = roleUnits('bravo-usw2')[0];
    files.set(
      plan,
      files
        .get(plan)!
        .replace(/dependency "github_oidc_provider" \{[\s\S]*?\n\}\n/, '')
        .replace(/ *github_provider *= .*\n/, ''),
    );
    expect(await check(files)).toEqual([
      `${plan}: inputs.enable_github_oidc: trusts GitHub's OIDC provider, but has no dependency ` +
        `on the provider unit of account ${ACCOUNT} (clusters/_accounts/${ACCOUNT}/...)`,
    ]);
  });
});
