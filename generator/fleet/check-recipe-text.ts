import { compileCluster } from './compile-cluster';
import { loadFleet } from '../config/load-fleet';
import { loadImages } from '../config/load-images';
import { sortProblems, type Problem } from '../config/problems';
import type { GitHubSettings } from '../model/github-settings';
import type { PlatformModule } from '../model/platform-module';
import { parseRecipeText, roleOf } from '../recipes/load-recipes';
import { compileWorkloads } from '../workloads/compile-workloads';
import { recipeInstanceTypes, unknownClusterProblem } from '../workloads/fleet-recipes';

/**
 * The problems a regenerate would report for a recipe not written yet: `text` as the file `file`
 * (`recipes/<team>/<name>.yaml` or `apps/<team>/<name>.yaml`) of the fleet at `root`. The same stages as a
 * regenerate: parse and validate the recipe, find its cluster, then place, render and policy-check it on the
 * compiled cluster, with the problems of the fleet's cluster specs (a regenerate refuses those too). The other
 * recipes of the fleet are not checked: their problems are not this recipe's.
 */
export function checkRecipeText(
  root: string,
  catalog: readonly PlatformModule[],
  file: string,
  text: string,
  github?: GitHubSettings,
): Problem[] {
  const parsed = parseRecipeText(text, file, roleOf(file));
  const problems: Problem[] = parsed.ok ? [] : [...parsed.problems];
  // a recipe salvaged from a file with problems goes on to the later stages, as in a regenerate
  const input = parsed.ok ? parsed.input : parsed.salvaged;
  const fleet = loadFleet(root, { moduleNames: catalog.map((m) => m.name) });
  if (!fleet.ok) problems.push(...fleet.problems);
  if (!input) return sortProblems(problems);

  const clusterNames = fleet.ok ? fleet.clusters.map((c) => c.spec.name) : (fleet.folders ?? []);
  if (!clusterNames.includes(input.recipe.cluster)) {
    return sortProblems([...problems, unknownClusterProblem(input, clusterNames)]);
  }
  // a cluster whose spec has problems (reported above) is checked with its recipes once it is fixed
  const cluster = fleet.clusters?.find((c) => c.spec.name === input.recipe.cluster);
  if (!cluster) return sortProblems(problems);
  const compiled = compileCluster(cluster, catalog, fleet.clusters);
  if (!compiled.ok) return sortProblems([...problems, ...compiled.problems]);
  const table = recipeInstanceTypes();
  if (!table.ok) return sortProblems([...problems, ...table.problems]);
  // the images of images/, when the caller knows the repository (their repository names come from it)
  const images = github
    ? loadImages(root, { github, fleetAccounts: (fleet.clusters ?? []).map((c) => c.spec.aws.accountId) })
    : undefined;
  if (images && !images.ok) return sortProblems([...problems, ...images.problems]);
  const workloads = compileWorkloads(compiled.cluster, [input], table.types, undefined, images?.catalog);
  return sortProblems(workloads.ok ? problems : [...problems, ...workloads.problems]);
}
