import { editDistance } from '../config/problems';

/**
 * "Did you mean": the known names nearest to a name that is not known.
 *
 * Two measures, as a person mistypes an instance type or family:
 * - a truncation: a known name that starts with the input (`trn2.48xl` for `trn2.48xlarge`, `p5.48x`), when the
 *   input reaches past the family (it holds a dot): the shortest such names win;
 * - otherwise the edit distance on the whole name (Damerau-Levenshtein, optimal string alignment: insertions,
 *   deletions, substitutions and swaps of two neighbours cost 1), within a bound that grows with the name's length
 *   (1 up to 4 characters, 2 up to 8, then 3), so that a short name such as `g7x` is not "corrected" into any of
 *   the many families one or two letters away.
 * Ties are all given (at most three), in order of the candidates' names.
 */
export function didYouMean(input: string, candidates: Iterable<string>): string[] {
  const names = [...new Set(candidates)].filter((c) => c !== input).sort();
  if (input.includes('.')) {
    const truncated = names.filter((c) => c.startsWith(input));
    if (truncated.length > 0) {
      const shortest = Math.min(...truncated.map((c) => c.length));
      return truncated.filter((c) => c.length === shortest).slice(0, 3);
    }
  }
  const bound = input.length <= 4 ? 1 : input.length <= 8 ? 2 : 3;
  let best = bound;
  let nearest: string[] = [];
  for (const name of names) {
    const d = editDistance(input, name);
    if (d > bound) continue;
    if (d < best || nearest.length === 0) {
      best = d;
      nearest = [name];
    } else if (d === best) {
      nearest.push(name);
    }
  }
  return nearest.slice(0, 3);
}

/** `; did you mean "a"?`, `; did you mean "a" or "b"?`, or nothing. */
export function didYouMeanSuffix(input: string, candidates: Iterable<string>): string {
  const near = didYouMean(input, candidates);
  return near.length ? `; did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : '';
}
