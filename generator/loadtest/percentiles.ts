/**
 * A growable list of numbers on a Float64Array: a step of a long load test holds millions of latencies, which as a
 * plain array of boxed numbers would take several times the memory and sort far slower (typed arrays sort
 * numerically, in place, without a comparator call per pair).
 */
export class FloatBuffer {
  private values = new Float64Array(1024);
  private size = 0;

  get length(): number {
    return this.size;
  }

  push(value: number): void {
    if (this.size === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.size++] = value;
  }

  /** The values in ascending order (sorts the buffer's own storage: no copy of a large step). */
  sorted(): Float64Array {
    return this.values.subarray(0, this.size).sort();
  }
}

/**
 * The `p`th percentile (0 < p <= 100) of ascending `sorted` values by the nearest-rank method: the smallest value
 * with at least p% of the values at or below it, that is the value of rank ceil(p / 100 x n). It is always a latency
 * that was measured, never one interpolated between two, so a reader can find it in the raw results. NaN when empty.
 */
export function nearestRank(sorted: Float64Array, p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile ${p} is not in (0, 100]`);
  if (sorted.length === 0) return NaN;
  // p / 100 * n in floating point can land a hair above an integer (0.29 * 100 = 29.000000000000004): round it first
  const rank = Math.ceil(Number(((p / 100) * sorted.length).toFixed(9)));
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}
