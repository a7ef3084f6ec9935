import { DDSketch } from '@datadog/sketches-js';
import { bucketOf } from '../../../test/support/rollup-buckets';
import { seededRandom } from '../../../test/support/seeded-random';
import { RollupBucket, SKETCH_RELATIVE_ACCURACY } from './rollup-bucket';
import { bucketColumnsOfSamples, decodeBucketColumns, decodeBuckets, encodeBuckets, FORMAT_VERSION, mergeBucketLists } from './rollup-codec';

const MINUTE = 60_000;
const NOW = 1_718_000_040_000;
const QUANTILES = [0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1];

/** A CPU gauge sampled every second, sent at 1 decimal: 40 +- 5. */
function cpuSamples(random: () => number, n = 60): number[] {
  return Array.from({ length: n }, () => Math.round((40 + (random() * 2 - 1) * 5) * 10) / 10);
}

/** Samples of one of several shapes: decimal gauges, raw floats, negatives, zeros, extremes. */
function randomSamples(random: () => number): number[] {
  const n = random() < 0.3 ? 1 : Math.floor(random() * 200);
  const shape = Math.floor(random() * 6);
  return Array.from({ length: n }, () => {
    switch (shape) {
      case 0:
        return Math.round((40 + (random() * 2 - 1) * 5) * 10) / 10;
      case 1:
        return random() * 1e6 - 5e5;
      case 2:
        return -Math.exp(random() * 40 - 20);
      case 3:
        return random() < 0.5 ? 0 : Math.round(random() * 100) - 50;
      case 4:
        return (random() < 0.5 ? -1 : 1) * 10 ** (random() * 600 - 300);
      default:
        return [0, -0, 1e-300, -1e-300, 5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, 0.1, 1 / 3][Math.floor(random() * 9)];
    }
  });
}

/** Buckets at increasing starts, a minute or an arbitrary number of ms apart, from `first`. */
function randomBuckets(random: () => number, n: number, first = NOW): { buckets: RollupBucket[]; samples: number[][] } {
  const buckets: RollupBucket[] = [];
  const samples: number[][] = [];
  let start = first;
  for (let i = 0; i < n; i++) {
    const values = randomSamples(random);
    buckets.push(bucketOf(start, values));
    samples.push(values);
    start += random() < 0.8 ? MINUTE * (1 + Math.floor(random() * 3)) : 1 + Math.floor(random() * 10 * MINUTE);
  }
  return { buckets, samples };
}

/** Same start, count, sum, min and max bit for bit, and the same quantiles. */
function expectSameBucket(actual: RollupBucket, expected: RollupBucket): void {
  const parts = (b: RollupBucket) => [b.start, b.count, b.sum, b.min, b.max, ...QUANTILES.map((q) => b.quantile(q))];
  const a = parts(actual);
  const e = parts(expected);
  if (!a.every((x, i) => Object.is(x, e[i]))) throw new Error(`bucket at ${expected.start}: ${a.join(', ')} instead of ${e.join(', ')}`);
}

function expectRoundTrip(buckets: RollupBucket[]): Uint8Array {
  const bytes = encodeBuckets(buckets);
  const decoded = decodeBuckets(bytes);
  expect(decoded).toHaveLength(buckets.length);
  decoded.forEach((bucket, i) => expectSameBucket(bucket, buckets[i]));
  return bytes;
}

function expectWithinAccuracy(bucket: RollupBucket, values: number[]): void {
  const sorted = Float64Array.from(values).sort();
  for (const q of QUANTILES) {
    const exact = sorted[Math.floor(q * (sorted.length - 1))];
    // Denormals count as zero in the sketch (see rollup-bucket.ts).
    const slack = SKETCH_RELATIVE_ACCURACY * Math.abs(exact) * (1 + 1e-9) + Number.MIN_VALUE;
    if (!(Math.abs(bucket.quantile(q)! - exact) <= slack)) throw new Error(`quantile ${q}: ${bucket.quantile(q)} is not within accuracy of ${exact}`);
  }
}

