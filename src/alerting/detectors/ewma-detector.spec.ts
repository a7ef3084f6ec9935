import { feed, flagged, gaussian } from '../../../test/support/detector-series';
import { seededRandom } from '../../../test/support/seeded-random';
import { AnomalyDirection, AnomalySettings } from './anomaly-detector';
import { EwmaDetector } from './ewma-detector';

const STEP = 60;
const settings = (overrides: Partial<AnomalySettings> = {}): AnomalySettings => ({
  method: 'EWMA',
  sensitivity: 3,
  trainingSeconds: 3_600, // span 60 points (alpha 2/61), 30 of warm-up
  seasonSeconds: 86_400,
  direction: 'BOTH',
  stepSeconds: STEP,
  ...overrides,
});

function noise(seed: number, n: number, level = 100, sigma = 2): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => level + sigma * gaussian(random));
}

describe('EwmaDetector', () => {
  it('trains on the first 30 points: NaN score, not anomalous', () => {
    const values = noise(1, 40);
    values[5] = 1e6;
    const verdicts = feed(new EwmaDetector(settings()), values, STEP);
    expect(verdicts.slice(0, 30).every((v) => Number.isNaN(v.score) && !v.anomalous)).toBe(true);
    expect(Number.isFinite(verdicts[30].score)).toBe(true);
  });

  it.each<[AnomalyDirection, number[]]>([
    ['BOTH', [100, 110]],
    ['UP', [100]],
    ['DOWN', [110]],
  ])('flags a spike up and a dip in the direction it is told (%s)', (direction, expected) => {
    const values = noise(2, 150);
    values[100] = 130;
    values[110] = 70;
    const verdicts = feed(new EwmaDetector(settings({ direction })), values, STEP);
    expect(flagged(verdicts)).toEqual(expected);
    expect(verdicts[100].explanation).toMatch(/^130 is \d+\.\d deviations above the weighted mean 10\d\.?\d* \(span 1 h\)$/);
  });

  it('learns a spike only up to the threshold, so the baseline after it is barely moved', () => {
    const values = noise(3, 100);
    values[60] = 1e9;
    const verdicts = feed(new EwmaDetector(settings()), values, STEP);
    const before = verdicts[60];
    const after = verdicts[61];
    const deviation = (values[60] - before.expected) / before.score;
    // The mean moves by alpha * (3 deviations + the point's own noise), the deviation by a few percent.
    expect(Math.abs(after.expected - before.expected)).toBeLessThan((2 / 61) * 3 * deviation + 1);
    expect((values[61] - after.expected) / after.score).toBeLessThan(1.2 * deviation);
    expect(flagged(verdicts).filter((i) => i >= 60)).toEqual([60]);
  });

  it('flags a level shift, then accepts it within a span', () => {
    const values = [...noise(4, 200), ...noise(5, 400, 130)];
    const hits = flagged(feed(new EwmaDetector(settings()), values, STEP));
    const run = hits.findIndex((hit, k) => hit !== 200 + k);
    expect(hits[0]).toBe(200);
    expect(run).toBeGreaterThan(1);
    expect(run).toBeLessThan(30);
    // Afterwards only as often as 3-deviation draws of the noise itself (2 in 340 points here).
    expect(hits.filter((i) => i > 260).length).toBeLessThanOrEqual(3);
  });

  it('on a flat series scores a wiggle finitely (spread floor 0.1% of the level) and still flags a real change', () => {
    const verdicts = feed(new EwmaDetector(settings()), [...Array<number>(60).fill(50), 50.1, 53], STEP);
    expect(verdicts[60].score).toBeCloseTo(0.1 / 0.05, 6);
    expect(flagged(verdicts)).toEqual([61]);
  });

  it('skips NaN and infinite values without learning them', () => {
    const clean = noise(6, 100);
    const dirty = clean.flatMap((x, i) => (i % 5 === 0 ? [NaN, x, Infinity] : [x]));
    const verdicts = feed(new EwmaDetector(settings()), dirty, STEP);
    expect(verdicts.filter((_, i) => !Number.isFinite(dirty[i])).every((v) => !v.anomalous && Number.isNaN(v.score))).toBe(true);
    expect(verdicts.filter((_, i) => Number.isFinite(dirty[i]))).toEqual(feed(new EwmaDetector(settings()), clean, STEP));
  });

  it('equals the closed forms: the plain mean and variance of the warm-up, then weights alpha (1 - alpha)^age', () => {
    const values = noise(7, 200);
    // A sensitivity nothing reaches, so no point is clipped.
    const verdicts = feed(new EwmaDetector(settings({ sensitivity: 1e9 })), values, STEP);
    const warm = values.slice(0, 30);
    const mean = warm.reduce((a, b) => a + b, 0) / 30;
    const variance = warm.reduce((a, b) => a + (b - mean) ** 2, 0) / 30;
    expect(verdicts[30].expected).toBeCloseTo(mean, 9);
    expect(verdicts[30].score).toBeCloseTo((values[30] - mean) / Math.sqrt(variance), 9);
    const alpha = 2 / 61;
    for (let i = 31; i < values.length; i++) {
      let weighted = mean * (1 - alpha) ** (i - 30);
      for (let j = 30; j < i; j++) weighted += alpha * (1 - alpha) ** (i - 1 - j) * values[j];
      expect(verdicts[i].expected).toBeCloseTo(weighted, 9);
    }
  });
});
