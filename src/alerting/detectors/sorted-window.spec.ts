import { seededRandom } from '../../../test/support/seeded-random';
import { SortedWindow } from './sorted-window';

function medianOf(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

describe('SortedWindow', () => {
  it.each([
    ['odd capacity, continuous values', 101, (r: () => number) => r() * 100 - 50],
    ['even capacity, many ties', 64, (r: () => number) => Math.round(r() * 6)],
    ['capacity 1', 1, (r: () => number) => r()],
    ['capacity 2, skewed', 2, (r: () => number) => Math.exp(r() * 5)],
  ])('keeps median, MAD and mean absolute deviation equal to sorting the last points (%s)', (_name, capacity, draw) => {
    const random = seededRandom(capacity);
    const window = new SortedWindow(capacity);
    const all: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const x = draw(random);
      all.push(x);
      window.push(x);
      const last = all.slice(-capacity);
      const median = medianOf(last);
      expect(window.size).toBe(last.length);
      expect(window.median()).toBe(median);
      expect(window.mad(median)).toBeCloseTo(medianOf(last.map((v) => Math.abs(v - median))), 12);
      expect(window.meanAbsoluteDeviation(median)).toBeCloseTo(last.reduce((sum, v) => sum + Math.abs(v - median), 0) / last.length, 9);
    }
  });

  it('says NaN when empty and refuses a capacity below 1', () => {
    expect(new SortedWindow(3).median()).toBeNaN();
    expect(new SortedWindow(3).mad(0)).toBeNaN();
    expect(() => new SortedWindow(0)).toThrow(RangeError);
  });
});