describe('encodeBuckets / decodeBuckets', () => {
  it('round-trips random buckets exactly: sums, extremes and every sketch bin', () => {
    const random = seededRandom(3);
    for (let round = 0; round < 12; round++) {
      const { buckets, samples } = randomBuckets(random, Math.floor(random() * 30), round % 2 ? NOW : -NOW + 123);
      const decoded = decodeBuckets(expectRoundTrip(buckets));
      decoded.forEach((bucket, i) => samples[i].length > 0 && expectWithinAccuracy(bucket, samples[i]));
    }
  });

  it('encodes an empty list as its header alone', () => {
    const bytes = expectRoundTrip([]);
    expect(Array.from(bytes)).toEqual([FORMAT_VERSION, 0]);
  });

  it('round-trips empty buckets', () => {
    expectRoundTrip([new RollupBucket(NOW), bucketOf(NOW + MINUTE, [1, 2]), new RollupBucket(NOW + 2 * MINUTE + 1)]);
  });

  it('stores a single-sample bucket as its value, with no sketch, in a few bytes', () => {
    const buckets = [40.3, -7, 0, 1e300, 1 / 3].map((v, i) => bucketOf(NOW + i * MINUTE, [v]));
    const bytes = expectRoundTrip(buckets);
    expect(decodeBuckets(bytes).every((b) => b.sketch === undefined)).toBe(true);
    // A minute after the previous: flags, start, count and the decimal 40.3 in 2 bytes.
    const previous = bucketOf(NOW - MINUTE, [1]);
    expect(encodeBuckets([previous, buckets[0]]).length - encodeBuckets([previous]).length).toBe(5);
  });

  it('keeps -0: as a single sample it is min and max, and its sum is +0 as add() makes it', () => {
    const decoded = decodeBuckets(encodeBuckets([bucketOf(NOW, [-0]), bucketOf(NOW + MINUTE, [-0, -0, 3])]));
    expect(Object.is(decoded[0].min, -0) && Object.is(decoded[0].max, -0) && Object.is(decoded[0].sum, 0)).toBe(true);
    expect(Object.is(decoded[1].min, -0)).toBe(true);
  });

  it('keeps negative values, zeros and huge and tiny magnitudes', () => {
    const samples = [
      [-1, -10, -100, -1000],
      [0, 0, -0, 0],
      [-3.5, 0, 2.25, -0, 0],
      [Number.MAX_VALUE, -Number.MAX_VALUE, 1e300, 1e-300, -1e-300, 5e-324],
      [1e308, 1e308], // the sum overflows to Infinity
    ];
    const buckets = samples.map((values, i) => bucketOf(NOW + i * MINUTE, values));
    const decoded = decodeBuckets(expectRoundTrip(buckets));
    decoded.forEach((bucket, i) => expectWithinAccuracy(bucket, samples[i]));
    expect(decoded[4].sum).toBe(Infinity);

    // Denormals are zeros to the sketch: their quantiles fall back on the (exact) min.
    const [denormals] = decodeBuckets(expectRoundTrip([bucketOf(NOW, [1e-310, 2e-310, 3e-310])]));
    expect([denormals.quantile(0.5), denormals.min, denormals.max]).toEqual([1e-310, 1e-310, 3e-310]);
  });

  it('round-trips a merged bucket whose sum is NaN (Infinity + -Infinity)', () => {
    const bucket = bucketOf(NOW, [1e308, 1e308]);
    bucket.merge(bucketOf(NOW, [-1e308, -1e308]));
    expect(bucket.sum).toBeNaN();
    expectRoundTrip([bucket]);
  });

  it('handles starts before the epoch and gaps that are not whole minutes', () => {
    const starts = [-5 * MINUTE - 17, -MINUTE, 0, 1, MINUTE + 1, 2 ** 52, Number.MAX_SAFE_INTEGER];
    expectRoundTrip(starts.map((start, i) => bucketOf(start, [i, i + 0.5])));
    expectRoundTrip([bucketOf(-Number.MAX_SAFE_INTEGER, [1])]);
  });

  it('throws a RangeError for unsorted or duplicate starts', () => {
    const a = bucketOf(NOW, [1]);
    const b = bucketOf(NOW + MINUTE, [2]);
    expect(() => encodeBuckets([b, a])).toThrow(/increasing starts/);
    expect(() => encodeBuckets([a, bucketOf(NOW, [3])])).toThrow(RangeError);
  });

  it('rejects every truncation of a valid encoding with a clear error', () => {
    const random = seededRandom(5);
    const buckets = [bucketOf(NOW, cpuSamples(random)), bucketOf(NOW + MINUTE, [-1, 0.5, -3e200]), bucketOf(NOW + 2 * MINUTE, [0.1])];
    const bytes = encodeBuckets(buckets);
    for (let length = 0; length < bytes.length; length++) {
      expect(() => decodeBuckets(bytes.subarray(0, length))).toThrow(/^rollup buckets are truncated/);
    }
  });

  it('rejects trailing bytes, an unknown version and corrupt fields', () => {
    const bytes = encodeBuckets([bucketOf(NOW, [1, 2, 3])]);
    expect(() => decodeBuckets(Uint8Array.from([...bytes, 0]))).toThrow(/after the last bucket/);
    expect(() => decodeBuckets(Uint8Array.from([FORMAT_VERSION + 1, 0]))).toThrow(/format version/);
    // One bucket: flags 0xff.
    expect(() => decodeBuckets(Uint8Array.from([FORMAT_VERSION, 1, 0xff, 0, 0]))).toThrow(/flags/);
    // Two buckets at the same start.
    expect(() => decodeBuckets(Uint8Array.from([FORMAT_VERSION, 2, 1, 0, 0, 1, 0, 0]))).toThrow(/starts do not increase/);
    // count 2, sum 3, min 1, max 2, positive bins over a key range beyond any double.
    expect(() => decodeBuckets(Uint8Array.from([FORMAT_VERSION, 1, 16, 0, 2, 48, 16, 32, 1, 0xfe, 0xff, 0x7f, 2]))).toThrow(/sketch keys/);
  });

  it('stays compact for realistic buckets', () => {
    const random = seededRandom(9);
    const day = Array.from({ length: 1440 }, (_, i) => bucketOf(NOW + i * MINUTE, cpuSamples(random)));
    // 60 CPU samples a minute: about 30 bytes a bucket (sum ~6, min and max 2 each, sketch ~17).
    expect(expectRoundTrip(day).length / day.length).toBeLessThan(32);
    const sparse = Array.from({ length: 1440 }, (_, i) => bucketOf(NOW + i * MINUTE, cpuSamples(random, 1)));
    expect(expectRoundTrip(sparse).length / sparse.length).toBeLessThan(5.01);
  });
});

