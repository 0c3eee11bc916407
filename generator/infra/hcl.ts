/**
 * Encodes plain values as HCL expressions for the Terragrunt templates: strings quoted and escaped
 * (including the `${` and `%{` template sequences, which HCL would otherwise interpolate), objects
 * with keys aligned, and raw expressions (`dependency.network.outputs.vpc_id`) written as they are.
 */

/** An HCL expression written verbatim: a reference, a function call, or a template string. */
export class HclExpression {
  constructor(readonly text: string) {}
}

export function expression(text: string): HclExpression {
  return new HclExpression(text);
}

export type HclValue =
  | string
  | number
  | boolean
  | null
  | HclExpression
  | readonly HclValue[]
  | { readonly [key: string]: HclValue | undefined };

const INDENT = '  ';
/** Keys written without quotes: identifiers that are not HCL keywords. */
const BARE_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const KEYWORDS = new Set(['true', 'false', 'null', 'for', 'in', 'if', 'endif', 'endfor']);

/** A quoted HCL string literal whose value is exactly `text`. */
export function hclString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '\\') out += '\\\\';
    else if (c === '"') out += '\\"';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if ((c === '$' || c === '%') && next === '{') out += `${c}${c}`;
    else if (c < ' ' || c === '\u007f') out += `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return `${out}"`;
}

export function hclKey(key: string): string {
  return BARE_KEY.test(key) && !KEYWORDS.has(key) ? key : hclString(key);
}

/**
 * `value` as an HCL expression. `level` is the nesting level of the line the expression starts on
 * (two spaces each), so that nested objects and lists line up under it.
 */
export function hclValue(value: HclValue, level = 0): string {
  if (value instanceof HclExpression) return value.text;
  if (value === null) return 'null';
  if (typeof value === 'string') return hclString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`generator bug: ${value} has no HCL form`);
    return String(value);
  }
  if (Array.isArray(value)) return hclList(value, level);
  return hclObject(value as { readonly [key: string]: HclValue | undefined }, level);
}

function hclList(items: readonly HclValue[], level: number): string {
  if (items.length === 0) return '[]';
  const inline = items.every((item) => !isComposite(item))
    ? `[${items.map((item) => hclValue(item)).join(', ')}]`
    : undefined;
  if (inline !== undefined && inline.length <= 100 && !inline.includes('\n')) return inline;
  const pad = INDENT.repeat(level + 1);
  return `[\n${items.map((item) => `${pad}${hclValue(item, level + 1)},`).join('\n')}\n${INDENT.repeat(level)}]`;
}

function hclObject(object: { readonly [key: string]: HclValue | undefined }, level: number): string {
  const entries = Object.entries(object).filter((entry): entry is [string, HclValue] => entry[1] !== undefined);
  if (entries.length === 0) return '{}';
  const keys = entries.map(([key]) => hclKey(key));
  const width = Math.max(...keys.map((k) => k.length));
  const pad = INDENT.repeat(level + 1);
  const lines = entries.map(([, value], i) => `${pad}${keys[i].padEnd(width)} = ${hclValue(value, level + 1)}`);
  return `{\n${lines.join('\n')}\n${INDENT.repeat(level)}}`;
}

function isComposite(value: HclValue): boolean {
  return value !== null && typeof value === 'object' && !(value instanceof HclExpression);
}
