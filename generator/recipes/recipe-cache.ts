import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GeneratedFile } from '../fleet/generated-file';
import type { RecipeInput } from './load-recipes';

/** Where parsed recipes are kept between regenerates (not committed, see .gitignore). */
export const RECIPE_CACHE_PATH = '.projen/fleet-recipes-cache.json';
/** Bumped whenever what a recipe parses to changes (schema, defaults): an old cache is then ignored. */
const VERSION = 'recipes-2';

type Cached = Omit<RecipeInput, 'lineOf'>;
/** The digest of a recipe file's text, and what it parsed to as JSON text: a string is a fraction of the objects' memory. */
type Entry = [digest: string, json: string];

/**
 * Recipes already parsed and validated, by file and digest of their text: parsing thousands of recipe files
 * is most of a regenerate's cost once rendering is cached, and a pull request changes one or two of them.
 * A hit gives the same recipe a parse would. The cache is written only by a regenerate that succeeds.
 */
export class RecipeCache {
  private readonly entries: Map<string, Entry>;
  private readonly used = new Map<string, Entry>();

  static load(root: string): RecipeCache {
    try {
      return new RecipeCache(readFileSync(join(root, RECIPE_CACHE_PATH), 'utf-8'));
    } catch {
      return new RecipeCache(undefined);
    }
  }

  private constructor(text: string | undefined) {
    let entries: Record<string, Entry> = {};
    try {
      const parsed = text === undefined ? undefined : (JSON.parse(text) as { version?: string; recipes?: Record<string, Entry> });
      if (parsed?.version === VERSION && parsed.recipes) entries = parsed.recipes;
    } catch {
      // a damaged cache is no cache
    }
    this.entries = new Map(Object.entries(entries));
  }

  /** What the recipe file parsed to when its text was the same (lines aside: see loadRecipeFile). */
  lookup(file: string, text: string): Cached | undefined {
    const digest = digestOf(text);
    const entry = this.entries.get(file);
    if (!entry || entry[0] !== digest) return undefined;
    this.used.set(file, entry);
    return JSON.parse(entry[1]) as Cached;
  }

  remember(file: string, text: string, input: RecipeInput) {
    const { lineOf: _lineOf, ...data } = input;
    this.used.set(file, [digestOf(text), JSON.stringify(data)]);
  }

  /** A recipe as kept (JSON text), once looked up or remembered. */
  jsonOf(file: string): string | undefined {
    return this.used.get(file)?.[1];
  }

  /**
   * The cache file as it should be after this regenerate (only the recipes that exist now), if it changed: a
   * recipe parsed again, or one gone. Its text is made only when it is written.
   */
  file(): GeneratedFile | undefined {
    const changed = this.used.size !== this.entries.size || [...this.used].some(([file, entry]) => this.entries.get(file) !== entry);
    if (!changed) return undefined;
    const used = this.used;
    return {
      path: RECIPE_CACHE_PATH,
      get content() {
        return JSON.stringify({ version: VERSION, recipes: Object.fromEntries([...used].sort(([a], [b]) => (a < b ? -1 : 1))) });
      },
    };
  }
}

function digestOf(text: string): string {
  return createHash('sha1').update(text).digest('base64url');
}
