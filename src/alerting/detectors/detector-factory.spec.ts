import { ANOMALY_DEFAULTS, anomalySettings, createDetector } from './detector-factory';
import { EwmaDetector } from './ewma-detector';
import { RobustZDetector } from './robust-z-detector';
import { MAX_WINDOW_POINTS } from './scoring';
import { MAX_SEASONS, SeasonalDetector } from './seasonal-detector';

describe('createDetector and anomalySettings', () => {
  it('fills what a rule left out from ANOMALY_DEFAULTS, with the training history of the method', () => {
    expect(anomalySettings({}, 60)).toEqual({
      method: 'ROBUST_Z',
      sensitivity: 3,
      direction: 'BOTH',
      seasonSeconds: 86_400,
      trainingSeconds: 86_400,
      stepSeconds: 60,
    });
    expect(anomalySettings({ method: 'SEASONAL', direction: 'UP' }, 10)).toMatchObject({ trainingSeconds: 7 * 86_400, direction: 'UP', stepSeconds: 10 });
    expect(anomalySettings({ method: 'EWMA', trainingSeconds: 3_600, sensitivity: 4 }, 60)).toMatchObject({ trainingSeconds: 3_600, sensitivity: 4 });
    expect(Object.isFrozen(ANOMALY_DEFAULTS.trainingSeconds)).toBe(true);
  });

  it('makes the class of the method', () => {
    expect(createDetector(anomalySettings({}, 60))).toBeInstanceOf(RobustZDetector);
    expect(createDetector(anomalySettings({ method: 'EWMA' }, 60))).toBeInstanceOf(EwmaDetector);
    expect(createDetector(anomalySettings({ method: 'SEASONAL' }, 60))).toBeInstanceOf(SeasonalDetector);
  });

  it('refuses a window past its memory bound with a RangeError that says the bound', () => {
    expect(() => createDetector(anomalySettings({ trainingSeconds: (MAX_WINDOW_POINTS + 1) * 60 }, 60))).toThrow(`at most ${MAX_WINDOW_POINTS} points`);
    expect(() => createDetector(anomalySettings({ trainingSeconds: MAX_WINDOW_POINTS * 60 }, 60))).not.toThrow();
    expect(() => createDetector(anomalySettings({ method: 'SEASONAL', trainingSeconds: (MAX_SEASONS + 1) * 86_400 }, 60))).toThrow(RangeError);
    // EWMA keeps three numbers whatever its span.
    expect(() => createDetector(anomalySettings({ method: 'EWMA', trainingSeconds: 365 * 86_400 }, 1))).not.toThrow();
  });
});
