import { feed, flagged, gaussian } from '../../../test/support/detector-series';
import { seededRandom } from '../../../test/support/seeded-random';
import { AnomalyDirection, AnomalySettings, AnomalyVerdict } from './anomaly-detector';
import { SeasonalDetector } from './seasonal-detector';

const DAY = 86_400;
const STEP = 600; // 144 slots a day, a residual warm-up of 36 points
const PER_DAY = DAY / STEP;
const settings = (overrides: Partial<AnomalySettings> = {}): AnomalySettings => ({
  method: 'SEASONAL',
  sensitivity: 3,
  trainingSeconds: 3 * DAY,
  seasonSeconds: DAY,
  direction: 'BOTH',
  stepSeconds: STEP,
  ...overrides,
});

/** A daily pattern: quiet nights, a busy afternoon peak; `shiftHours` moves it later. */
const daily = (i: number, shiftHours = 0) => 100 + 60 * Math.max(0, Math.sin((2 * Math.PI * (i * STEP - shiftHours * 3600)) / DAY - Math.PI / 2));

function series(seed: number, days: number, pattern: (i: number) => number = daily): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: days * PER_DAY }, (_, i) => pattern(i) + 2 * gaussian(random));
}

function medianOf(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

describe('SeasonalDetector', () => {
  it('trains through the first season, then through the residual warm-up: NaN score, not anomalous', () => {
    const values = series(1, 2);
    values[30] = 1e6;
    const verdicts = feed(new SeasonalDetector(settings()), values, STEP);
    // The last slot of the first day has a neighbour a season back: the first slot of that day.
    const training = verdicts.slice(0, PER_DAY - 1 + 36);
    expect(training.every((v) => Number.isNaN(v.score) && !v.anomalous)).toBe(true);
    expect(verdicts[0].explanation).toBe('training: 0 of 1 earlier seasons with a value at this time learned');
    expect(verdicts[PER_DAY].explanation).toBe('training: 1 of 36 residuals learned');
    expect(verdicts.slice(PER_DAY - 1 + 36).every((v) => Number.isFinite(v.score))).toBe(true);
  });

  it('does not flag the daily pattern that a robust z-score of its level cannot tell from anomalies, and flags the day it changes', () => {
    const values = series(2, 10, (i) => daily(i, i >= 8 * PER_DAY ? 6 : 0));
    const verdicts = feed(new SeasonalDetector(settings({ sensitivity: 4 })), values, STEP);
    const hits = flagged(verdicts);
    expect(hits.filter((i) => i < 8 * PER_DAY)).toEqual([]);
    // The peak six hours late: most of the day differs from every earlier day.
    expect(hits.filter((i) => i >= 8 * PER_DAY && i < 9 * PER_DAY).length).toBeGreaterThan(PER_DAY / 3);
    expect(verdicts[8 * PER_DAY + 72].explanation).toMatch(/deviations (above|below) the seasonal baseline [\d.]+ of the same time in the last 3 x 1 d$/);
  });

  it.each<[AnomalyDirection, number[]]>([
    ['BOTH', [5 * PER_DAY + 10, 5 * PER_DAY + 80]],
    ['UP', [5 * PER_DAY + 80]],
    ['DOWN', [5 * PER_DAY + 10]],
  ])('flags a spike at the peak and a dip at night in the direction it is told (%s), though both are within the day range', (direction, expected) => {
    const values = series(3, 6);
    values[5 * PER_DAY + 10] -= 20; // night: 80 where 100 is usual
    values[5 * PER_DAY + 80] += 20; // afternoon peak: ~180 where ~160 is usual
    expect(flagged(feed(new SeasonalDetector(settings({ direction, sensitivity: 4 })), values, STEP))).toEqual(expected);
  });

  it('absorbs a shift of level within half a season of residuals', () => {
    const values = series(4, 8, (i) => daily(i) + (i >= 5 * PER_DAY ? 40 : 0));
    const hits = flagged(feed(new SeasonalDetector(settings({ sensitivity: 4 })), values, STEP));
    expect(hits[0]).toBe(5 * PER_DAY);
    expect(hits.length).toBeGreaterThan(PER_DAY / 4);
    // Afterwards (2.5 days) at most a couple: slots learned during the switch-over are outvoted by the other seasons.
    expect(hits.filter((i) => i > 5 * PER_DAY + PER_DAY / 2 + 5).length).toBeLessThanOrEqual(2);
  });

  it('skips NaN, infinite and out-of-order points without learning them', () => {
    const clean = series(5, 5);
    const detector = new SeasonalDetector(settings());
    const verdicts: AnomalyVerdict[] = [];
    clean.forEach((x, i) => {
      verdicts.push(detector.update(i * STEP * 1000, x));
      if (i % 9 === 0) {
        expect(detector.update(i * STEP * 1000 + 1, NaN)).toMatchObject({ anomalous: false, score: NaN });
        expect(detector.update(i * STEP * 1000, x + 1e6)).toMatchObject({
          anomalous: false,
          explanation: `skipped: ${i * STEP * 1000} is not after the previous point`,
        });
      }
    });
    expect(verdicts).toEqual(feed(new SeasonalDetector(settings()), clean, STEP));
  });

  it('scores every point as a from-scratch computation over the history would, also across a day without data', () => {
    const values = series(6, 9, (i) => daily(i) + (i >= 6 * PER_DAY ? 30 : 0));
    const keep = values.map((_, i) => Math.floor(i / PER_DAY) !== 4);
    const detector = new SeasonalDetector(settings());
    const residuals: number[] = [];
    const profile: number[] = []; // what each point left in its slot: the value net of the offset after it
    let offset = 0;
    for (let i = 0; i < values.length; i++) {
      if (!keep[i]) continue;
      const verdict = detector.update(i * STEP * 1000, values[i]);
      const day = Math.floor(i / PER_DAY);
      const history: number[] = [];
      for (let back = 1; back <= 3; back++) {
        for (const neighbour of [-1, 0, 1]) {
          const j = i - back * PER_DAY + neighbour;
          if (j >= 0 && keep[j] && Math.floor(j / PER_DAY) >= day - 3) history.push(profile[j]);
        }
      }
      if (history.length > 0) {
        const baseline = medianOf(history);
        if (residuals.length >= 36) {
          const last = residuals.slice(-PER_DAY);
          const residualMad = medianOf(last.map((r) => Math.abs(r - offset)));
          // From 9 values at this phase on, their own spread when it is the larger.
          const slotMad = history.length >= 9 ? medianOf(history.map((h) => Math.abs(h - baseline))) : 0;
          expect(verdict.expected).toBeCloseTo(baseline + offset, 9);
          expect(verdict.score).toBeCloseTo((values[i] - baseline - offset) / (1.4826 * Math.max(residualMad, slotMad)), 9);
        } else expect(verdict.score).toBeNaN();
        residuals.push(values[i] - baseline);
        offset = medianOf(residuals.slice(-PER_DAY));
      } else expect(verdict.score).toBeNaN();
      profile[i] = values[i] - offset;
    }
    expect(residuals.length).toBeGreaterThan(4 * PER_DAY);
    expect(offset).toBeCloseTo(30, -1);
  });

  it('averages the points of a slot when the step is finer than MAX_SEASON_SLOTS allows, and refuses a season under two steps', () => {
    const fine = new SeasonalDetector(settings({ stepSeconds: 20 })); // 4,320 points a day into 1,440 slots
    const values = [10, 20, 15];
    for (let i = 0; i < 2 * 4_320; i++) fine.update(i * 20_000, values[i % 3]);
    // Each one-minute slot held 10, 20 and 15: the baseline is their mean, the residuals -5, 5 and 0.
    expect(fine.update(2.5 * DAY * 1000, 15)).toMatchObject({ expected: 15, score: 0 });
    expect(() => new SeasonalDetector(settings({ seasonSeconds: STEP }))).toThrow(RangeError);
  });
});
