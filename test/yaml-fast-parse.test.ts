import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REPO } from './support/fleet';
import { FUZZ_SEED } from './support/mutations';
import { fastParseYaml } from '../generator/config/yaml-fast-parse';
import { parseYamlText, parseYamlTextWithYaml, type ReadYamlResult } from '../generator/config/yaml-source';

const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);

function yamlFilesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...yamlFilesUnder(path));
    else if (/\.ya?ml$/.test(name)) found.push(path);
  }
  return found;
}

/** Every path to a value in the data, containers included. */
function pathsOf(value: unknown, prefix: PropertyKey[] = []): PropertyKey[][] {
  const paths = [prefix];
  if (Array.isArray(value)) {
    value.forEach((item, i) => paths.push(...pathsOf(item, [...prefix, i])));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...prefix, key]));
  }
  return paths;
}

/** What a parse gives, in a form toStrictEqual compares (-0 and NaN included). */
function outcome(result: ReadYamlResult) {
  return result.ok ? { ok: true, data: result.source.data } : { ok: false, problems: result.problems };
}

function expectSameAsYaml(text: string, file: string) {
  const fast = parseYamlText(text, file);
  const slow = parseYamlTextWithYaml(text, file);
  expect(outcome(fast)).toStrictEqual(outcome(slow));
  if (fast.ok && slow.ok) {
    for (const path of pathsOf(slow.source.data)) {
      expect(fast.source.lineOf(path), path.join('.')).toBe(slow.source.lineOf(path));
    }
  }
}

describe('the fast YAML parse gives what `yaml` gives', () => {
  const inputs = [
    ...['clusters', 'recipes', 'apps'].flatMap((dir) => yamlFilesUnder(join(REPO, dir))),
    ...yamlFilesUnder(join(REPO, 'test', 'fixtures', 'seed-recipes')),
    ...['malformed-clusters', 'malformed-recipes', 'recipe-corpus'].flatMap((dir) =>
      yamlFilesUnder(join(REPO, 'test', 'fixtures', dir)),
    ),
  ];

  it(
    'on every YAML input of the repository, the seed corpus ' +
      'and the malformed fixtures (ok, problems, data, lines)',
    () => {
      expect(inputs.length).toBeGreaterThan(150);
      let fast = 0;
      for (const path of inputs) {
        const text = readFileSync(path, 'utf-8');
        expectSameAsYaml(text, relative(REPO, path));
        if (fastParseYaml(text)) fast++;
      }
      // the fast path is taken for the well-formed inputs, not only the trivial ones
      expect(fast).toBeGreaterThan(inputs.length / 2);
    },
  );

  it('takes the fast path for recipe scripts full of &&, *, ! and #!', () => {
    const text = [
      'name: x',
      'pre_script:',
      '  - cd /fsx && ls *.bin && echo "done!"',
      '  - test ! -f /tmp/a || rm -f /tmp/a # a comment',
      'script: |',
      '  #!/bin/bash',
      '  set -euo pipefail && echo *ok* &amp; !done',
      'args: [\'--lr=1e-4\', "--x=*", &notanchor-in-quotes]',
    ]
      .join('\n')
      .replace(', &notanchor-in-quotes', ', "&notanchor"');
    expect(fastParseYaml(text)).toBeDefined();
    expectSameAsYaml(text, 'recipes/x.yaml');
  });

  it.each([
    ['an anchor and an alias', 'a: &x 1\nb: *x\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a local tag', 'a: !ref x\n'],
    ['a non-specific tag', 'a: ! 1\n'],
    ['a verbatim tag', 'a: !<tag:fast-parse,core-plain-scalar> 1\n'],
    ['a directive', '%YAML 1.2\n---\na: 1\n'],
    ['several documents', 'a: 1\n---\nb: 2\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a merge key', 'a: {x: 1}\n<<: {y: 2}\n'],
    ['a null key', '~: 1\n'],
    ['an explicit key', '? [a, b]\n: c\n'],
    ['a flow collection as a key', '[a, b]: c\n'],
    ['a quoted scalar continued on the next line', 'a: "x\n  y"\n'],
    ['a flow collection over several lines', 'a: [x,\n  y]\n'],
    ['a comment right after a quoted scalar', 'a: "x"#c\n'],
    ['only comments', '# nothing\n'],
    ['a tab in the indentation', 'a:\n\t\nb: 2\n'],
    ['an empty block sequence entry before a less indented one', 'a:\n-\n  -\n- x\n'],
    ['a blank unterminated last line after a keeping block scalar', 'a: |+\n  x\n '],
  ])('falls back to `yaml` for %s', (_what, text) => {
    expect(fastParseYaml(text)).toBeUndefined();
    expectSameAsYaml(text, 'recipes/x.yaml');
  });

  it(`agrees with \`yaml\` on generated recipe-like texts (seed ${FUZZ_SEED}, ${RUNS} runs)`, () => {
    const counts = { fast: 0, slow: 0 };
    fc.assert(
      fc.property(yamlText(), (text) => {
        if (fastParseYaml(text)) counts.fast++;
        else counts.slow++;
        const fast = parseYamlText(text, 'recipes/x.yaml');
        const slow = parseYamlTextWithYaml(text, 'recipes/x.yaml');
        expect(outcome(fast)).toStrictEqual(outcome(slow));
      }),
      { seed: FUZZ_SEED, numRuns: RUNS },
    );
    // both paths are exercised
    expect(counts.fast).toBeGreaterThan(RUNS / 10);
    expect(counts.slow).toBeGreaterThan(RUNS / 20);
  });
});

