import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parse } from '@cdktf/hcl2json';
import type { Problem } from '../config/problems';
import { topologicalWaves } from '../infra/graph';
import { parseRegistrySource, schemaFileName, type TerraformModule } from '../infra/terraform-modules';
import type { GeneratedFile } from '../model/generated-file';
import { ACCOUNTS_DIR } from '../model/paths';

/**
 * Offline checks of the generated Terragrunt tree, from the files alone (not from the generator's model):
 * every .hcl parses; every unit includes a root.hcl found in a parent folder and pins a module whose
 * variable list is vendored; every input is a variable of that module; every dependency points at a unit,
 * mocks only init/validate/plan, and every `dependency.<x>.outputs.<y>` read is an output of x's module
 * with a mock; the units form an acyclic graph, ordered into apply waves per cluster (and per account).
 * Account-level resources (ACCOUNT_LEVEL_MODULES: the GitHub OIDC provider) are created by an account's unit
 * (`clusters/_accounts/<id>/`), never by a cluster's, and by one unit per account: two units creating the same
 * one would fail to apply, and destroying either would take it from everything that trusts it.
 */
export interface InfraCheckReport {
  readonly problems: Problem[];
  readonly hclFiles: number;
  readonly units: number;
  readonly inputsChecked: number;
  readonly outputReadsChecked: number;
  /** Per cluster: waves of unit folders, relative to the cluster's infra folder. */
  readonly applyOrder: Map<string, string[][]>;
}

interface ModuleSchema {
  readonly variables: Set<string>;
  readonly outputs: Set<string>;
}

interface ParsedUnit {
  readonly dir: string;
  readonly body: Record<string, unknown>;
  readonly schema?: ModuleSchema;
  readonly module?: TerraformModule;
}

const MOCK_COMMANDS = ['init', 'validate', 'plan'];
/** Files holding a unit's owner facts (account_id, region, state_bucket): a cluster's or an account's. */
const OWNER_FILES = ['cluster.hcl', 'account.hcl'] as const;

/**
 * Modules whose resource exists once per AWS account (IAM refuses a second OIDC provider for one URL): the
 * input that tells two of them apart within an account, and what they are called in messages.
 */
export const ACCOUNT_LEVEL_MODULES: Readonly<Record<string, { readonly key: string; readonly what: string }>> = {
  'terraform-aws-modules/iam/aws//modules/iam-oidc-provider': { key: 'url', what: 'IAM OIDC provider' },
};
const INCLUDE_ROOT = '${find_in_parent_folders("root.hcl")}';
const OUTPUT_READ = /dependency\.([A-Za-z_][A-Za-z0-9_-]*)\.outputs\.([A-Za-z_][A-Za-z0-9_-]*)/g;

