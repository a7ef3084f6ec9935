import { BucketColumnsBuilder, counterDelta, lowerBound, sliceBucketColumns } from './bucket-columns';

const arr = (a: ArrayLike<number>) => Array.from(a);

describe('counterDelta', () => {
  it('treats a drop as a reset', () => {
    expect(counterDelta(5, 7)).toBe(2);
    expect(counterDelta(7, 7)).toBe(0);
    expect(counterDelta(7, 3)).toBe(3);
  });
});

describe('sliceBucketColumns', () => {
  it('keeps the buckets starting in [from, to), their bins included, without copying', () => {
    const builder = new BucketColumnsBuilder();
    for (const [start, value] of [
      [0, 1],
      [10, 3],
      [20, 4],
      [30, 5],
    ]) {
      builder.bucket(start, 1, value, value, value);
      builder.bin(value, 1);
    }
    const c = builder.finish();
    const s = sliceBucketColumns(c, 10, 30);
    expect(arr(s.start)).toEqual([10, 20]);
    const bins = Array.from({ length: s.length }, (_, i) => arr(s.binValues.subarray(s.binOffsets[i], s.binOffsets[i + 1])));
    expect(bins).toEqual([[3], [4]]);
    expect(s.start.buffer).toBe(c.start.buffer);
    expect(sliceBucketColumns(c, 100, 200).length).toBe(0);
    expect(sliceBucketColumns(c, -10, 100)).toBe(c);
  });

  it('finds lower bounds', () => {
    expect([lowerBound([1, 3, 3, 5], 3), lowerBound([1, 3], 0), lowerBound([1, 3], 9), lowerBound([], 1)]).toEqual([1, 0, 2, 0]);
  });
});
