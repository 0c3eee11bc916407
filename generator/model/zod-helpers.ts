import { z } from 'zod';
import { MAX_MEMORY_BYTES, memoryBytes } from './quantity';

/**
 * Small zod building blocks whose messages read as "expected ...". The loader appends
 * ", got <value>" and the location, so a person sees
 * `clusters/prod-use1/cluster.yaml:14: teams[1].quotas.gpu: expected a non-negative integer, got "eight"`.
 */

/** Prefix of the message of an unknown-key issue; the known keys follow, comma separated. */
export const UNKNOWN_KEY_MARKER = 'known keys: ';

/** An object that refuses unknown keys, remembering its known keys for did-you-mean suggestions. */
export function strictObject<T extends z.ZodRawShape>(shape: T) {
  const keys = Object.keys(shape);
  const known = keys.join(', ');
  const expected = `expected a mapping with ${keys.slice(0, 4).join(', ')}${keys.length > 4 ? ', ...' : ''}`;
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') return `${UNKNOWN_KEY_MARKER}${known}`;
      if (issue.code === 'invalid_type') return expected;
      return undefined;
    },
  });
}

export function nonNegativeInt() {
  const error = 'expected a non-negative integer';
  return z.number({ error }).int({ error }).min(0, { error }).max(Number.MAX_SAFE_INTEGER, { error });
}

export function positiveInt(max = Number.MAX_SAFE_INTEGER) {
  const error =
    max === Number.MAX_SAFE_INTEGER ? 'expected a positive integer' : `expected an integer from 1 to ${max}`;
  return z.number({ error }).int({ error }).min(1, { error }).max(max, { error });
}

export function text(what = 'a string') {
  return z.string({ error: `expected ${what}` }).min(1, { error: `expected ${what}, not an empty string` });
}

export function pattern(re: RegExp, what: string) {
  return z.string({ error: `expected ${what}` }).regex(re, { error: `expected ${what}` });
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  const error = `expected one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
  return z.enum(values, { error });
}

export function list<T extends z.ZodType>(item: T, what = 'a list') {
  return z.array(item, { error: `expected ${what}` });
}

/** A Kubernetes name: a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters). */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
export function dnsLabel() {
  return pattern(DNS_LABEL, 'a DNS label (lowercase letters, digits and "-", at most 63 characters)');
}

/** A memory amount: a Kubernetes quantity such as `2000Gi` or `64G`, or a whole number of bytes. */
export function memoryQuantity() {
  const error = 'expected a memory quantity such as 512Gi, 2Ti or 64G';
  return z
    .union([z.number().int().nonnegative(), z.string()], { error })
    .transform(String)
    .refine(
      (q) => {
        const bytes = memoryBytes(q);
        return bytes !== undefined && bytes <= MAX_MEMORY_BYTES;
      },
      { error },
    );
}
