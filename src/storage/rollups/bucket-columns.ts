/**
 * Rollup buckets of one series as columns: what queries read, decoded once and cached (stored
 * parts never change). Bucket i's distribution is bins [binOffsets[i], binOffsets[i + 1]):
 * a sketch's bins (representative value, count) in ascending value order, or exact samples of
 * weight 1. first, last and increase (counter increase within the bucket) are NaN where the tier
 * does not keep them: stored rollups keep none of them, so per-series functions read raw samples.
 */
export interface BucketColumns {
  readonly length: number;
  readonly start: Float64Array;
  readonly count: Float64Array;
  readonly sum: Float64Array;
  readonly min: Float64Array;
  readonly max: Float64Array;
  readonly first: Float64Array;
  readonly last: Float64Array;
  readonly increase: Float64Array;
  readonly binOffsets: Uint32Array;
  readonly binValues: Float64Array;
  readonly binCounts: Float64Array;
}

/** Counter increase from `previous` to `next`: a drop is a reset, after which the counter counted up from 0 to `next` (as Prometheus does). */
export function counterDelta(previous: number, next: number): number {
  return next >= previous ? next - previous : next;
}

/** Bytes a cache should count for the columns. */
export const bucketColumnsBytes = (c: BucketColumns): number => 8 * (8 * c.length + 2 * c.binValues.length) + 4 * c.binOffsets.length + 64;

/** The buckets whose start is in [from, to), as views (no copy); `c` must be sorted by start. */
export function sliceBucketColumns(c: BucketColumns, from: number, to: number): BucketColumns {
  const lo = lowerBound(c.start, from);
  const hi = lowerBound(c.start, to);
  if (lo === 0 && hi === c.length) return c;
  const view = (a: Float64Array) => a.subarray(lo, hi);
  return {
    length: Math.max(0, hi - lo),
    start: view(c.start),
    count: view(c.count),
    sum: view(c.sum),
    min: view(c.min),
    max: view(c.max),
    first: view(c.first),
    last: view(c.last),
    increase: view(c.increase),
    // Offsets stay absolute: they index the whole bin arrays.
    binOffsets: c.binOffsets.subarray(lo, Math.max(lo, hi) + 1),
    binValues: c.binValues,
    binCounts: c.binCounts,
  };
}

/** The first index whose value is >= x in an ascending array. */
export function lowerBound(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Collects buckets in order, then hands them over as columns. */
export class BucketColumnsBuilder {
  private readonly scalars: number[][] = [[], [], [], [], [], [], [], []];
  private readonly offsets: number[] = [0];
  private readonly values: number[] = [];
  private readonly counts: number[] = [];

  /** Starts a bucket; its bins follow with `bin`. */
  bucket(start: number, count: number, sum: number, min: number, max: number, first = NaN, last = NaN, increase = NaN): void {
    const [s, n, total, lo, hi, f, l, inc] = this.scalars;
    s.push(start);
    n.push(count);
    total.push(sum);
    lo.push(min);
    hi.push(max);
    f.push(first);
    l.push(last);
    inc.push(increase);
    this.offsets.push(this.values.length);
  }

  /** A bin of the bucket started last. */
  bin(value: number, count: number): void {
    this.values.push(value);
    this.counts.push(count);
    this.offsets[this.offsets.length - 1] = this.values.length;
  }

  finish(): BucketColumns {
    const [start, count, sum, min, max, first, last, increase] = this.scalars.map((column) => Float64Array.from(column));
    return {
      length: start.length,
      start,
      count,
      sum,
      min,
      max,
      first,
      last,
      increase,
      binOffsets: Uint32Array.from(this.offsets),
      binValues: Float64Array.from(this.values),
      binCounts: Float64Array.from(this.counts),
    };
  }
}
