import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { GENERATED_IMPORTS, sourceFiles } from './support/source-files';

const REPO = join(__dirname, '..');

/**
 * The layers of the generator, bottom to top (docs/architecture.md draws them). A file may import files of its own
 * layer and of the layers below it, never one above, and no import may close a loop. A file's layer is its folder:
 * the first folder under generator/ (generator/infra/units/eks.ts is in generator/infra), `platform` for the module
 * catalog, `.projenrc.ts` for the project definition. A new folder fails this test until it is placed here.
 */
const LAYERS = [
  // the data model: the specs' types, the compiled cluster, a generated file, paths, names, pinned versions
  'generator/model',
  // helpers that import nothing of the project: atomic writes, sorted paths, version constraints
  'generator/util',
  // load and validate the inputs: YAML, cluster specs, the secret scan, the digest of every input
  'generator/config',
  'generator/vendor',
  'generator/instances',
  'generator/recipes',
  // compile: a cluster's teams, platform modules and Argo CD objects, then its runs and services, its infrastructure
  'generator/teams',
  'generator/platform',
  'generator/argocd',
  'generator/workloads',
  'generator/infra',
  // compiled objects and units to text, text to disk
  'generator/render',
  'generator/write',
  // the offline checks of what was written
  'generator/checks',
  'generator/charts',
  // the module catalog, then the orchestrator that runs the stages over the fleet
  'platform',
  'generator/fleet',
  // reports on what ran in a cluster: load-test results to Markdown and SVG charts
  'generator/loadtest',
  // entry points: GitHub jobs, command-line tools, the projen component, the project definition
  'generator/github',
  'generator/cli',
  'generator/projen',
  '.projenrc.ts',
];

const CODE = /\.(ts|cjs)$/;
const codeFiles = (dir: string) => sourceFiles(dir, CODE);

function layerOf(file: string): string {
  if (file === '.projenrc.ts') return file;
  const parts = file.split('/');
  if (parts[0] === 'platform') return 'platform';
  // a file at the top of generator/ has no folder, so no layer: its own path is reported as not placed
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : file;
}

function isFile(path: string): boolean {
  return existsSync(join(REPO, path)) && statSync(join(REPO, path)).isFile();
}

/** The file a relative import names, as the bundler resolves it; undefined when there is none. */
function resolveImport(from: string, specifier: string): string | undefined {
  const base = posix.normalize(posix.join(posix.dirname(from), specifier));
  return [base, `${base}.ts`, `${base}.cjs`, `${base}/index.ts`].find(isFile);
}

interface Graph {
  readonly files: readonly string[];
  readonly imports: ReadonlyMap<string, readonly string[]>;
  readonly unresolved: readonly string[];
}

/**
 * Every relative import of every file: `import`, `import type`, `export ... from`, `require(...)` and `import(...)`,
 * read by the TypeScript scanner (comments and strings are not mistaken for imports). Packages are not followed.
 */
function importGraph(): Graph {
  const files = [...codeFiles('generator'), ...codeFiles('platform'), '.projenrc.ts'].sort();
  const imports = new Map<string, string[]>();
  const unresolved: string[] = [];
  for (const file of files) {
    const targets: string[] = [];
    const { importedFiles } = ts.preProcessFile(readFileSync(join(REPO, file), 'utf-8'), true, true);
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const target = resolveImport(file, fileName);
      if (!target) unresolved.push(`${file}: ${fileName}`);
      else if (!target.startsWith(`${GENERATED_IMPORTS}/`) && CODE.test(target)) targets.push(target);
    }
    imports.set(file, [...new Set(targets)]);
  }
  return { files, imports, unresolved };
}

/** The loops of the graph: one path `a -> b -> ... -> a` per strongly connected set of files (Tarjan). */
function cycles(graph: Graph): string[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[] = [];
  const visit = (file: string) => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const target of graph.imports.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, index.get(target)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const members = new Set<string>();
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      members.add(member);
    } while (member !== file);
    if (members.size > 1 || graph.imports.get(file)?.includes(file)) found.push(loopThrough(file, members, graph));
  };
  for (const file of graph.files) if (!index.has(file)) visit(file);
  return found;
}

/** The shortest path from `start` back to itself inside `members`, as `a -> b -> a`. */
function loopThrough(start: string, members: ReadonlySet<string>, graph: Graph): string {
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const file = queue.shift()!;
    for (const target of graph.imports.get(file) ?? []) {
      if (!members.has(target)) continue;
      if (target === start) {
        const between: string[] = [];
        for (let at: string | undefined = file; at !== start && at !== undefined; at = previous.get(at)) {
          between.unshift(at);
        }
        return [start, ...between, start].join(' -> ');
      }
      if (!previous.has(target)) {
        previous.set(target, file);
        queue.push(target);
      }
    }
  }
  return start;
}

describe('layers', () => {
  const graph = importGraph();

  it('place every folder of code', () => {
    const notPlaced = [...new Set(graph.files.map(layerOf))].filter((layer) => !LAYERS.includes(layer));
    expect(notPlaced, 'folders (or files at the top of generator/) missing from LAYERS').toEqual([]);
    const empty = LAYERS.filter((layer) => !graph.files.some((file) => layerOf(file) === layer));
    expect(empty, 'layers without a file').toEqual([]);
  });

  it('resolve every relative import to a file', () => {
    expect(graph.unresolved).toEqual([]);
  });

  it('only point down', () => {
    const upward: string[] = [];
    for (const [file, targets] of graph.imports) {
      for (const target of targets) {
        const from = LAYERS.indexOf(layerOf(file));
        const to = LAYERS.indexOf(layerOf(target));
        if (to > from) upward.push(`${file} (${layerOf(file)}) -> ${target} (${layerOf(target)})`);
      }
    }
    expect(upward, 'imports from a lower layer to a higher one').toEqual([]);
  });

  it('close no loop', () => {
    expect(cycles(graph), 'import loops').toEqual([]);
  });

  it('are each drawn in docs/architecture.md', () => {
    const doc = readFileSync(join(REPO, 'docs', 'architecture.md'), 'utf-8');
    const named = LAYERS.map((layer) => (layer.endsWith('.ts') ? layer : `${layer}/`));
    const missing = named.filter((layer) => !doc.includes(layer));
    expect(missing).toEqual([]);
  });
});
