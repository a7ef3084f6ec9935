/**
 * One quantile definition for every tier, that of Prometheus `quantile_over_time`: over N samples
 * in ascending order (N = the sum of the weights), rank = q * (N - 1), and the quantile interpolates
 * linearly between the values at floor(rank) and ceil(rank). p95 of [11.5, 12.5] is 12.45.
 *
 * Weighted values (sketch bins: representative value, count) take the same walk, the value at
 * integer rank j being the one whose cumulative weight first exceeds j. With DDSketch bins the answer
 * is then within the sketch's relative accuracy of the exact one (every bin value is), and clamping
 * to the true [min, max] only brings it closer.
 */

/** Quantile q of `sorted` (ascending, weight 1 each) over [from, to); NaN when empty. */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number, from = 0, to = sorted.length): number {
  const n = to - from;
  if (n <= 0) return NaN;
  const rank = q * (n - 1);
  const lo = Math.floor(rank);
  const a = sorted[from + lo];
  if (lo === rank) return a;
  const b = sorted[from + lo + 1];
  return a + (b - a) * (rank - lo);
}

/**
 * A reusable multiset of weighted values, for the quantiles of merged distributions (many series in
 * one step): values gather in flat typed arrays, and each quantile takes two weighted selections
 * (expected linear time, no full sort), which reorder the buffer but keep its contents.
 */
export class QuantileBuffer {
  private values = new Float64Array(256);
  private weights = new Float64Array(256);
  private size = 0;
  private totalWeight = 0;

  get length(): number {
    return this.size;
  }

  /** The sum of the weights: the number of samples the values stand for. */
  get weight(): number {
    return this.totalWeight;
  }

  clear(): void {
    this.size = 0;
    this.totalWeight = 0;
  }

  add(value: number, weight = 1): void {
    this.reserve(1);
    this.values[this.size] = value;
    this.weights[this.size++] = weight;
    this.totalWeight += weight;
  }

  /** Adds values[from, to) with their weights (weight 1 each when `weights` is undefined). */
  addRange(values: Float64Array, weights: Float64Array | undefined, from: number, to: number): void {
    const n = to - from;
    if (n <= 0) return;
    this.reserve(n);
    // Plain loops: the ranges are mostly a few values, where subarray() costs more than the copy.
    const v = this.values;
    const w = this.weights;
    let at = this.size;
    if (weights === undefined) {
      for (let i = from; i < to; i++, at++) {
        v[at] = values[i];
        w[at] = 1;
      }
      this.totalWeight += n;
    } else {
      let total = 0;
      for (let i = from; i < to; i++, at++) {
        v[at] = values[i];
        total += w[at] = weights[i];
      }
      this.totalWeight += total;
    }
    this.size = at;
  }

  /** Quantile q (0..1) of the values, clamped to [min, max]; NaN when empty. */
  quantile(q: number, min = -Infinity, max = Infinity): number {
    if (this.size === 0 || !(this.totalWeight > 0)) return NaN;
    const rank = q * (this.totalWeight - 1);
    const lo = Math.floor(rank);
    const a = this.valueAtRank(lo);
    const x = lo === rank ? a : a + (this.valueAtRank(lo + 1) - a) * (rank - lo);
    return x < min ? min : x > max ? max : x;
  }

  /** The value at integer rank j (0-based): the first, in value order, whose cumulative weight exceeds j. */
  private valueAtRank(j: number): number {
    const { values, weights } = this;
    let lo = 0;
    let hi = this.size - 1;
    for (;;) {
      if (hi - lo < 16) return smallRank(values, weights, lo, hi, j);
      // Three-way partition around the median of three: [lo, lt) < pivot, [lt, gt] = pivot, (gt, hi] > pivot.
      const pivot = median3(values[lo], values[(lo + hi) >>> 1], values[hi]);
      let lt = lo;
      let gt = hi;
      let i = lo;
      let below = 0;
      let equal = 0;
      while (i <= gt) {
        const v = values[i];
        if (v < pivot) {
          below += weights[i];
          swap(values, weights, i++, lt++);
        } else if (v > pivot) {
          swap(values, weights, i, gt--);
        } else {
          equal += weights[i++];
        }
      }
      if (j < below) hi = lt - 1;
      else if (j < below + equal) return pivot;
      else {
        j -= below + equal;
        lo = gt + 1;
      }
      // Fractional weights can leave j past the last value; the largest value is then the answer.
      if (lo > hi) return maxOf(values, 0, this.size - 1);
    }
  }

  private reserve(extra: number): void {
    const need = this.size + extra;
    if (need <= this.values.length) return;
    let capacity = this.values.length * 2;
    while (capacity < need) capacity *= 2;
    const values = new Float64Array(capacity);
    values.set(this.values.subarray(0, this.size));
    const weights = new Float64Array(capacity);
    weights.set(this.weights.subarray(0, this.size));
    this.values = values;
    this.weights = weights;
  }
}

function swap(values: Float64Array, weights: Float64Array, i: number, k: number): void {
  const v = values[i];
  values[i] = values[k];
  values[k] = v;
  const w = weights[i];
  weights[i] = weights[k];
  weights[k] = w;
}

function median3(a: number, b: number, c: number): number {
  return a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
}

function maxOf(values: Float64Array, lo: number, hi: number): number {
  let m = values[lo];
  for (let i = lo + 1; i <= hi; i++) if (values[i] > m) m = values[i];
  return m;
}

/** valueAtRank over a short range: insertion sort by value, then walk the cumulative weights. */
function smallRank(values: Float64Array, weights: Float64Array, lo: number, hi: number, j: number): number {
  for (let i = lo + 1; i <= hi; i++) {
    const v = values[i];
    const w = weights[i];
    let k = i - 1;
    while (k >= lo && values[k] > v) {
      values[k + 1] = values[k];
      weights[k + 1] = weights[k];
      k--;
    }
    values[k + 1] = v;
    weights[k + 1] = w;
  }
  let cum = 0;
  for (let i = lo; i < hi; i++) {
    cum += weights[i];
    if (cum > j) return values[i];
  }
  return values[hi];
}

/** Quantile q of the values [from, to) of a distribution (weights as in StepColumns); does not modify the inputs. */
export function quantileOf(
  values: Float64Array,
  weights: Float64Array | undefined,
  q: number,
  from = 0,
  to = values.length,
  buffer = new QuantileBuffer(),
): number {
  buffer.clear();
  buffer.addRange(values, weights, from, to);
  return buffer.quantile(q);
}
