import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ParsedRecipes, RecipeInput } from './load-recipes';
import { writeAll } from '../util/write-all';

/** Where parsed recipes are kept between regenerates (not committed, see .gitignore). */
export const RECIPE_CACHE_PATH = '.projen/fleet-recipes-cache.json';
/**
 * Bumped whenever what a recipe parses to changes (schema, defaults), what refuses one (5: the secret scan reads
 * comments and the whole depth), or the file's layout: an old cache is then ignored.
 */
const VERSION = 'recipes-5';

type Cached = Omit<RecipeInput, 'lineOf'>;
/**
 * The digest of a recipe file's text, and what it parsed to as JSON text: a string is a fraction of the objects'
 * memory.
 */
type Entry = [digest: string, json: string];
/**
 * An entry's JSON text: a string (a slice of the previous cache's text, held anyway), or where a recipe parsed
 * by this regenerate has it in the new cache file, which readJson reads back.
 */
export type JsonText = string | { readonly start: number; readonly bytes: number };

/** Text gathered before a write to the new cache file: few system calls, little memory. */
const CHUNK = 256 * 1024;

/**
 * Recipes already parsed and validated, by file and digest of their text: parsing thousands of recipe files
 * is most of a regenerate's cost once rendering is cached, and a pull request changes one or two of them.
 * A hit gives the same recipe a parse would.
 *
 * The cache as this regenerate makes it is written as the recipes load, one line a recipe, to `out` (a file
 * the writer stages and puts in place only when the regenerate succeeds), so a fleet's parsed recipes are
 * never held in memory all at once. Without `out` (a dry run, tests), nothing is written.
 */
export class RecipeCache implements ParsedRecipes {
  /** The previous cache's entries not yet looked up or replaced. */
  private readonly previous: Map<string, Entry>;
  private readonly out: string | undefined;
  private fd: number | undefined;
  private chunk = '';
  /**
   * Whether the new cache must replace the previous one: it has a recipe parsed by this regenerate (which waits
   * in it for its cluster, see keep), or lacks one the previous had.
   */
  private changed: boolean;
  private last: [file: string, digest: string, json: JsonText] | undefined;
  /** Bytes appended to the new cache file so far. */
  private bytes = 0;

  /**
   * `known`: the digest of each recipe file's content as the caller already read it (config/input-digest.ts),
   * so that a recipe the cache holds need not be read again (lookupKnown).
   */
  static load(root: string, out?: string, known?: (file: string) => string | undefined): RecipeCache {
    let text: string | undefined;
    try {
      text = readFileSync(join(root, RECIPE_CACHE_PATH), 'utf-8');
    } catch {
      text = undefined;
    }
    return new RecipeCache(text, out, known);
  }

  private constructor(
    text: string | undefined,
    out: string | undefined,
    private readonly known?: (file: string) => string | undefined,
  ) {
    const previous = parseCache(text);
    this.previous = previous ?? new Map();
    this.changed = previous === undefined;
    this.out = out;
    this.append(`${JSON.stringify({ version: VERSION })}\n`);
  }

  /** What the recipe file parsed to when its text was the same (lines aside: see loadRecipeFile). */
  lookup(file: string, text: string, role: RecipeInput['role']): Cached | undefined {
    return this.lookupDigest(file, digestOf(text), role);
  }

  /** lookup, by the digest the caller gave for the file at load, without its text; undefined if it gave none. */
  lookupKnown(file: string, role: RecipeInput['role']): Cached | undefined {
    const digest = this.known?.(file);
    return digest === undefined ? undefined : this.lookupDigest(file, digest, role);
  }

  private lookupDigest(file: string, digest: string, role: RecipeInput['role']): Cached | undefined {
    const entry = this.previous.get(file);
    if (!entry || entry[0] !== digest) return undefined;
    let cached: Cached;
    try {
      cached = JSON.parse(entry[1]) as Cached;
    } catch {
      return undefined; // a damaged line is no entry
    }
    if (cached.role !== role) return undefined;
    this.previous.delete(file);
    this.keep(file, entry, false);
    return cached;
  }

