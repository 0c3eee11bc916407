import { cpSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { cleanupTemps, REPO, tempDir } from './support/fleet';
import { FUZZ_SEED } from './support/mutations';
import { renderedObjects } from './support/rendered-objects';
import { importSeedCorpus } from './support/seed-corpus';
import { emitPlainYaml, emitYaml, YAML_OPTIONS } from '../generator/render/yaml-emitter';

afterAll(cleanupTemps);

const yamlText = (value: unknown) => stringify(value, YAML_OPTIONS);

/** Every object gives yaml's text, on the fast path (no fallback to yaml). */
function expectSameAsYaml(objects: readonly unknown[]) {
  for (const object of objects) {
    const fast = emitPlainYaml(object);
    expect(fast, 'fell back to yaml').toBeDefined();
    expect(fast).toBe(yamlText(object));
  }
}

describe('emitYaml gives the text of yaml stringify', () => {
  it('for every object the example fleet renders', () => {
    const objects = renderedObjects(REPO);
    expect(objects.length).toBeGreaterThan(150);
    expectSameAsYaml(objects);
  });

  it('for every workload compiled from the seed recipe corpus, on both fixture clusters', () => {
    const root = tempDir('emitter-corpus-');
    cpSync(join(REPO, 'test', 'fixtures', 'recipe-corpus', 'clusters'), join(root, 'clusters'), { recursive: true });
    const imported = importSeedCorpus(root).imported.length;
    expect(imported).toBeGreaterThan(150);
    const objects = renderedObjects(root);
    expect(objects.length).toBeGreaterThan(imported);
    expectSameAsYaml(objects);
  });
});

const NASTY_PIECES = [
  ' ',
  '  ',
  '\n',
  '\n\n',
  '\t',
  '\r',
  ':',
  ': ',
  '#',
  ' #',
  '-',
  '- ',
  '?',
  '? ',
  '[',
  ']',
  '{',
  '}',
  ',',
  '&',
  '*',
  '!',
  '|',
  '>',
  "'",
  '"',
  '%',
  '@',
  '`',
  '\\',
  '/',
  '.',
  'e',
  'E',
  'x',
  'o',
  '+',
  '_',
  '~',
  '0',
  '1',
  '7',
  '9',
  'a',
  'Z',
  'é',
  '日本',
  '😀',
  '\u0000',
  '\u0007',
  '\u000b',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u2028',
  '\u2029',
  '\ud800',
  '\udc00',
  'true',
  'True',
  'FALSE',
  'null',
  'Null',
  'NULL',
  'NaN',
  '.nan',
  '.inf',
  '-.Inf',
  'yes',
  'no',
  'on',
  'off',
  'y',
  '1e3',
  '0x1F',
  '0o17',
  '1_000',
  '-0',
  '+12',
  '0.5',
  '.5',
  '5.',
  '---',
  '...',
  '%YAML',
  'some words here',
  'x'.repeat(30),
];
const nastyString = fc.oneof(
  { weight: 6, arbitrary: fc.array(fc.constantFrom(...NASTY_PIECES), { maxLength: 10 }).map((p) => p.join('')) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', '~', 'true', 'null', '1e3', '0x1F', '.inf', '1_000', 'yes', 'on', '12', '0.50', '-'),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  // multi-line text, as scripts and config files in ConfigMaps are: block scalars, their chomping and indentation
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.array(
          fc.constantFrom(
            '',
            ' ',
            '  indented',
            'line',
            'a: b',
            '# c',
            '- item',
            '\t',
            'end ',
            '"q"',
            "'s'",
            '---',
            '...',
            'x'.repeat(40),
          ),
          { minLength: 2, maxLength: 6 },
        ),
        fc.constantFrom('', '\n', '\n\n', ' ', '\n '),
      )
      .map(([lines, end]) => lines.join('\n') + end),
  },
);
const leaf = fc.oneof(nastyString, fc.double(), fc.integer(), fc.boolean(), fc.constant(null));
const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
  array: fc.array(fc.oneof(tie('tree'), fc.constant(undefined)), { maxLength: 4 }),
  object: fc.dictionary(
    nastyString,
    fc.oneof({ weight: 5, arbitrary: tie('tree') }, { weight: 1, arbitrary: fc.constant(undefined) }),
    { maxKeys: 5 },
  ),
}));
const documentValue = fc.oneof(fc.dictionary(nastyString, tree, { maxKeys: 6 }), fc.array(tree, { maxLength: 5 }));

describe(`emitYaml on random JSON-like trees (seed ${FUZZ_SEED})`, () => {
  it('gives the text of yaml stringify, on the fast path', () => {
    fc.assert(
      fc.property(documentValue, (value) => {
        const fast = emitPlainYaml(value);
        return fast !== undefined && fast === yamlText(value);
      }),
      { seed: FUZZ_SEED, numRuns: 5000 },
    );
  });
});

