import { InterArrivalWindow } from './inter-arrival-window';

/** Reference figures computed the slow way. */
function naive(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.length < 2 ? 0 : values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
  return { mean, std: Math.sqrt(variance) };
}

/** Small deterministic PRNG, so failures reproduce. */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('InterArrivalWindow', () => {
  it('is empty at first', () => {
    const window = new InterArrivalWindow();
    expect(window.capacity).toBe(32);
    expect(window.count).toBe(0);
    expect(window.mean()).toBeNaN();
    expect(window.std()).toBe(0);
    expect(window.cv()).toBe(0);
  });

  it('gives mean, sample std and coefficient of variation', () => {
    const window = new InterArrivalWindow(8);
    for (const value of [1000, 2000, 3000, 4000]) window.push(value);
    expect(window.count).toBe(4);
    expect(window.mean()).toBe(2500);
    expect(window.std()).toBeCloseTo(naive([1000, 2000, 3000, 4000]).std, 9);
    expect(window.cv()).toBeCloseTo(window.std() / 2500, 12);
  });

  it('has no spread with one value or identical values', () => {
    const window = new InterArrivalWindow(4);
    window.push(1000);
    expect(window.std()).toBe(0);
    for (let i = 0; i < 10; i++) window.push(1000);
    expect(window.std()).toBe(0);
    expect(window.cv()).toBe(0);
  });

  it('keeps only the newest `capacity` intervals', () => {
    const window = new InterArrivalWindow(32);
    for (let i = 1; i <= 40; i++) window.push(i);
    expect(window.count).toBe(32);
    // 9..40
    expect(window.mean()).toBe((9 + 40) / 2);
  });

  it('matches a direct computation over the last intervals after many wraps', () => {
    const random = lcg(7);
    const capacity = 32;
    const window = new InterArrivalWindow(capacity);
    const all: number[] = [];
    for (let i = 0; i < 5_000; i++) {
      const value = 5_000 + 3_000 * random() + (i % 97 === 0 ? 20_000 : 0);
      all.push(value);
      window.push(value);
      if (i % 37 === 0 || i > 4_990) {
        const expected = naive(all.slice(-capacity));
        expect(window.mean()).toBeCloseTo(expected.mean, 6);
        expect(window.std()).toBeCloseTo(expected.std, 6);
      }
    }
  });

  it('stays exact for long, large and nearly constant intervals', () => {
    const window = new InterArrivalWindow(32);
    const recent: number[] = [];
    for (let i = 0; i < 200_000; i++) {
      const value = 60_000 + (i % 3) * 0.5;
      window.push(value);
      recent.push(value);
      if (recent.length > 32) recent.shift();
    }
    const expected = naive(recent);
    expect(window.mean()).toBeCloseTo(expected.mean, 9);
    expect(window.std()).toBeCloseTo(expected.std, 6);
  });

  it('ignores values that are not intervals', () => {
    const window = new InterArrivalWindow(4);
    window.push(-1);
    window.push(NaN);
    window.push(Infinity);
    expect(window.count).toBe(0);
    window.push(0);
    expect(window.count).toBe(1);
  });

  it('can be cleared and refilled', () => {
    const window = new InterArrivalWindow(4);
    for (let i = 0; i < 6; i++) window.push(10_000);
    window.clear();
    expect(window.count).toBe(0);
    expect(window.mean()).toBeNaN();
    window.push(1000);
    window.push(3000);
    expect(window.mean()).toBe(2000);
    expect(window.count).toBe(2);
  });

  it('refuses a capacity that cannot give a spread', () => {
    expect(() => new InterArrivalWindow(1)).toThrow(RangeError);
    expect(() => new InterArrivalWindow(2.5)).toThrow(RangeError);
  });
});
