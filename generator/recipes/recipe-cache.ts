import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GeneratedFile } from '../fleet/generated-file';
import { parseYamlText } from '../config/yaml-source';
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
 * A hit gives the same RecipeInput a parse would; its lines are found by parsing only if a later stage
 * reports a problem in it. The cache is written only by a regenerate that succeeds.
 */
export class RecipeCache {
  private readonly entries: Map<string, Entry>;
  private readonly used = new Map<string, Entry>();
  /** The digest of the cache file as read, to write it only when it changes. */
  private readonly loadedDigest: string | undefined;

  static load(root: string): RecipeCache {
    try {
      return new RecipeCache(readFileSync(join(root, RECIPE_CACHE_PATH), 'utf-8'));
    } catch {
      return new RecipeCache(undefined);
    }
  }

  private constructor(text: string | undefined) {
    this.loadedDigest = text === undefined ? undefined : digestOf(text);
    let entries: Record<string, Entry> = {};
    try {
      const parsed = text === undefined ? undefined : (JSON.parse(text) as { version?: string; recipes?: Record<string, Entry> });
      if (parsed?.version === VERSION && parsed.recipes) entries = parsed.recipes;
    } catch {
      // a damaged cache is no cache
    }
    this.entries = new Map(Object.entries(entries));
  }

  lookup(file: string, text: string): RecipeInput | undefined {
    const digest = digestOf(text);
    const entry = this.entries.get(file);
    if (!entry || entry[0] !== digest) return undefined;
    this.used.set(file, entry);
    let lineOf: RecipeInput['lineOf'] | undefined;
    return {
      ...(JSON.parse(entry[1]) as Cached),
      lineOf: (path) => {
        if (!lineOf) {
          const parsed = parseYamlText(text, file);
          lineOf = parsed.ok ? parsed.source.lineOf : () => undefined;
        }
        return lineOf(path);
      },
    };
  }

  remember(file: string, text: string, input: RecipeInput) {
    const { lineOf: _lineOf, ...data } = input;
    this.used.set(file, [digestOf(text), JSON.stringify(data)]);
  }

  /** The cache file as it should be after this regenerate (only the recipes that exist now), if it changed. */
  file(): GeneratedFile | undefined {
    const recipes = Object.fromEntries([...this.used].sort(([a], [b]) => (a < b ? -1 : 1)));
    const content = JSON.stringify({ version: VERSION, recipes });
    return digestOf(content) === this.loadedDigest ? undefined : { path: RECIPE_CACHE_PATH, content };
  }
}

function digestOf(text: string): string {
  return createHash('sha1').update(text).digest('base64url');
}
