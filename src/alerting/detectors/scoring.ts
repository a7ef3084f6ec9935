import { AnomalySettings, AnomalyVerdict } from './anomaly-detector';

/** 1.4826 * MAD estimates the standard deviation of normally distributed data. */
export const MAD_TO_SIGMA = 1.4826;
/** sqrt(pi / 2): mean absolute deviation -> standard deviation of normal data (Iglewicz-Hoaglin's fallback when the MAD is 0). */
export const MEAN_AD_TO_SIGMA = 1.2533;
/**
 * A spread is never taken below 0.1% of the baseline's magnitude, nor below 1e-9: on a flat series
 * (every point equal) a wiggle of less than 0.3% of the level is not 3 deviations, and no score is infinite.
 */
export const RELATIVE_SPREAD_FLOOR = 1e-3;
export const ABSOLUTE_SPREAD_FLOOR = 1e-9;
/** A baseline scores nothing before it has learned from this many points (or its whole window, when that is smaller)... */
export const MIN_WARMUP_POINTS = 30;
/** ...or from this fraction of its window, when that is more. */
export const WARMUP_FRACTION = 0.25;
/** Memory bound of a window detector: 16 bytes a point, so at most ~320 KB (two weeks of 1-minute points) per series. */
export const MAX_WINDOW_POINTS = 20_160;

export function flooredSpread(spread: number, level: number): number {
  return Math.max(spread, RELATIVE_SPREAD_FLOOR * Math.abs(level), ABSOLUTE_SPREAD_FLOOR);
}

/** Points a baseline over a window of `capacity` points learns from before it scores. */
export function warmupPoints(capacity: number): number {
  return Math.min(capacity, Math.max(MIN_WARMUP_POINTS, Math.ceil(capacity * WARMUP_FRACTION)));
}

/** Points in the training window: trainingSeconds / stepSeconds, at least 2. */
export function trainingPoints(settings: Pick<AnomalySettings, 'trainingSeconds' | 'stepSeconds'>): number {
  if (!(settings.stepSeconds > 0)) throw new RangeError(`stepSeconds must be positive, got ${settings.stepSeconds}`);
  return Math.max(2, Math.round(settings.trainingSeconds / settings.stepSeconds));
}

export function isAnomalous(score: number, { direction, sensitivity }: Pick<AnomalySettings, 'direction' | 'sensitivity'>): boolean {
  if (direction === 'UP') return score > sensitivity;
  if (direction === 'DOWN') return score < -sensitivity;
  return Math.abs(score) > sensitivity;
}

export function trainingVerdict(learned: number, needed: number, what = 'points'): AnomalyVerdict {
  return { score: NaN, anomalous: false, expected: NaN, explanation: `training: ${learned} of ${needed} ${what} learned` };
}

/** A NaN or infinite value is not learned (it would poison every later baseline) and is never anomalous. */
export function skippedVerdict(reason: string): AnomalyVerdict {
  return { score: NaN, anomalous: false, expected: NaN, explanation: `skipped: ${reason}` };
}

/** The verdict on `value` against a baseline, explained as "12.4 is 5.1 {unit} above {baseline} 3.2{context}". */
export function scoredVerdict(
  settings: AnomalySettings,
  value: number,
  expected: number,
  spread: number,
  [unit, baseline, context]: [string, string, string],
): AnomalyVerdict {
  const score = (value - expected) / spread;
  const side = score >= 0 ? 'above' : 'below';
  return {
    score,
    anomalous: isAnomalous(score, settings),
    expected,
    explanation: `${formatNumber(value)} is ${Math.abs(score).toFixed(1)} ${unit} ${side} ${baseline} ${formatNumber(expected)}${context}`,
  };
}

export function formatNumber(x: number): string {
  return String(Number(x.toPrecision(4)));
}

/** 90 s, 15 min, 6 h, 7 d: for explanations. */
export function formatSeconds(seconds: number): string {
  const [size, unit] = seconds >= 86_400 ? [86_400, 'd'] : seconds >= 3_600 ? [3_600, 'h'] : seconds >= 60 ? [60, 'min'] : [1, 's'];
  return `${formatNumber(seconds / size)} ${unit}`;
}
