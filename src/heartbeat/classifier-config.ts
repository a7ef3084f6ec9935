import { AppConfig, ConfigError } from '../common/config/app-config';
import { boundsProblem, ClassifierSettings, NumericSetting, resolveClassifierSettings } from './detector/classifier-settings';

type ClassifierVariable = {
  [K in keyof AppConfig]-?: K extends `DETECTOR_${string}` | `PARTITION_${string}` | `FLAP_${string}`
    ? AppConfig[K] extends number | undefined
      ? K
      : never
    : never;
}[keyof AppConfig];

/** The environment variable of each numeric setting, and how many of the setting's units one of the variable's is. */
const VARIABLES: readonly [NumericSetting, ClassifierVariable, number][] = [
  ['k', 'DETECTOR_K', 1],
  ['minTimeoutMs', 'DETECTOR_MIN_TIMEOUT_MS', 1],
  ['maxTimeoutFactor', 'DETECTOR_MAX_TIMEOUT_INTERVALS', 1],
  ['downAfterTimeouts', 'DETECTOR_DOWN_AFTER_TIMEOUTS', 1],
  ['suspectPhi', 'DETECTOR_SUSPECT_PHI', 1],
  ['assumedLossRate', 'DETECTOR_ASSUMED_LOSS_RATE', 1],
  ['jitterCvThreshold', 'DETECTOR_JITTER_CV_THRESHOLD', 1],
  ['resourceThresholdPercent', 'DETECTOR_RESOURCE_PERCENT', 1],
  ['partitionMinAgents', 'PARTITION_MIN_AGENTS', 1],
  ['partitionSilentFraction', 'PARTITION_SILENT_FRACTION', 1],
  ['flapWindowMs', 'FLAP_WINDOW_SECONDS', 1000],
  ['flapThreshold', 'FLAP_THRESHOLD', 1],
  ['flapSettleMs', 'FLAP_SETTLE_SECONDS', 1000],
];

/**
 * The classifier settings the environment asks for, the defaults for the variables unset.
 * AppConfig only parses these variables (common/ knows nothing of the classifier); the
 * bounds are the classifier's, and a value out of them is a ConfigError naming its variable.
 * The service calls this once at start-up, before anything else starts.
 */
export function classifierSettingsOf(config: AppConfig): ClassifierSettings {
  const settings: Partial<ClassifierSettings> = { partitionGroupLabels: config.PARTITION_GROUP_LABELS?.split(',') };
  const problems: string[] = [];
  for (const [name, variable, unit] of VARIABLES) {
    const value = config[variable];
    if (value === undefined) continue;
    const problem = boundsProblem(name, value * unit, unit);
    if (problem !== undefined) problems.push(`${variable}=${JSON.stringify(String(value))}: ${variable} must be ${problem}`);
    settings[name] = value * unit;
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  return resolveClassifierSettings(settings);
}
