import {
  cpSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  cleanupTemps,
  exampleInputs,
  lineOf,
  REPO,
  regenerate,
  snapshotTree,
  tempDir,
  writeFile,
} from './support/fleet';

afterAll(cleanupTemps);

/** Runs a regenerate that must be refused: the problems, and proof that nothing was written anywhere. */
function refused(root: string, outside?: string) {
  const before = snapshotTree(root);
  const outsideBefore = outside ? readdirSync(outside) : [];
  const result = regenerate(root);
  expect(result.ok).toBe(false);
  expect(snapshotTree(root)).toEqual(before);
  if (outside) expect(readdirSync(outside)).toEqual(outsideBefore);
  return result.ok
    ? []
    : result.problems.map(
        (p) => `${p.file}${p.line ? `:${p.line}` : ''}: ${p.field ? `${p.field}: ` : ''}${p.message}`,
      );
}

describe('hostile inputs are refused with a clear message and nothing written', () => {
  it('a 50 MB cluster file (refused before it is read)', () => {
    const root = exampleInputs();
    truncateSync(join(root, 'clusters/dev-usw2/cluster.yaml'), 50 * 1024 * 1024);
    expect(refused(root)).toEqual([
      'clusters/dev-usw2/cluster.yaml: is 50.0 MiB; an input file may be at most 1.0 MiB',
    ]);
  });

  it('a cluster file that is a symbolic link to a file outside the repository', () => {
    const root = exampleInputs();
    const outside = tempDir('outside-');
    writeFileSync(join(outside, 'secret.yaml'), 'name: dev-usw2\n');
    const file = join(root, 'clusters/dev-usw2/cluster.yaml');
    rmSync(file);
    symlinkSync(join(outside, 'secret.yaml'), file);
    expect(refused(root, outside)).toEqual([
      'clusters/dev-usw2/cluster.yaml: is a symbolic link; input files must be regular files inside the repository',
    ]);
  });

  it('a cluster folder that is a symbolic link', () => {
    const root = exampleInputs();
    const outside = tempDir('outside-');
    mkdirSync(join(outside, 'evil'));
    writeFileSync(join(outside, 'evil', 'cluster.yaml'), 'name: evil\n');
    symlinkSync(join(outside, 'evil'), join(root, 'clusters/evil'));
    expect(refused(root, outside)).toEqual([
      'clusters/evil: is a symbolic link; a cluster folder must be a plain folder inside the repository',
    ]);
  });

  it('a symbolic link inside an output folder, pointing outside: no write goes through it', () => {
    const root = exampleInputs();
    regenerate(root);
    const outside = tempDir('outside-');
    rmSync(join(root, 'clusters/dev-usw2/platform'), { recursive: true });
    symlinkSync(outside, join(root, 'clusters/dev-usw2/platform'));
    expect(refused(root, outside)).toEqual([
      'clusters/dev-usw2/platform: is a symbolic link inside an output folder; the generator ' +
        'neither writes nor deletes through links: replace it with a plain folder or file',
    ]);
  });

  it('names that would escape their folder: the cluster name must be the folder name and a DNS label', () => {
    for (const [name, expected] of [
      ['../x', 'expected a DNS label (lowercase letters, digits and "-", at most 63 characters), got "../x"'],
      ['/etc', 'expected a DNS label (lowercase letters, digits and "-", at most 63 characters), got "/etc"'],
      ['..', 'expected a DNS label (lowercase letters, digits and "-", at most 63 characters), got ".."'],
      ['dev.usw2', 'expected a DNS label (lowercase letters, digits and "-", at most 63 characters), got "dev.usw2"'],
    ]) {
      const root = exampleInputs();
      const file = join(root, 'clusters/dev-usw2/cluster.yaml');
      const text = readFileSync(file, 'utf-8');
      writeFile(
        root,
        'clusters/dev-usw2/cluster.yaml',
        text.replace('name: dev-usw2', `name: ${JSON.stringify(name)}`),
      );
      expect(refused(root)).toEqual([`clusters/dev-usw2/cluster.yaml:2: name: ${expected}`]);
    }
  });

  it('a team namespace that is a system namespace', () => {
    const root = exampleInputs();
    const text = readFileSync(join(root, 'clusters/dev-usw2/cluster.yaml'), 'utf-8');
    writeFile(
      root,
      'clusters/dev-usw2/cluster.yaml',
      text.replace('  - name: ml-dev\n', '  - name: ml-dev\n    namespace: kube-system\n'),
    );
    expect(refused(root)).toEqual([
      `clusters/dev-usw2/cluster.yaml:${lineOf('clusters/dev-usw2/cluster.yaml', '  - name: ml-dev') + 1}: ` +
        `teams[0].namespace: "kube-system" is a system namespace; expected a namespace of the team's own`,
    ]);
  });
});

/** The example fleet's inputs with its recipes and services, and a folder outside it that must stay untouched. */
function withRecipes(): { root: string; outside: string } {
  const root = exampleInputs();
  for (const dir of ['recipes', 'apps', 'images']) cpSync(join(REPO, dir), join(root, dir), { recursive: true });
  const outside = tempDir('outside-');
  writeFileSync(join(outside, 'keep.txt'), 'untouched\n');
  return { root, outside };
}

const DOWNLOAD = 'recipes/llm-training/qwen3-14b-download.yaml';
const downloadText = () => readFileSync(join(REPO, DOWNLOAD), 'utf-8');

