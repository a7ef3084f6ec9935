import { AdaptiveHealthClassifier } from './adaptive-health-classifier';
import { ClassifierSettings, DEFAULT_CLASSIFIER_SETTINGS } from './classifier-settings';

describe('classifier settings', () => {
  it('defaults to the documented values', () => {
    expect(DEFAULT_CLASSIFIER_SETTINGS).toMatchObject<Partial<ClassifierSettings>>({
      minSamples: 5,
      suspectPhi: 5.5,
      assumedLossRate: 0.01,
      jitterCvThreshold: 0.5,
      resourceThresholdPercent: 95,
      partitionGroupLabels: ['region', 'zone'],
      partitionMinAgents: 5,
      partitionSilentFraction: 0.5,
      flapWindowMs: 600_000,
      flapThreshold: 3,
      flapSettleMs: 600_000,
    });
    expect(Object.isFrozen(DEFAULT_CLASSIFIER_SETTINGS)).toBe(true);
  });

  it('takes partial settings and ignores undefined ones', () => {
    const classifier = new AdaptiveHealthClassifier({ minTimeoutMs: 5000, k: undefined });
    expect(classifier.timeoutMs('x', 1)).toBe(5000);
  });

  it.each<[Partial<ClassifierSettings>, RegExp]>([
    [{ k: -1 }, /k must be a number from 1 to 20, got -1/],
    [{ minSamples: 1 }, /minSamples must be an integer from 2 to 32/],
    [{ minSamples: 40 }, /minSamples/],
    [{ downAfterTimeouts: 0.5 }, /downAfterTimeouts/],
    [{ downAfterTimeouts: 1 }, /downAfterTimeouts must be a number from 1.1 to 20/],
    [{ maxTimeoutFactor: 1 }, /maxTimeoutFactor must be a number from 1.5 to 100/],
    [{ minTimeoutMs: 2000.5 }, /minTimeoutMs must be an integer from 100 to 600000/],
    [{ partitionGroupLabels: 'region' as unknown as string[] }, /partitionGroupLabels must be an array of label names/],
    [{ partitionSilentFraction: 0 }, /partitionSilentFraction/],
    [{ flapThreshold: 0 }, /flapThreshold/],
    [{ maxTimeoutFactor: NaN }, /maxTimeoutFactor/],
    [{ suspectPhi: 0 }, /suspectPhi must be a number from 0.5 to 16/],
    [{ assumedLossRate: 0 }, /assumedLossRate must be a number from 0.0001 to 0.5/],
  ])('refuses %j', (settings, message) => {
    expect(() => new AdaptiveHealthClassifier(settings)).toThrow(message);
  });
});
