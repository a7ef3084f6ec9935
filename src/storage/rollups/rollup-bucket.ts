import { DDSketch } from '@datadog/sketches-js';

/**
 * Rollups: the samples of one series in one time bucket, reduced to count, sum, min, max and a
 * DDSketch (Masson et al., VLDB 2019) for quantiles. Every part merges exactly, so a coarse bucket
 * is the merge of finer ones and partial buckets from several writers combine in any order.
 *
 * The sketch answers quantiles within SKETCH_RELATIVE_ACCURACY of the true value, for negative
 * values too (a separate store of magnitudes). Magnitudes below about 1.1e-308 (denormals) count
 * as zero in the sketch; count, sum, min and max keep them exactly.
 */

/** Relative accuracy of quantiles; the codec's stored sketch keys depend on it. */
export const SKETCH_RELATIVE_ACCURACY = 0.01;

/** The scalar parts of a bucket, as the codec stores them. */
export interface RollupSummary {
  start: number;
  count: number;
  sum: number;
  min: number;
  max: number;
}

/** A mergeable aggregate of the samples of one series in one time bucket. */
export class RollupBucket {
  /** Epoch ms of the bucket start. */
  readonly start: number;
  // Written only here: outside writes could break the rule that a missing sketch means equal samples.
  private n = 0;
  private total = 0;
  private lowest = Infinity;
  private highest = -Infinity;
  /**
   * Created at the second distinct value: until then all samples equal `min`, which with `count`
   * determines the sketch. Sparse series mostly have one sample a bucket, and a sketch allocates
   * 128 bins a store at its first value.
   */
  private sketchOrUndefined: DDSketch | undefined;

  constructor(start: number) {
    if (!Number.isSafeInteger(start)) throw new RangeError(`bucket start must be an integer number of ms, got ${start}`);
    this.start = start;
  }

  /**
   * A bucket from stored parts. `sketch` is required unless all samples are equal (min === max),
   * and is taken over, not copied. Throws a RangeError when the parts contradict each other.
   */
  static restore(summary: RollupSummary, sketch?: DDSketch): RollupBucket {
    const { count, sum, min, max } = summary;
    const bucket = new RollupBucket(summary.start);
    if (count === 0) {
      if (sketch !== undefined || sum !== 0 || min !== Infinity || max !== -Infinity) throw new RangeError('empty rollup bucket with samples');
      return bucket;
    }
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`rollup bucket count must be a non-negative integer, got ${count}`);
    if (!(min <= max) || !Number.isFinite(min) || !Number.isFinite(max)) throw new RangeError(`rollup bucket has min ${min} and max ${max}`);
    if (sketch === undefined ? min !== max : sketch.count !== count) throw new RangeError('rollup bucket sketch does not match its count');
    bucket.n = count;
    bucket.total = sum;
    bucket.lowest = min;
    bucket.highest = max;
    bucket.sketchOrUndefined = sketch;
    return bucket;
  }

  get count(): number {
    return this.n;
  }

  get sum(): number {
    return this.total;
  }

  /** +Infinity while empty. */
  get min(): number {
    return this.lowest;
  }

  /** -Infinity while empty. */
  get max(): number {
    return this.highest;
  }

  /**
   * The quantile sketch, for the codec; undefined while empty or while all samples are equal
   * (it is implied then). Read it, never modify it.
   */
  get sketch(): DDSketch | undefined {
    return this.sketchOrUndefined;
  }

  /** Adds a sample; throws a RangeError for NaN or an infinity, which no sketch bin can hold. */
  add(value: number): void {
    if (!Number.isFinite(value)) throw new RangeError(`rollup sample must be finite, got ${value}`);
    if (this.sketchOrUndefined !== undefined) this.sketchOrUndefined.accept(value);
    else if (this.n > 0 && value !== this.lowest) this.materialize().accept(value);
    this.n++;
    this.total += value;
    if (value < this.lowest) this.lowest = value;
    if (value > this.highest) this.highest = value;
  }

  /** Adds the samples of `other` (left unchanged); throws a RangeError if the buckets start at different times. */
  merge(other: RollupBucket): void {
    if (other.start !== this.start) throw new RangeError(`cannot merge the rollup bucket at ${other.start} into the one at ${this.start}`);
    this.absorb(other);
  }

  /** Adds the samples of `other`, whatever its start: a finer bucket rolled into this coarser one. */
  absorb(other: RollupBucket): void {
    if (other.n === 0) return;
    if (this.n === 0) {
      this.sketchOrUndefined = other.sketchOrUndefined && copySketch(other.sketchOrUndefined);
    } else if (this.sketchOrUndefined !== undefined || other.sketchOrUndefined !== undefined || other.lowest !== this.lowest) {
      mergeSketch(this.materialize(), other.sketchOrUndefined ?? uniformSketch(other.lowest, other.n));
    }
    this.n += other.n;
    this.total += other.total;
    if (other.lowest < this.lowest) this.lowest = other.lowest;
    if (other.highest > this.highest) this.highest = other.highest;
  }

  clone(): RollupBucket {
    const copy = new RollupBucket(this.start);
    copy.merge(this);
    return copy;
  }

  /**
   * The value at quantile `q` (0..1, ranks as in DDSketch: the sample at floor(q * (count - 1))),
   * within SKETCH_RELATIVE_ACCURACY; undefined while empty.
   */
  quantile(q: number): number | undefined {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be within [0, 1], got ${q}`);
    if (this.n === 0) return undefined;
    // Without a sketch all samples equal min; and the extremes are known exactly anyway.
    if (this.sketchOrUndefined === undefined || q === 0) return this.lowest;
    if (q === 1) return this.highest;
    // A bin's representative value may lie just outside the samples (or overflow to Infinity
    // near Number.MAX_VALUE); clamping only moves it closer to the true quantile.
    return Math.min(this.highest, Math.max(this.lowest, this.sketchOrUndefined.getValueAtQuantile(q)));
  }

  private materialize(): DDSketch {
    this.sketchOrUndefined ??= uniformSketch(this.lowest, this.n);
    return this.sketchOrUndefined;
  }
}

/** The sketch of `count` (> 0) samples all equal to `value`. */
function uniformSketch(value: number, count: number): DDSketch {
  const sketch = new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY });
  sketch.accept(value, count);
  return sketch;
}

function copySketch(sketch: DDSketch): DDSketch {
  const copy = new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY });
  // Into an empty sketch, merge copies every store.
  copy.merge(sketch);
  return copy;
}

/**
 * DDSketch.merge in sketches-js 2.1.1 merges only the positive store into a non-empty sketch
 * (DataDog/sketches-js#22, open): the negative one is merged here. `target` is never empty.
 */
function mergeSketch(target: DDSketch, source: DDSketch): void {
  target.merge(source);
  target.negativeStore.merge(source.negativeStore);
}