describe('hostile recipes are refused with the file and field, nothing written in the tree or outside it', () => {
  it('names that would escape their folder in name, team and cluster', () => {
    const label = (v: string) =>
      `expected a DNS label (lowercase letters, digits and "-", at most 63 characters), got "${v}"`;
    const recipeName = (v: string) =>
      `expected a recipe name (lowercase letters, digits and "-", at most 36 characters), got "${v}"`;
    const cases: [string, string, string][] = [
      ['name', '../x', `name: ${recipeName('../x')}`],
      ['name', '/etc/passwd', `name: ${recipeName('/etc/passwd')}`],
      ['name', '..', `name: ${recipeName('..')}`],
      ['name', 'qwen3.14b', `name: ${recipeName('qwen3.14b')}`],
      ['team', '../../clusters/prod-use1', `team: ${label('../../clusters/prod-use1')}`],
      ['team', '/tmp', `team: ${label('/tmp')}`],
      ['cluster', '../prod-use1', `cluster: ${label('../prod-use1')}`],
      ['cluster', '.', `cluster: ${label('.')}`],
    ];
    for (const [field, value, expected] of cases) {
      const { root, outside } = withRecipes();
      const text = downloadText().replace(new RegExp(`^${field}: .*$`, 'm'), `${field}: ${JSON.stringify(value)}`);
      writeFile(root, DOWNLOAD, text);
      const line = text.split('\n').findIndex((l) => l.startsWith(`${field}:`)) + 1;
      expect(refused(root, outside), `${field}: ${value}`).toEqual([`${DOWNLOAD}:${line}: ${expected}`]);
    }
  });

  it('file and folder names with dots', () => {
    const { root, outside } = withRecipes();
    writeFile(
      root,
      'recipes/llm-training/qwen.download.yaml',
      downloadText().replace('name: qwen3-14b-download', 'name: qwen.download'),
    );
    writeFile(root, 'recipes/..hidden/qwen3-14b-download.yaml', downloadText());
    expect(refused(root, outside)).toEqual([
      'recipes/..hidden/qwen3-14b-download.yaml:4: team: expected ' +
        '"..hidden", the name of the recipe\'s folder, got "llm-training"',
      'recipes/llm-training/qwen.download.yaml:3: name: expected a recipe name ' +
        '(lowercase letters, digits and "-", at most 36 characters), got "qwen.download"',
    ]);
  });

  it('a recipe that is a symbolic link to a file outside the repository', () => {
    const { root, outside } = withRecipes();
    writeFileSync(join(outside, 'evil.yaml'), downloadText().replace('name: qwen3-14b-download', 'name: evil'));
    symlinkSync(join(outside, 'evil.yaml'), join(root, 'recipes/llm-training/evil.yaml'));
    expect(refused(root, outside)).toEqual([
      'recipes/llm-training/evil.yaml: is a symbolic link; recipe folders ' +
        'and files must be plain folders and files inside the repository',
    ]);
  });

  it('a team folder of recipes that is a symbolic link to a folder outside the repository', () => {
    const { root, outside } = withRecipes();
    mkdirSync(join(outside, 'evil'));
    writeFileSync(
      join(outside, 'evil', 'x.yaml'),
      downloadText().replace('name: qwen3-14b-download', 'name: x').replace('team: llm-training', 'team: evil'),
    );
    symlinkSync(join(outside, 'evil'), join(root, 'recipes/evil'));
    symlinkSync(join(outside, 'evil'), join(root, 'apps/evil'));
    expect(refused(root, outside).sort()).toEqual([
      'apps/evil: is a symbolic link; recipe folders and files must be plain folders and files inside the repository',
      'recipes/evil: is a symbolic link; recipe folders and ' +
        'files must be plain folders and files inside the repository',
    ]);
  });

  it('the recipes folder itself a symbolic link', () => {
    const { root, outside } = withRecipes();
    cpSync(join(root, 'recipes'), join(outside, 'recipes'), { recursive: true });
    rmSync(join(root, 'recipes'), { recursive: true });
    symlinkSync(join(outside, 'recipes'), join(root, 'recipes'));
    expect(refused(root, outside)).toEqual([
      'recipes: is a symbolic link; recipe folders and files must be plain folders and files inside the repository',
    ]);
  });

  it('a 50 MB recipe (refused before it is read)', () => {
    const { root, outside } = withRecipes();
    truncateSync(join(root, DOWNLOAD), 50 * 1024 * 1024);
    expect(refused(root, outside)).toEqual([`${DOWNLOAD}: is 50.0 MiB; an input file may be at most 1.0 MiB`]);
  });

  it('duplicate keys, bytes that are not UTF-8, an alias bomb', () => {
    const { root, outside } = withRecipes();
    writeFile(root, DOWNLOAD, `${downloadText()}hf_model_id: Qwen/Other\n`);
    writeFile(
      root,
      'recipes/llm-training/gpt2-wikicorpus-preprocess.yaml',
      Buffer.concat([
        Buffer.from('name: gpt2-wikicorpus-preprocess\nteam: '),
        Buffer.from([0xff, 0xfe, 0x80]),
        Buffer.from('\n'),
      ]),
    );
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) {
      bomb.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    }
    writeFile(root, 'apps/inference/llama3-8b-vllm.yaml', `${bomb.join('\n')}\n`);
    expect(refused(root, outside).sort()).toEqual([
      'apps/inference/llama3-8b-vllm.yaml: expands too many YAML aliases (more than 100); write the values out instead',
      'recipes/llm-training/gpt2-wikicorpus-preprocess.yaml: is not valid UTF-8 text',
      `${DOWNLOAD}:11: has a duplicate key (map keys must be unique)`,
    ]);
  });
});
