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

/** Optimal string alignment distance (Levenshtein plus the swap of two adjacent characters). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