describe('decodeBucketColumns', () => {
  /** The columns decodeBucketColumns should give: from the decoded bucket objects and their sketches. */
  function expectedColumns(buckets: RollupBucket[]) {
    return buckets.map((b) => {
      const bins: [number, number][] = [];
      const sketch = b.sketch;
      if (sketch === undefined) {
        // A uniform bucket: the bin its sketch would hold.
        if (b.count > 0) {
          const m = new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY });
          m.accept(b.min, b.count);
          bins.push(...expectedColumns([RollupBucket.restore({ start: b.start, count: b.count, sum: b.sum, min: b.min, max: b.min }, m)])[0].bins);
        }
      } else {
        const { mapping, negativeStore, store } = sketch;
        negativeStore.bins.forEach((n, i) => n > 0 && bins.push([-mapping.value(i + negativeStore.offset), n]));
        if (sketch.zeroCount > 0) bins.push([0, sketch.zeroCount]);
        store.bins.forEach((n, i) => n > 0 && bins.push([mapping.value(i + store.offset), n]));
      }
      return { start: b.start, count: b.count, sum: b.sum, min: b.min, max: b.max, bins: bins.sort((x, y) => x[0] - y[0]) };
    });
  }

  it('gives the same buckets as decodeBuckets, as columns with ascending bins', () => {
    const random = seededRandom(77);
    for (let round = 0; round < 40; round++) {
      const { buckets } = randomBuckets(random, 1 + Math.floor(random() * 30));
      const bytes = encodeBuckets(buckets);
      const c = decodeBucketColumns(bytes);
      const actual = Array.from({ length: c.length }, (_, i) => {
        const bins: [number, number][] = [];
        for (let k = c.binOffsets[i]; k < c.binOffsets[i + 1]; k++) bins.push([c.binValues[k], c.binCounts[k]]);
        return { start: c.start[i], count: c.count[i], sum: c.sum[i], min: c.min[i], max: c.max[i], bins };
      });
      expect(actual).toEqual(expectedColumns(decodeBuckets(bytes)));
      expect(Array.from(c.first).every(Number.isNaN)).toBe(true);
    }
  });

  it('builds from samples exactly what decoding their encoded buckets gives', () => {
    const random = seededRandom(91);
    for (let round = 0; round < 40; round++) {
      const n = 1 + Math.floor(random() * 200);
      let t = NOW;
      const times = Array.from({ length: n }, () => (t += Math.floor(random() * 20_000)));
      const pick = () => [0, -0, 5e-324, -3.5, 1e-310, 42][Math.floor(random() * 6)];
      const values = Array.from({ length: n }, () => (random() < 0.2 ? pick() : random() < 0.3 ? 7.5 : Math.round((random() - 0.3) * 1e4) / 100));
      const buckets: RollupBucket[] = [];
      times.forEach((t, i) => {
        const start = Math.floor(t / MINUTE) * MINUTE;
        if (buckets.at(-1)?.start !== start) buckets.push(new RollupBucket(start));
        buckets.at(-1)!.add(values[i]);
      });
      expect(bucketColumnsOfSamples(times, values, MINUTE)).toEqual(decodeBucketColumns(encodeBuckets(buckets)));
    }
  });

  it('rejects every truncation as decodeBuckets does', () => {
    const bytes = encodeBuckets(randomBuckets(seededRandom(3), 5).buckets);
    for (let n = 0; n < bytes.length; n++) expect(() => decodeBucketColumns(bytes.subarray(0, n))).toThrow(RangeError);
  });
});

