import { lowerBound } from '../../storage/rollups/bucket-columns';
import { MAD_TO_SIGMA, MEAN_AD_TO_SIGMA } from './scoring';

/**
 * The last `capacity` values, in arrival order (a ring) and sorted (binary-search insert and
 * delete, one memmove each), so the median is a lookup and the MAD a binary search over the two
 * sorted runs of deviations either side of the median: O(capacity) per push for the move, no
 * re-sort. Memory: 16 bytes per point of capacity.
 */
export class SortedWindow {
  private readonly ring: Float64Array;
  private readonly sorted: Float64Array;
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`window capacity must be a positive integer, got ${capacity}`);
    this.ring = new Float64Array(capacity);
    this.sorted = new Float64Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Adds a finite value, evicting the oldest once full. */
  push(value: number): void {
    if (this.count === this.capacity) {
      const at = lowerBound(this.sorted.subarray(0, this.count), this.ring[this.head]);
      this.sorted.copyWithin(at, at + 1, this.count);
      this.count--;
    }
    const at = lowerBound(this.sorted.subarray(0, this.count), value);
    this.sorted.copyWithin(at + 1, at, this.count);
    this.sorted[at] = value;
    this.count++;
    this.ring[this.head] = value;
    this.head = (this.head + 1) % this.capacity;
  }

  /** NaN when empty. */
  median(): number {
    const n = this.count;
    if (n === 0) return NaN;
    const mid = n >> 1;
    return n % 2 === 1 ? this.sorted[mid] : (this.sorted[mid - 1] + this.sorted[mid]) / 2;
  }

  /** Median absolute deviation from `median` (the window's median). */
  mad(median: number): number {
    const n = this.count;
    if (n === 0) return NaN;
    const split = lowerBound(this.sorted.subarray(0, n), median);
    const mid = n >> 1;
    return n % 2 === 1 ? this.deviation(mid, median, split) : (this.deviation(mid - 1, median, split) + this.deviation(mid, median, split)) / 2;
  }

  /**
   * Robust estimate of the standard deviation: 1.4826 * MAD, or 1.2533 * the mean absolute deviation
   * when more than half the window is one value (MAD 0, e.g. a count that is mostly 0).
   */
  robustSpread(median: number): number {
    const mad = this.mad(median);
    return mad > 0 ? MAD_TO_SIGMA * mad : MEAN_AD_TO_SIGMA * this.meanAbsoluteDeviation(median);
  }

  /** Mean absolute deviation from `median`: O(capacity), for when the MAD is 0. */
  meanAbsoluteDeviation(median: number): number {
    let sum = 0;
    for (let i = 0; i < this.count; i++) sum += Math.abs(this.sorted[i] - median);
    return sum / this.count;
  }

  /**
   * The k-th smallest (0-based) |x - median|. Left of `split` the deviations median - sorted[split - 1 - i]
   * ascend with i, from `split` on sorted[split + i] - median do: find how many of the k + 1 smallest
   * come from the left run by binary search, as for the k-th of two sorted arrays.
   */
  private deviation(k: number, median: number, split: number): number {
    const left = (i: number) => median - this.sorted[split - 1 - i];
    const right = (i: number) => this.sorted[split + i] - median;
    const leftSize = split;
    const rightSize = this.count - split;
    let lo = Math.max(0, k + 1 - rightSize);
    let hi = Math.min(k + 1, leftSize);
    while (lo < hi) {
      const fromLeft = (lo + hi) >>> 1;
      if (left(fromLeft) < right(k - fromLeft)) lo = fromLeft + 1;
      else hi = fromLeft;
    }
    const fromRight = k + 1 - lo;
    return Math.max(lo > 0 ? left(lo - 1) : -Infinity, fromRight > 0 ? right(fromRight - 1) : -Infinity);
  }
}
