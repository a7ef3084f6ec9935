import { seededRandom } from '../../../test/support/seeded-random';
import { QuantileBuffer, quantileOf, quantileOfSorted } from './quantile';

describe('quantileOfSorted', () => {
  it('interpolates between the values at floor and ceil of q * (N - 1)', () => {
    expect(quantileOfSorted([11.5, 12.5], 0.95)).toBeCloseTo(12.45, 12);
    expect(quantileOfSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileOfSorted([1, 2, 3, 4], 0)).toBe(1);
    expect(quantileOfSorted([1, 2, 3, 4], 1)).toBe(4);
    expect(quantileOfSorted([7], 0.99)).toBe(7);
    expect(quantileOfSorted([], 0.5)).toBeNaN();
  });
});

describe('QuantileBuffer', () => {
  it('gives weighted values the walk of the expanded samples', () => {
    const random = seededRandom(7);
    const buffer = new QuantileBuffer();
    for (let round = 0; round < 200; round++) {
      buffer.clear();
      const expanded: number[] = [];
      const n = 1 + Math.floor(random() * 20);
      for (let i = 0; i < n; i++) {
        const v = Math.round(random() * 50) / 10;
        const w = Math.floor(random() * 4);
        buffer.add(v, w);
        for (let k = 0; k < w; k++) expanded.push(v);
      }
      expanded.sort((a, b) => a - b);
      for (const q of [0, 0.1, 0.5, 0.95, 0.99, 1]) {
        if (expanded.length === 0) continue;
        expect(buffer.quantile(q)).toBe(quantileOfSorted(expanded, q));
      }
    }
  });

  it('selects within large buffers (duplicates, zero weights), repeatably', () => {
    const random = seededRandom(11);
    const buffer = new QuantileBuffer();
    for (let round = 0; round < 50; round++) {
      buffer.clear();
      const expanded: number[] = [];
      const n = 17 + Math.floor(random() * 500);
      const distinct = 1 + Math.floor(random() * 100);
      for (let i = 0; i < n; i++) {
        const v = Math.floor(random() * distinct) - distinct / 3;
        const w = random() < 0.5 ? 1 : Math.floor(random() * 3);
        buffer.add(v, w);
        for (let k = 0; k < w; k++) expanded.push(v);
      }
      expanded.sort((a, b) => a - b);
      for (const q of [0, 0.01, 0.25, 0.5, 0.95, 0.99, 1, 0.5]) expect(buffer.quantile(q)).toBe(quantileOfSorted(expanded, q));
    }
  });

  it('clamps to [min, max] and is NaN when empty', () => {
    const buffer = new QuantileBuffer();
    expect(buffer.quantile(0.5)).toBeNaN();
    buffer.add(10, 0);
    expect(buffer.quantile(0.5)).toBeNaN();
    buffer.add(10, 3);
    buffer.add(20, 1);
    expect(buffer.quantile(0.5)).toBe(10);
    expect(buffer.quantile(0.5, 10.5, 19)).toBe(10.5);
    expect(buffer.quantile(1, 10.5, 19)).toBe(19);
    expect(buffer.weight).toBe(4);
    expect(buffer.length).toBe(3);
  });

  it('grows, and adds ranges with or without weights', () => {
    const values = Float64Array.from({ length: 1000 }, (_, i) => 999 - i);
    expect(quantileOf(values, undefined, 0.5)).toBe(499.5);
    expect(quantileOf(values, undefined, 0.5, 10, 20)).toBe(984.5);
    expect(values[0]).toBe(999);
    expect(quantileOf(Float64Array.of(1, 2, 3), Float64Array.of(1, 0, 1), 0.5)).toBe(2);
    expect(quantileOf(Float64Array.of(1, 2, 3), Float64Array.of(1, 0, 2), 0.5)).toBe(3);
  });
});
