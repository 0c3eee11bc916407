/**
 * Terraform's version-constraint syntax, as Terraform (`required_version`) and Terragrunt
 * (`terraform_version_constraint`, `terragrunt_version_constraint`) read it with HashiCorp's go-version:
 * comma-separated constraints that must all hold, each an operator and a version.
 *
 *   =  (or none)  exactly            !=  anything but
 *   >  >=  <  <=  ordered            ~>  the last given segment may grow: `~> 1.11` is >= 1.11, < 2.0;
 *                                        `~> 1.11.0` is >= 1.11.0, < 1.12.0; `~> 1` is >= 1.0 (no bound)
 *
 * Versions have one or more numeric segments (missing ones are 0), an optional pre-release (`-beta1`) and
 * build metadata (`+abc`, ignored). A pre-release version satisfies an ordered or `~>` constraint only if
 * that constraint names a pre-release of the same segments (`>= 1.11.0-rc1` admits `1.11.0-rc2`, not
 * `1.12.0-rc1`); a constraint without a pre-release admits no pre-release.
 */

export class VersionSyntaxError extends Error {}

export interface Version {
  /** Numeric segments, padded with zeros to at least three. */
  readonly segments: readonly number[];
  /** How many segments were written (`1.11` has 2): what `~>` keeps fixed. */
  readonly written: number;
  /** Without the `-`; empty for a release. */
  readonly prerelease: string;
  readonly metadata: string;
  readonly text: string;
}

export type ConstraintOperator = '=' | '!=' | '>' | '>=' | '<' | '<=' | '~>';

export interface Constraint {
  readonly operator: ConstraintOperator;
  readonly version: Version;
  readonly text: string;
}

// go-version's VersionRegexpRaw
const VERSION =
  String.raw`v?([0-9]+(?:\.[0-9]+)*?)` +
  String.raw`(?:-([0-9]+[0-9A-Za-z\-~]*(?:\.[0-9A-Za-z\-~]+)*)|` +
  String.raw`(?:-?([A-Za-z\-~]+[0-9A-Za-z\-~]*(?:\.[0-9A-Za-z\-~]+)*)))?` +
  String.raw`(?:\+([0-9A-Za-z\-~]+(?:\.[0-9A-Za-z\-~]+)*))??`;
const VERSION_ONLY = new RegExp(`^${VERSION}$`);
const CONSTRAINT = new RegExp(String.raw`^\s*(<=|>=|!=|~>|<|>|=|)\s*(${VERSION})\s*$`);

export function parseVersion(text: string): Version {
  const m = VERSION_ONLY.exec(text);
  if (!m) throw new VersionSyntaxError(`malformed version: ${JSON.stringify(text)}`);
  const written = m[1].split('.').map((s) => {
    const n = Number(s);
    if (!Number.isSafeInteger(n)) throw new VersionSyntaxError(`version segment too large: ${JSON.stringify(text)}`);
    return n;
  });
  const segments = [...written];
  while (segments.length < 3) segments.push(0);
  return { segments, written: written.length, prerelease: m[2] ?? m[3] ?? '', metadata: m[4] ?? '', text };
}

/** One constraint or a comma-separated list; throws VersionSyntaxError on anything else (an empty part included). */
export function parseConstraints(text: string): Constraint[] {
  return text.split(',').map((part) => {
    const m = CONSTRAINT.exec(part);
    if (!m) {
      throw new VersionSyntaxError(`malformed constraint: ${JSON.stringify(part.trim())} in ${JSON.stringify(text)}`);
    }
    return { operator: (m[1] || '=') as ConstraintOperator, version: parseVersion(m[2]), text: part.trim() };
  });
}

