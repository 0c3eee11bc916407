import { Document, stringify } from 'yaml';

/**
 * The options every generated YAML file is written with; emitYaml gives exactly the text `stringify` gives with them.
 */
export const YAML_OPTIONS = { lineWidth: 0, aliasDuplicateObjects: false, version: '1.2' } as const;

/**
 * The text `stringify(value, YAML_OPTIONS)` gives, several times faster: a port of the `yaml` package's
 * stringify rules (stringify/stringifyString.js, stringifyPair.js, stringifyCollection.js, v2) narrowed to
 * plain JSON data under those options (no line folding, no anchors, no comments, block collections, `{}`
 * and `[]` for empty ones). A value outside that (a Map, a Date, a class instance, a bigint, a top-level
 * scalar) is left to `yaml` itself.
 */
export function emitYaml(value: unknown): string {
  return emitPlainYaml(value) ?? stringify(value, YAML_OPTIONS);
}

/** The fast path alone: undefined where the value is not plain JSON data (the caller then asks `yaml`). */
export function emitPlainYaml(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  try {
    return `${emitNode(value, '')}\n`;
  } catch (e) {
    if (e === NOT_PLAIN) return undefined;
    throw e;
  }
}

const NOT_PLAIN = Symbol('not plain data');
const INDENT_STEP = '  ';