describe('emitYaml on cases yaml treats specially', () => {
  const cases: [string, unknown, string][] = [
    [
      'strings that read as other types are quoted; 1.1-only ones stay plain',
      {
        a: [
          'true',
          'Null',
          '~',
          '',
          '12',
          '+1',
          '0x1F',
          '0o17',
          '1e3',
          '.5',
          '.inf',
          '.NaN',
          '1_000',
          'yes',
          'on',
          '0b11',
        ],
      },
      'a:\n  - "true"\n  - "Null"\n  - "~"\n  - ""\n  - "12"\n  - "+1"\n  - "0x1F"\n  - "0o17"\n ' +
        ' - "1e3"\n  - ".5"\n  - ".inf"\n  - ".NaN"\n  - 1_000\n  - yes\n  - on\n  - 0b11\n',
    ],
    [
      'numbers',
      { n: [0, -0, 0.5, 1e21, -1.5e-7, 2 ** 53 + 2, NaN, -Infinity] },
      'n:\n  - 0\n  - -0\n  - 0.5\n  - 1e+21\n  - -1.5e-7\n  - 9007199254740994\n  - .nan\n  - -.inf\n',
    ],
    [
      'indicators, spaces, quotes and control characters pick the quoting style',
      {
        s: [
          '- a',
          '-a',
          ': a',
          'a:',
          'a: b',
          'a #b',
          'a#b',
          ' lead',
          'trail ',
          '"x',
          "'x",
          `a"b`,
          `a"b'c`,
          '@x',
          '%x',
          'a\tb',
          'a\u0001b',
          'a\u0085b',
        ],
      },
      's:\n  - "- a"\n  - -a\n  - ": a"\n  - "a:"\n  - "a: b"\n  - "a #b"\n  ' +
        '- a#b\n  - " lead"\n  - "trail "\n  - \'"x\'\n  - "\'x"\n  - a"b\n  ' +
        '- a"b\'c\n  - "@x"\n  - "%x"\n  - a\tb\n  - "a\\x01b"\n  - "a\u0085b"\n',
    ],
    [
      'block scalars: chomping, indentation indicator, nesting depth',
      { a: { b: ['x\ny', 'x\ny\n', 'x\n\n', '  lead\nx', '\nfirst empty'] } },
      'a:\n  b:\n    - |-\n      x\n      y\n    - |\n      x\n      y\n    - |+\n    ' +
        '  x\n\n    - |2-\n        lead\n      x\n    - |-\n      \n      first empty\n',
    ],
    [
      'a multi-line string ending in spaces, or keyed, is double-quoted; long ones fold their line breaks',
      { 'k\ney': 'short\n  ', long: 'a long first line of text that is long\n second\n\nthird \nend  \n\t' },
      '"k\\ney": "short\\n  "\nlong: "a long first line of text that ' +
        'is long\n\n  \\ second\n\n\n  third\\ \n\n  end \\ \n\n  \\t"\n',
    ],
    [
      'a document marker quotes a top-level key only',
      { '---x': { '---y': '...z', '%a': 1 } },
      '"---x":\n  ---y: ...z\n  "%a": 1\n',
    ],
    [
      'empty and nested collections',
      { e: {}, f: [], g: [[], {}, ['a', ['b']], { c: 1, d: [{}] }], h: [undefined, null] },
      'e: {}\nf: []\ng:\n  - []\n  - {}\n  - - a\n    - - b\n  - c: 1\n    d:\n      - {}\nh:\n  - null\n  - null\n',
    ],
    ['undefined-valued keys are skipped', { a: undefined, b: { c: undefined } }, 'b: {}\n'],
  ];
  for (const [name, value, text] of cases) {
    it(name, () => {
      expect(yamlText(value)).toBe(text); // the expectation is yaml's own behaviour ...
      expect(emitPlainYaml(value)).toBe(text); // ... and the fast path gives it
    });
  }

  it('a key over 1024 characters becomes an explicit key', () => {
    const key = 'k'.repeat(1100);
    const value = { [key]: { a: 1 }, [`${key}2`]: 'v', [`${key}3`]: [] };
    expect(emitPlainYaml(value)).toBe(yamlText(value));
    expect(emitPlainYaml(value)).toMatch(/^\? k+\n: a: 1\n/);
  });

  it('data that is not plain JSON goes to yaml itself', () => {
    class Box {
      constructor(readonly size = 1) {}
    }
    for (const value of [
      { m: new Map([['a', 1]]) },
      { d: new Date(0) },
      { b: new Box() },
      { n: 10n },
      { j: { toJSON: () => 'x' } },
      'top-level string',
      42,
    ]) {
      expect(emitPlainYaml(value)).toBeUndefined();
      expect(emitYaml(value)).toBe(yamlText(value));
    }
  });
});
