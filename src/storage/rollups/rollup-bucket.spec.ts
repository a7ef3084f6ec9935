import { bucketOf } from '../../../test/support/rollup-buckets';
import { seededRandom } from '../../../test/support/seeded-random';
import { RollupBucket, SKETCH_RELATIVE_ACCURACY } from './rollup-bucket';

const MINUTE = 60_000;
const NOW = 1_718_000_040_000;
const QUANTILES = [0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 1];

/** The sample DDSketch ranks at quantile q: the one at floor(q * (n - 1)) in sorted order. */
function exactQuantile(sorted: Float64Array, q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))];
}

function expectWithinAccuracy(bucket: RollupBucket, values: ArrayLike<number>): void {
  const sorted = Float64Array.from(values).sort();
  for (const q of QUANTILES) {
    const exact = exactQuantile(sorted, q);
    const estimate = bucket.quantile(q)!;
    // The slack covers float rounding in the mapping's log and pow, not the guarantee itself.
    if (!(Math.abs(estimate - exact) <= SKETCH_RELATIVE_ACCURACY * Math.abs(exact) * (1 + 1e-9))) {
      throw new Error(`quantile ${q}: ${estimate} is not within ${SKETCH_RELATIVE_ACCURACY} of ${exact}`);
    }
  }
}

function expectSameQuantiles(actual: RollupBucket, expected: RollupBucket): void {
  expect(QUANTILES.map((q) => actual.quantile(q))).toEqual(QUANTILES.map((q) => expected.quantile(q)));
}

/** CPU-like gauge at 1 decimal, negatives, zeros and magnitudes from 1e-300 to 1e300. */
function mixedValues(random: () => number, n: number): number[] {
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    const kind = random();
    if (kind < 0.4) values.push(Math.round((40 + (random() * 2 - 1) * 5) * 10) / 10);
    else if (kind < 0.6) values.push(-Math.round(random() * 10_000) / 100);
    else if (kind < 0.7) values.push(0);
    else values.push((random() < 0.5 ? -1 : 1) * 10 ** (random() * 600 - 300));
  }
  return values;
}

