import { QueryTooLarge, assertQueryFits, fitQuery, queryCost } from './query-cost';

const DAY = 86_400_000;

describe('query cost', () => {
  it('is series x steps', () => {
    expect(queryCost(100, 0, DAY, 60_000)).toEqual({ series: 100, steps: 1440, points: 144_000 });
  });

  it('fits under the limit', () => {
    expect(fitQuery(100, 0, DAY, 60_000, 144_000)).toEqual({ series: 100, steps: 1440, points: 144_000, limit: 144_000, fits: true });
  });

  it('suggests the smallest nice step at least the requested one that fits', () => {
    // 1000 series over a day: 1m needs 1.44M points; 5m 288k; 10m 144k.
    expect(fitQuery(1000, 0, DAY, 60_000, 200_000).suggestedStepMs).toBe(600_000);
    expect(fitQuery(1000, 0, DAY, 60_000, 300_000).suggestedStepMs).toBe(300_000);
    expect(fitQuery(1000, 0, DAY, 7_000, 1_000_000).suggestedStepMs).toBe(300_000);
    expect(fitQuery(10, 0, 100_000, 1_000, 150).suggestedStepMs).toBe(10_000);
    const none = fitQuery(1_000_000, 0, 7 * DAY, 60_000, 1_000_000);
    expect(none.fits).toBe(false);
    expect(none.suggestedStepMs).toBeUndefined();
  });

  it('throws QueryTooLarge with a hint', () => {
    expect(() => assertQueryFits(1000, 0, DAY, 60_000, 200_000)).toThrow(new QueryTooLarge(fitQuery(1000, 0, DAY, 60_000, 200_000)));
    expect(() => assertQueryFits(1000, 0, DAY, 60_000, 200_000)).toThrow(
      'query needs 1440000 points (1000 series x 1440 steps), over the limit of 200000: try stepSeconds=600',
    );
    expect(assertQueryFits(1, 0, DAY, 60_000, 200_000).points).toBe(1440);
  });
});
