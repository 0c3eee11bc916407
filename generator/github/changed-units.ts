import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parse } from '@cdktf/hcl2json';
import type { Problem } from '../config/problems';
import { CLUSTERS_DIR, ACCOUNTS_DIR } from '../model/paths';

/** The file that makes a folder a Terragrunt unit. */
export const UNIT_FILE = 'terragrunt.hcl';
const INFRA_DIR = 'infra';
/** Files a unit can read (`include`, `read_terragrunt_config`, `yamldecode(file(...))`); a README is not one. */
const TERRAGRUNT_INPUT = /\.(hcl|json|ya?ml|tfvars)$/;

/**
 * The owner name of an AWS account's units (`clusters/_accounts/<id>/`) where a cluster name would be: it starts
 * with `_`, which no cluster name (a DNS label) can, and is safe in artifact and concurrency group names.
 */
export function accountOwner(accountId: string): string {
  return `_account-${accountId}`;
}

/** The account ID of an owner name made by accountOwner, else undefined (a cluster). */
export function accountOfOwner(owner: string): string | undefined {
  return /^_account-([0-9]{12})$/.exec(owner)?.[1];
}

/** The folder holding an owner's units: `clusters/<cluster>/infra` or `clusters/_accounts/<id>`. */
export function ownerFolder(owner: string): string {
  const account = accountOfOwner(owner);
  return account ? `${ACCOUNTS_DIR}/${account}` : `${CLUSTERS_DIR}/${owner}/${INFRA_DIR}`;
}

/** The owner of a path under a units folder, or undefined for any other path. */
function ownerOfPath(file: string): { owner: string; base: string } | undefined {
  const parts = file.split('/');
  if (parts[0] !== CLUSTERS_DIR || parts.length < 4) return undefined;
  if (`${parts[0]}/${parts[1]}` === ACCOUNTS_DIR) {
    return /^[0-9]{12}$/.test(parts[2])
      ? { owner: accountOwner(parts[2]), base: parts.slice(0, 3).join('/') }
      : undefined;
  }
  return parts[2] === INFRA_DIR ? { owner: parts[1], base: parts.slice(0, 3).join('/') } : undefined;
}

/**
 * A Terragrunt unit of the committed tree: `clusters/<cluster>/infra/<name>/terragrunt.hcl`, or an account's
 * `clusters/_accounts/<accountId>/<name>/terragrunt.hcl`.
 */
export interface TerragruntUnit {
  /** The cluster that owns the unit, or `_account-<accountId>` (accountOwner) for an account's unit. */
  readonly cluster: string;
  /** The unit's folder relative to its owner's folder (ownerFolder), such as `eks` or `iam/pod-identity`. */
  readonly name: string;
  /** The unit's folder relative to the repository root (`/` separators). */
  readonly dir: string;
  /** Folders (relative to the repository root) of the units this one reads outputs from or must follow. */
  readonly dependsOn: readonly string[];
}

/** The units of one cluster (or account) that a change touches, in the order they must be planned and applied. */
export interface ClusterUnits {
  /** A cluster's name, or `_account-<accountId>` (accountOwner). */
  readonly cluster: string;
  /** Unit folders, dependencies before dependents. */
  readonly units: readonly string[];
  /** Units whose files changed but that no longer exist: their resources are not destroyed by the pipeline. */
  readonly removed: readonly string[];
}

export type ReadUnitsResult = { ok: true; units: TerragruntUnit[] } | { ok: false; problems: Problem[] };

/** Finds and parses every unit under `clusters/<c>/infra/` and `clusters/_accounts/<id>/` of the tree at `root`. */
export async function readUnits(root: string): Promise<ReadUnitsResult> {
  const files: string[] = [];
  const clustersDir = join(root, CLUSTERS_DIR);
  const accountsDir = join(root, ACCOUNTS_DIR);
  const accounts = existsSync(accountsDir)
    ? readdirSync(accountsDir)
        .filter((id) => /^[0-9]{12}$/.test(id))
        .sort()
    : [];
  for (const account of accounts) collectUnitFiles(root, `${ACCOUNTS_DIR}/${account}`, files);
  const clusters = existsSync(clustersDir) ? readdirSync(clustersDir).sort() : [];
  for (const cluster of clusters) {
    const infra = `${CLUSTERS_DIR}/${cluster}/${INFRA_DIR}`;
    if (existsSync(join(root, infra))) collectUnitFiles(root, infra, files);
  }
  const units: TerragruntUnit[] = [];
  const problems: Problem[] = [];
  for (const file of files) {
    const parsed = await parseUnit(file, readFileSync(join(root, file), 'utf-8'));
    if ('problem' in parsed) problems.push(parsed.problem);
    else units.push(parsed.unit);
  }
  return problems.length ? { ok: false, problems } : { ok: true, units };
}

function collectUnitFiles(root: string, dir: string, out: string[]) {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true }).sort((a, b) => compare(a.name, b.name))) {
    // Terragrunt's own cache folders hold copies of units
    if (entry.name === '.terragrunt-cache' || entry.name === '.terraform') continue;
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) collectUnitFiles(root, path, out);
    else if (entry.name === UNIT_FILE) out.push(path);
  }
}