describe('RollupBucket', () => {
  it('starts empty: no quantiles, min +Infinity, max -Infinity', () => {
    const bucket = new RollupBucket(NOW);
    expect([bucket.start, bucket.count, bucket.sum, bucket.min, bucket.max]).toEqual([NOW, 0, 0, Infinity, -Infinity]);
    expect(bucket.quantile(0.5)).toBeUndefined();
    expect(bucket.sketch).toBeUndefined();
  });

  it('aggregates count, sum, min and max', () => {
    const bucket = bucketOf(NOW, [3, -1.5, 10, 0]);
    expect([bucket.count, bucket.sum, bucket.min, bucket.max]).toEqual([4, 11.5, -1.5, 10]);
  });

  it('creates no sketch while all samples are equal, and answers those quantiles exactly', () => {
    const single = bucketOf(NOW, [40.3]);
    expect(single.sketch).toBeUndefined();
    for (const q of QUANTILES) expect(single.quantile(q)).toBe(40.3);

    const repeated = bucketOf(NOW, [7, 7, 7]);
    expect(repeated.sketch).toBeUndefined();
    expect(repeated.quantile(0.5)).toBe(7);

    repeated.add(8);
    expect(repeated.sketch?.count).toBe(4);
    expectWithinAccuracy(repeated, [7, 7, 7, 8]);
  });

  it('answers quantiles within the relative accuracy on random positive, negative and mixed data', () => {
    const random = seededRandom(7);
    for (let round = 0; round < 25; round++) {
      const n = 1 + Math.floor(random() * 500);
      const positive = Array.from({ length: n }, () => Math.round((40 + (random() * 2 - 1) * 5) * 10) / 10);
      const negative = Array.from({ length: n }, () => -Math.exp(random() * 20 - 10));
      const mixed = mixedValues(random, n);
      for (const values of [positive, negative, mixed]) expectWithinAccuracy(bucketOf(NOW, values), values);
    }
  });

  it('orders negative values correctly (the sketch stores their magnitudes)', () => {
    const values = [-1, -10, -100, -1000, -10000];
    const bucket = bucketOf(NOW, values);
    expect(bucket.quantile(0)).toBe(-10000);
    expect(bucket.quantile(1)).toBe(-1);
    expect(bucket.quantile(0.5)).toBeCloseTo(-100, 0);
    expectWithinAccuracy(bucket, values);
  });

  it('counts zeros (and -0) in the zero bin', () => {
    const values = [-2, 0, -0, 0, 0, 3];
    const bucket = bucketOf(NOW, values);
    expect(bucket.quantile(0.5)).toBe(0);
    expectWithinAccuracy(bucket, values);
  });

  it('keeps huge and tiny magnitudes, clamping a bin that overflows to the max', () => {
    const values = [Number.MAX_VALUE, -Number.MAX_VALUE, 1e300, -1e300, 1e-300, -1e-300, 1];
    const bucket = bucketOf(NOW, values);
    expect(bucket.quantile(1)).toBe(Number.MAX_VALUE);
    expect(bucket.quantile(0)).toBe(-Number.MAX_VALUE);
    expectWithinAccuracy(bucket, values);
    expect(bucket.sum).toBe(1);

    // The bin of Number.MAX_VALUE represents a value beyond it: Infinity before clamping.
    expect(bucket.sketch!.getValueAtQuantile(1)).toBe(Infinity);
    const nearMax = bucketOf(NOW, [1, Number.MAX_VALUE, Number.MAX_VALUE]);
    expect(nearMax.quantile(0.5)).toBe(Number.MAX_VALUE);
  });

  it('throws a RangeError for non-finite samples, a bad quantile or a start that is not an integer', () => {
    const bucket = bucketOf(NOW, [1, 2]);
    for (const v of [NaN, Infinity, -Infinity]) expect(() => bucket.add(v)).toThrow(RangeError);
    expect(bucket.count).toBe(2);
    for (const q of [-0.1, 1.1, NaN]) expect(() => bucket.quantile(q)).toThrow(RangeError);
    for (const start of [1.5, NaN, 2 ** 53]) expect(() => new RollupBucket(start)).toThrow(RangeError);
  });

  it('merges into the same aggregate as adding all samples, in any grouping', () => {
    const random = seededRandom(11);
    for (let round = 0; round < 20; round++) {
      const values = mixedValues(random, 1 + Math.floor(random() * 300));
      // Cut into 3 parts, some possibly empty.
      const cuts = [random(), random()].map((x) => Math.floor(x * (values.length + 1))).sort((a, b) => a - b);
      const parts = [values.slice(0, cuts[0]), values.slice(cuts[0], cuts[1]), values.slice(cuts[1])].map((p) => bucketOf(NOW, p));
      const all = bucketOf(NOW, values);

      const left = parts[0].clone();
      left.merge(parts[1]);
      left.merge(parts[2]);
      const rightTail = parts[1].clone();
      rightTail.merge(parts[2]);
      const right = parts[0].clone();
      right.merge(rightTail);
      const reversed = parts[2].clone();
      reversed.merge(parts[1]);
      reversed.merge(parts[0]);

      const magnitude = values.reduce((s, v) => s + Math.abs(v), 0);
      for (const merged of [left, right, reversed]) {
        expect([merged.count, merged.min, merged.max]).toEqual([all.count, all.min, all.max]);
        expect(Math.abs(merged.sum - all.sum)).toBeLessThanOrEqual(1e-12 * magnitude);
        // Same keys and counts in every bin, so the very same answers.
        expectSameQuantiles(merged, all);
        expectWithinAccuracy(merged, values);
      }
    }
  });

  it('merges the negative store too (sketches-js 2.1.1 drops it in DDSketch.merge)', () => {
    const a = bucketOf(NOW, [-5, 3]);
    a.merge(bucketOf(NOW, [-10, -20]));
    expect(a.quantile(0)).toBeCloseTo(-20, 0);
    expectWithinAccuracy(a, [-5, 3, -10, -20]);
  });

  it('merges buckets of equal samples without creating a sketch until they differ', () => {
    const a = bucketOf(NOW, [5, 5]);
    a.merge(bucketOf(NOW, [5]));
    expect(a.sketch).toBeUndefined();
    expect([a.count, a.sum]).toEqual([3, 15]);

    a.merge(bucketOf(NOW, [-5, -5]));
    expect(a.sketch?.count).toBe(5);
    expectWithinAccuracy(a, [5, 5, 5, -5, -5]);
    expectSameQuantiles(a, bucketOf(NOW, [5, 5, 5, -5, -5]));
  });

  it('leaves the merged-in bucket unchanged and shares no sketch with it', () => {
    const source = bucketOf(NOW, [1, 2, 3]);
    const before = QUANTILES.map((q) => source.quantile(q));
    const empty = new RollupBucket(NOW);
    empty.merge(source);
    empty.add(1000);
    expect(empty.quantile(1)).toBe(1000);
    const copy = source.clone();
    copy.add(-1000);
    expect(copy.quantile(0)).toBe(-1000);
    source.merge(new RollupBucket(NOW));

    expect([source.count, source.sum, source.min, source.max, source.sketch?.count]).toEqual([3, 6, 1, 3, 3]);
    expect(QUANTILES.map((q) => source.quantile(q))).toEqual(before);
  });

  it('throws a RangeError when merging buckets with different starts', () => {
    const a = bucketOf(NOW, [1]);
    expect(() => a.merge(bucketOf(NOW + MINUTE, [2]))).toThrow(RangeError);
    expect(a.count).toBe(1);
  });

  it('restore() refuses parts that contradict each other', () => {
    const sketched = bucketOf(NOW, [1, 2]).sketch!;
    expect(() => RollupBucket.restore({ start: NOW, count: 2, sum: 3, min: 1, max: 2 })).toThrow(/sketch/);
    expect(() => RollupBucket.restore({ start: NOW, count: 3, sum: 3, min: 1, max: 2 }, sketched)).toThrow(/sketch/);
    expect(() => RollupBucket.restore({ start: NOW, count: 2, sum: 3, min: 2, max: 1 }, sketched)).toThrow(RangeError);
    expect(() => RollupBucket.restore({ start: NOW, count: 1.5, sum: 3, min: 1, max: 1 })).toThrow(RangeError);
    expect(() => RollupBucket.restore({ start: NOW, count: 0, sum: 3, min: 1, max: 1 })).toThrow(RangeError);
    const restored = RollupBucket.restore({ start: NOW, count: 2, sum: 3, min: 1, max: 2 }, sketched);
    expectSameQuantiles(restored, bucketOf(NOW, [1, 2]));
  });
});
