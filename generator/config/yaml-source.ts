import { lstatSync, readFileSync } from 'node:fs';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import { findSecrets } from '../checks/secrets';
import type { Problem } from './problems';
import { fastParseYaml } from './yaml-fast-parse';

/** A parsed YAML input file that can tell the line of a field path. */
export interface YamlSource {
  readonly file: string;
  readonly data: unknown;
  /** 1-based line of the value (or key) at `path`, or of its nearest parent that exists. */
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

export interface ReadYamlOptions {
  /** Refuse larger files before parsing them (bytes). */
  readonly maxBytes?: number;
  /** What the file should hold, for the message about an empty file. */
  readonly expected?: string;
}

const DEFAULT_MAX_BYTES = 1024 * 1024;
/** Aliases a file may expand; far above what a hand-written file needs, far below an alias bomb. */
const MAX_ALIAS_COUNT = 100;

export type ReadYamlResult = { ok: true; source: YamlSource } | { ok: false; problems: Problem[] };

/**
 * Reads and parses one hand-written YAML file, refusing what a person did not mean to write:
 * oversized files, bytes that are not UTF-8, YAML syntax errors, duplicate keys, custom tags,
 * several documents in one file, alias bombs, and empty files.
 */
export function readYamlFile(absolutePath: string, file: string, options: ReadYamlOptions = {}): ReadYamlResult {
  const read = readInputText(absolutePath, file, options);
  return read.ok ? parseYamlText(read.text, file, options) : read;
}

/**
 * The text of a hand-written input file, refusing what is not one: a symbolic link, something other than a
 * regular file, a file over the size limit (before reading it), bytes that are not UTF-8.
 */
export function readInputText(
  absolutePath: string,
  file: string,
  options: ReadYamlOptions = {},
): { ok: true; text: string } | { ok: false; problems: Problem[] } {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const fail = (message: string) => ({ ok: false as const, problems: [{ file, field: '', message }] });
  let size: number;
  try {
    const stat = lstatSync(absolutePath);
    if (stat.isSymbolicLink()) return fail('is a symbolic link; input files must be regular files inside the repository');
    if (!stat.isFile()) return fail('expected a regular file');
    size = stat.size;
  } catch (error) {
    return fail(`cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (size > maxBytes) {
    return fail(`is ${formatBytes(size)}; an input file may be at most ${formatBytes(maxBytes)}`);
  }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(absolutePath)) };
  } catch {
    return fail('is not valid UTF-8 text');
  }
}

/**
 * Parses a hand-written input with js-yaml where that gives exactly what `yaml` would (see yaml-fast-parse.ts),
 * finding lines with `yaml` only when asked for one; else with `yaml`, which reports every problem.
 */
export function parseYamlText(text: string, file: string, options: ReadYamlOptions = {}): ReadYamlResult {
  const fast = fastParseYaml(text);
  if (!fast) return parseYamlTextWithYaml(text, file, options);
  const data = fast.data;
  if (findSecrets(data, file, () => undefined).length) return parseYamlTextWithYaml(text, file, options);
  let lineOf: YamlSource['lineOf'] | undefined;
  return {
    ok: true,
    source: {
      file,
      data,
      lineOf: (path) => {
        if (!lineOf) {
          const parsed = parseYamlTextWithYaml(text, file, options);
          lineOf = parsed.ok ? parsed.source.lineOf : () => undefined;
        }
        return lineOf(path);
      },
    },
  };
}

/** parseYamlText with `yaml` only (its fast path is checked against this). */
export function parseYamlTextWithYaml(text: string, file: string, options: ReadYamlOptions = {}): ReadYamlResult {
  const lineCounter = new LineCounter();
  const problems: Problem[] = [];
  const docs = parseAllDocuments(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    schema: 'core',
    merge: false,
    strict: true,
  });
  const list = Array.isArray(docs) ? docs : [];
  for (const doc of list) {
    // one syntax error cascades into several; the first is the one to fix
    const error = doc.errors[0];
    if (error) {
      problems.push({ file, line: lineCounter.linePos(error.pos[0]).line, field: '', message: yamlMessage(error.code, error.message) });
    }
    for (const warning of doc.warnings) {
      problems.push({ file, line: lineCounter.linePos(warning.pos[0]).line, field: '', message: yamlMessage(warning.code, warning.message) });
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  const expected = options.expected ?? 'a YAML mapping';
  if (list.length === 0 || list.every((d) => d.contents === null)) {
    return { ok: false, problems: [{ file, field: '', message: `is empty; expected ${expected}` }] };
  }
  if (list.length > 1) {
    const line = list[1].range ? lineCounter.linePos(list[1].range[0]).line : undefined;
    return { ok: false, problems: [{ file, line, field: '', message: 'holds several YAML documents; expected exactly one' }] };
  }
  const doc = list[0];
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const message = error instanceof Error && /alias/i.test(error.message)
      ? `expands too many YAML aliases (more than ${MAX_ALIAS_COUNT}); write the values out instead`
      : `cannot be read as YAML: ${error instanceof Error ? error.message : String(error)}`;
    return { ok: false, problems: [{ file, field: '', message }] };
  }
  const tagged = findExplicitTag(doc.contents as Node | null);
  if (tagged) {
    return {
      ok: false,
      problems: [{ file, line: tagged.range ? lineCounter.linePos(tagged.range[0]).line : undefined, field: '', message: `uses the YAML tag ${String(tagged.tag).replace('tag:yaml.org,2002:', '!!')}; tags are not allowed in input files` }],
    };
  }
  const lineOf = (path: readonly PropertyKey[]) => {
    const offset = offsetOf(doc, path);
    return offset === undefined ? undefined : lineCounter.linePos(offset).line;
  };
  // every hand-written input is read here: none may carry a credential
  const secrets = findSecrets(data, file, lineOf);
  if (secrets.length) return { ok: false, problems: secrets };
  return { ok: true, source: { file, data, lineOf } };
}

function yamlMessage(code: string, message: string): string {
  const first = message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  if (code === 'DUPLICATE_KEY') return 'has a duplicate key (map keys must be unique)';
  if (code === 'TAG_RESOLVE_FAILED') return `uses an unknown YAML tag (${first})`;
  return `YAML syntax error: ${first}`;
}

/** Explicit tags such as `!!binary` or `!ref` change how text is read: input files may not use them. */
function findExplicitTag(node: Node | null | undefined, depth = 0): Node | undefined {
  if (!node || depth > 200) return undefined;
  if (node.tag) return node;
  if (isMap(node) || isSeq(node)) {
    for (const item of node.items) {
      if (isPair(item)) {
        const found = findExplicitTag(item.key as Node, depth + 1) ?? findExplicitTag(item.value as Node, depth + 1);
        if (found) return found;
      } else {
        const found = findExplicitTag(item as Node, depth + 1);
        if (found) return found;
      }
    }
  }
  return undefined;
}

function offsetOf(doc: Document, path: readonly PropertyKey[]): number | undefined {
  let node = doc.contents as Node | null;
  let offset = node?.range?.[0];
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(part));
      if (!pair) return offset;
      const keyNode = pair.key as Node;
      offset = (pair.value as Node | null)?.range?.[0] ?? keyNode.range?.[0] ?? offset;
      // an unknown key is reported at the key itself
      node = pair.value as Node | null;
      if (!node) return keyNode.range?.[0] ?? offset;
    } else if (isSeq(node) && typeof part === 'number') {
      const item = node.items[part] as Node | undefined;
      if (!item) return offset;
      node = item;
      offset = item.range?.[0] ?? offset;
    } else {
      return offset;
    }
  }
  return offset;
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}
