import { ConfigError, loadConfig } from '../common/config/app-config';
import { classifierSettingsOf } from './classifier-config';
import { DEFAULT_CLASSIFIER_SETTINGS } from './detector/classifier-settings';

const settingsFrom = (env: Record<string, string>) => classifierSettingsOf(loadConfig(env));

/** The message of the error thrown by `run`, checking it is a ConfigError. */
function configError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('no error');
}

describe('classifierSettingsOf', () => {
  it("takes the classifier's defaults for unset variables", () => {
    expect(settingsFrom({})).toEqual(DEFAULT_CLASSIFIER_SETTINGS);
    expect(settingsFrom({}).k).toBe(4);
  });

  it('reads every variable, in its own unit', () => {
    const settings = settingsFrom({
      DETECTOR_K: '5',
      DETECTOR_MIN_TIMEOUT_MS: '1500',
      DETECTOR_MAX_TIMEOUT_INTERVALS: '4',
      DETECTOR_DOWN_AFTER_TIMEOUTS: '1.1',
      DETECTOR_SUSPECT_PHI: '4',
      DETECTOR_ASSUMED_LOSS_RATE: '0.001',
      DETECTOR_JITTER_CV_THRESHOLD: '0.7',
      DETECTOR_RESOURCE_PERCENT: '90',
      PARTITION_GROUP_LABELS: 'dc,rack',
      PARTITION_MIN_AGENTS: '8',
      PARTITION_SILENT_FRACTION: '0.6',
      FLAP_WINDOW_SECONDS: '120',
      FLAP_THRESHOLD: '4',
      FLAP_SETTLE_SECONDS: '300',
    });
    expect(settings).toEqual({
      ...DEFAULT_CLASSIFIER_SETTINGS,
      k: 5,
      minTimeoutMs: 1500,
      maxTimeoutFactor: 4,
      downAfterTimeouts: 1.1,
      suspectPhi: 4,
      assumedLossRate: 0.001,
      jitterCvThreshold: 0.7,
      resourceThresholdPercent: 90,
      partitionGroupLabels: ['dc', 'rack'],
      partitionMinAgents: 8,
      partitionSilentFraction: 0.6,
      flapWindowMs: 120_000,
      flapThreshold: 4,
      flapSettleMs: 300_000,
    });
  });

  it("names the variable of a value out of the classifier's bounds, in the variable's unit", () => {
    const message = configError(() =>
      settingsFrom({ DETECTOR_DOWN_AFTER_TIMEOUTS: '1', FLAP_WINDOW_SECONDS: '5', PARTITION_MIN_AGENTS: '2.5', DETECTOR_ASSUMED_LOSS_RATE: '0.6' }),
    );
    expect(message).toMatch(/^Invalid configuration:/);
    expect(message).toMatch(/DETECTOR_DOWN_AFTER_TIMEOUTS="1": DETECTOR_DOWN_AFTER_TIMEOUTS must be a number from 1.1 to 20/);
    expect(message).toMatch(/FLAP_WINDOW_SECONDS="5": FLAP_WINDOW_SECONDS must be a number from 10 to 86400/);
    expect(message).toMatch(/PARTITION_MIN_AGENTS="2.5": PARTITION_MIN_AGENTS must be an integer from 2 to 100000/);
    expect(message).toMatch(/DETECTOR_ASSUMED_LOSS_RATE="0.6": DETECTOR_ASSUMED_LOSS_RATE must be a number from 0.0001 to 0.5/);
  });

  it('leaves the parsing to loadConfig: a value that is no number never gets here', () => {
    expect(configError(() => loadConfig({ DETECTOR_K: 'four', FLAP_SETTLE_SECONDS: '1.5' }))).toMatch(/DETECTOR_K="four"[\s\S]*FLAP_SETTLE_SECONDS="1.5"/);
  });
});
