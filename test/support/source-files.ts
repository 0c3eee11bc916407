import { readdirSync } from 'node:fs';
import { join, posix } from 'node:path';

const REPO = join(__dirname, '..', '..');
/** Classes made by `cdk8s import` (`import:k8s`, `import:crds`): generated, not the project's own code. */
export const GENERATED_IMPORTS = 'generator/imports';

/**
 * The files under `dir` of the repository whose names match `name`, repository-relative, the generated imports left
 * out.
 */
export function sourceFiles(dir: string, name: RegExp): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(join(REPO, dir), { withFileTypes: true })) {
    const path = posix.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (path !== GENERATED_IMPORTS) files.push(...sourceFiles(path, name));
    } else if (name.test(entry.name)) {
      files.push(path);
    }
  }
  return files;
}