/** Plain scalars that some schema reads as something other than a string. */
const NASTY_PLAIN = [
  '0',
  '-0',
  '+1',
  '+12',
  '007',
  '1_000',
  '0o17',
  '0o8',
  '0O17',
  '0x1F',
  '0X1F',
  '0xg',
  '0b101',
  '1.',
  '.5',
  '-.5',
  '+.5',
  '1.0',
  '1.50',
  '1e3',
  '1E3',
  '1e+3',
  '1.5e-3',
  '.5e1',
  '1.e2',
  '1e',
  'e3',
  '.inf',
  '-.inf',
  '+.inf',
  '.Inf',
  '.INF',
  '.iNf',
  'inf',
  '.nan',
  '.NaN',
  '.NAN',
  '.nAn',
  'nan',
  '~',
  'null',
  'Null',
  'NULL',
  'nULL',
  'true',
  'True',
  'TRUE',
  'tRUE',
  'false',
  'False',
  'FALSE',
  'yes',
  'Yes',
  'no',
  'No',
  'on',
  'On',
  'off',
  'OFF',
  'y',
  'n',
  '2001-12-14',
  '2001-12-14t21:59:43.10-05:00',
  '12:30:45',
  '1:20',
  '190:20:30',
  '=',
  '<<',
  '-',
  '--',
  '1,000',
  '$1',
  '0.0.1',
  '1.2.3',
  'v1',
  '3.14159265358979323846',
  '123456789012345678901234567890',
  '0x',
  '0o',
  '.',
  '+',
  '-1_0',
  'a b',
  'a#b',
  'x:y',
  'http://e.com/a?b=c#d',
  'a&b',
  'a*b',
  'a!b',
  'cd /x && ls *.bin',
  'echo hi!',
  "it's",
  'a]',
  'a}',
  'a,b',
  'q?',
];

/**
 * Texts that cannot stand as a plain scalar (some can in a block context): written plain now and then, mostly quoted.
 */
const INDICATORS = [
  'a: b',
  '@at',
  '`tick',
  '%pct',
  '&anchor',
  '*alias',
  '!tag',
  '|pipe',
  '>gt',
  '? q',
  ': c',
  '- d',
  '#c',
  '"dq',
  "'sq",
  '{a',
  '[a',
  '',
  ' lead',
  'trail ',
  'a #b',
];

