import { bucketStart } from './bucket-start';

const MINUTE = 60_000;
const NOW = 1_718_000_040_000;

describe('bucketStart', () => {
  it('floors to the bucket, for negative times too', () => {
    expect(bucketStart(NOW + 59_999, MINUTE)).toBe(NOW);
    expect(bucketStart(NOW, MINUTE)).toBe(NOW);
    expect(bucketStart(0, MINUTE)).toBe(0);
    expect(bucketStart(-1, MINUTE)).toBe(-MINUTE);
    expect(bucketStart(-MINUTE, MINUTE)).toBe(-MINUTE);
    expect(bucketStart(-MINUTE - 1, MINUTE)).toBe(-2 * MINUTE);
    expect(bucketStart(1234, 1)).toBe(1234);
  });

  it('is exact for times near 2^53 and for fractional times', () => {
    const t = 9_007_199_254_740_000 - 1; // a safe integer just below a multiple of 60 000
    expect(bucketStart(t, MINUTE)).toBe(t - (MINUTE - 1));
    expect(bucketStart(-t, MINUTE)).toBe(-t - 1);
    expect(bucketStart(NOW + 0.5, MINUTE)).toBe(NOW);
    expect(bucketStart(NOW - 0.5, MINUTE)).toBe(NOW - MINUTE);
    expect(bucketStart(-0.5, MINUTE)).toBe(-MINUTE);
  });

  it('throws a RangeError for a width that is not a positive integer or a non-finite time', () => {
    for (const width of [0, -MINUTE, 1.5, NaN, Infinity]) expect(() => bucketStart(NOW, width)).toThrow(RangeError);
    expect(() => bucketStart(NaN, MINUTE)).toThrow(RangeError);
  });
});
