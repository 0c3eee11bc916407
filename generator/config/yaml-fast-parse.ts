import { FAILSAFE_SCHEMA, load, Type, type LoadOptions, type State } from 'js-yaml';
import { MAX_NESTING } from './nesting';

/**
 * The data of a YAML text parsed with js-yaml (about ten times faster than `yaml`), or undefined when that
 * data might differ from what `yaml` (YAML 1.2 core schema, strict, unique keys, no merge) gives or when
 * `yaml` might refuse the text: the caller then parses with `yaml`. Undefined also for what the `yaml` path
 * refuses or reports anyway: syntax errors, duplicate keys, several documents, empty documents, tags,
 * anchors, aliases, directives.
 */
export function fastParseYaml(text: string): { data: unknown } | undefined {
  // Raw-text guards for what is rare in hand-written inputs (a false alarm only costs the slow path):
  // directives; the explicit key indicator `?` (a collection or an empty key stringifies differently);
  // a tab in the white space that starts a line (`yaml` refuses it in places where js-yaml takes it as
  // indentation or as a blank line).
  if (text.includes('%') && /^%/m.test(text)) return undefined;
  if (text.includes('?') && /(?:^|[\s,[{])\?(?:\s|$)/m.test(text)) return undefined;
  if (text.includes('\t') && /^ *\t/m.test(text)) return undefined;
  // js-yaml ends an unterminated last line with a line break, which a keeping block scalar (`|+`) keeps
  // when that line is blank
  const lastLine = text.slice(Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r')) + 1);
  if (lastLine.length > 0 && lastLine.trim() === '') return undefined;
  const watch = new NodeWatch();
  let data: unknown;
  try {
    data = load(text, { schema: CORE_PLAIN_SCHEMA, listener: watch.listener, ...WITHIN_NESTING });
  } catch {
    return undefined;
  }
  if (watch.unsafe || data === null || data === undefined || !keysAreSafe(data)) return undefined;
  return { data };
}

/**
 * js-yaml's `maxDepth` (documented in its README, not yet in its types) stops it at a node nested deeper, the scalar
 * at the bottom counted: a document nested too deep goes to the `yaml` path, which says so with its line.
 */
const WITHIN_NESTING: LoadOptions = { maxDepth: MAX_NESTING + 1 } as LoadOptions;

const PLAIN_SCALAR_TAG = 'tag:fast-parse,core-plain-scalar';

/** Plain scalars resolved exactly like `yaml`'s core schema (node_modules/yaml/dist/schema/core/): first match wins. */
function resolveCorePlain(s: string): unknown {
  if (s.length > 0 && !/^[-+.~0-9nNtTfF]/.test(s)) return s;
  if (/^(?:~|[Nn]ull|NULL)?$/.test(s)) return null;
  if (/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(s)) return s[0] === 't' || s[0] === 'T';
  if (/^0o[0-7]+$/.test(s)) return parseInt(s.substring(2), 8);
  if (/^[-+]?[0-9]+$/.test(s)) return parseInt(s, 10);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.substring(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s)) {
    if (s.slice(-3).toLowerCase() === 'nan') return NaN;
    return s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s)) return parseFloat(s);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)) return parseFloat(s);
  return s;
}

const CORE_PLAIN_SCHEMA = FAILSAFE_SCHEMA.extend({
  implicit: [
    new Type(PLAIN_SCALAR_TAG, {
      kind: 'scalar',
      // js-yaml passes the tag only when resolving an explicit one (`!<tag:...>`): refuse that
      resolve: (_data: unknown, explicitTag?: string) => explicitTag === undefined,
      construct: (data: string) => resolveCorePlain(data),
    }),
  ],
});

/**
 * Watches every node js-yaml composes (the listener's 'open' and 'close' events, balanced per node) for what
 * the fast path must not take. A node's text starts at the first character after the 'open' position that is
 * neither white space nor a comment; no plain scalar starts with `!`, `&` or `*`, so such a start is a tag,
 * an anchor or an alias.
 */
class NodeWatch {
  unsafe = false;
  private readonly opens: number[] = [];

  readonly listener = (event: 'open' | 'close', state: State) => {
    if (event === 'open') {
      this.opens.push(state.position);
      return;
    }
    const open = this.opens.pop() ?? 0;
    if (this.unsafe) return;
    const input = state.input;
    const start = skipSpaceAndComments(input, open);
    const first = input[start];
    const end = state.position;
    const tag = (state as State & { tag: string | null }).tag;
    if (first === '!' || first === '&' || first === '*' || (tag !== null && tag !== PLAIN_SCALAR_TAG)) {
      this.unsafe = true;
      return;
    }
    if (state.result === null || state.result === undefined) return;
    // js-yaml reads the entries after an empty block sequence entry as entries of that sequence even when
    // they are indented less (`yaml` does not)
    if (state.kind === 'sequence' && first === '-' && (state.result as unknown[]).includes(null)) {
      this.unsafe = true;
      return;
    }
    const flow = (state.kind === 'mapping' || state.kind === 'sequence') && (first === '[' || first === '{');
    const quoted = state.kind === 'scalar' && (first === '"' || first === "'");
    const plain = state.kind === 'scalar' && !quoted && first !== '|' && first !== '>';
    // `yaml` refuses a line holding only a tab inside a plain scalar continued on several lines
    if (plain && hasLineBreak(input, start, end) && input.slice(start, end).includes('\t')) this.unsafe = true;
    // blank lines made of spaces in a block scalar with an indentation indicator or without content:
    // `yaml` reads them differently (or refuses them)
    if ((first === '|' || first === '>') && state.kind === 'scalar') {
      const explicitIndent = /^[|>][-+]?[1-9]/.test(input.slice(start, start + 3));
      if (
        (explicitIndent || !/\S/.test(state.result as string)) &&
        / \r?(?:\n|$)/.test(input.slice(start, skipBlank(input, end)))
      ) {
        this.unsafe = true;
      }
    }
    if (!flow && !quoted) return;
    // `yaml` refuses a flow collection or quoted scalar continued on a line not indented enough (js-yaml
    // does not check) and a comment right after it without a space; a flow collection as a key is
    // stringified differently
    if (hasLineBreak(input, start, end) || input[end] === '#') this.unsafe = true;
    else if (flow && input[skipSpaces(input, end)] === ':') this.unsafe = true;
  };
}

function hasLineBreak(input: string, start: number, end: number): boolean {
  for (let at = start; at < end; at++) {
    const c = input.charCodeAt(at);
    if (c === 10 || c === 13) return true;
  }
  return false;
}

function skipSpaces(input: string, at: number): number {
  while (input[at] === ' ' || input[at] === '\t') at++;
  return at;
}

function skipBlank(input: string, at: number): number {
  while (input[at] === ' ' || input[at] === '\t' || input[at] === '\n' || input[at] === '\r') at++;
  return at;
}

function skipSpaceAndComments(input: string, at: number): number {
  for (;;) {
    const c = input[at];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      at++;
    } else if (c === '#') {
      while (at < input.length && input[at] !== '\n' && input[at] !== '\r') at++;
    } else {
      return at;
    }
  }
}

/**
 * js-yaml writes an empty or null key as "null" (`yaml`: ""), `yaml` refuses implicit keys over 1024
 * characters, and merge keys are left to the `yaml` path.
 */
function keysAreSafe(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) return value.every((item) => keysAreSafe(item));
  for (const [key, item] of Object.entries(value)) {
    if (key === 'null' || key === '<<' || key.length > 1000) return false;
    if (!keysAreSafe(item)) return false;
  }
  return true;
}
