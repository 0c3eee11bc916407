import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { cleanupTemps, projectCopy, runProjen, snapshotTree, tempDir, writeFile } from './support/fleet';
import { faultEnv, runRegenerate, type FaultSpec, type RunResult } from './support/regenerate-process';

afterAll(cleanupTemps);

/**
 * A regenerate the file system refuses: a full disk (ENOSPC), a permission (EACCES), a read-only mount (EROFS), a
 * file where a folder belongs or the reverse (EISDIR, ENOTDIR). Faults are injected into the real `npx projen` by
 * test/support/fs-faults.cjs (NODE_OPTIONS), at the calls of each phase of a regenerate. Each must end with one line
 * naming the path and the cause, no stack trace, exit 1, nothing left behind and the tree as it was; then the same
 * regenerate without the fault must write the tree a clean one writes.
 */
const CAUSES: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EACCES: 'permission denied',
  EROFS: 'read-only file system',
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'is a file, not a folder',
};
/**
 * Not alike in two clean regenerates: the render cache and the launcher's stamp hold times.
 */
const UNREPRODUCIBLE = (path: string) => /^\.projen\/fleet-(cache\.json|launch\.json)$/.test(path);
/** Put in place before the commit point (right for the old tree as for the new), so it may differ after a failure. */
const EARLY_CACHE = (path: string) => path === '.projen/fleet-recipes-cache.json';

/** The inputs of a regenerate that rewrites files (quotas), deletes some (a team renamed) and adds a cluster folder. */
function writeInputs(root: string, variant: 'old' | 'new') {
  // standalone copies: prod-use1 is the fleet's one hub
  const prod = readFileSync(join(root, 'clusters/prod-use1/cluster.yaml'), 'utf-8').replace(/^ {2}role: hub.*\n/m, '');
  writeFile(root, 'clusters/load-00/cluster.yaml', prod.replace('name: prod-use1', 'name: load-00'));
  if (variant === 'old') return;
  writeFile(
    root,
    'clusters/load-00/cluster.yaml',
    prod
      .replace('name: prod-use1', 'name: load-00')
      .replace('quotas: { cpu: 1024, memory: 8192Gi, gpu: 64 }', 'quotas: { cpu: 1000, memory: 8192Gi, gpu: 64 }')
      .replace(
        /  - name: neuron-research\n    quotas: \{[^}]*\}\n/,
        '  - name: vision\n    quotas: { cpu: 64, gpu: 8 }\n',
      ),
  );
  writeFile(root, 'clusters/load-01/cluster.yaml', prod.replace('name: prod-use1', 'name: load-01'));
}

let base: string;
let reference: Map<string, string>;

beforeAll(async () => {
  base = projectCopy();
  for (const name of readdirSync(join(base, '.projen'))) {
    if (name.startsWith('fleet-cli-')) rmSync(join(base, '.projen', name));
  }
  writeInputs(base, 'old');
  // a projen synthesis first (it builds the launcher's bundle), then the fast path, as a checkout regenerated before
  const first = await runProjen(base);
  expect(first.code, first.stderr).toBe(0);
  const fast = await runRegenerate(base);
  expect(fast.code, fast.stderr).toBe(0);
  const clean = copyWithNewInputs();
  const cleanRun = await runRegenerate(clean);
  expect(cleanRun.code, cleanRun.stderr).toBe(0);
  reference = snapshotTree(clean, UNREPRODUCIBLE);
}, 120_000);

function copyWithNewInputs(): string {
  const root = tempDir('fleet-fault-');
  cpSync(base, root, { recursive: true, verbatimSymlinks: true });
  writeInputs(root, 'new');
  return root;
}

/** What the regenerate itself said: stderr without projen's own lines about the task (👾). */
const said = (run: RunResult) => run.stderr.split('\n').filter((line) => line && !line.startsWith('👾'));

/** The next regenerate, the fault gone, writes what a clean one writes: nothing the failed one left is in its way. */
async function expectNextRegenerateClean(root: string) {
  const next = await runRegenerate(root, { command: 'npx' });
  expect(next.code, next.stderr).toBe(0);
  expect(snapshotTree(root, UNREPRODUCIBLE)).toEqual(reference);
}

/**
 * `npx projen` with `fault` exits 1 with one line, `<path>: <cause> (<code>); nothing was written`, without a stack
 * trace, and leaves the tree as it was, byte for byte: no staging, journal, lock or temporary file.
 */