/** Parses one `terragrunt.hcl` (path relative to the repository root) into a unit. */
export async function parseUnit(
  file: string,
  content: string,
): Promise<{ unit: TerragruntUnit } | { problem: Problem }> {
  const dir = posix.dirname(file);
  const owner = ownerOfPath(file);
  const cluster = owner?.owner ?? dir.split('/')[1];
  const name = owner ? posix.relative(owner.base, dir) : dir.split('/').slice(3).join('/');
  let json: Record<string, unknown>;
  try {
    json = (await parse(file, content)) as Record<string, unknown>;
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { problem: { file, field: '', message: `expected valid HCL, got a parse error: ${message}` } };
  }
  const dependsOn = new Set<string>();
  const dependency = (json.dependency ?? {}) as Record<string, Array<{ config_path?: unknown }>>;
  for (const [label, blocks] of Object.entries(dependency)) {
    for (const block of blocks) {
      const target = resolveConfigPath(dir, block.config_path);
      if (!target) {
        return {
          problem: {
            file,
            field: `dependency.${label}.config_path`,
            message: `expected a relative path such as "../network", got ${JSON.stringify(block.config_path ?? null)}`,
          },
        };
      }
      dependsOn.add(target);
    }
  }
  const dependencies = (json.dependencies ?? []) as Array<{ paths?: unknown }>;
  for (const block of dependencies) {
    for (const path of Array.isArray(block.paths) ? block.paths : []) {
      const target = resolveConfigPath(dir, path);
      if (!target) {
        return {
          problem: {
            file,
            field: 'dependencies.paths',
            message: `expected relative paths, got ${JSON.stringify(path)}`,
          },
        };
      }
      dependsOn.add(target);
    }
  }
  return { unit: { cluster, name, dir, dependsOn: [...dependsOn].sort() } };
}

/** `"../network"` or `"${get_terragrunt_dir()}/../network"`, resolved against the unit's folder. */
function resolveConfigPath(dir: string, value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const path = value.replace(/^\$\{get_terragrunt_dir\(\)\}\//, '');
  if (path.includes('${') || posix.isAbsolute(path)) return undefined;
  return posix.normalize(posix.join(dir, path));
}

/**
 * The units a pull request touches, per cluster (and per account), in apply order: every unit with a changed file,
 * and every unit that depends on one of those, directly or not (a changed account unit selects the role units of
 * the account's clusters). A changed file under `clusters/<c>/infra/` or `clusters/_accounts/<id>/` outside any
 * unit (the owner's shared `.hcl`, `.yaml`, `.json` or `.tfvars` files, not its README) touches every unit of that
 * owner; a changed root configuration (`clusters/root.hcl`, or a `root.hcl` at the top) touches every unit.
 * `cluster.yaml` itself is not a signal: the infra is generated and committed, so a spec change that matters to
 * Terragrunt shows up as a changed unit file.
 */
export function changedUnits(changedFiles: readonly string[], units: readonly TerragruntUnit[]): ClusterUnits[] {
  const byDir = new Map(units.map((u) => [u.dir, u]));
  const touched = new Set<string>();
  const removed = new Map<string, Set<string>>();
  for (const raw of changedFiles) {
    const file = raw.replace(/\\/g, '/').replace(/^\.\//, '');
    if (file === 'root.hcl' || file === `${CLUSTERS_DIR}/root.hcl`) {
      units.forEach((u) => touched.add(u.dir));
      continue;
    }
    const scope = ownerOfPath(file);
    if (!scope) continue;
    const cluster = scope.owner;
    const owner = unitOf(file, byDir);
    if (owner) {
      touched.add(owner.dir);
    } else if (posix.basename(file) === UNIT_FILE) {
      const set = removed.get(cluster) ?? new Set<string>();
      set.add(posix.dirname(file));
      removed.set(cluster, set);
    } else if (!file.includes('/.terragrunt-cache/') && TERRAGRUNT_INPUT.test(file)) {
      units.filter((u) => u.cluster === cluster).forEach((u) => touched.add(u.dir));
    }
  }

  const dependents = new Map<string, string[]>();
  for (const unit of units) {
    for (const dep of unit.dependsOn) dependents.set(dep, [...(dependents.get(dep) ?? []), unit.dir]);
  }
  const selected = new Set<string>();
  const queue = [...touched];
  while (queue.length) {
    const dir = queue.pop()!;
    if (selected.has(dir)) continue;
    selected.add(dir);
    queue.push(...(dependents.get(dir) ?? []));
  }

  const clusters = new Set([...[...selected].map((d) => byDir.get(d)!.cluster), ...removed.keys()]);
  return [...clusters].sort().map((cluster) => ({
    cluster,
    units: applyOrder(units.filter((u) => u.cluster === cluster && selected.has(u.dir))),
    removed: [...(removed.get(cluster) ?? [])].sort(),
  }));
}

/** The deepest unit folder that holds `file`. */
function unitOf(file: string, byDir: ReadonlyMap<string, TerragruntUnit>): TerragruntUnit | undefined {
  for (let dir = posix.dirname(file); dir.includes('/'); dir = posix.dirname(dir)) {
    const unit = byDir.get(dir);
    if (unit) return unit;
  }
  return undefined;
}

/**
 * Dependencies first (Kahn's algorithm over the selected units; a dependency outside the selection is
 * unchanged and already applied), ties in name order so the order is stable.
 */
export function applyOrder(units: readonly TerragruntUnit[]): string[] {
  const dirs = new Set(units.map((u) => u.dir));
  const pending = new Map(units.map((u) => [u.dir, u.dependsOn.filter((d) => dirs.has(d) && d !== u.dir)]));
  const order: string[] = [];
  while (pending.size) {
    const ready = [...pending.entries()]
      .filter(([, deps]) => deps.every((d) => !pending.has(d)))
      .map(([dir]) => dir)
      .sort();
    if (!ready.length) {
      throw new Error(`Terragrunt units depend on each other in a cycle: ${[...pending.keys()].sort().join(', ')}`);
    }
    for (const dir of ready) {
      order.push(dir);
      pending.delete(dir);
    }
  }
  return order;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