const WORDS = [
  'name',
  'image',
  'script',
  'args',
  'env',
  'nodes',
  'lr',
  'tags',
  'x-y',
  'a.b',
  '1',
  '0x10',
  'true',
  '~',
  '"quoted"',
  "'single'",
];

function scalarText(): fc.Arbitrary<string> {
  const plain = fc.constantFrom(...NASTY_PLAIN);
  const indicator = fc.constantFrom(...INDICATORS);
  const anyText = fc.string({
    unit: fc.constantFrom(
      'a',
      'b',
      ' ',
      '\\',
      '"',
      "'",
      '#',
      ':',
      '&',
      '*',
      '!',
      '\t',
      'é',
      '1',
      '.',
      'x',
      'n',
      'u',
      '0',
    ),
    maxLength: 8,
  });
  return fc.oneof(
    { weight: 12, arbitrary: plain },
    { weight: 3, arbitrary: fc.oneof(plain, indicator).map((s) => JSON.stringify(s)) },
    { weight: 3, arbitrary: fc.oneof(plain, indicator).map((s) => `'${s.replace(/'/g, "''")}'`) },
    { weight: 1, arbitrary: indicator },
    { weight: 2, arbitrary: anyText.map((s) => `"${s}"`) },
    { weight: 1, arbitrary: anyText.map((s) => `'${s}'`) },
    { weight: 1, arbitrary: anyText },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '"\\x41\\u00e9\\U0001F600\\N\\_\\L\\P\\/\\ \\t\\0"',
        '"a\\\n  b"',
        '"\\q"',
        "'a''b'",
        '""',
        "''",
      ),
    },
  );
}

function blockScalar(indent: string): fc.Arbitrary<string> {
  const header = fc
    .tuple(
      fc.constantFrom('|', '>'),
      fc.constantFrom('', '-', '+'),
      fc.constantFrom('', '1', '2', '4'),
      fc.boolean(),
      fc.constantFrom('', '', '', ' # c', '#c'),
    )
    .map(
      ([style, chomp, width, widthFirst, comment]) => `${style}${widthFirst ? width + chomp : chomp + width}${comment}`,
    );
  const line = fc.constantFrom(
    '#!/bin/bash',
    'set -e && echo *',
    '  indented more',
    '',
    'a: b',
    '- item',
    '"q"',
    '&x *y !z',
    '\t tab',
    'text  ',
    '---',
    '...',
    'SPACES1',
    'SPACES4',
    'SPACES8',
  );
  return fc
    .tuple(header, fc.array(line, { maxLength: 5 }), fc.constantFrom('', '\n', '\n\n'))
    .map(([h, lines, trail]) => {
      const body = lines.map((l) =>
        l === '' ? '' : l.startsWith('SPACES') ? ' '.repeat(Number(l.slice(6))) : `${indent}  ${l}`,
      );
      return `${h}\n${body.join('\n')}${trail}`;
    });
}

function flowCollection(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.array(scalarText(), { maxLength: 4 }).map((items) => `[${items.join(', ')}]`),
    fc
      .array(fc.tuple(fc.constantFrom(...WORDS), scalarText()), { maxLength: 3 })
      .map((pairs) => `{${pairs.map(([k, v]) => `${k}: ${v}`).join(', ')}}`),
    fc.constantFrom('[]', '{}', '[a, [b, {c: d}]]', '[a: b]', '{a, b: c}', '[ ]', '[a,]', '{a: }'),
  );
}

