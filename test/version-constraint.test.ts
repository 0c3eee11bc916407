import { describe, expect, it } from 'vitest';
import {
  allowsAll,
  compareVersions,
  parseConstraints,
  parseVersion,
  satisfies,
  unsatisfied,
  versionSelectorRange,
  VersionSyntaxError,
} from '../generator/util/version-constraint';

const cmp = (a: string, b: string) => compareVersions(parseVersion(a), parseVersion(b));

describe('versions', () => {
  it('parse segments (padded to three), pre-release and metadata, with or without a leading v', () => {
    expect(parseVersion('1.11')).toMatchObject({ segments: [1, 11, 0], written: 2, prerelease: '', metadata: '' });
    expect(parseVersion('v1.2.3-beta1+abc')).toMatchObject({
      segments: [1, 2, 3],
      written: 3,
      prerelease: 'beta1',
      metadata: 'abc',
    });
    expect(parseVersion('1.2.3.4')).toMatchObject({ segments: [1, 2, 3, 4], written: 4 });
    for (const bad of ['', 'x', '1..2', '1.2.', '>= 1.0', '1.0 ', '99999999999999999999']) {
      expect(() => parseVersion(bad), bad).toThrow(VersionSyntaxError);
    }
  });

  it('order numerically, a pre-release before its release, metadata ignored', () => {
    expect(cmp('1.10.0', '1.9.9')).toBe(1);
    expect(cmp('1.11', '1.11.0')).toBe(0);
    expect(cmp('1.11.0-rc1', '1.11.0')).toBe(-1);
    expect(cmp('1.11.0-rc2', '1.11.0-rc10')).toBe(1); // go-version compares "rc2" and "rc10" as text
    expect(cmp('1.11.0-alpha.2', '1.11.0-alpha.10')).toBe(-1); // numeric parts as numbers
    expect(cmp('1.0.0+a', '1.0.0+b')).toBe(0);
    expect(cmp('1.2.3.1', '1.2.3')).toBe(1);
  });
});

describe('Terraform version constraints', () => {
  it.each([
    ['1.11.0', '>= 1.11.0', true],
    ['1.10.9', '>= 1.11.0', false],
    ['1.11.0', '> 1.11.0', false],
    ['1.11.1', '> 1.11.0', true],
    ['2.0.0', '< 2.0.0', false],
    ['1.99.0', '< 2.0.0', true],
    ['2.0.0', '<= 2.0.0', true],
    ['1.11.0', '= 1.11.0', true],
    ['1.11.0', '1.11.0', true], // no operator means =
    ['1.11.1', '1.11', false],
    ['1.11.0', '!= 1.11.0', false],
    ['1.11.1', '!= 1.11.0', true],
    ['1.15.9', '>= 1.11.0, < 2.0.0', true], // comma-separated: all must hold
    ['2.1.0', '>= 1.11.0, < 2.0.0', false],
    ['1.15.9', '>=1.11.0,<2.0.0', true], // spaces are optional
    ['1.12.0', '>= 1.11, != 1.12.0', false],
  ])('%s against "%s": %s', (version, constraint, expected) => {
    expect(satisfies(version, constraint)).toBe(expected);
  });

  it('~> 1.11 lets the minor version grow: >= 1.11, < 2.0', () => {
    expect(['1.11.0', '1.11.7', '1.12.0', '1.99.99'].filter((v) => satisfies(v, '~> 1.11'))).toEqual([
      '1.11.0',
      '1.11.7',
      '1.12.0',
      '1.99.99',
    ]);
    expect(['1.10.9', '2.0.0', '0.11.0'].filter((v) => satisfies(v, '~> 1.11'))).toEqual([]);
  });

  it('~> 1.11.0 lets only the patch version grow: >= 1.11.0, < 1.12.0', () => {
    expect(['1.11.0', '1.11.9'].every((v) => satisfies(v, '~> 1.11.0'))).toBe(true);
    expect(['1.10.9', '1.12.0', '2.11.0'].some((v) => satisfies(v, '~> 1.11.0'))).toBe(false);
  });

  it('~> 1.11.2 is >= 1.11.2, < 1.12.0; ~> 1 has no upper bound (as go-version reads it)', () => {
    expect(satisfies('1.11.1', '~> 1.11.2')).toBe(false);
    expect(satisfies('1.11.2', '~> 1.11.2')).toBe(true);
    expect(satisfies('1.12.0', '~> 1.11.2')).toBe(false);
    expect(satisfies('1.0.0', '~> 1')).toBe(true);
    expect(satisfies('2.5.0', '~> 1')).toBe(true);
    expect(satisfies('0.9.0', '~> 1')).toBe(false);
  });

  it('a pre-release satisfies only constraints that name a pre-release of the same version', () => {
    expect(satisfies('1.12.0-beta1', '>= 1.11.0')).toBe(false);
    expect(satisfies('1.12.0-beta2', '>= 1.12.0-beta1')).toBe(true);
    expect(satisfies('1.13.0-beta1', '>= 1.12.0-beta1')).toBe(false);
    expect(satisfies('1.12.0', '>= 1.12.0-beta1')).toBe(true);
    expect(satisfies('1.12.0', '~> 1.12.0-beta1')).toBe(false); // ~> with a pre-release admits pre-releases only
    expect(satisfies('1.12.0-beta1', '= 1.12.0-beta1')).toBe(true);
  });

  it('lists the constraints a version fails, as written', () => {
    expect(unsatisfied('2.1.0', '>= 1.11.0, < 2.0.0')).toEqual(['< 2.0.0']);
    expect(unsatisfied('1.15.9', '>= 1.11.0, < 2.0.0')).toEqual([]);
  });

  it('refuses malformed constraints', () => {
    for (const bad of ['', '>=', '>= 1.0,', '=> 1.0', '>= 1.0 < 2.0', '^1.0', '~1.0', '1.0 || 2.0']) {
      expect(() => parseConstraints(bad), bad).toThrow(VersionSyntaxError);
    }
  });
});