export async function checkInfra(
  files: readonly GeneratedFile[],
  terraformSchemaDir: string,
): Promise<InfraCheckReport> {
  const problems: Problem[] = [];
  const at = (file: string, field: string, message: string) => problems.push({ file, field, message });
  const hclFiles = files.filter((f) => f.path.endsWith('.hcl'));
  const paths = new Set(hclFiles.map((f) => f.path));

  const parsed = new Map<string, Record<string, unknown>>();
  for (const file of hclFiles) {
    try {
      parsed.set(file.path, (await parse(file.path, file.content)) as Record<string, unknown>);
    } catch (error) {
      at(file.path, '', `is not valid HCL: ${String(error).replace(/^Error: /, '')}`);
    }
  }

  const schemas = new Map<string, ModuleSchema | undefined>();
  const schemaOf = (fileName: string) => {
    if (!schemas.has(fileName)) {
      const path = join(terraformSchemaDir, fileName);
      const data = existsSync(path)
        ? (JSON.parse(readFileSync(path, 'utf-8')) as { variables: { name: string }[]; outputs: string[] })
        : undefined;
      schemas.set(
        fileName,
        data && { variables: new Set(data.variables.map((v) => v.name)), outputs: new Set(data.outputs) },
      );
    }
    return schemas.get(fileName);
  };

  const units = new Map<string, ParsedUnit>();
  // a unit that does not parse is reported once; its dependents still find it
  for (const file of hclFiles) {
    if (posix.basename(file.path) === 'terragrunt.hcl' && !parsed.has(file.path)) {
      units.set(posix.dirname(file.path), { dir: posix.dirname(file.path), body: {} });
    }
  }
  for (const [path, body] of parsed) {
    if (posix.basename(path) !== 'terragrunt.hcl') continue;
    const dir = posix.dirname(path);
    const include = first(body.include, 'root');
    if (include?.path !== INCLUDE_ROOT) at(path, 'include.root.path', 'expected find_in_parent_folders("root.hcl")');
    if (!ancestorFile(dir, 'root.hcl', paths)) at(path, 'include.root', 'no root.hcl in a parent folder');
    const owners = OWNER_FILES.filter((name) => ancestorFile(dir, name, paths));
    if (owners.length !== 1) {
      at(
        path,
        'include.root',
        owners.length
          ? 'both a cluster.hcl and an account.hcl in parent folders; root.hcl reads one'
          : 'no cluster.hcl or account.hcl in a parent folder (root.hcl reads it)',
      );
    }
    const source = (asList(body.terraform)[0] as { source?: unknown } | undefined)?.source;
    const module = typeof source === 'string' ? parseRegistrySource(source) : undefined;
    let schema: ModuleSchema | undefined;
    if (!module) {
      at(
        path,
        'terraform.source',
        `expected a pinned registry module (tfr:///<module>?version=<version>), got ${JSON.stringify(source)}`,
      );
    } else {
      schema = schemaOf(schemaFileName(module));
      if (!schema) {
        at(
          path,
          'terraform.source',
          `${module.source} ${module.version} has no variable and output list in vendor/schemas/terraform`,
        );
      }
    }
    // files a unit generates beside the module (not root.hcl's: those interpolate Terragrunt expressions)
    for (const [name, blocks] of Object.entries((body.generate ?? {}) as Record<string, unknown>)) {
      const contents = (asList(blocks)[0] as { contents?: unknown } | undefined)?.contents;
      try {
        await parse(`${dir}/${name}.tf`, typeof contents === 'string' ? contents : '');
      } catch (error) {
        at(path, `generate.${name}.contents`, `is not valid HCL: ${String(error).replace(/^Error: /, '')}`);
      }
    }
    units.set(dir, { dir, body, schema, module });
  }

  // account-level resources: in an account's folder, one unit each per account
  const creators = new Map<string, string[]>();
  for (const unit of units.values()) {
    const level = unit.module && ACCOUNT_LEVEL_MODULES[unit.module.source];
    if (!level) continue;
    const file = `${unit.dir}/terragrunt.hcl`;
    const inputs = (unit.body.inputs ?? {}) as Record<string, unknown>;
    const account = ownerAccount(unit.dir, parsed);
    const name = `${level.what} ${JSON.stringify(inputs[level.key] ?? null)} of account ${account ?? '(unknown)'}`;
    if (!unit.dir.startsWith(`${ACCOUNTS_DIR}/`)) {
      at(
        file,
        'terraform.source',
        `creates the ${name}, which exists once per account: expected it in the account's unit ` +
          (`under ${ACCOUNTS_DIR}/${account ?? '<account>'}/, not in ` +
            `a cluster's (adding or removing a cluster would move it)`),
      );
    }
    creators.set(name, [...(creators.get(name) ?? []), unit.dir]);
  }
  for (const [name, dirs] of [...creators].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (dirs.length > 1) {
      const sorted = [...dirs].sort();
      for (const dir of sorted) {
        at(
          `${dir}/terragrunt.hcl`,
          'terraform.source',
          `creates the ${name}, as ${sorted.length - 1} other unit(s) do ` +
            `(${sorted.filter((d) => d !== dir).join(', ')}); expected one unit per account: the second ` +
            `apply fails, and destroying either removes the provider the other's roles trust`,
        );
      }
    }
  }

  // a role trusting GitHub's OIDC provider reads it from the provider unit of its own account
  for (const unit of units.values()) {
    const inputs = (unit.body.inputs ?? {}) as Record<string, unknown>;
    if (inputs.enable_github_oidc !== true) continue;
    const account = ownerAccount(unit.dir, parsed);
    const providers = Object.values((unit.body.dependency ?? {}) as Record<string, unknown>)
      .map((blocks) => (asList(blocks)[0] as { config_path?: unknown }).config_path)
      .map((path) => (typeof path === 'string' ? units.get(posix.join(unit.dir, path)) : undefined))
      .filter(
        (target) =>
          target?.module && ACCOUNT_LEVEL_MODULES[target.module.source] && ownerAccount(target.dir, parsed) === account,
      );
    if (!providers.length) {
      at(
        `${unit.dir}/terragrunt.hcl`,
        'inputs.enable_github_oidc',
        `trusts GitHub's OIDC provider, but has no dependency on the provider unit of ` +
          `account ${account ?? '(unknown)'} (${ACCOUNTS_DIR}/${account ?? '<account>'}/...)`,
      );
    }
  }

  let inputsChecked = 0;
  let outputReadsChecked = 0;
  const needs = new Map<string, string[]>();
  for (const unit of units.values()) {
    const file = `${unit.dir}/terragrunt.hcl`;
    const edges: string[] = [];
    const dependencies = (unit.body.dependency ?? {}) as Record<string, unknown>;
    const targets = new Map<string, { unit?: ParsedUnit; mocks: Set<string> }>();
    for (const [name, blocks] of Object.entries(dependencies)) {
      const block = asList(blocks)[0] as {
        config_path?: unknown;
        mock_outputs?: unknown;
        mock_outputs_allowed_terraform_commands?: unknown;
      };
      const target = typeof block.config_path === 'string' ? posix.join(unit.dir, block.config_path) : '';
      const targetUnit = units.get(target);
      if (!targetUnit) {
        at(
          file,
          `dependency.${name}.config_path`,
          `expected the folder of a generated unit, got ${JSON.stringify(block.config_path)}`,
        );
      } else {
        edges.push(target);
      }
      if (JSON.stringify(block.mock_outputs_allowed_terraform_commands) !== JSON.stringify(MOCK_COMMANDS)) {
        at(
          file,
          `dependency.${name}.mock_outputs_allowed_terraform_commands`,
          `expected ${JSON.stringify(MOCK_COMMANDS)}`,
        );
      }
      const mocks = new Set(Object.keys((block.mock_outputs ?? {}) as object));
      for (const mock of mocks) {
        if (targetUnit?.schema && !targetUnit.schema.outputs.has(mock)) {
          at(file, `dependency.${name}.mock_outputs.${mock}`, `is not an output of the module of ${targetUnit.dir}`);
        }
      }
      targets.set(name, { unit: targetUnit, mocks });
    }
    for (const block of asList(unit.body.dependencies)) {
      for (const path of asList((block as { paths?: unknown }).paths)) {
        const target = typeof path === 'string' ? posix.join(unit.dir, path) : '';
        if (!units.has(target)) {
          at(file, 'dependencies.paths', `expected the folder of a generated unit, got ${JSON.stringify(path)}`);
        } else {
          edges.push(target);
        }
      }
    }
    needs.set(unit.dir, edges);

    const inputs = (unit.body.inputs ?? {}) as Record<string, unknown>;
    for (const key of Object.keys(inputs)) {
      inputsChecked++;
      if (unit.schema && !unit.schema.variables.has(key)) {
        at(file, `inputs.${key}`, 'is not a variable of the pinned module (Terraform would ignore it silently)');
      }
    }
    for (const text of strings(inputs)) {
      for (const [, name, output] of text.matchAll(OUTPUT_READ)) {
        outputReadsChecked++;
        const target = targets.get(name);
        const field = `dependency.${name}.outputs.${output}`;
        if (!target) {
          at(file, field, `reads a dependency "${name}" that has no dependency block`);
        } else if (target.unit?.schema && !target.unit.schema.outputs.has(output)) {
          at(file, field, `is not an output of the module of ${target.unit.dir}`);
        } else if (!target.mocks.has(output)) {
          at(file, field, 'has no mock output (init, validate and plan before the dependency is applied)');
        }
      }
    }
  }

  const { blocked } = topologicalWaves(needs);
  if (blocked.length) at(blocked[0], '', `units wait on each other in a cycle: ${blocked.join(', ')}`);
  // per owner (a cluster, or `_accounts/<id>`), as each owner's README shows it: needs in another owner's
  // folder (a cluster's roles on its account's provider) are met before, by that owner's apply
  const owners = new Map<string, Map<string, string[]>>();
  for (const [dir, edges] of needs) {
    const [owner, unit] = ownerAndUnit(dir);
    const own = owners.get(owner) ?? new Map<string, string[]>();
    own.set(
      unit,
      edges
        .map((edge) => ownerAndUnit(edge))
        .filter(([o]) => o === owner)
        .map(([, u]) => u),
    );
    owners.set(owner, own);
  }
  const applyOrder = new Map<string, string[][]>();
  for (const [owner, own] of owners) applyOrder.set(owner, topologicalWaves(own).waves);
  return {
    problems,
    hclFiles: hclFiles.length,
    units: units.size,
    inputsChecked,
    outputReadsChecked,
    applyOrder: sortMap(applyOrder),
  };
}