/** A node in block context at `indent` (yaml's ctx.indent), not a key. */
function emitNode(value: unknown, indent: string): string {
  switch (typeof value) {
    case 'string':
      return emitString(value, indent, false);
    case 'number':
      return emitNumber(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined': // only reached inside arrays: yaml writes it as null
      return 'null';
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return emitSeq(value, indent);
      if (isPlainObject(value)) return emitMap(value as Record<string, unknown>, indent);
      throw NOT_PLAIN;
    default:
      throw NOT_PLAIN;
  }
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

function emitNumber(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? '.nan' : value < 0 ? '-.inf' : '.inf';
  return Object.is(value, -0) ? '-0' : String(value);
}

function emitSeq(items: readonly unknown[], indent: string): string {
  if (items.length === 0) return '[]';
  const itemIndent = indent + INDENT_STEP;
  let out = '';
  for (let i = 0; i < items.length; i++) {
    const line = `- ${emitNode(items[i], itemIndent)}`;
    out += i === 0 ? line : `\n${indent}${line}`;
  }
  return out;
}

function emitMap(map: Record<string, unknown>, indent: string): string {
  const pairIndent = indent + INDENT_STEP;
  let out = '';
  let first = true;
  for (const key of Object.keys(map)) {
    const value = map[key];
    if (value === undefined) continue;
    const line = emitPair(key, value, indent, pairIndent);
    out += first ? line : `\n${indent}${line}`;
    first = false;
  }
  return first ? '{}' : out;
}

/** stringifyPair: `indent` is the map's, `pairIndent` the key's and value's. */
function emitPair(key: string, value: unknown, indent: string, pairIndent: string): string {
  const keyText = emitString(key, pairIndent, true);
  const explicitKey = keyText.length > 1024;
  const head = explicitKey ? `? ${keyText}\n${indent}:` : `${keyText}:`;
  const valueText = emitNode(value, pairIndent);
  if (!explicitKey && typeof value === 'object' && value !== null && valueText !== '{}' && valueText !== '[]') {
    return `${head}\n${pairIndent}${valueText}`; // a non-empty collection starts on the next line
  }
  return `${head} ${valueText}`;
}

// --- strings (stringifyString.js with lineWidth 0: never folded; block scalars are always literal) ---

const FORCE_DOUBLE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;
const NOT_PLAIN_TEXT = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;
/** A plain scalar that would read back as another type (null, bool, int, float) in the YAML 1.2 core schema. */
const OTHER_TYPE = otherTypeTest();

function otherTypeTest(): RegExp {
  const { tags, compat } = new Document(null, { version: '1.2' }).schema;
  const tests = [...tags, ...(compat ?? [])].flatMap((tag) => {
    const test = (tag as { test?: RegExp }).test;
    return tag.default && tag.tag !== 'tag:yaml.org,2002:str' && test ? [test] : [];
  });
  if (tests.some((t) => t.flags !== '')) throw new Error('yaml core schema tests changed: review yaml-emitter.ts');
  return new RegExp(tests.map((t) => `(?:${t.source})`).join('|'));
}

function emitString(value: string, indent: string, implicitKey: boolean): string {
  return FORCE_DOUBLE.test(value) ? doubleQuoted(value, indent, implicitKey) : plainString(value, indent, implicitKey);
}

function plainString(value: string, indent: string, implicitKey: boolean): string {
  const multiLine = value.includes('\n');
  if (implicitKey && multiLine) return quoted(value, indent, implicitKey);
  if (NOT_PLAIN_TEXT.test(value)) {
    return implicitKey || !multiLine ? quoted(value, indent, implicitKey) : blockLiteral(value, indent);
  }
  if (multiLine) return blockLiteral(value, indent); // only values get here
  // a top-level map's key starting with a document marker; indent is never '' here (no top-level scalars)
  if (implicitKey && indent === INDENT_STEP && DOCUMENT_MARKER.test(value)) return quoted(value, indent, implicitKey);
  return OTHER_TYPE.test(value) ? quoted(value, indent, implicitKey) : value;
}

function quoted(value: string, indent: string, implicitKey: boolean): string {
  return value.includes('"') && !value.includes("'")
    ? singleQuoted(value, indent, implicitKey)
    : doubleQuoted(value, indent, implicitKey);
}

function singleQuoted(value: string, indent: string, implicitKey: boolean): string {
  if ((implicitKey && value.includes('\n')) || /[ \t]\n|\n[ \t]/.test(value)) {
    return doubleQuoted(value, indent, implicitKey);
  }
  return `'${value.replace(/'/g, "''").replace(/\n+/g, `$&\n${indent}`)}'`;
}

const DOUBLE_QUOTED_MIN_MULTI_LINE_LENGTH = 40;
const SHORT_ESCAPES: Record<string, string> = {
  '0000': '\\0',
  '0007': '\\a',
  '000b': '\\v',
  '001b': '\\e',
  '0085': '\\N',
  '00a0': '\\_',
  '2028': '\\L',
  '2029': '\\P',
};

function doubleQuoted(value: string, indent: string, implicitKey: boolean): string {
  const json = JSON.stringify(value);
  let str = '';
  let start = 0;
  for (let i = 0, ch = json[i]; ch; ch = json[++i]) {
    if (ch === ' ' && json[i + 1] === '\\' && json[i + 2] === 'n') {
      // a space before a line break is escaped so that it is not folded away
      str += `${json.slice(start, i)}\\ `;
      i += 1;
      start = i;
      ch = '\\';
    }
    if (ch !== '\\') continue;
    if (json[i + 1] === 'u') {
      str += json.slice(start, i);
      const code = json.substr(i + 2, 4);
      str += SHORT_ESCAPES[code] ?? (code.startsWith('00') ? `\\x${code.substr(2)}` : json.substr(i, 6));
      i += 5;
      start = i + 1;
    } else if (json[i + 1] === 'n') {
      if (implicitKey || json[i + 2] === '"' || json.length < DOUBLE_QUOTED_MIN_MULTI_LINE_LENGTH) {
        i += 1;
      } else {
        // written as a folded line break: one more newline than meant, then the indent
        str += `${json.slice(start, i)}\n\n`;
        while (json[i + 2] === '\\' && json[i + 3] === 'n' && json[i + 4] !== '"') {
          str += '\n';
          i += 2;
        }
        str += indent;
        if (json[i + 2] === ' ') str += '\\';
        i += 1;
        start = i + 1;
      }
    } else {
      i += 1;
    }
  }
  return start ? str + json.slice(start) : json;
}

const BLOCK_END_NEWLINES = /(^|(?<!\n))\n+(?!\n|$)/g;

/** blockString for a multi-line value, literal style (`|`), chomping and indentation indicators as yaml chooses. */
function blockLiteral(value: string, indent: string): string {
  if (/\n[\t ]+$/.test(value)) return quoted(value, indent, false);
  let endStart = value.length;
  for (; endStart > 0; --endStart) {
    const ch = value[endStart - 1];
    if (ch !== '\n' && ch !== '\t' && ch !== ' ') break;
  }
  let end = value.substring(endStart);
  const endNlPos = end.indexOf('\n');
  const chomp = endNlPos === -1 ? '-' : value === end || endNlPos !== end.length - 1 ? '+' : '';
  if (end) {
    value = value.slice(0, -end.length);
    if (end[end.length - 1] === '\n') end = end.slice(0, -1);
    end = end.replace(BLOCK_END_NEWLINES, `$&${indent}`);
  }
  let startWithSpace = false;
  let startEnd = 0;
  let startNlPos = -1;
  for (; startEnd < value.length; ++startEnd) {
    const ch = value[startEnd];
    if (ch === ' ') startWithSpace = true;
    else if (ch === '\n') startNlPos = startEnd;
    else break;
  }
  let start = value.substring(0, startNlPos < startEnd ? startNlPos + 1 : startEnd);
  if (start) {
    value = value.substring(start.length);
    start = start.replace(/\n+/g, `$&${indent}`);
  }
  const header = (startWithSpace ? '2' : '') + chomp; // '2': indent is never '' here
  return `|${header}\n${indent}${start}${value.replace(/\n+/g, `$&${indent}`)}${end}`;
}