describe('sets of versions', () => {
  it('allowsAll: every release the narrow constraints allow, the wide ones allow too', () => {
    expect(allowsAll('>= 20.19.0', '>= 24.0.0, < 25.0.0')).toBe(true);
    expect(allowsAll('>= 20.19.0', '>= 20.0.0, < 21.0.0')).toBe(false); // 20.0 to 20.18 are refused
    expect(allowsAll('>= 20.19.0', '= 20.19.0')).toBe(true);
    expect(allowsAll('> 20.19.0', '= 20.19.0')).toBe(false);
    expect(allowsAll('>= 1.11.0, < 2.0.0', '~> 1.15.0')).toBe(true);
    expect(allowsAll('>= 1.11.0, < 2.0.0', '~> 1.15')).toBe(true);
    expect(allowsAll('>= 1.11.0, < 2.0.0', '~> 1')).toBe(false); // unbounded above
    expect(allowsAll('< 2.0.0', '>= 1.0.0, <= 2.0.0')).toBe(false);
    expect(allowsAll('<= 2.0.0', '>= 1.0.0, < 2.0.0')).toBe(true);
    expect(allowsAll('!= 24.3.0', '>= 24.0.0, < 25.0.0')).toBe(false);
    expect(allowsAll('!= 23.3.0', '>= 24.0.0, < 25.0.0')).toBe(true);
    expect(allowsAll('~> 24.1', '>= 24.2.0, < 25.0.0')).toBe(true);
  });

  it('version selectors of setup-node become ranges', () => {
    expect(versionSelectorRange('24.x')).toBe('>= 24.0.0, < 25.0.0');
    expect(versionSelectorRange('24')).toBe('>= 24.0.0, < 25.0.0');
    expect(versionSelectorRange('24.11.x')).toBe('>= 24.11.0, < 24.12.0');
    expect(versionSelectorRange('v24.11.1')).toBe('= 24.11.1');
    for (const bad of ['lts/*', 'node', '>=24', '24.x.1', '']) {
      expect(() => versionSelectorRange(bad), bad).toThrow(VersionSyntaxError);
    }
  });
});
