import fc from 'fast-check';
import { stringify } from 'yaml';

/**
 * Mutations of a valid YAML input, for fuzzing: the parsed value changed at a random path (wrong
 * types, missing and extra keys, huge numbers, unicode, deep nesting), or the text itself changed
 * (YAML tags, anchors and aliases, merge keys, truncation, odd bytes).
 */

type Path = (string | number)[];

function paths(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(value)) {
    value.forEach((v, i) => paths(v, [...prefix, i], out));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  }
  return out;
}

function deep(depth: number): unknown {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { nested: v };
  return v;
}

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '../../etc/passwd',
    '/abs/path',
    '..',
    '.',
    'a/b',
    'ÜBER-€',
    '😀',
    '\u202e',
    'x'.repeat(300),
    'null',
    '~',
    'NaN',
    '0x1F',
    '1e309',
    '007',
  ),
  fc.integer(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, -1, 0, 1e308, -1e308, 0.5, 2 ** 53, 1e21),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string(), fc.integer()), { maxKeys: 4 }),
  fc.integer({ min: 10, max: 300 }).map(deep),
);

function setAt(
  root: unknown,
  path: Path,
  change: (parent: Record<string | number, unknown>, key: string | number) => void,
): unknown {
  const copy = structuredClone(root);
  if (path.length === 0) return copy;
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  change(parent, path[path.length - 1]);
  return copy;
}

/** A data-level mutation of `value`, serialized back to YAML. */
export function dataMutation(value: unknown): fc.Arbitrary<string> {
  const all = paths(value);
  return fc
    .tuple(
      fc.constantFrom(...all),
      fc.constantFrom('replace', 'delete', 'extra-key', 'replace-root'),
      hostileValue,
      fc.string({ minLength: 1, maxLength: 12 }),
    )
    .map(([path, op, replacement, key]) => {
      let mutated: unknown;
      if (op === 'replace-root') {
        mutated = replacement;
      } else if (op === 'replace') {
        mutated = path.length ? setAt(value, path, (p, k) => void (p[k] = replacement)) : replacement;
      } else if (op === 'delete') {
        mutated = setAt(value, path, (p, k) => {
          if (Array.isArray(p)) p.splice(Number(k), 1);
          else delete p[k];
        });
      } else {
        mutated = setAt(value, [...path, key], (p, k) => {
          if (p && typeof p === 'object' && !Array.isArray(p)) p[k] = replacement;
        });
      }
      return stringify(mutated, { aliasDuplicateObjects: false }) ?? '';
    });
}

const TEXT_EDITS = [
  (line: string) => line.replace(/: /, ': !!binary '),
  (line: string) => line.replace(/: /, ': !custom '),
  (line: string) => line.replace(/: /, ': !!python/object:os.system '),
  (line: string) => line.replace(/: (.+)$/, ': &anchor $1'),
  (line: string) => line.replace(/: .+$/, ': *anchor'),
  (line: string) => line.replace(/^(\s*)(\S)/, '$1<<: *anchor\n$1$2'),
  (line: string) => `${line}\n${line}`,
  (line: string) => line.replace(/^\s+/, ''),
  (line: string) => `\t${line}`,
  (line: string) => `${line} {`,
  (line: string) => `${line}\u0000`,
  (line: string) => `${line}\ufeff`,
  (line: string) => line.replace(/: /, ': "unterminated '),
  (line: string) => line.replace(/: /, ': ? '),
  (line: string) => `---\n${line}`,
];

/** A text-level mutation: one line edited, or the file truncated. */
export function textMutation(text: string): fc.Arbitrary<string> {
  const lines = text.split('\n');
  return fc.oneof(
    fc
      .tuple(fc.nat({ max: lines.length - 1 }), fc.nat({ max: TEXT_EDITS.length - 1 }))
      .map(([i, e]) => lines.map((line, j) => (j === i ? TEXT_EDITS[e](line) : line)).join('\n')),
    fc.nat({ max: text.length }).map((n) => text.slice(0, n)),
    fc
      .tuple(fc.nat({ max: text.length }), fc.string({ unit: 'binary', maxLength: 6 }))
      .map(([n, s]) => text.slice(0, n) + s + text.slice(n)),
  );
}

/** The fuzz seed: fixed so a failure reproduces, or FUZZ_SEED to explore. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261123);
