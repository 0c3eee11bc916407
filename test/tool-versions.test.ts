import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { NODE, TERRAFORM, TERRAGRUNT } from '../generator/model/tool-versions';
import { allowsAll, satisfies, unsatisfied, versionSelectorRange } from '../generator/util/version-constraint';

const REPO = join(__dirname, '..');
const WORKFLOWS = join(REPO, '.github', 'workflows');

type Tool = 'terraform' | 'terragrunt' | 'node';

/** What the workflows and the tools must agree with: root.hcl's constraints and package.json's engines. */
interface Requirements {
  readonly terraform: string;
  readonly terragrunt: string;
  readonly node: string;
}

interface Installed {
  readonly where: string;
  readonly tool: Tool;
  readonly version: string;
}

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}

/**
 * Every Terraform, Terragrunt and Node.js version a workflow installs, and the installs that bypass the checked
 * download.
 */
function installedVersions(file: string, text: string): { installed: Installed[]; problems: string[] } {
  const installed: Installed[] = [];
  const problems: string[] = [];
  const workflow = parse(text) as { jobs: Record<string, { steps?: Step[] }> };
  for (const [jobId, job] of Object.entries(workflow.jobs)) {
    for (const [i, step] of (job.steps ?? []).entries()) {
      const where = `${file}: jobs.${jobId}.steps[${i}]`;
      if (step.uses?.startsWith('actions/setup-node@')) {
        installed.push({ where, tool: 'node', version: String(step.with?.['node-version'] ?? '') });
      } else if (step.uses && /terraform|terragrunt|opentofu|tofu|tfenv/i.test(step.uses)) {
        problems.push(
          `${where}: ${step.uses} sets up Terraform or Terragrunt; expected ` +
            `the checksum-verified download of generator/model/tool-versions.ts`,
        );
      }
      if (step.env?.TERRAFORM_VERSION !== undefined) {
        installed.push({ where, tool: 'terraform', version: String(step.env.TERRAFORM_VERSION) });
      }
      if (step.env?.TERRAGRUNT_VERSION !== undefined) {
        installed.push({ where, tool: 'terragrunt', version: String(step.env.TERRAGRUNT_VERSION) });
      }
    }
  }
  return { installed, problems };
}

/**
 * Each installed version against its requirement: an exact Terraform or Terragrunt release, or a Node.js selector
 * (`24.x`) whose every release must satisfy engines.
 */
function versionProblems(workflows: Record<string, string>, required: Requirements): string[] {
  const problems: string[] = [];
  for (const [file, text] of Object.entries(workflows)) {
    const found = installedVersions(file, text);
    problems.push(...found.problems);
    for (const { where, tool, version } of found.installed) {
      if (tool === 'node') {
        if (!allowsAll(required.node, versionSelectorRange(version))) {
          problems.push(`${where}: Node.js ${version} includes releases outside engines.node "${required.node}"`);
        }
      } else {
        const failed = unsatisfied(version, required[tool]);
        if (failed.length > 0) {
          problems.push(
            `${where}: ${tool} ${version} does not satisfy "${required[tool]}" (fails ${failed.join(', ')})`,
          );
        }
      }
    }
  }
  return problems;
}

let workflows: Record<string, string>;
let required: Requirements;

beforeAll(async () => {
  workflows = Object.fromEntries(
    readdirSync(WORKFLOWS)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((f) => [f, readFileSync(join(WORKFLOWS, f), 'utf-8')]),
  );
  const root = (await parseHcl('root.hcl', readFileSync(join(REPO, 'clusters', 'root.hcl'), 'utf-8'))) as Record<
    string,
    unknown
  >;
  const packageJson = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf-8')) as { engines: { node: string } };
  required = {
    terraform: String(root.terraform_version_constraint),
    terragrunt: String(root.terragrunt_version_constraint),
    node: packageJson.engines.node,
  };
});