/** `clusters/<c>/infra/<unit>` -> [c, unit]; `clusters/_accounts/<id>/<unit>` -> [`_accounts/<id>`, unit]. */
function ownerAndUnit(dir: string): [string, string] {
  const parts = dir.split('/');
  return dir.startsWith(`${ACCOUNTS_DIR}/`)
    ? [parts.slice(1, 3).join('/'), parts.slice(3).join('/')]
    : [parts[1], parts.slice(3).join('/')];
}

/** The account_id of the cluster.hcl or account.hcl above a unit. */
function ownerAccount(dir: string, parsed: ReadonlyMap<string, Record<string, unknown>>): string | undefined {
  for (let d = posix.dirname(dir); d !== '.' && d !== '/'; d = posix.dirname(d)) {
    for (const name of OWNER_FILES) {
      const body = parsed.get(`${d}/${name}`);
      const id = body && (asList(body.locals)[0] as { account_id?: unknown } | undefined)?.account_id;
      if (typeof id === 'string') return id;
    }
  }
  return undefined;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

function first(value: unknown, label: string): Record<string, unknown> | undefined {
  const labelled = (value ?? {}) as Record<string, unknown>;
  return asList(labelled[label])[0] as Record<string, unknown> | undefined;
}

function ancestorFile(dir: string, name: string, paths: Set<string>): boolean {
  for (let d = posix.dirname(dir); d !== '.' && d !== '/'; d = posix.dirname(d)) {
    if (paths.has(`${d}/${name}`)) return true;
  }
  return false;
}

function* strings(value: unknown): Generator<string> {
  if (typeof value === 'string') yield value;
  else if (Array.isArray(value)) for (const item of value) yield* strings(item);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) yield* strings(item);
}

function sortMap<V>(map: Map<string, V>): Map<string, V> {
  return new Map([...map].sort(([a], [b]) => (a < b ? -1 : 1)));
}
