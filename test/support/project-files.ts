import { cpSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What `npx projen` needs of the project at `repo`, in `dir`: `.projenrc.ts`, the package files, `.projen/` and
 * projen's own files, copied as the last synthesis left them (so the launcher can take its fast path), and the
 * code (generator/, platform/, node_modules/) linked. The fleet's inputs are the caller's to add.
 */
export function copyProject(repo: string, dir: string): void {
  mkdirSync(dir, { recursive: true });
  const projenFiles = (JSON.parse(readFileSync(join(repo, '.projen/files.json'), 'utf-8')) as { files: string[] })
    .files;
  // README.md: without it, a projen synthesis writes its sample README (as in a checkout, it is there)
  for (const path of [
    '.projenrc.ts',
    'README.md',
    'package.json',
    'package-lock.json',
    '.projen',
    ...projenFiles.filter((f) => !/^(generator|\.projen)\//.test(f)),
  ]) {
    cpSync(join(repo, path), join(dir, path), { recursive: true });
  }
  for (const path of ['node_modules', 'generator', 'platform', 'vendor']) {
    symlinkSync(join(repo, path), join(dir, path), 'dir');
  }
}
