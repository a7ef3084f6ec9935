import { AnomalyDetector, AnomalySettings, AnomalyVerdict } from './anomaly-detector';
import { flooredSpread, formatSeconds, MAX_WINDOW_POINTS, scoredVerdict, skippedVerdict, trainingPoints, trainingVerdict, warmupPoints } from './scoring';
import { SortedWindow } from './sorted-window';

/**
 * ROBUST_Z: score = (x - median) / (1.4826 * MAD) over the last trainingSeconds / stepSeconds points
 * (see SortedWindow.robustSpread for a MAD of 0, and flooredSpread). Every point is learned: the median
 * and MAD ignore up to half the window, so a spike does not move them and a level shift becomes the
 * new normal once it fills half the window. Memory: 16 bytes per window point.
 */
export class RobustZDetector implements AnomalyDetector {
  private readonly window: SortedWindow;
  private readonly warmup: number;
  private readonly context: string;

  constructor(private readonly settings: AnomalySettings) {
    const points = trainingPoints(settings);
    if (points > MAX_WINDOW_POINTS) throw new RangeError(`ROBUST_Z keeps at most ${MAX_WINDOW_POINTS} points, trainingSeconds / stepSeconds is ${points}`);
    this.window = new SortedWindow(points);
    this.warmup = warmupPoints(points);
    this.context = ` of the last ${formatSeconds(points * settings.stepSeconds)}`;
  }

  update(_at: number, value: number): AnomalyVerdict {
    if (!Number.isFinite(value)) return skippedVerdict(`${value} is not a finite value`);
    const verdict = this.window.size < this.warmup ? trainingVerdict(this.window.size, this.warmup) : this.score(value);
    this.window.push(value);
    return verdict;
  }

  private score(value: number): AnomalyVerdict {
    const median = this.window.median();
    const spread = flooredSpread(this.window.robustSpread(median), median);
    return scoredVerdict(this.settings, value, median, spread, ['robust deviations', 'the median', this.context]);
  }
}
