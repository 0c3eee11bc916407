import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTemps, exampleInputs, regenerate, snapshotTree, tempDir, writeFile } from './support/fleet';

afterAll(cleanupTemps);

/** Runs a regenerate that must be refused: the problems, and proof that nothing was written anywhere. */
function refused(root: string, outside?: string) {
  const before = snapshotTree(root);
  const outsideBefore = outside ? readdirSync(outside) : [];
  const result = regenerate(root);
  expect(result.ok).toBe(false);
  expect(snapshotTree(root)).toEqual(before);
  if (outside) expect(readdirSync(outside)).toEqual(outsideBefore);
  return result.ok ? [] : result.problems.map((p) => `${p.file}${p.line ? `:${p.line}` : ''}: ${p.field ? `${p.field}: ` : ''}${p.message}`);
}

describe('hostile inputs are refused with a clear message and nothing written', () => {
  it('a 50 MB cluster file (refused before it is read)', () => {
    const root = exampleInputs();
    truncateSync(join(root, 'clusters/dev-usw2/cluster.yaml'), 50 * 1024 * 1024);
    expect(refused(root)).toEqual(['clusters/dev-usw2/cluster.yaml: is 50.0 MiB; an input file may be at most 1.0 MiB']);
  });

  it('a cluster file that is a symbolic link to a file outside the repository', () => {
    const root = exampleInputs();
    const outside = tempDir('outside-');
    writeFileSync(join(outside, 'secret.yaml'), 'name: dev-usw2\n');
    const file = join(root, 'clusters/dev-usw2/cluster.yaml');
    rmSync(file);
    symlinkSync(join(outside, 'secret.yaml'), file);
    expect(refused(root, outside)).toEqual(['clusters/dev-usw2/cluster.yaml: is a symbolic link; input files must be regular files inside the repository']);
  });

  it('a cluster folder that is a symbolic link', () => {
    const root = exampleInputs();
    const outside = tempDir('outside-');
    mkdirSync(join(outside, 'evil'));
    writeFileSync(join(outside, 'evil', 'cluster.yaml'), 'name: evil\n');
    symlinkSync(join(outside, 'evil'), join(root, 'clusters/evil'));
    expect(refused(root, outside)).toEqual(['clusters/evil: is a symbolic link; a cluster folder must be a plain folder inside the repository']);
  });

  it('a symbolic link inside an output folder, pointing outside: no write goes through it', () => {
    const root = exampleInputs();
    regenerate(root);
    const outside = tempDir('outside-');
    rmSync(join(root, 'clusters/dev-usw2/platform'), { recursive: true });
    symlinkSync(outside, join(root, 'clusters/dev-usw2/platform'));
    expect(refused(root, outside)).toEqual([
      'clusters/dev-usw2/platform: is a symbolic link inside an output folder; the generator neither writes nor deletes through links: replace it with a plain folder or file',
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
      writeFile(root, 'clusters/dev-usw2/cluster.yaml', text.replace('name: dev-usw2', `name: ${JSON.stringify(name)}`));
      expect(refused(root)).toEqual([`clusters/dev-usw2/cluster.yaml:2: name: ${expected}`]);
    }
  });

  it('a team namespace that is a system namespace', () => {
    const root = exampleInputs();
    const text = readFileSync(join(root, 'clusters/dev-usw2/cluster.yaml'), 'utf-8');
    writeFile(root, 'clusters/dev-usw2/cluster.yaml', text.replace('  - name: ml-dev\n', '  - name: ml-dev\n    namespace: kube-system\n'));
    expect(refused(root)).toEqual([
      'clusters/dev-usw2/cluster.yaml:23: teams[0].namespace: "kube-system" is a system namespace; expected a namespace of the team\'s own',
    ]);
  });
});