async function expectRefused(fault: FaultSpec, line: { path: RegExp; code: string }, change?: (root: string) => void) {
  const root = copyWithNewInputs();
  change?.(root);
  const before = snapshotTree(root, EARLY_CACHE);
  const run = await runRegenerate(root, { command: 'npx', env: faultEnv(fault) });
  expect(run.code, run.stderr).toBe(1);
  expect(run.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  const expected = new RegExp(`^${line.path.source}: ${CAUSES[line.code]} \\(${line.code}\\); nothing was written$`);
  expect(said(run), run.stderr).toHaveLength(1);
  expect(said(run)[0]).toMatch(expected);
  const after = snapshotTree(root, EARLY_CACHE);
  if (fault.replaceWithFolder || fault.replaceWithFile) {
    // the change made meanwhile is the only one
    const changed = (fault.replaceWithFolder ?? fault.replaceWithFile)!;
    const outside = (tree: Map<string, string>) =>
      new Map([...tree].filter(([path]) => path !== changed && !path.startsWith(`${changed}/`)));
    expect(outside(after)).toEqual(outside(before));
  } else {
    expect(after).toEqual(before);
  }
  return root;
}

describe.concurrent.each(['ENOSPC', 'EACCES', 'EROFS'])('%s during a regenerate', (code) => {
  it('at the lock, before anything: names the lock', async () => {
    const fault: FaultSpec = { code, path: '^\\.projen/fleet\\.lock' };
    await expectNextRegenerateClean(await expectRefused(fault, { path: /\.projen\/fleet\.lock/, code }));
  });

  it('at the staging folder: names it', async () => {
    const fault: FaultSpec = { code, path: '^\\.projen/fleet-staging$', ops: ['mkdir'] };
    await expectNextRegenerateClean(await expectRefused(fault, { path: /\.projen\/fleet-staging/, code }));
  });

  it('at a file being staged (on a full disk, a short write first): names the file of the tree', async () => {
    const fault: FaultSpec = {
      code,
      path: '^\\.projen/fleet-staging/',
      ops: code === 'ENOSPC' ? ['write'] : ['open'],
      skip: 7,
    };
    await expectNextRegenerateClean(await expectRefused(fault, { path: /clusters\/load-0[01]\/\S+/, code }));
  });

  it('at the journal, the last write before the commit point: names it', async () => {
    const fault: FaultSpec = { code, path: '^\\.projen/fleet-journal', ops: ['write'] };
    await expectNextRegenerateClean(await expectRefused(fault, { path: /\.projen\/fleet-journal\.json/, code }));
  });

  it.skipIf(code === 'ENOSPC')(
    'at a folder the commit moves files into (checked before the commit point): names the folder',
    async () => {
      const fault: FaultSpec = { code, path: '^clusters/', ops: ['access'] };
      await expectNextRegenerateClean(await expectRefused(fault, { path: /clusters(\/[\w.-]+)*/, code }));
    },
  );
});

describe.concurrent('a full disk for an instant, or while writing the caches that go with the tree', () => {
  it('a write cut short (write(2) wrote part of it, no error) is finished, not committed cut short', async () => {
    const root = copyWithNewInputs();
    const fault: FaultSpec = { code: 'ENOSPC', path: '^\\.projen/fleet-staging/', ops: ['write'], skip: 7, once: true };
    const run = await runRegenerate(root, { command: 'npx', env: faultEnv(fault) });
    expect(run.code, run.stderr).toBe(0);
    expect(snapshotTree(root, UNREPRODUCIBLE)).toEqual(reference);
  });

  it('the recipe cache (written to its open file: no path of its own): names the staging folder', async () => {
    const fault: FaultSpec = { code: 'ENOSPC', path: '^\\.projen/fleet-staging/cache-', ops: ['write'] };
    await expectNextRegenerateClean(await expectRefused(fault, { path: /\.projen\/fleet-staging/, code: 'ENOSPC' }));
  });

  it('the render cache, staged with the files: names it', async () => {
    const fault: FaultSpec = { code: 'ENOSPC', path: '^\\.projen/fleet-staging/render-cache' };
    await expectNextRegenerateClean(
      await expectRefused(fault, { path: /\.projen\/fleet-staging\/render-cache\.json/, code: 'ENOSPC' }),
    );
  });
});

describe.concurrent('a file where a folder belongs, or the reverse', () => {
  it('a generated file replaced by a folder before the regenerate (EISDIR)', async () => {
    const readme = 'clusters/load-00/README.md';
    const root = await expectRefused({}, { path: new RegExp(readme), code: 'EISDIR' }, (r) => {
      rmSync(join(r, readme));
      writeFile(r, `${readme}/notes.txt`, 'mine\n');
    });
    rmSync(join(root, readme), { recursive: true });
    await expectNextRegenerateClean(root);
  });

  it('a generated file replaced by a folder meanwhile, after it was planned (EISDIR)', async () => {
    const readme = 'clusters/load-00/README.md';
    const fault: FaultSpec = { path: '^\\.projen/fleet-journal', ops: ['write'], replaceWithFolder: readme };
    const root = await expectRefused(fault, { path: new RegExp(readme), code: 'EISDIR' });
    rmSync(join(root, readme), { recursive: true });
    await expectNextRegenerateClean(root);
  });

  it('a generated folder replaced by a file before the regenerate (ENOTDIR)', async () => {
    const folder = 'clusters/load-00/argocd';
    const root = await expectRefused({}, { path: new RegExp(folder), code: 'ENOTDIR' }, (r) => {
      rmSync(join(r, folder), { recursive: true });
      writeFile(r, folder, 'mine\n');
    });
    rmSync(join(root, folder));
    await expectNextRegenerateClean(root);
  });

  it('the place of a new cluster folder taken by a file meanwhile (ENOTDIR)', async () => {
    const folder = 'clusters/load-01/argocd';
    const fault: FaultSpec = { path: '^\\.projen/fleet-journal', ops: ['write'], replaceWithFile: folder };
    const root = await expectRefused(fault, { path: new RegExp(folder), code: 'ENOTDIR' });
    rmSync(join(root, folder));
    await expectNextRegenerateClean(root);
  });
});

describe.concurrent('a fault after the commit point', () => {
  it(
    'can only come from a change made in the instant after the ' +
      'last check: one line says so, the next regenerate finishes',
    async () => {
      const root = copyWithNewInputs();
      const fault: FaultSpec = { code: 'EACCES', path: '^clusters/', ops: ['rename'], once: true };
      const run = await runRegenerate(root, { command: 'npx', env: faultEnv(fault) });
      expect(run.code).toBe(1);
      expect(run.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      expect(said(run)).toHaveLength(1);
      const halfDone =
        'the regenerate stopped after its commit point: fix this, then run "npx projen" again to finish it';
      expect(said(run)[0]).toMatch(
        new RegExp(`^clusters/load-0[01]/\\S+: permission denied \\(EACCES\\); ${halfDone}$`),
      );
      // the journal and what it moves stay for the next regenerate, which rolls them forward
      expect(existsSync(join(root, '.projen/fleet-journal.json'))).toBe(true);
      await expectNextRegenerateClean(root);
    },
  );
});

describe.concurrent("the launcher's own files, which only save time", () => {
  const NOT_SAVED = 'not saved, the next run is slower';

  it(
    'a full disk when saving the bundle after a synthesis: one ' +
      'line, the fleet written, the next run a synthesis again',
    async () => {
      const root = copyWithNewInputs();
      rmSync(join(root, '.projen/fleet-launch.json'));
      const run = await runRegenerate(root, {
        command: 'npx',
        env: faultEnv({ code: 'ENOSPC', path: '^\\.projen/fleet-regenerate\\.cjs' }),
      });
      expect(run.code, run.stderr).toBe(0);
      expect(said(run)).toEqual([`.projen/fleet-regenerate.cjs: no space left on the device (ENOSPC); ${NOT_SAVED}`]);
      expect(
        existsSync(join(root, '.projen/fleet-launch.json')),
        'no stamp: the next run does not trust the bundle',
      ).toBe(false);
      expect(snapshotTree(root, UNREPRODUCIBLE)).toEqual(reference);
      await expectNextRegenerateClean(root);
    },
  );

  it('a full disk during the projen synthesis: the fleet component refuses with the same one line', async () => {
    const root = copyWithNewInputs();
    rmSync(join(root, '.projen/fleet-launch.json'));
    const before = snapshotTree(root, EARLY_CACHE);
    const fault: FaultSpec = { code: 'ENOSPC', path: '^\\.projen/fleet-staging/', ops: ['write'], skip: 3 };
    const run = await runRegenerate(root, { command: 'npx', env: faultEnv(fault) });
    expect(run.code).toBe(1);
    expect(run.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(said(run)).toHaveLength(1);
    expect(said(run)[0]).toMatch(
      /^clusters\/load-0[01]\/\S+: no space left on the device \(ENOSPC\); nothing was written$/,
    );
    expect(snapshotTree(root, EARLY_CACHE)).toEqual(before);
    await expectNextRegenerateClean(root);
  });
});
