/**
 * The part of expr (github.com/expr-lang/expr, the language of Argo CD Notifications' triggers) the fleet's trigger
 * conditions use, evaluated as expr v1.17 does on the engine's `map[string]any` variables. No npm package evaluates
 * expr, so this is the test's own, and it refuses everything else rather than guess:
 * - member access `a.b` and `a?.b`: a missing key of a map is nil; `.b` of nil is an error (vm/runtime/runtime.go
 *   Fetch: "cannot fetch b from <nil>"), `?.b` of nil is nil;
 * - literals: 'single' and "double" quoted strings without escapes, nil, true, false; arrays `[x, y]`;
 * - `==`, `!=` (Go equality of the decoded JSON values; nil only equals nil), `in` an array;
 * - `and`, `or` (short-circuit, both sides must be booleans), `not` and `!`, parentheses.
 */
export class ExprError extends Error {}

type Token = { kind: 'id' | 'str' | 'op'; text: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:([A-Za-z_][A-Za-z0-9_]*)|'([^'\\]*)'|"([^"\\]*)"|(\?\.|==|!=|[.!()[\],]))/y;
  let at = 0;
  while (at < source.length) {
    if (/^\s*$/.test(source.slice(at))) break;
    pattern.lastIndex = at;
    const m = pattern.exec(source);
    if (!m) throw new ExprError(`unsupported expr at ${at}: ${JSON.stringify(source.slice(at, at + 20))}`);
    if (m[1] !== undefined) tokens.push({ kind: 'id', text: m[1] });
    else if (m[2] !== undefined || m[3] !== undefined) tokens.push({ kind: 'str', text: m[2] ?? m[3] });
    else tokens.push({ kind: 'op', text: m[4] });
    at = pattern.lastIndex;
  }
  return tokens;
}

export function evaluateExpr(source: string, vars: Record<string, unknown>): unknown {
  const tokens = tokenize(source);
  let i = 0;
  const peek = (text: string) => tokens[i] && tokens[i].kind !== 'str' && tokens[i].text === text;
  const expect = (text: string) => {
    if (!peek(text)) throw new ExprError(`expected ${text} at token ${i} of ${JSON.stringify(source)}`);
    i++;
  };
  const bool = (value: unknown, op: string): boolean => {
    if (typeof value !== 'boolean') throw new ExprError(`invalid operation: ${op} of ${typeof value}`);
    return value;
  };
  // each level returns a thunk so `and` / `or` evaluate their right side only when expr does
  type Thunk = () => unknown;
  const or = (): Thunk => {
    let left = and();
    while (peek('or')) {
      i++;
      const [l, r] = [left, and()];
      left = () => bool(l(), 'or') || bool(r(), 'or');
    }
    return left;
  };
  const and = (): Thunk => {
    let left = unary();
    while (peek('and')) {
      i++;
      const [l, r] = [left, unary()];
      left = () => bool(l(), 'and') && bool(r(), 'and');
    }
    return left;
  };
  const unary = (): Thunk => {
    if (peek('not') || peek('!')) {
      i++;
      const operand = unary();
      return () => !bool(operand(), 'not');
    }
    return comparison();
  };
  const comparison = (): Thunk => {
    const left = postfix();
    if (peek('==') || peek('!=')) {
      const negate = tokens[i++].text === '!=';
      const right = postfix();
      return () => equal(left(), right()) !== negate;
    }
    if (peek('in')) {
      i++;
      const right = postfix();
      return () => {
        const list = right();
        if (!Array.isArray(list)) throw new ExprError('`in` needs an array here');
        const value = left();
        return list.some((item) => equal(value, item));
      };
    }
    return left;
  };
  const postfix = (): Thunk => {
    let value = primary();
    while (peek('.') || peek('?.')) {
      const optional = tokens[i++].text === '?.';
      const name = tokens[i++];
      if (!name || name.kind !== 'id') throw new ExprError(`expected a field name in ${JSON.stringify(source)}`);
      const from = value;
      value = () => fetch(from(), name.text, optional);
    }
    return value;
  };
  const primary = (): Thunk => {
    const token = tokens[i++];
    if (!token) throw new ExprError(`unexpected end of ${JSON.stringify(source)}`);
    if (token.kind === 'str') return () => token.text;
    if (token.kind === 'id') {
      if (token.text === 'nil') return () => null;
      if (token.text === 'true' || token.text === 'false') return () => token.text === 'true';
      if (!(token.text in vars)) throw new ExprError(`unknown name ${token.text}`);
      return () => vars[token.text];
    }
    if (token.text === '(') {
      const inner = or();
      expect(')');
      return inner;
    }
    if (token.text === '[') {
      const items: Thunk[] = [];
      while (!peek(']')) {
        items.push(or());
        if (!peek(']')) expect(',');
      }
      i++;
      return () => items.map((item) => item());
    }
    throw new ExprError(`unsupported token ${token.text} in ${JSON.stringify(source)}`);
  };
  const program = or();
  if (i !== tokens.length) throw new ExprError(`unexpected ${tokens[i].text} in ${JSON.stringify(source)}`);
  return program();
}

function fetch(from: unknown, name: string, optional: boolean): unknown {
  if (from === null || from === undefined) {
    if (optional) return null;
    throw new ExprError(`cannot fetch ${name} from <nil>`);
  }
  if (typeof from !== 'object' || Array.isArray(from)) throw new ExprError(`cannot fetch ${name} from ${typeof from}`);
  const value = (from as Record<string, unknown>)[name];
  return value === undefined ? null : value;
}

function equal(a: unknown, b: unknown): boolean {
  if (a === null || b === null) return a === b;
  return typeof a === typeof b && a === b;
}