describe('mergeBucketLists', () => {
  it('interleaves disjoint lists and merges buckets with equal starts', () => {
    const a = [bucketOf(NOW, [1]), bucketOf(NOW + 2 * MINUTE, [2, 3])];
    const b = [bucketOf(NOW + MINUTE, [4]), bucketOf(NOW + 2 * MINUTE, [-5]), bucketOf(NOW + 3 * MINUTE, [6])];
    const merged = mergeBucketLists(a, b);
    expect(merged.map((x) => [x.start, x.count, x.sum, x.min, x.max])).toEqual([
      [NOW, 1, 1, 1, 1],
      [NOW + MINUTE, 1, 4, 4, 4],
      [NOW + 2 * MINUTE, 3, 0, -5, 3],
      [NOW + 3 * MINUTE, 1, 6, 6, 6],
    ]);
    expectSameBucket(merged[2], bucketOf(NOW + 2 * MINUTE, [2, 3, -5]));
  });

  it('leaves its inputs unchanged', () => {
    const a = [bucketOf(NOW, [1, 2])];
    const b = [bucketOf(NOW, [3, 4])];
    const merged = mergeBucketLists(a, b);
    merged[0].add(100);
    expect([a[0].count, b[0].count, merged[0].count]).toEqual([2, 2, 5]);
  });

  it('handles empty lists', () => {
    const a = [bucketOf(NOW, [1])];
    expect(mergeBucketLists([], [])).toEqual([]);
    expect(mergeBucketLists(a, [])).toEqual(a);
    expect(mergeBucketLists([], a)).toEqual(a);
  });

  it('equals aggregating all samples per start; merging encoded lists equals encoding the merge', () => {
    const random = seededRandom(13);
    for (let round = 0; round < 10; round++) {
      const all = new Map<number, number[]>();
      const lists = [0, 1].map(() => {
        const buckets: RollupBucket[] = [];
        for (let start = NOW; start < NOW + 30 * MINUTE; start += MINUTE) {
          if (random() < 0.5) continue;
          const values = cpuSamples(random, Math.floor(random() * 5)).map((v) => (random() < 0.2 ? -v : v));
          buckets.push(bucketOf(start, values));
          all.set(start, [...(all.get(start) ?? []), ...values]);
        }
        return buckets;
      });
      const merged = mergeBucketLists(lists[0], lists[1]);
      expect(merged.map((b) => b.start)).toEqual([...all.keys()].sort((x, y) => x - y));
      for (const bucket of merged) {
        const expected = bucketOf(bucket.start, all.get(bucket.start)!);
        expect([bucket.count, bucket.min, bucket.max]).toEqual([expected.count, expected.min, expected.max]);
        expect(bucket.sum).toBeCloseTo(expected.sum, 9);
        expect(QUANTILES.map((q) => bucket.quantile(q))).toEqual(QUANTILES.map((q) => expected.quantile(q)));
      }
      const viaStorage = mergeBucketLists(decodeBuckets(encodeBuckets(lists[0])), decodeBuckets(encodeBuckets(lists[1])));
      expect(encodeBuckets(viaStorage)).toEqual(encodeBuckets(merged));
    }
  });

  it('throws a RangeError for an unsorted input', () => {
    const unsorted = [bucketOf(NOW + MINUTE, [1]), bucketOf(NOW, [2])];
    expect(() => mergeBucketLists(unsorted, [])).toThrow(RangeError);
    expect(() => mergeBucketLists([], unsorted)).toThrow(RangeError);
  });
});
