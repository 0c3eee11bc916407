import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { copyProject } from '../test/support/project-files';

/**
 * A synthetic fleet: the example fleet scaled to `clusters` copies of prod-use1 (every module, four node
 * pools, three teams) with `runsPerCluster` runs each, made from the example recipes. The result is a
 * project folder where `npx projen` runs as in the repository: inputs copied, code linked.
 */
export interface SyntheticFleetSize {
  readonly clusters: number;
  readonly runsPerCluster: number;
}

export function buildSyntheticFleet(repo: string, dir: string, size: SyntheticFleetSize): void {
  copyProject(repo, dir);
  for (const cache of ['fleet-cache.json', 'fleet-recipes-cache.json', 'fleet-files.json']) {
    rmSync(join(dir, '.projen', cache), { force: true });
  }
  writeFleetInputs(repo, dir, size);
  // the example recipes name images built from this repository (image: images/<name>); the images' registry names
  // an account of the fleet, so an empty fleet (the fixed cost) has none
  if (size.clusters > 0) cpSync(join(repo, 'images'), join(dir, 'images'), { recursive: true });
}

/** Writes clusters/*\/cluster.yaml and recipes/ for the size; everything generated is left to the regenerate. */
export function writeFleetInputs(repo: string, dir: string, size: SyntheticFleetSize): void {
  const prod = readFileSync(join(repo, 'clusters/prod-use1/cluster.yaml'), 'utf-8');
  const templates = exampleRecipes(repo).filter((r) => r.text.includes('cluster: prod-use1'));
  for (let c = 0; c < size.clusters; c++) {
    const cluster = clusterName(c);
    write(dir, `clusters/${cluster}/cluster.yaml`, standalone(prod).replace('name: prod-use1', `name: ${cluster}`));
    for (let r = 0; r < size.runsPerCluster; r++) {
      const template = templates[r % templates.length];
      const name = runName(c, r, template.name);
      write(dir, `recipes/${template.team}/${name}.yaml`, recipeText(template.text, template.name, name, cluster));
    }
  }
}

/** prod-use1 is the example fleet's hub; a fleet of its copies has none (one hub per fleet), as before it was. */
function standalone(clusterYaml: string): string {
  return clusterYaml.replace(/^ {2}role: hub\b.*\n/m, '');
}

export function clusterName(c: number): string {
  return `bench-${String(c).padStart(3, '0')}`;
}

export function runName(c: number, r: number, base: string): string {
  return `c${c}r${r}-${base}`.slice(0, 36).replace(/-+$/, '');
}

export function recipeText(text: string, from: string, name: string, cluster: string): string {
  return text.replace(`name: ${from}\n`, `name: ${name}\n`).replace('cluster: prod-use1\n', `cluster: ${cluster}\n`);
}

export function exampleRecipes(repo: string): { team: string; name: string; text: string }[] {
  const out: { team: string; name: string; text: string }[] = [];
  for (const team of readdirSync(join(repo, 'recipes'), { withFileTypes: true })) {
    if (!team.isDirectory() || team.name === 'archive') continue;
    for (const file of readdirSync(join(repo, 'recipes', team.name)).sort()) {
      if (!file.endsWith('.yaml')) continue;
      out.push({
        team: team.name,
        name: file.replace(/\.yaml$/, ''),
        text: readFileSync(join(repo, 'recipes', team.name, file), 'utf-8'),
      });
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

function write(dir: string, path: string, text: string) {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
}