describe('the versions the workflows install', () => {
  it(
    "satisfy clusters/root.hcl's terraform_version_constraint and " +
      "terragrunt_version_constraint, and package.json's engines.node",
    () => {
      expect(versionProblems(workflows, required)).toEqual([]);
    },
  );

  it(
    'are found: Terraform and Terragrunt in the plan and the apply, Node.js ' +
      'in every job that sets it up, all from generator/model/tool-versions.ts',
    () => {
      const all = Object.entries(workflows).flatMap(([file, text]) => installedVersions(file, text).installed);
      const by = (tool: Tool) => all.filter((i) => i.tool === tool);
      expect(by('terraform').map((i) => i.where)).toEqual([
        'infra-apply.yml: jobs.apply.steps[1]',
        'infra-plan.yml: jobs.plan.steps[1]',
      ]);
      expect(by('terragrunt').map((i) => i.where)).toEqual([
        'infra-apply.yml: jobs.apply.steps[2]',
        'infra-plan.yml: jobs.plan.steps[2]',
      ]);
      expect(new Set(by('terraform').map((i) => i.version))).toEqual(new Set([TERRAFORM.version]));
      expect(new Set(by('terragrunt').map((i) => i.version))).toEqual(new Set([TERRAGRUNT.version]));
      expect(new Set(by('node').map((i) => i.version))).toEqual(new Set([NODE.version]));
      expect(new Set(by('node').map((i) => i.where.split(':')[0]))).toEqual(new Set(Object.keys(workflows)));
    },
  );

  it('are Node.js 24 in every workflow (Node 20 reached its end of life)', () => {
    expect(allowsAll('>= 24.0.0, < 25.0.0', versionSelectorRange(NODE.version))).toBe(true);
  });

  it(
    "root.hcl's constraints are those of " + 'generator/model/tool-versions.ts, and the pinned versions satisfy them',
    () => {
      expect(required.terraform).toBe(TERRAFORM.constraint);
      expect(required.terragrunt).toBe(TERRAGRUNT.constraint);
      expect(satisfies(TERRAFORM.version, TERRAFORM.constraint)).toBe(true);
      expect(satisfies(TERRAGRUNT.version, TERRAGRUNT.constraint)).toBe(true);
      const rootHcl = readFileSync(join(REPO, 'clusters', 'root.hcl'), 'utf-8');
      // it names the versions: a new one changes root.hcl, which the plan workflow takes as a change to every unit
      expect(rootHcl).toContain(`Terraform ${TERRAFORM.version} and\n# Terragrunt ${TERRAGRUNT.version},`);
      // S3 native state locking (use_lockfile, in root.hcl) needs Terraform 1.11; Terraform 1.10 must be refused
      expect(rootHcl).toMatch(/use_lockfile\s+= true/);
      expect(satisfies('1.10.5', required.terraform)).toBe(false);
      expect(satisfies('1.11.0', required.terraform)).toBe(true);
    },
  );

  it('every job that runs Terragrunt installs both tools first, verified by their pinned checksums', () => {
    for (const [file, text] of Object.entries(workflows)) {
      for (const [jobId, job] of Object.entries((parse(text) as { jobs: Record<string, { steps?: Step[] }> }).jobs)) {
        const steps = job.steps ?? [];
        const runs = steps.findIndex((s) => s.run?.includes('generator/cli/infra.ts run'));
        if (runs < 0) continue;
        const terraform = steps.findIndex((s) => s.env?.TERRAFORM_VERSION !== undefined);
        const terragrunt = steps.findIndex((s) => s.env?.TERRAGRUNT_VERSION !== undefined);
        expect([terraform >= 0 && terraform < runs, terragrunt >= 0 && terragrunt < runs], `${file} ${jobId}`).toEqual([
          true,
          true,
        ]);
        expect(steps[terraform].env).toMatchObject({
          TERRAFORM_URL: TERRAFORM.url,
          TERRAFORM_SHA256: TERRAFORM.sha256,
        });
        expect(steps[terragrunt].env).toMatchObject({
          TERRAGRUNT_URL: TERRAGRUNT.url,
          TERRAGRUNT_SHA256: TERRAGRUNT.sha256,
        });
        for (const s of [steps[terraform], steps[terragrunt]]) expect(s.run).toMatch(/sha256sum --check --strict -/);
      }
    }
    for (const tool of [TERRAFORM, TERRAGRUNT]) {
      expect(tool.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(tool.url).toContain(tool.version);
    }
  });
});

describe('the versions test fails when a version and a constraint disagree', () => {
  const replaced = (file: string, from: string | RegExp, to: string) => {
    const text = workflows[file].replace(from, to);
    expect(text).not.toBe(workflows[file]);
    return { ...workflows, [file]: text };
  };

  it('a workflow installing a Terraform the constraint refuses', () => {
    const problems = versionProblems(
      replaced('infra-plan.yml', `TERRAFORM_VERSION: ${TERRAFORM.version}`, 'TERRAFORM_VERSION: 1.10.5'),
      required,
    );
    expect(problems).toEqual([
      `infra-plan.yml: jobs.plan.steps[1]: terraform 1.10.5 does not satisfy "${required.terraform}" (fails >= 1.11.0)`,
    ]);
  });

  it("the Terragrunt 0.99 the workflows installed before, against root.hcl's 1.x", () => {
    const problems = versionProblems(
      replaced('infra-apply.yml', `TERRAGRUNT_VERSION: ${TERRAGRUNT.version}`, 'TERRAGRUNT_VERSION: 0.99.1'),
      required,
    );
    expect(problems).toEqual([
      `infra-apply.yml: jobs.apply.steps[2]: terragrunt 0.99.1 ` +
        `does not satisfy "${required.terragrunt}" (fails >= 1.0.0)`,
    ]);
  });

  it('a constraint raised above what the workflows install', () => {
    const problems = versionProblems(workflows, { ...required, terraform: '~> 1.16.0' });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/terraform 1\.15\.9 does not satisfy "~> 1\.16\.0"/);
  });

  it('a Node.js selector whose releases engines partly refuses, or an engines field raised above it', () => {
    expect(versionProblems(replaced('pull-request.yml', /node-version: \S+/, 'node-version: 20.x'), required)).toEqual([
      `pull-request.yml: jobs.check.steps[2]: Node.js 20.x includes releases outside engines.node "${required.node}"`,
    ]);
    expect(versionProblems(workflows, { ...required, node: '>= 25.0.0' }).length).toBeGreaterThan(0);
  });

  it('a setup action installing Terraform instead of the checked download', () => {
    const text = workflows['infra-plan.yml'].replace(
      /( *)- name: Install Terraform/,
      '$1- uses: hashicorp/setup-terraform@dfe3c3f87815947d99a8997f908cb6525fc44e9e ' +
        '# v4.0.1\n$1- name: Install Terraform',
    );
    expect(versionProblems({ ...workflows, 'infra-plan.yml': text }, required)).toEqual([
      'infra-plan.yml: jobs.plan.steps[1]: hashicorp/setup-terraform@dfe3c3f87815947d99a8997f908cb6525fc44e9e ' +
        'sets up Terraform or Terragrunt; expected ' +
        'the checksum-verified download of generator/model/tool-versions.ts',
    ]);
  });
});

