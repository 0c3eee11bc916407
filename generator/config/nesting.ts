import type { Problem } from './problems';

/**
 * How deep mappings and sequences may nest in a hand-written input (the top-level mapping is 1). Far above what a
 * person writes (the example fleet's inputs and the seed recipes go 7 deep), far below where the parsers' recursion
 * overflows the stack (a few thousand levels in `yaml`'s composer). The one limit of the parser's gate
 * (yaml-source.ts), js-yaml's fast path (yaml-fast-parse.ts) and the secret scan's walk of the parsed data
 * (secrets.ts): what is parsed is scanned whole.
 */
export const MAX_NESTING = 64;

export function nestedTooDeep(file: string, line: number | undefined): Problem {
  return { file, line, field: '', message: `nested too deep (limit ${MAX_NESTING})` };
}
