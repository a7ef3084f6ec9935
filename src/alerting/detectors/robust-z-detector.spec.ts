import { feed, flagged, gaussian } from '../../../test/support/detector-series';
import { seededRandom } from '../../../test/support/seeded-random';
import { AnomalyDirection, AnomalySettings } from './anomaly-detector';
import { RobustZDetector } from './robust-z-detector';

const STEP = 60;
const settings = (overrides: Partial<AnomalySettings> = {}): AnomalySettings => ({
  method: 'ROBUST_Z',
  sensitivity: 3,
  trainingSeconds: 3_600, // 60 points, 30 of warm-up
  seasonSeconds: 86_400,
  direction: 'BOTH',
  stepSeconds: STEP,
  ...overrides,
});

function noise(seed: number, n: number, level = 100, sigma = 2): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => level + sigma * gaussian(random));
}

function medianOf(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

describe('RobustZDetector', () => {
  it('trains on the first 30 points (a quarter of the window, at least 30): NaN score, not anomalous, even for a spike', () => {
    const values = noise(1, 40);
    values[10] = 1e6;
    const verdicts = feed(new RobustZDetector(settings()), values, STEP);
    expect(verdicts.slice(0, 30).every((v) => Number.isNaN(v.score) && Number.isNaN(v.expected) && !v.anomalous)).toBe(true);
    expect(verdicts[0].explanation).toBe('training: 0 of 30 points learned');
    expect(verdicts.slice(30).every((v) => Number.isFinite(v.score))).toBe(true);
  });

  it.each<[AnomalyDirection, number[]]>([
    ['BOTH', [100, 110]],
    ['UP', [100]],
    ['DOWN', [110]],
  ])('flags a spike up at 100 and a dip at 110 in the direction it is told (%s)', (direction, expected) => {
    const values = noise(2, 150);
    values[100] = 130;
    values[110] = 70;
    const verdicts = feed(new RobustZDetector(settings({ direction })), values, STEP);
    expect(flagged(verdicts)).toEqual(expected);
    expect(verdicts[100].score).toBeGreaterThan(10);
    expect(verdicts[110].score).toBeLessThan(-10);
    expect(verdicts[100].explanation).toMatch(/^130 is \d+\.\d robust deviations above the median 10\d\.?\d* of the last 1 h$/);
  });

  it('flags a level shift until it fills half the window, then takes it as the new normal', () => {
    const values = [...noise(3, 120), ...noise(4, 120, 130)];
    const hits = flagged(feed(new RobustZDetector(settings()), values, STEP));
    expect(hits[0]).toBe(120);
    // Every point of the new level until the median crosses over (half of 60 points), none after.
    expect(hits.length).toBeGreaterThanOrEqual(25);
    expect(Math.max(...hits)).toBeLessThan(120 + 35);
  });

  it('on a flat series scores a wiggle finitely (spread floor 0.1% of the level) and still flags a real change', () => {
    const values = Array<number>(60).fill(50);
    values.push(50.1, 50, 53, 50);
    const verdicts = feed(new RobustZDetector(settings()), values, STEP);
    expect(verdicts[60].score).toBeCloseTo(0.1 / 0.05, 6);
    expect(verdicts[60].anomalous).toBe(false);
    expect(verdicts[62].anomalous).toBe(true);
    expect(Number.isFinite(verdicts[62].score)).toBe(true);
  });

  it('uses the mean absolute deviation when over half the window is one value (MAD 0), so a 1 every third point among zeros is no anomaly', () => {
    const values: number[] = Array.from({ length: 120 }, (_, i) => (i % 3 === 2 ? 1 : 0));
    values.push(1, 20);
    const verdicts = feed(new RobustZDetector(settings()), values, STEP);
    expect(flagged(verdicts)).toEqual([121]);
    expect(verdicts[120].score).toBeCloseTo(1 / (1.2533 / 3), 3);
  });

  it('skips NaN and infinite values without learning them', () => {
    const clean = noise(5, 100);
    const dirty = clean.flatMap((x, i) => (i % 7 === 0 ? [x, NaN, Infinity, -Infinity] : [x]));
    const verdicts = feed(new RobustZDetector(settings()), dirty, STEP);
    const skipped = verdicts.filter((_, i) => !Number.isFinite(dirty[i]));
    expect(skipped.every((v) => !v.anomalous && Number.isNaN(v.score) && v.explanation.startsWith('skipped: '))).toBe(true);
    expect(verdicts.filter((_, i) => Number.isFinite(dirty[i]))).toEqual(feed(new RobustZDetector(settings()), clean, STEP));
  });

  it('scores every point as sorting the window from scratch would: median and 1.4826 MAD of the 60 points before it', () => {
    const random = seededRandom(6);
    const values = Array.from({ length: 400 }, (_, i) => Math.round(10 * gaussian(random)) + (i > 200 ? 5 : 0));
    const verdicts = feed(new RobustZDetector(settings()), values, STEP);
    for (let i = 30; i < values.length; i++) {
      const window = values.slice(Math.max(0, i - 60), i);
      const median = medianOf(window);
      const mad = medianOf(window.map((v) => Math.abs(v - median)));
      expect(verdicts[i].expected).toBe(median);
      expect(verdicts[i].score).toBeCloseTo((values[i] - median) / (1.4826 * mad), 9);
    }
  });
});
