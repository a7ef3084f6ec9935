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
 * one step): values gather in flat typed arrays and sort natively (unit weights) or through an index
 * permutation (weights), once for any number of quantiles until the next add.
 */
export class QuantileBuffer {
  private values = new Float64Array(256);
  private weights = new Float64Array(256);
  private order = new Uint32Array(256);
  private size = 0;
  private totalWeight = 0;
  private unitWeights = true;
  private sorted = true;

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
    this.unitWeights = true;
    this.sorted = true;
  }

  add(value: number, weight = 1): void {
    this.reserve(1);
    this.values[this.size] = value;
    this.weights[this.size++] = weight;
    this.totalWeight += weight;
    if (weight !== 1) this.unitWeights = false;
    this.sorted = false;
  }

  /** Adds values[from, to) with their weights (weight 1 each when `weights` is undefined). */
  addRange(values: Float64Array, weights: Float64Array | undefined, from: number, to: number): void {
    const n = to - from;
    if (n <= 0) return;
    this.reserve(n);
    this.values.set(values.subarray(from, to), this.size);
    if (weights === undefined) {
      this.weights.fill(1, this.size, this.size + n);
      this.totalWeight += n;
    } else {
      this.weights.set(weights.subarray(from, to), this.size);
      for (let i = from; i < to; i++) {
        const w = weights[i];
        this.totalWeight += w;
        if (w !== 1) this.unitWeights = false;
      }
    }
    this.size += n;
    this.sorted = false;
  }

  /** Quantile q (0..1) of the values, clamped to [min, max]; NaN when empty. */
  quantile(q: number, min = -Infinity, max = Infinity): number {
    if (this.size === 0) return NaN;
    const x = this.unitWeights ? this.unitQuantile(q) : this.weightedQuantile(q);
    return x < min ? min : x > max ? max : x;
  }

  private unitQuantile(q: number): number {
    if (!this.sorted) {
      this.values.subarray(0, this.size).sort();
      this.sorted = true;
    }
    return quantileOfSorted(this.values, q, 0, this.size);
  }

  private weightedQuantile(q: number): number {
    const { values, weights } = this;
    const order = this.order.subarray(0, this.size);
    if (!this.sorted) {
      for (let i = 0; i < order.length; i++) order[i] = i;
      order.sort((a, b) => values[a] - values[b]);
      this.sorted = true;
    }
    const rank = q * (this.totalWeight - 1);
    const lo = Math.floor(rank);
    const last = order.length - 1;
    // The value at integer rank j is the first whose cumulative weight exceeds j.
    let cum = 0;
    let i = 0;
    while (i < last && cum + weights[order[i]] <= lo) cum += weights[order[i++]];
    const a = values[order[i]];
    if (lo === rank) return a;
    while (i < last && cum + weights[order[i]] <= lo + 1) cum += weights[order[i++]];
    const b = values[order[i]];
    return a + (b - a) * (rank - lo);
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
    this.order = new Uint32Array(capacity);
  }
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