/** -1, 0 or 1. Build metadata is ignored; a pre-release sorts before its release. */
export function compareVersions(a: Version, b: Version): number {
  if (sameSegments(a, b)) {
    if (a.prerelease === b.prerelease) return 0;
    if (a.prerelease === '') return 1;
    if (b.prerelease === '') return -1;
    return comparePrereleases(a.prerelease, b.prerelease);
  }
  const n = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const x = a.segments[i] ?? 0;
    const y = b.segments[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function sameSegments(a: Version, b: Version): boolean {
  return a.segments.length === b.segments.length && a.segments.every((s, i) => s === b.segments[i]);
}

function comparePrereleases(a: string, b: string): number {
  const x = a.split('.');
  const y = b.split('.');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const c = comparePart(x[i] ?? '', y[i] ?? '');
    if (c !== 0) return c;
  }
  return 0;
}

function comparePart(a: string, b: string): number {
  if (a === b) return 0;
  const numeric = (s: string) => /^[+-]?\d+$/.test(s);
  if (a === '') return numeric(b) ? -1 : 1;
  if (b === '') return numeric(a) ? 1 : -1;
  if (numeric(a) && !numeric(b)) return -1;
  if (!numeric(a) && numeric(b)) return 1;
  if (!numeric(a)) return a > b ? 1 : -1;
  return Number(a) > Number(b) ? 1 : -1;
}

/** Whether a pre-release version may be compared against a constraint's version at all. */
function prereleaseAllowed(v: Version, c: Version): boolean {
  if (v.prerelease !== '' && c.prerelease !== '') return sameSegments(v, c);
  return v.prerelease === '';
}

function check(v: Version, { operator, version: c }: Constraint): boolean {
  switch (operator) {
    case '=':
      return compareVersions(v, c) === 0;
    case '!=':
      return compareVersions(v, c) !== 0;
    case '>':
      return prereleaseAllowed(v, c) && compareVersions(v, c) > 0;
    case '>=':
      return prereleaseAllowed(v, c) && compareVersions(v, c) >= 0;
    case '<':
      return prereleaseAllowed(v, c) && compareVersions(v, c) < 0;
    case '<=':
      return prereleaseAllowed(v, c) && compareVersions(v, c) <= 0;
    case '~>': {
      if (!prereleaseAllowed(v, c) || (c.prerelease !== '' && v.prerelease === '')) return false;
      if (compareVersions(v, c) < 0) return false;
      const n = c.segments.length;
      if (n > v.segments.length) return false;
      // the segments before the last written one are fixed; the last written one may grow
      for (let i = 0; i < c.written - 1; i++) if (v.segments[i] !== c.segments[i]) return false;
      return c.segments[n - 1] <= v.segments[n - 1];
    }
  }
}

/** Whether `version` satisfies every constraint of `constraints` (text, or already parsed). */
export function satisfies(version: string | Version, constraints: string | readonly Constraint[]): boolean {
  const v = typeof version === 'string' ? parseVersion(version) : version;
  const cs = typeof constraints === 'string' ? parseConstraints(constraints) : constraints;
  return cs.every((c) => check(v, c));
}

/** The constraints of `constraints` that `version` does not satisfy, as written (empty when it satisfies them all). */
export function unsatisfied(version: string, constraints: string): string[] {
  const v = parseVersion(version);
  return parseConstraints(constraints)
    .filter((c) => !check(v, c))
    .map((c) => c.text);
}

/** A bound of a set of release versions; undefined is unbounded. */
interface Bound {
  readonly version: Version;
  readonly inclusive: boolean;
}

/** The release versions a constraint list allows, as one interval (`!=` holes are listed apart). */
interface Interval {
  low?: Bound;
  high?: Bound;
  readonly holes: Version[];
}

function intervalOf(constraints: readonly Constraint[]): Interval {
  const interval: Interval = { holes: [] };
  const raise = (b: Bound) => {
    const c = interval.low ? compareVersions(b.version, interval.low.version) : 1;
    if (c > 0 || (c === 0 && !b.inclusive)) interval.low = b;
  };
  const lower = (b: Bound) => {
    const c = interval.high ? compareVersions(b.version, interval.high.version) : -1;
    if (c < 0 || (c === 0 && !b.inclusive)) interval.high = b;
  };
  for (const { operator, version } of constraints) {
    if (version.prerelease !== '') {
      throw new VersionSyntaxError(`pre-release in ${version.text}: only release versions are compared as sets`);
    }
    if (operator === '=' || operator === '>=' || operator === '~>') raise({ version, inclusive: true });
    if (operator === '=' || operator === '<=') lower({ version, inclusive: true });
    if (operator === '>') raise({ version, inclusive: false });
    if (operator === '<') lower({ version, inclusive: false });
    if (operator === '!=') interval.holes.push(version);
    if (operator === '~>' && version.written > 1) {
      const fixed = version.segments.slice(0, version.written - 1);
      const next = [...fixed.slice(0, -1), fixed[fixed.length - 1] + 1];
      while (next.length < 3) next.push(0);
      lower({
        version: { segments: next, written: next.length, prerelease: '', metadata: '', text: next.join('.') },
        inclusive: false,
      });
    }
  }
  return interval;
}

function inside(v: Version, { low, high }: Interval): boolean {
  const lo = low ? compareVersions(v, low.version) : 1;
  const hi = high ? compareVersions(v, high.version) : -1;
  return (lo > 0 || (lo === 0 && low!.inclusive)) && (hi < 0 || (hi === 0 && high!.inclusive));
}

/**
 * Whether every release version that `narrow` allows is allowed by `wide` (both in this syntax, releases only;
 * `!=` in `narrow` is not used to shrink it, so the answer errs on "no"). For a range of versions rather than one:
 * what a version selector such as setup-node's `24.x` may install (see `versionSelectorRange`).
 */
export function allowsAll(wide: string, narrow: string): boolean {
  const w = intervalOf(parseConstraints(wide));
  const n = intervalOf(parseConstraints(narrow));
  if (w.low) {
    if (!n.low) return false;
    const c = compareVersions(n.low.version, w.low.version);
    if (c < 0 || (c === 0 && n.low.inclusive && !w.low.inclusive)) return false;
  }
  if (w.high) {
    if (!n.high) return false;
    const c = compareVersions(n.high.version, w.high.version);
    if (c > 0 || (c === 0 && n.high.inclusive && !w.high.inclusive)) return false;
  }
  return w.holes.every((hole) => !inside(hole, n));
}

/**
 * A version selector of the kind `actions/setup-node` takes (`24`, `24.x`, `24.11.x`, `24.11.1`) as constraints:
 * `24.x` is `>= 24.0.0, < 25.0.0`, an exact version is `= 24.11.1`.
 */
export function versionSelectorRange(selector: string): string {
  const m = /^v?(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?$/.exec(selector.trim());
  if (!m) {
    throw new VersionSyntaxError(
      `unsupported version selector: ${JSON.stringify(selector)} (expected N, N.x, N.N.x or N.N.N)`,
    );
  }
  const wild = (s: string | undefined) => s === undefined || s === 'x' || s === '*';
  const [major, minor, patch] = [Number(m[1]), m[2], m[3]];
  if (wild(minor)) {
    if (!wild(patch)) throw new VersionSyntaxError(`unsupported version selector: ${JSON.stringify(selector)}`);
    return `>= ${major}.0.0, < ${major + 1}.0.0`;
  }
  if (wild(patch)) return `>= ${major}.${minor}.0, < ${major}.${Number(minor) + 1}.0`;
  return `= ${major}.${minor}.${patch}`;
}
