import { bucketColumnsOf } from '../../../test/support/bucket-columns';
import { columnsFromBuckets, columnsFromSamples } from './step-columns';
import { stepGrid } from './step-grid';

const arr = (a: ArrayLike<number>) => Array.from(a);

describe('columnsFromSamples', () => {
  const grid = stepGrid(0, 30, 10);

  it('fills the columns per step, with NaN statistics for empty steps', () => {
    const c = columnsFromSamples(grid, [-5, 1, 4, 7, 25, 29, 30], [100, 3, 1, 2, 10, 4, 100]);
    expect(c.steps).toBe(3);
    expect(arr(c.count)).toEqual([3, 0, 2]);
    expect(arr(c.sum)).toEqual([6, 0, 14]);
    expect(arr(c.min)).toEqual([1, NaN, 4]);
    expect(arr(c.max)).toEqual([3, NaN, 10]);
    expect(arr(c.first)).toEqual([3, NaN, 10]);
    expect(arr(c.last)).toEqual([2, NaN, 4]);
    // 3 -> 1 is a reset (+1), 1 -> 2 (+1); 10 -> 4 a reset (+4).
    expect(arr(c.increase)).toEqual([2, NaN, 4]);
    expect(arr(c.offsets)).toEqual([0, 3, 3, 5]);
    expect(arr(c.values)).toEqual([3, 1, 2, 10, 4]);
    expect(arr(c.weights)).toEqual([1, 1, 1, 1, 1]);
    expect(c.exact).toBe(true);
  });

  it('has an increase of 0 for a single sample and skips NaN values', () => {
    const c = columnsFromSamples(grid, [1, 2, 15], [NaN, 5, 7]);
    expect(arr(c.count)).toEqual([1, 1, 0]);
    expect(arr(c.increase)).toEqual([0, 0, NaN]);
    expect(arr(c.offsets)).toEqual([0, 1, 2, 2]);
  });

  it('refuses samples out of time order', () => {
    expect(() => columnsFromSamples(grid, [5, 4], [1, 2])).toThrow(RangeError);
    expect(() => columnsFromSamples(grid, [5], [1, 2])).toThrow(RangeError);
  });
});

describe('columnsFromBuckets', () => {
  it('merges the buckets of a step, with the increase across bucket boundaries', () => {
    const grid = stepGrid(0, 20, 10);
    const bucket = (start: number, first: number, last: number, increase: number, bins: [number, number][]) => ({
      start,
      count: bins.reduce((n, [, w]) => n + w, 0),
      sum: first + last,
      min: Math.min(first, last),
      max: Math.max(first, last),
      first,
      last,
      increase,
      binValues: bins.map(([v]) => v),
      binCounts: bins.map(([, w]) => w),
    });
    const c = columnsFromBuckets(grid, [
      bucketColumnsOf([
        bucket(-5, 1, 1, 0, [[1, 1]]),
        bucket(0, 5, 8, 3, [
          [5, 1],
          [8, 1],
        ]),
        bucket(5, 2, 6, 4, [
          [2, 1],
          [6, 1],
        ]),
        { ...bucket(10, 0, 0, 0, []), count: 0 },
        bucket(15, 9, 9, 0, [[9, 3]]),
      ]),
    ]);
    expect(arr(c.count)).toEqual([4, 3]);
    expect(arr(c.sum)).toEqual([21, 18]);
    expect(arr(c.min)).toEqual([2, 9]);
    expect(arr(c.max)).toEqual([8, 9]);
    expect(arr(c.first)).toEqual([5, 9]);
    expect(arr(c.last)).toEqual([6, 9]);
    // 3 within, 8 -> 2 a reset (+2), 4 within.
    expect(arr(c.increase)).toEqual([9, 0]);
    expect(arr(c.offsets)).toEqual([0, 4, 5]);
    expect(arr(c.values)).toEqual([5, 8, 2, 6, 9]);
    expect(arr(c.weights)).toEqual([1, 1, 1, 1, 3]);
    expect(c.exact).toBe(false);
  });

  it('merges fragments that overlap in time (a late part of the same period), in any order', () => {
    const grid = stepGrid(0, 20, 10);
    const one = (start: number, value: number) => ({
      start,
      count: 1,
      sum: value,
      min: value,
      max: value,
      first: NaN,
      last: NaN,
      increase: NaN,
      binValues: [value],
      binCounts: [1],
    });
    const late = bucketColumnsOf([one(2, 7)]);
    const main = bucketColumnsOf([one(0, 3), one(12, 1)]);
    for (const c of [columnsFromBuckets(grid, [main, late]), columnsFromBuckets(grid, [late, main])]) {
      expect(arr(c.count)).toEqual([2, 1]);
      expect(arr(c.sum)).toEqual([10, 1]);
      expect(arr(c.min)).toEqual([3, 1]);
      expect(arr(c.max)).toEqual([7, 1]);
      expect(arr(c.offsets)).toEqual([0, 2, 3]);
      expect(arr(c.values).slice(0, 2).sort()).toEqual([3, 7]);
    }
  });
});
