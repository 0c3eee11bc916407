import { LuaEngine, LuaFactory, LuaLibraries, type LuaWasm } from 'wasmoon';

/**
 * Runs Argo CD health scripts in a real Lua VM (wasmoon: Lua 5.4 compiled to WebAssembly), set up the way Argo CD
 * v3.4.4 runs them (util/lua/lua.go, runLuaWithResourceActionParameters and ExecuteHealthLua): a fresh state per
 * run with only the base, table and package libraries (no string, math, io or debug library, so no string
 * methods either), the resource as the global `obj`, and the table the script returns read as
 * `{ status, message }`, a status outside the six codes read as Unknown.
 *
 * Argo CD's gopher-lua is Lua 5.1; `lua51Problems` rejects what 5.4 accepts and 5.1 does not.
 */

export const HEALTH_CODES = ['Healthy', 'Progressing', 'Degraded', 'Suspended', 'Missing', 'Unknown'] as const;
export type HealthCode = (typeof HEALTH_CODES)[number];
export interface HealthResult {
  readonly status: HealthCode;
  readonly message?: string;
}

export interface HealthVm {
  /** Runs `script` on `obj`; throws the Lua error like Argo CD (which then reports the resource Unknown). */
  run(script: string, obj: unknown): HealthResult;
}

let module: Promise<LuaWasm> | undefined;

export async function healthVm(): Promise<HealthVm> {
  module ??= new LuaFactory().getLuaModule();
  const lua = await module;
  return {
    run(script, obj) {
      const engine = new LuaEngine(lua, { openStandardLibs: false, injectObjects: false });
      try {
        for (const library of [LuaLibraries.Package, LuaLibraries.Base, LuaLibraries.Table]) {
          engine.global.loadLibrary(library);
        }
        engine.doStringSync(`obj = ${toLua(obj)}`);
        const result: unknown = engine.doStringSync(script);
        if (result === undefined || result === null) return { status: 'Unknown', message: 'the script returned nil' };
        if (typeof result !== 'object') throw new Error(`expect table output from Lua script, not ${typeof result}`);
        const { status, message } = result as { status?: unknown; message?: unknown };
        if (typeof status !== 'string' || !(HEALTH_CODES as readonly string[]).includes(status)) {
          return { status: 'Unknown', message: 'Lua returned an invalid health status' };
        }
        return message === undefined
          ? { status: status as HealthCode }
          : { status: status as HealthCode, message: String(message) };
      } finally {
        engine.global.close();
      }
    },
  };
}

/**
 * A JSON value as a Lua expression, as gopher-json decodes it for Argo CD: objects and arrays become tables
 * (arrays from index 1, in order), null becomes nil. Whole numbers are written as integers so that `tostring` prints
 * them as gopher-lua prints its float64 numbers ("3", not "3.0").
 */
export function toLua(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`not a JSON number: ${value}`);
    return Number.isInteger(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER
      ? String(value)
      : value.toExponential();
  }
  if (typeof value === 'string') return luaString(value);
  // positional, so that the items are in the table's array part and `pairs` visits them in order, as gopher-lua
  if (Array.isArray(value)) return `{${value.map((v) => toLua(v)).join(',')}}`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `[${luaString(k)}]=${toLua(v)}`)
      .join(',')}}`;
  }
  throw new Error(`not a JSON value: ${typeof value}`);
}

function luaString(text: string): string {
  let out = '"';
  for (const byte of Buffer.from(text, 'utf-8')) {
    if (byte === 0x22) out += '\\"';
    else if (byte === 0x5c) out += '\\\\';
    else if (byte < 0x20 || byte >= 0x7f) out += `\\${String(byte).padStart(3, '0')}`;
    else out += String.fromCharCode(byte);
  }
  return `${out}"`;
}

/** The script without comments, and with every string literal replaced by `""`. */
export function luaCode(script: string): string {
  let out = '';
  let i = 0;
  const longBracket = (at: number): number | undefined => {
    const m = /^\[(=*)\[/.exec(script.slice(at));
    if (!m) return undefined;
    const close = script.indexOf(`]${m[1]}]`, at + m[0].length);
    if (close < 0) throw new Error('unfinished long bracket');
    return close + m[1].length + 2;
  };
  while (i < script.length) {
    if (script.startsWith('--', i)) {
      const end = longBracket(i + 2);
      if (end !== undefined) {
        i = end;
      } else {
        const nl = script.indexOf('\n', i);
        i = nl < 0 ? script.length : nl;
      }
      out += ' ';
      continue;
    }
    const ch = script[i];
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      while (j < script.length && script[j] !== ch) {
        if (script[j] === '\n') throw new Error('unfinished string');
        j += script[j] === '\\' ? 2 : 1;
      }
      out += '""';
      i = j + 1;
      continue;
    }
    if (ch === '[') {
      const end = longBracket(i);
      if (end !== undefined) {
        out += '""';
        i = end;
        continue;
      }
    }
    out += ch;
    i++;
  }
  return out;
}

/**
 * What a script uses that Argo CD's Lua (gopher-lua, Lua 5.1, base and table libraries, a safe os) lacks but Lua
 * 5.4 accepts: goto and labels, integer division, bitwise operators, attributes, and the libraries and base
 * functions Argo CD does not open or 5.1 does not have; method calls, which on a string need the string library.
 */
export function lua51Problems(script: string): string[] {
  const code = luaCode(script);
  const problems: string[] = [];
  const rules: [RegExp, string][] = [
    [/\bgoto\b/, 'goto (Lua 5.2)'],
    [/::/, 'a label (Lua 5.2)'],
    [/\/\//, 'integer division // (Lua 5.3)'],
    [/[&|]|<<|>>|~(?!=)/, 'a bitwise operator (Lua 5.3)'],
    [/<\s*(const|close)\s*>/, 'a variable attribute (Lua 5.4)'],
    [
      new RegExp(
        String.raw`(?<![.\w])(string|math|io|debug|utf8|coroutine|os|require|load|loadstring|loadfile|dofile|` +
          String.raw`rawlen|warn|setfenv|getfenv|unpack|module)\b`,
      ),
      'a library or function outside the base and table libraries (the only ones the scripts may rely on)',
    ],
    [/[\w)\]]\s*:\s*[A-Za-z_]\w*\s*[("{]/, 'a method call (strings have no methods without the string library)'],
  ];
  for (const [pattern, what] of rules) {
    const m = pattern.exec(code);
    if (m) problems.push(`${what}: ${JSON.stringify(m[0])}`);
  }
  return problems;
}
