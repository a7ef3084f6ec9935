import { nextAttemptAt, retryDelayMs } from './retry-policy';

const settings = { maxAttempts: 5, maxAgeSeconds: 3600, baseSeconds: 2, maxDelaySeconds: 60 };

describe('retry policy', () => {
  it('doubles the delay per failed attempt, half of it jitter, up to the cap', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, settings, 0))).toEqual([1000, 2000, 4000, 8000]);
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, settings, 0.999999))).toEqual([2000, 4000, 8000, 16000]);
    expect(retryDelayMs(20, settings, 0.5)).toBe(45_000);
  });

  it('gives up after maxAttempts or once the next attempt would be past maxAge', () => {
    expect(nextAttemptAt(4, 0, 10_000, settings, 0)).toBe(10_000 + 8000);
    expect(nextAttemptAt(5, 0, 10_000, settings, 0)).toBeUndefined();
    expect(nextAttemptAt(1, 0, 3_599_500, settings, 0)).toBeUndefined();
  });
});
