import { applySeriesFunction } from './series-functions';
import { columnsFromSamples } from './step-columns';
import { stepGrid } from './step-grid';

const arr = (a: ArrayLike<number>) => Array.from(a);

describe('applySeriesFunction', () => {
  // Steps of 10 s: [0,10) 10, 12; [10,20) empty; [20,30) 3 (reset), 5; [30,40) 9.
  const grid = stepGrid(0, 40_000, 10_000);
  const columns = columnsFromSamples(grid, [1_000, 5_000, 21_000, 25_000, 31_000], [10, 12, 3, 5, 9]);

  it('INCREASE: from the previous step with samples to the last sample of this one, with resets', () => {
    expect(arr(applySeriesFunction('INCREASE', columns, 10_000))).toEqual([2, NaN, 5, 4]);
  });

  it('RATE: INCREASE per second of the step', () => {
    expect(arr(applySeriesFunction('RATE', columns, 10_000))).toEqual([0.2, NaN, 0.5, 0.4]);
  });

  it('DELTA: last minus the previous last (first step: last minus first)', () => {
    expect(arr(applySeriesFunction('DELTA', columns, 10_000))).toEqual([2, NaN, -7, 4]);
  });

  it('is NaN everywhere without samples', () => {
    expect(arr(applySeriesFunction('INCREASE', columnsFromSamples(grid, [], []), 10_000))).toEqual([NaN, NaN, NaN, NaN]);
  });
});
