import { AnomalyDetector, AnomalySettings, AnomalyVerdict } from './anomaly-detector';
import { flooredSpread, formatSeconds, scoredVerdict, skippedVerdict, trainingPoints, trainingVerdict, warmupPoints } from './scoring';

/**
 * EWMA: exponentially weighted mean and variance with span N = trainingSeconds / stepSeconds
 * (alpha = 2 / (N + 1)); score = (x - mean) / sqrt(variance). The first points are averaged with
 * weight max(alpha, 1 / n) so the first value does not dominate the warm-up.
 *
 * After the warm-up a point is learned winsorized: clipped to mean +- sensitivity * deviation. A spike
 * then moves the mean by at most alpha * sensitivity deviations; a level shift is learned a little
 * each point while the variance grows by about (1 + alpha * (sensitivity^2 - 1)) a point, so the shift
 * is accepted after a few hundred points (about 6 h for 10 deviations at a span of a day of 1-minute
 * points and sensitivity 3.5). Memory: three numbers.
 */
export class EwmaDetector implements AnomalyDetector {
  private readonly alpha: number;
  private readonly warmup: number;
  private readonly context: string;
  private learned = 0;
  private mean = 0;
  private variance = 0;

  constructor(private readonly settings: AnomalySettings) {
    const span = trainingPoints(settings);
    this.alpha = 2 / (span + 1);
    this.warmup = warmupPoints(span);
    this.context = ` (span ${formatSeconds(span * settings.stepSeconds)})`;
  }

  update(_at: number, value: number): AnomalyVerdict {
    if (!Number.isFinite(value)) return skippedVerdict(`${value} is not a finite value`);
    if (this.learned < this.warmup) {
      const verdict = trainingVerdict(this.learned, this.warmup);
      this.learn(value, Math.max(this.alpha, 1 / (this.learned + 1)));
      return verdict;
    }
    const deviation = flooredSpread(Math.sqrt(this.variance), this.mean);
    const verdict = scoredVerdict(this.settings, value, this.mean, deviation, ['deviations', 'the weighted mean', this.context]);
    const limit = this.settings.sensitivity * deviation;
    this.learn(Math.min(this.mean + limit, Math.max(this.mean - limit, value)), this.alpha);
    return verdict;
  }

  /** The incremental form of the weighted mean and variance (West 1979 / Finch 2009). */
  private learn(value: number, weight: number): void {
    const diff = value - this.mean;
    const increment = weight * diff;
    this.mean += increment;
    this.variance = (1 - weight) * (this.variance + diff * increment);
    this.learned++;
  }
}
