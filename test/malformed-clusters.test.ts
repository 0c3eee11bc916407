import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTemps, projectCopy, REPO, runProjen, snapshotTree, writeFile } from './support/fleet';

afterAll(cleanupTemps);

const CORPUS = join(REPO, 'test', 'fixtures', 'malformed-clusters');
const TARGET = 'clusters/prod-use1/cluster.yaml';

interface Case {
  readonly name: string;
  readonly content: string | Buffer;
  readonly expected: string[];
}

const corpus: Case[] = readdirSync(CORPUS)
  .sort()
  .map((name) => ({
    name,
    content: readFileSync(join(CORPUS, name, 'cluster.yaml')),
    expected: readFileSync(join(CORPUS, name, 'expected.txt'), 'utf-8')
      .trim()
      .split('\n'),
  }));

// too large or not text, so made here rather than committed
const valid = readFileSync(join(REPO, TARGET), 'utf-8');
const generated: Case[] = [
  {
    name: 'five-megabytes',
    content: `${valid}#${'x'.repeat(5 * 1024 * 1024 - valid.length - 2)}\n`,
    expected: [`${TARGET}: is 5.0 MiB; an input file may be at most 1.0 MiB`],
  },
  {
    name: 'not-utf8',
    content: Buffer.concat([
      Buffer.from(valid.slice(0, 40)),
      Buffer.from([0xff, 0xfe, 0xc3, 0x28]),
      Buffer.from(valid.slice(40)),
    ]),
    expected: [`${TARGET}: is not valid UTF-8 text`],
  },
];

describe('malformed cluster.yaml files', () => {
  it('the corpus holds at least 20 cases', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(20);
  });

  // each case is a real `npx projen` in its own copy of the project; two at a time for the two cores
  it.concurrent.each([...corpus, ...generated].map((c) => [c.name, c] as const))(
    '%s: the expected message, a non-zero exit, an unchanged tree',
    async (_name, c) => {
      const root = projectCopy();
      writeFile(root, TARGET, c.content);
      const before = snapshotTree(root);
      const result = await runProjen(root);
      expect(result.code).not.toBe(0);
      const messages = result.stderr.split('\n').filter((line) => line.startsWith('clusters/'));
      expect(messages).toEqual(c.expected);
      expect(result.stderr).toContain('nothing was written');
      expect(result.stderr + result.stdout).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m); // no stack trace
      expect(snapshotTree(root)).toEqual(before);
    },
  );
});
