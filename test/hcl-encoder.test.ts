import { parse } from '@cdktf/hcl2json';
import { describe, expect, it } from 'vitest';
import { expression, hclKey, hclString, hclValue, type HclValue } from '../generator/infra/hcl';

/** What hcl2json gives back for a string literal: template sequences stay escaped (`$${`, `%%{`). */
const asParsed = (text: string) => text.replace(/([$%])\{/g, (_, c: string) => `${c}${c}{`);

async function roundTrip(value: HclValue): Promise<unknown> {
  const parsed = (await parse('test.hcl', `value = ${hclValue(value)}\n`)) as Record<string, unknown>;
  expect(Object.keys(parsed)).toEqual(['value']);
  return parsed.value;
}

describe('the HCL value encoder', () => {
  it('quotes and escapes strings so that they parse back to the same text', async () => {
    const hostile = [
      'plain',
      'say "hi"',
      'C:\\path\\to',
      'two\nlines\r\n\ttabbed',
      '${var.secret} and %{ if true }x%{ endif }',
      '$$ and %% and $ { not a template',
      '"}\ninjected = true\n#',
      'bell\u0007 and delete\u007f',
      'unicode: grüße, 東京, 🚀',
    ];
    for (const text of hostile) expect(await roundTrip(text), JSON.stringify(text)).toBe(asParsed(text));
    expect(hclString('${x}')).toBe('"$${x}"');
    expect(hclString('%{x}')).toBe('"%%{x}"');
    expect(hclString('a"b\\c\n')).toBe('"a\\"b\\\\c\\n"');
  });

  it('writes identifiers as bare keys and quotes every other key', () => {
    expect(hclKey('vpc_id')).toBe('vpc_id');
    expect(hclKey('us-east-1a')).toBe('us-east-1a');
    expect(hclKey('karpenter.sh/discovery')).toBe('"karpenter.sh/discovery"');
    expect(hclKey('1st')).toBe('"1st"');
    expect(hclKey('true')).toBe('"true"');
    expect(hclKey('has space')).toBe('"has space"');
    expect(hclKey('${x}')).toBe('"$${x}"');
  });

  it('keeps keys, scalars, lists and nested objects intact through a parse', async () => {
    const value = {
      name: 'prod',
      count: 3,
      ratio: 0.25,
      on: true,
      off: false,
      none: null,
      empty_list: [],
      empty_map: {},
      zones: ['us-east-1a', 'us-east-1b'],
      'karpenter.sh/discovery': 'prod',
      true: 'a key that is a keyword',
      nested: {
        rules: [
          { from_port: 988, self: true },
          { from_port: 1018, cidr: '10.0.0.0/16' },
        ],
      },
    };
    expect(await roundTrip(value)).toEqual(value);
  });

  it('writes expressions verbatim and drops undefined entries', async () => {
    const value = {
      id: expression('dependency.network.outputs.vpc_id'),
      arn: expression('"${dependency.b.outputs.arn}/*"'),
      skipped: undefined,
    };
    expect(hclValue(value)).toBe(
      '{\n  id  = dependency.network.outputs.vpc_id\n  arn = "${dependency.b.outputs.arn}/*"\n}',
    );
    expect(await roundTrip(value)).toEqual({
      id: '${dependency.network.outputs.vpc_id}',
      arn: '${dependency.b.outputs.arn}/*',
    });
  });

  it('lays out nested values under the line they start on, keys aligned', () => {
    const value = { a: 1, longer_key: { inner: ['x', 'y'] }, list: [{ k: 'v' }] };
    expect(hclValue(value, 1)).toBe(
      [
        '{',
        '    a          = 1',
        '    longer_key = {',
        '      inner = ["x", "y"]',
        '    }',
        '    list       = [',
        '      {',
        '        k = "v"',
        '      },',
        '    ]',
        '  }',
      ].join('\n'),
    );
    const long = Array.from({ length: 12 }, (_, i) => `subnet-000000000${i}`);
    expect(hclValue(long).split('\n')).toHaveLength(14);
  });

  it('refuses numbers that HCL cannot write', () => {
    expect(() => hclValue(Number.NaN)).toThrow(/no HCL form/);
    expect(() => hclValue(Number.POSITIVE_INFINITY)).toThrow(/no HCL form/);
  });
});
