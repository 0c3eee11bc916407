import type { Problem } from '../config/problems';
import type { ClusterSpec } from '../model/cluster-spec';
import type { EnabledModule } from '../model/compiled-cluster';
import type { PlatformModule } from '../model/platform-module';

/**
 * Decides which modules run on a cluster: base modules unless turned off, plus those turned on,
 * plus needs whose module says `enable`. A need whose module says `error` is a problem naming both.
 * Returned in install order (wave, then name).
 */
export function resolveModules(
  cluster: ClusterSpec,
  file: string,
  catalog: readonly PlatformModule[],
  lineOf: (path: PropertyKey[]) => number | undefined = () => undefined,
): { modules: EnabledModule[]; problems: Problem[] } {
  const byName = new Map(catalog.map((m) => [m.name, m]));
  const reasons = new Map<string, string>();
  for (const module of catalog) {
    const setting = cluster.modules[module.name];
    const base = module.enabledByDefault && !module.notBaseOn?.(cluster);
    const on = setting === undefined ? base : typeof setting === 'boolean' ? setting : setting.enabled;
    if (on) reasons.set(module.name, setting === undefined ? 'base module' : 'turned on in cluster.yaml');
  }

  const problems: Problem[] = [];
  // needs can chain (kubeflow-platform -> istio -> ...): repeat until nothing changes
  let changed = true;
  while (changed) {
    changed = false;
    for (const name of [...reasons.keys()].sort()) {
      const module = byName.get(name)!;
      for (const need of module.needs) {
        if (reasons.has(need)) continue;
        const setting = cluster.modules[need];
        const turnedOff = setting === false || (typeof setting === 'object' && !setting.enabled);
        if (module.onMissingNeed === 'enable' && !turnedOff) {
          reasons.set(need, `needed by ${name}`);
          changed = true;
        } else if (!problems.some((p) => p.field === `modules.${name}` && p.message.includes(`"${need}"`))) {
          problems.push({
            file,
            line: lineOf(['modules', name]),
            field: `modules.${name}`,
            message:
              `module "${name}" needs module "${need}", which is off on this cluster; ` +
              `turn on "${need}" (modules.${need}: true) or turn off "${name}"`,
          });
        }
      }
    }
  }

  // `database` chooses where a module's database runs: only for a module that runs one, among its choices
  const withDatabase = catalog.filter((m) => m.databases?.length).map((m) => m.name);
  for (const [name, setting] of Object.entries(cluster.modules)) {
    const chosen = typeof setting === 'object' ? setting.database : undefined;
    const module = byName.get(name);
    if (chosen === undefined || !module) continue;
    const accepted = module.databases ?? [];
    if (accepted.includes(chosen)) continue;
    problems.push({
      file,
      line: lineOf(['modules', name, 'database']) ?? lineOf(['modules', name]),
      field: `modules.${name}.database`,
      message: accepted.length
        ? `module "${name}" runs its database ${accepted.map((a) => `"${a}"`).join(' or ')}, not "${chosen}"`
        : `module "${name}" runs no database, so "database" does not apply to it; ` +
          `expected only on a module with one (${withDatabase.join(', ') || 'none in the catalog'})`,
    });
  }

  // two modules that overlap may only run together when one of them says how it steps aside
  for (const name of [...reasons.keys()].sort()) {
    for (const conflict of byName.get(name)!.conflicts ?? []) {
      if (!reasons.has(conflict.module) || conflict.resolvedBy) continue;
      problems.push({
        file,
        line: lineOf(['modules', name]),
        field: `modules.${name}`,
        message: `module "${name}" conflicts with module "${conflict.module}"; turn one of them off`,
      });
    }
  }

  const modules = [...reasons.entries()].map(([name, reason]) => {
    const module = byName.get(name)!;
    const setting = cluster.modules[name];
    const override = typeof setting === 'object' ? setting : undefined;
    const pinned = module.source?.kind === 'helm' ? module.source.version : module.source?.ref;
    const notes = (module.conflicts ?? [])
      .filter((c) => c.resolvedBy && reasons.has(c.module))
      .map((c) => `with ${c.module}: ${c.resolvedBy}`);
    return { module, version: override?.version ?? pinned, values: override?.values ?? {}, reason, notes };
  });
  modules.sort((a, b) => a.module.wave - b.module.wave || (a.module.name < b.module.name ? -1 : 1));
  return { modules, problems };
}
