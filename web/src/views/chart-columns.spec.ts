import { columns } from './chart-columns';

describe('chart columns', () => {
  it('aligns the lines on the union of their steps, in seconds, with null where a line has none', () => {
    const eu = new Map([
      [10_000, 1],
      [5_000, 2],
    ]);
    const us = new Map<number, number | null>([
      [15_000, 3],
      [10_000, null],
    ]);
    expect(columns([eu, us])).toEqual([
      [5, 10, 15],
      [2, 1, null],
      [null, null, 3],
    ]);
  });

  it('has only the time column without lines', () => {
    expect(columns([])).toEqual([[]]);
  });
});