// The install steps themselves, run as the runner would, against fake releases served by a stand-in for curl.
const haveTools =
  spawnSync('sh', ['-c', 'command -v bash && command -v unzip && command -v sha256sum && command -v install'], {
    encoding: 'utf-8',
  }).status === 0;

describe.skipIf(!haveTools)('the install steps', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tool-install-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const step = (name: string): Step => {
    const plan = parse(workflows['infra-plan.yml']) as { jobs: { plan: { steps: Step[] } } };
    return plan.jobs.plan.steps.find((s) => s.name?.startsWith(name))!;
  };

  /** Runs a step's script with its env (and `override`), curl answering from `releases` by file name. */
  function run(s: Step, releases: Record<string, Buffer>, override: Record<string, string> = {}) {
    const root = mkdtempSync(join(dir, 'run-'));
    const served = join(root, 'served');
    const stubs = join(root, 'stubs');
    const temp = join(root, 'runner-temp');
    for (const d of [served, stubs, temp]) mkdirSync(d);
    for (const [name, body] of Object.entries(releases)) writeFileSync(join(served, name), body);
    const curl = join(stubs, 'curl');
    writeFileSync(
      curl,
      [
        '#!/bin/sh',
        'out=""; url=""',
        'while [ $# -gt 0 ]; do case "$1" in --output) out="$2"; ' +
          'shift 2 ;; -*) shift ;; *) url="$1"; shift ;; esac; done',
        'echo "$url" >> "$SERVED/requests"',
        'cp "$SERVED/$(basename "$url")" "$out"',
        '',
      ].join('\n'),
    );
    chmodSync(curl, 0o755);
    const files = { path: join(root, 'github-path'), env: join(root, 'github-env') };
    for (const f of Object.values(files)) writeFileSync(f, '');
    const result = spawnSync('bash', ['-e', '-c', s.run!], {
      encoding: 'utf-8',
      env: {
        PATH: `${stubs}:${process.env.PATH}`,
        SERVED: served,
        RUNNER_TEMP: temp,
        GITHUB_PATH: files.path,
        GITHUB_ENV: files.env,
        ...Object.fromEntries(Object.entries(s.env ?? {}).map(([k, v]) => [k, String(v)])),
        ...override,
      },
    });
    const bin = join(temp, 'infra-tools', 'bin');
    return {
      status: result.status,
      output: `${result.stdout}${result.stderr}`,
      requests: existsSync(join(served, 'requests'))
        ? readFileSync(join(served, 'requests'), 'utf-8').trim().split('\n')
        : [],
      installed: existsSync(bin) ? readdirSync(bin) : [],
      githubPath: readFileSync(files.path, 'utf-8'),
      githubEnv: readFileSync(files.env, 'utf-8'),
      bin,
    };
  }

  const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const script = (say: string) => Buffer.from(`#!/bin/sh\necho "${say}"\n`);
  const terraformZip = (version: string) =>
    zipOne('terraform', Buffer.from(`#!/bin/sh\necho "Terraform v${version}"\necho "on linux_amd64"\n`));

  it(
    'Terraform: downloads the pinned release, checks its ' +
      'checksum and version, puts it first on PATH for Terragrunt',
    () => {
      const zip = terraformZip(TERRAFORM.version);
      const r = run(
        step('Install Terraform'),
        { [`terraform_${TERRAFORM.version}_linux_amd64.zip`]: zip },
        { TERRAFORM_SHA256: sha256(zip) },
      );
      expect(r.output).toContain('OK');
      expect(r.status).toBe(0);
      expect(r.requests).toEqual([TERRAFORM.url]);
      expect(r.installed).toEqual(['terraform']);
      expect(r.githubPath).toBe(`${r.bin}\n`);
      expect(r.githubEnv).toBe(`TG_TF_PATH=${r.bin}/terraform\n`);
    },
  );

  it('Terraform: refuses a download whose checksum is not the pinned one, and installs nothing', () => {
    const r = run(step('Install Terraform'), {
      [`terraform_${TERRAFORM.version}_linux_amd64.zip`]: terraformZip(TERRAFORM.version),
    });
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/FAILED/);
    expect([r.installed, r.githubPath, r.githubEnv]).toEqual([[], '', '']);
  });

  it('Terraform: refuses a binary that reports another version', () => {
    const zip = terraformZip('1.15.90');
    const r = run(
      step('Install Terraform'),
      { [`terraform_${TERRAFORM.version}_linux_amd64.zip`]: zip },
      { TERRAFORM_SHA256: sha256(zip) },
    );
    expect(r.status).not.toBe(0);
    expect(r.output).toContain(
      `::error::expected Terraform v${TERRAFORM.version}, the binary says: Terraform v1.15.90`,
    );
    expect(r.githubPath).toBe('');
  });

  it('Terragrunt: downloads the pinned release, checks its checksum and version; refuses another file', () => {
    const binary = script(`terragrunt version v${TERRAGRUNT.version}`);
    const ok = run(
      step('Install Terragrunt'),
      { terragrunt_linux_amd64: binary },
      { TERRAGRUNT_SHA256: sha256(binary) },
    );
    expect(ok.status).toBe(0);
    expect(ok.requests).toEqual([TERRAGRUNT.url]);
    expect(ok.installed).toEqual(['terragrunt']);
    expect(ok.githubPath).toBe(`${ok.bin}\n`);

    const tampered = run(step('Install Terragrunt'), { terragrunt_linux_amd64: binary });
    expect(tampered.status).not.toBe(0);
    expect([tampered.installed, tampered.githubPath]).toEqual([[], '']);

    const other = script(`terragrunt version v${TERRAGRUNT.version}1`);
    const wrong = run(
      step('Install Terragrunt'),
      { terragrunt_linux_amd64: other },
      { TERRAGRUNT_SHA256: sha256(other) },
    );
    expect(wrong.status).not.toBe(0);
    expect(wrong.githubPath).toBe('');
  });
});

/** A zip archive holding one executable file, stored (no compression), as `unzip` reads it. */
function zipOne(name: string, data: Buffer): Buffer {
  const crc = crc32(data);
  const fileName = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(10, 4); // version needed
  local.writeUInt16LE(0, 6); // flags
  local.writeUInt16LE(0, 8); // stored
  local.writeUInt16LE(0, 10); // time
  local.writeUInt16LE(0x21, 12); // date: 1980-01-01
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(fileName.length, 26);
  local.writeUInt16LE(0, 28);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(0x031e, 4); // made by: Unix, so the external attributes carry the mode
  central.writeUInt16LE(10, 6);
  central.writeUInt16LE(0, 8);
  central.writeUInt16LE(0, 10);
  central.writeUInt16LE(0, 12);
  central.writeUInt16LE(0x21, 14);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(fileName.length, 28);
  central.writeUInt32LE((0o100755 << 16) >>> 0, 38);
  central.writeUInt32LE(0, 42); // offset of the local header
  const localPart = Buffer.concat([local, fileName, data]);
  const centralPart = Buffer.concat([central, fileName]);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(centralPart.length, 12);
  end.writeUInt32LE(localPart.length, 16);
  return Buffer.concat([localPart, centralPart, end]);
}

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
