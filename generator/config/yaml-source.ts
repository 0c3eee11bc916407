import { lstatSync, readFileSync } from 'node:fs';
import {
  Composer,
  isMap,
  isPair,
  isScalar,
  isSeq,
  Lexer,
  LineCounter,
  Parser,
  type CST,
  type Document,
  type Node,
} from 'yaml';
import { MAX_NESTING, nestedTooDeep } from './nesting';
import type { Problem } from './problems';
import { findSecrets, findSecretsInText } from './secrets';
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
 * several documents in one file, alias bombs, nesting deeper than MAX_NESTING, empty files, and credentials.
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
    if (stat.isSymbolicLink()) {
      return fail('is a symbolic link; input files must be regular files inside the repository');
    }
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
  // problems are reported by the `yaml` path, which has their lines
  if (findSecrets(text, data, file, () => undefined).length) return parseYamlTextWithYaml(text, file, options);
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

/**
 * parseYamlText with `yaml` only (its fast path is checked against this). Every hand-written input is read here
 * (or by the fast path, which comes here when it finds a problem): none may carry a credential, in its text
 * whether it parses or not, or in what it parses to.
 */
export function parseYamlTextWithYaml(text: string, file: string, options: ReadYamlOptions = {}): ReadYamlResult {
  const parsed = parseYamlDocument(text, file, options);
  if (!parsed.ok) return { ok: false, problems: [...parsed.problems, ...findSecretsInText(text, file)] };
  const secrets = findSecrets(text, parsed.source.data, file, parsed.source.lineOf);
  return secrets.length ? { ok: false, problems: secrets } : parsed;
}

function parseYamlDocument(text: string, file: string, options: ReadYamlOptions): ReadYamlResult {
  const lineCounter = new LineCounter();
  const problems: Problem[] = [];
  const cst = parseWithinNesting(text, lineCounter);
  if (!cst.ok) return { ok: false, problems: [nestedTooDeep(file, lineCounter.linePos(cst.offset).line)] };
  const composer = new Composer({ prettyErrors: false, uniqueKeys: true, schema: 'core', merge: false, strict: true });
  const list = [...composer.compose(cst.tokens)];
  for (const doc of list) {
    // one syntax error cascades into several; the first is the one to fix
    const error = doc.errors[0];
    if (error) {
      problems.push({
        file,
        line: lineCounter.linePos(error.pos[0]).line,
        field: '',
        message: yamlMessage(error.code, error.message),
      });
    }
    for (const warning of doc.warnings) {
      problems.push({
        file,
        line: lineCounter.linePos(warning.pos[0]).line,
        field: '',
        message: yamlMessage(warning.code, warning.message),
      });
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  const expected = options.expected ?? 'a YAML mapping';
  if (list.length === 0 || list.every((d) => d.contents === null)) {
    return { ok: false, problems: [{ file, field: '', message: `is empty; expected ${expected}` }] };
  }
  if (list.length > 1) {
    const line = list[1].range ? lineCounter.linePos(list[1].range[0]).line : undefined;
    return {
      ok: false,
      problems: [{ file, line, field: '', message: 'holds several YAML documents; expected exactly one' }],
    };
  }
  const doc = list[0];
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const message =
      error instanceof Error && /alias/i.test(error.message)
        ? `expands too many YAML aliases (more than ${MAX_ALIAS_COUNT}); write the values out instead`
        : `cannot be read as YAML: ${error instanceof Error ? error.message : String(error)}`;
    return { ok: false, problems: [{ file, field: '', message }] };
  }
  const tagged = findExplicitTag(doc.contents as Node | null);
  if (tagged) {
    return {
      ok: false,
      problems: [
        {
          file,
          line: tagged.range ? lineCounter.linePos(tagged.range[0]).line : undefined,
          field: '',
          message:
            `uses the YAML tag ${String(tagged.tag).replace('tag:yaml.org,2002:', '!!')}; ` +
            `tags are not allowed in input files`,
        },
      ],
    };
  }
  const lineOf = (path: readonly PropertyKey[]) => {
    const offset = offsetOf(doc, path);
    return offset === undefined ? undefined : lineCounter.linePos(offset).line;
  };
  return { ok: true, source: { file, data, lineOf } };
}

const COLLECTIONS: ReadonlySet<string> = new Set(['block-map', 'block-seq', 'flow-collection']);

/**
 * The syntax tree of `text` (what `parseAllDocuments` composes), or the offset of the first collection nested
 * deeper than MAX_NESTING. `yaml`'s parser keeps its open collections on a stack, its composer recurses into them:
 * a document nested thousands deep overflows the composer's stack (or, a million deep, takes seconds to parse), so
 * the parser is fed lexeme by lexeme and stopped as soon as its stack holds too many.
 */
function parseWithinNesting(
  text: string,
  lineCounter: LineCounter,
): { ok: true; tokens: CST.Token[] } | { ok: false; offset: number } {
  const parser = new Parser(lineCounter.addNewLine);
  lineCounter.addNewLine(0); // as Parser.parse does, for the first line
  const tokens: CST.Token[] = [];
  for (const lexeme of new Lexer().lex(text)) {
    for (const token of parser.next(lexeme)) tokens.push(token);
    // the stack also holds the document and the token being read: only a stack this long can be too deep
    if (parser.stack.length > MAX_NESTING) {
      const open = parser.stack.filter((token) => COLLECTIONS.has(token.type));
      if (open.length > MAX_NESTING) return { ok: false, offset: open[MAX_NESTING].offset };
    }
  }
  for (const token of parser.end()) tokens.push(token);
  return { ok: true, tokens };
}

function yamlMessage(code: string, message: string): string {
  const first = message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  if (code === 'DUPLICATE_KEY') return 'has a duplicate key (map keys must be unique)';
  if (code === 'TAG_RESOLVE_FAILED') return `uses an unknown YAML tag (${first})`;
  return `YAML syntax error: ${first}`;
}

/**
 * Explicit tags such as `!!binary` or `!ref` change how text is read: input files may not use them. The recursion
 * is as deep as the document, which parseWithinNesting bounds.
 */
function findExplicitTag(node: Node | null | undefined): Node | undefined {
  if (!node) return undefined;
  if (node.tag) return node;
  if (isMap(node) || isSeq(node)) {
    for (const item of node.items) {
      if (isPair(item)) {
        const found = findExplicitTag(item.key as Node) ?? findExplicitTag(item.value as Node);
        if (found) return found;
      } else {
        const found = findExplicitTag(item as Node);
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
      node = pair.value as Node | null;
      // a field is reported at its key: a mapping or list below it starts on the next line; a missing value is the
      // key's
      const atKey = !node || isMap(node) || isSeq(node);
      offset = (atKey ? keyNode.range?.[0] : node?.range?.[0]) ?? offset;
      if (!node) return offset;
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
