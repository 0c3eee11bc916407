import { PLATFORM_MODULES } from '../../platform';
import {
  checkApplications,
  checkProjects,
  describeApplication,
  expandApplicationSets,
  readTree,
  rolloutLines,
} from '../checks/argocd-expand';
import { SchemaRegistry } from '../checks/schema-registry';
import { formatProblem } from '../config/problems';
import { compareApplications, expectedPlatformApplications } from '../fleet/expected-applications';

/**
 * `npx projen expand`: expands every committed ApplicationSet like the Argo CD controller, prints per cluster
 * the Applications it would create (source and destination), and checks that each points at a folder that
 * exists and holds valid objects, and that the platform Applications are exactly the enabled modules.
 */
function main() {
  const root = process.cwd();
  const expected = expectedPlatformApplications(root, PLATFORM_MODULES);
  if (!expected.ok) {
    console.error(expected.problems.map(formatProblem).join('\n'));
    process.exit(1);
  }
  const tree = readTree(root);
  const { applications, problems } = expandApplicationSets(tree);
  const repos = new Set([...expected.expected.values()].map((e) => e.repoURL));
  const checked = checkApplications(tree, applications, SchemaRegistry.forFleet(), repos);
  problems.push(...checked.problems, ...checkProjects(tree, applications));
  for (const [cluster, { names }] of expected.expected) {
    const actual = applications
      .filter((a) => a.cluster === cluster && isPlatformSet(a.applicationSet, cluster))
      .map((a) => a.application.metadata.name);
    problems.push(...compareApplications(cluster, names, actual));
  }
  for (const cluster of [...expected.expected.keys()].sort()) {
    const own = applications.filter((a) => a.cluster === cluster);
    console.log(`\n${cluster}: ${own.length} Applications`);
    for (const app of own) {
      const step = app.rolloutStep === undefined ? '' : `  (${app.applicationSet} step ${app.rolloutStep || 'none'})`;
      console.log(`  ${describeApplication(app)}${step}`);
    }
  }
  for (const line of rolloutLines(applications)) console.log(line);
  console.log(`\n${applications.length} Applications; ${checked.objects} objects in their sources, all checked`);
  if (problems.length) {
    console.error(`\n${problems.map(formatProblem).join('\n')}\n\n${problems.length} problem(s).`);
    process.exit(1);
  }
  console.log(
    'every Application points at an existing folder of valid objects; platform Applications = enabled modules',
  );
}

/** A cluster's platform Applications come from its own ApplicationSet, or from the fleet's on the hub. */
function isPlatformSet(applicationSet: string, cluster: string): boolean {
  return applicationSet === `${cluster}-platform` || applicationSet.endsWith('-fleet-platform');
}

main();