/** A value at some indentation: a scalar, a flow or block collection, or a block scalar. */
function valueText(indent: string, depth: number): fc.Arbitrary<string> {
  const choices: fc.WeightedArbitrary<string>[] = [
    { weight: 6, arbitrary: scalarText().map((s) => ` ${s}`) },
    { weight: 1, arbitrary: fc.constant('') },
    { weight: 2, arbitrary: flowCollection().map((s) => ` ${s}`) },
    { weight: 2, arbitrary: blockScalar(indent).map((s) => ` ${s}`) },
  ];
  // a plain scalar continued on more lines, some blank, some under-indented
  choices.push({
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...NASTY_PLAIN),
        fc.array(
          fc.tuple(
            fc.constantFrom('', ' ', '  ', '    ', '\t'),
            fc.constantFrom('more', '1', 'x: y', '# c', '- z', ''),
          ),
          { minLength: 1, maxLength: 3 },
        ),
      )
      .map(([head, rest]) => ` ${head}${rest.map(([pad, word]) => `\n${word ? indent + pad + word : pad}`).join('')}`),
  });
  if (depth < 2) {
    choices.push({ weight: 2, arbitrary: mappingText(`${indent}  `, depth + 1).map((m) => `\n${m}`) });
    // a mapping or a sequence as a sequence entry on the entry's line
    choices.push({
      weight: 1,
      arbitrary: fc
        .tuple(mappingText(`${indent}  `, depth + 1), fc.constantFrom('- ', '- - ', '-   '))
        .map(([m, dash]) => `\n${indent}${dash}${m.trimStart()}`),
    });
    choices.push({
      weight: 2,
      arbitrary: fc
        .array(valueText(`${indent}  `, depth + 1), { minLength: 1, maxLength: 3 })
        .map((items) => `\n${items.map((v) => `${indent}-${v}`).join('\n')}`),
    });
  }
  return fc.oneof(...choices);
}

function mappingText(indent: string, depth: number): fc.Arbitrary<string> {
  const entry = fc.tuple(
    fc.constantFrom(...WORDS),
    valueText(indent, depth),
    fc.constantFrom('', '', '', '', ' # note', '  #: x', '\t', '\t# t', ' \t'),
  );
  return fc
    .uniqueArray(entry, { minLength: 1, maxLength: 5, selector: ([key]) => key })
    .map((entries) =>
      entries.map(([k, v, comment]) => `${indent}${k}:${v}${v.includes('\n') || v === '' ? '' : comment}`).join('\n'),
    );
}

/** Recipe-like texts, now and then with a construct the fast path must refuse spliced in. */
function yamlText(): fc.Arbitrary<string> {
  const injection = fc.constantFrom(
    'anchor: &a [1, 2]\nalias: *a',
    'tagged: !!str 5',
    'local: !x y',
    'dup: 1\ndup: 2',
    '---',
    '--- # doc',
    '...',
    '<<: {m: 1}',
    '? k\n: v',
    '[k]: v',
    '~: v',
    '%TAG ! tag:x,2000:',
    'multi: "a\nb"',
    'flow: [a,\nb]',
    'q: "x"#c',
    'bad: [',
    'tab:\t1',
    '\tx: 1',
    'k: v: w',
    'e: "\\q"',
    'nul: "\u0000"',
  );
  const maybeInjection = fc.oneof({ weight: 7, arbitrary: fc.constant(null) }, { weight: 3, arbitrary: injection });
  const start = fc.constantFrom(
    '',
    '',
    '',
    '---\n',
    '--- # doc\n',
    '# header\n\n',
    '\ufeff',
    '\n  # indented comment\n',
  );
  const end = fc.constantFrom('', '', '', '...\n', '# trailer\n', '\n\n');
  const blankLine = fc.option(fc.constantFrom('', ' ', '\t', '  \t ', '   # c', '\t# c'), { nil: null });
  return fc
    .tuple(
      mappingText('', 0),
      maybeInjection,
      fc.nat(),
      fc.constantFrom('', '\n', '\r\n'),
      start,
      end,
      blankLine,
      fc.nat(),
    )
    .map(([body, inject, at, eol, first, last, blank, blankAt]) => {
      const lines = body.split('\n');
      if (inject !== null) lines.splice(at % (lines.length + 1), 0, ...inject.split('\n'));
      if (blank !== null) lines.splice(blankAt % (lines.length + 1), 0, blank);
      const text = lines.join(eol === '\r\n' ? '\r\n' : '\n') + eol;
      return first + text + last;
    });
}
