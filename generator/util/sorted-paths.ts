/**
 * The paths of `sorted` (a list in string order) inside `folder`, at any depth: a contiguous run, found by bisection.
 */
export function pathsUnder(sorted: readonly string[], folder: string): string[] {
  const prefix = `${folder}/`;
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid] < prefix) low = mid + 1;
    else high = mid;
  }
  let end = low;
  while (end < sorted.length && sorted[end].startsWith(prefix)) end++;
  return sorted.slice(low, end);
}
