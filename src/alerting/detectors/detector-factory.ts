import { AnomalyDetector, AnomalyDirection, AnomalyMethod, AnomalySettings } from './anomaly-detector';
import { EwmaDetector } from './ewma-detector';
import { RobustZDetector } from './robust-z-detector';
import { SeasonalDetector } from './seasonal-detector';

/**
 * Defaults of an anomaly rule, checked with bench/anomaly-quality.ts (docs/alerting.md) but chosen as
 * textbook values rather than tuned to that generator. Sensitivity 3 is the API's default (API.md); 3.5,
 * Iglewicz and Hoaglin's cut-off for modified (median/MAD) z-scores, gives 36-45% fewer false alerts in
 * the bench at per-minute evaluation (docs/alerting.md says when to choose it). A day of history for ROBUST_Z and EWMA (a whole
 * daily cycle in the window), a week of daily seasons for SEASONAL (an odd day, such as a holiday, is outvoted).
 */
export const ANOMALY_DEFAULTS: Readonly<{
  method: AnomalyMethod;
  sensitivity: number;
  direction: AnomalyDirection;
  seasonSeconds: number;
  trainingSeconds: Readonly<Record<AnomalyMethod, number>>;
}> = Object.freeze({
  method: 'ROBUST_Z',
  sensitivity: 3,
  direction: 'BOTH',
  seasonSeconds: 86_400,
  trainingSeconds: Object.freeze({ ROBUST_Z: 86_400, EWMA: 86_400, SEASONAL: 7 * 86_400 }),
});

/** Settings from what a rule gave, with ANOMALY_DEFAULTS for the rest (trainingSeconds by method). */
export function anomalySettings(given: Partial<Omit<AnomalySettings, 'stepSeconds'>>, stepSeconds: number): AnomalySettings {
  const method = given.method ?? ANOMALY_DEFAULTS.method;
  return {
    method,
    sensitivity: given.sensitivity ?? ANOMALY_DEFAULTS.sensitivity,
    direction: given.direction ?? ANOMALY_DEFAULTS.direction,
    seasonSeconds: given.seasonSeconds ?? ANOMALY_DEFAULTS.seasonSeconds,
    trainingSeconds: given.trainingSeconds ?? ANOMALY_DEFAULTS.trainingSeconds[method],
    stepSeconds,
  };
}

/** One detector for one series. Throws RangeError past a memory bound (MAX_WINDOW_POINTS, MAX_SEASONS). */
export function createDetector(settings: AnomalySettings): AnomalyDetector {
  switch (settings.method) {
    case 'ROBUST_Z':
      return new RobustZDetector(settings);
    case 'EWMA':
      return new EwmaDetector(settings);
    case 'SEASONAL':
      return new SeasonalDetector(settings);
  }
}
