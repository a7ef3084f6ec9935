import { stepGrid, stepIndex, stepStartAt } from './step-grid';

describe('stepGrid', () => {
  it('aligns steps at multiples of the step since the epoch, over [from, to)', () => {
    expect(stepGrid(65_000, 185_000, 60_000)).toEqual({ stepMs: 60_000, firstStart: 60_000, steps: 3, endMs: 240_000 });
    expect(stepGrid(60_000, 180_000, 60_000)).toEqual({ stepMs: 60_000, firstStart: 60_000, steps: 2, endMs: 180_000 });
    expect(stepGrid(60_000, 180_001, 60_000).steps).toBe(3);
  });

  it('floors negative times too', () => {
    expect(stepGrid(-1, 1, 10)).toEqual({ stepMs: 10, firstStart: -10, steps: 2, endMs: 10 });
    expect(stepGrid(-10, 0, 10)).toEqual({ stepMs: 10, firstStart: -10, steps: 1, endMs: 0 });
  });

  it('has no steps for an empty range and refuses a reversed one or a bad step', () => {
    expect(stepGrid(5, 5, 10).steps).toBe(0);
    expect(() => stepGrid(6, 5, 10)).toThrow(RangeError);
    expect(() => stepGrid(0, 5, 0)).toThrow(RangeError);
    expect(() => stepGrid(0, 5, 1.5)).toThrow(RangeError);
  });

  it('indexes times on the grid', () => {
    const grid = stepGrid(65_000, 185_000, 60_000);
    expect(stepIndex(grid, 59_999)).toBe(-1);
    expect(stepIndex(grid, 60_000)).toBe(0);
    expect(stepIndex(grid, 119_999)).toBe(0);
    expect(stepIndex(grid, 239_999)).toBe(2);
    expect(stepIndex(grid, 240_000)).toBe(-1);
    expect(stepStartAt(grid, 2)).toBe(180_000);
  });
});
