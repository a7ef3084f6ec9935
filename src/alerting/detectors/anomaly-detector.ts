/** How an anomaly rule judges a series against its own past (API.md AnomalyInput). */
export type AnomalyMethod = 'ROBUST_Z' | 'EWMA' | 'SEASONAL';
export type AnomalyDirection = 'BOTH' | 'UP' | 'DOWN';

export interface AnomalySettings {
  method: AnomalyMethod;
  /** How many (robust) deviations from the baseline count as anomalous. */
  sensitivity: number;
  /** History the baseline learns from. */
  trainingSeconds: number;
  /** SEASONAL: the period, e.g. 86,400 for a daily pattern. */
  seasonSeconds: number;
  direction: AnomalyDirection;
  /** Time between two points the detector is fed (the rule's evaluation interval). */
  stepSeconds: number;
}

export interface AnomalyVerdict {
  /** Signed deviation from the baseline in units of its spread; NaN while the detector is still training. */
  score: number;
  anomalous: boolean;
  /** What the baseline expected at this point; NaN while training. */
  expected: number;
  /** One line for people, e.g. "12.4 is 5.1 MADs above the median 3.2 of the last 1h". */
  explanation: string;
}

/**
 * One anomaly method: keeps incremental state for one series (no re-read of history), fed
 * one point per evaluation in time order. A new method is one new class behind this.
 */
export interface AnomalyDetector {
  /** Scores the point (`at` in epoch milliseconds, SEASONAL phases are of it) against what was learned before it, then learns from it. */
  update(at: number, value: number): AnomalyVerdict;
}