  remember(file: string, text: string, input: RecipeInput) {
    const { lineOf: _lineOf, ...data } = input;
    this.previous.delete(file);
    this.changed = true;
    this.keep(file, [digestOf(text), JSON.stringify(data)], true);
  }

  /**
   * The recipe last looked up or remembered, when it is `file`'s: the digest of its text and what it parsed to
   * as JSON text (readJson). With the file, the digest says all the JSON text does (the generator's code aside).
   */
  entryOf(file: string): { digest: string; json: JsonText } | undefined {
    return this.last?.[0] === file ? { digest: this.last[1], json: this.last[2] } : undefined;
  }

  /** The JSON texts entryOf gave, after end(): those in the new cache file read back from it, in one open. */
  readJson(texts: readonly JsonText[]): string[] {
    if (texts.every((text) => typeof text === 'string')) return texts as string[];
    const fd = openSync(this.out!, 'r');
    try {
      let buffer = Buffer.alloc(0);
      return texts.map((text) => {
        if (typeof text === 'string') return text;
        if (buffer.length < text.bytes) buffer = Buffer.alloc(Math.max(text.bytes, 2 * buffer.length));
        if (readSync(fd, buffer, 0, text.bytes, text.start) !== text.bytes) {
          throw new Error(`generator bug: ${this.out} is shorter than written`);
        }
        return buffer.toString('utf-8', 0, text.bytes);
      });
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Ends the new cache file: kept when it differs from the previous cache (a recipe parsed again, or one gone),
   * removed otherwise, so that a regenerate that changed no recipe does not rewrite it.
   */
  end() {
    if (this.out === undefined) return;
    this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    if (!this.changed && this.previous.size === 0) rmSync(this.out, { force: true });
  }

  /**
   * Appends the entry to the new cache. A recipe parsed by this regenerate (`parsed`) then waits for its cluster
   * as a place in that file rather than as a string: a large fleet's parsed recipes are tens of megabytes.
   */
  private keep(file: string, [digest, json]: Entry, parsed: boolean) {
    this.append(`${digest}\t${JSON.stringify(file)}\t`);
    const start = this.bytes;
    this.append(json);
    this.last = [file, digest, parsed && this.out !== undefined ? { start, bytes: this.bytes - start } : json];
    this.append('\n');
  }

  private append(line: string) {
    if (this.out === undefined) return;
    this.bytes += Buffer.byteLength(line);
    this.chunk += line;
    if (this.chunk.length >= CHUNK) this.flush();
  }

  private flush() {
    if (this.out === undefined || !this.chunk) return;
    this.fd ??= openSync(this.out, 'w');
    writeAll(this.fd, this.chunk);
    this.chunk = '';
  }
}

/**
 * The entries of a cache file (a version line, then a line a recipe: its digest, its file as a JSON string and
 * what it parsed to as JSON text, separated by tabs, which JSON text never holds raw); none if it is not one.
 * Each JSON text is kept as a slice of the file's text, not parsed or copied: the cache of a large fleet is
 * tens of megabytes.
 */
function parseCache(text: string | undefined): Map<string, Entry> | undefined {
  if (text === undefined) return undefined;
  const entries = new Map<string, Entry>();
  let end = text.indexOf('\n');
  try {
    if (end < 0 || (JSON.parse(text.slice(0, end)) as { version?: unknown }).version !== VERSION) return undefined;
    for (let start = end + 1; start < text.length; start = end + 1) {
      end = text.indexOf('\n', start);
      if (end < 0) return undefined; // cut short
      const tab1 = text.indexOf('\t', start);
      const tab2 = tab1 < 0 ? -1 : text.indexOf('\t', tab1 + 1);
      if (tab2 < 0 || tab2 > end) return undefined;
      const file = JSON.parse(text.slice(tab1 + 1, tab2)) as unknown;
      if (typeof file !== 'string') return undefined;
      entries.set(file, [text.slice(start, tab1), text.slice(tab2 + 1, end)]);
    }
  } catch {
    return undefined; // a damaged cache is no cache
  }
  return entries;
}

function digestOf(text: string): string {
  return createHash('sha1').update(text).digest('base64url');
}
