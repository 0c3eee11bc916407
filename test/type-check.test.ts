import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './support/fleet';

// tsx and vitest run the sources without checking their types: the project's own type-check (`npx projen
// compile`) runs here, so a type error anywhere (generator, platform, bench, tests, .projenrc.ts) fails the tests
describe('the project', () => {
  it('type-checks (tsc --noEmit over the generator, the catalog, the bench, the tests and .projenrc.ts)', () => {
    const result = spawnSync(join(REPO, 'node_modules', '.bin', 'tsc'), ['--noEmit', '-p', 'tsconfig.json'], {
      cwd: REPO,
      encoding: 'utf-8',
    });
    expect(`${result.stdout}${result.stderr}`).toBe('');
    expect(result.status).toBe(0);
  }, 180_000);
});
