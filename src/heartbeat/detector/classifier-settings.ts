export interface ClassifierSettings {
  /** Adaptive timeout = mean + k * std of the agent's recent inter-arrival times. */
  k: number;
  /** Lower bound of the adaptive timeout, ms: network hiccups below this are never suspicious. */
  minTimeoutMs: number;
  /** Upper bound of the adaptive timeout, as a multiple of the declared interval. */
  maxTimeoutFactor: number;
  /** Below this many inter-arrival times the timeout is 1.5 declared intervals. */
  minSamples: number;
  /** DOWN once the silence exceeds this many adaptive timeouts. */
  downAfterTimeouts: number;
  /**
   * SUSPECT once the agent is silent past its timeout and its phi-accrual suspicion reaches
   * this: a live agent gets there once in 10^suspectPhi heartbeat intervals.
   */
  suspectPhi: number;
  /** Share of heartbeats that suspicion takes as lost on any network; an agent's own measured loss counts when higher. */
  assumedLossRate: number;
  /** DEGRADED when the coefficient of variation of inter-arrival times exceeds this. */
  jitterCvThreshold: number;
  /** DEGRADED when a cpu, memory or disk reading is at least this percentage. */
  resourceThresholdPercent: number;
  /** Label names that define groups for partition detection, broadest first. */
  partitionGroupLabels: string[];
  /** A group is judged only when it has at least this many agents. */
  partitionMinAgents: number;
  /** At least this fraction of a group silent at once makes its silent agents PARTITIONED. */
  partitionSilentFraction: number;
  /** Window, ms, in which recoveries from DOWN are counted towards FLAPPING. */
  flapWindowMs: number;
  /** This many recoveries from DOWN within the window make an agent FLAPPING. */
  flapThreshold: number;
  /** A FLAPPING agent goes back to HEALTHY only after this long, ms, without DOWN. */
  flapSettleMs: number;
}

/** Inter-arrival times kept per agent: enough for a stable std, small enough to follow change. */
export const WINDOW_CAPACITY = 32;

/**
 * Tuned with bench/detector-simulation.ts. With 1% of heartbeats lost, two in a
 * row go missing about once in 10,000 heartbeats, so DOWN must wait past three
 * intervals: 2.75 timeouts of ~1.7 intervals (or of 1.5 for a new agent) is the
 * quickest setting that called no live agent DOWN there.
 */
export const DEFAULT_CLASSIFIER_SETTINGS: ClassifierSettings = Object.freeze({
  k: 4,
  minTimeoutMs: 2_000,
  maxTimeoutFactor: 3,
  minSamples: 5,
  downAfterTimeouts: 2.75,
  suspectPhi: 5.5,
  assumedLossRate: 0.01,
  jitterCvThreshold: 0.5,
  resourceThresholdPercent: 95,
  partitionGroupLabels: Object.freeze(['region', 'zone']) as string[],
  partitionMinAgents: 5,
  partitionSilentFraction: 0.5,
  flapWindowMs: 10 * 60_000,
  flapThreshold: 3,
  flapSettleMs: 10 * 60_000,
});

export type NumericSetting = Exclude<keyof ClassifierSettings, 'partitionGroupLabels'>;

interface Bounds {
  min: number;
  max: number;
  integer?: boolean;
}

/**
 * The accepted range of every numeric setting, for the classifier and for the environment
 * variables that set it alike. Reasons for the less obvious ones: past one timeout an agent
 * is silent, so DOWN must come later (downAfterTimeouts > 1); a new agent's timeout is 1.5
 * declared intervals, which the upper bound must not cut (maxTimeoutFactor >= 1.5); one
 * recovery is no flapping (flapThreshold >= 2).
 */
const CLASSIFIER_SETTING_BOUNDS: Readonly<Record<NumericSetting, Bounds>> = Object.freeze({
  k: { min: 1, max: 20 },
  minTimeoutMs: { min: 100, max: 600_000, integer: true },
  maxTimeoutFactor: { min: 1.5, max: 100 },
  minSamples: { min: 2, max: WINDOW_CAPACITY, integer: true },
  downAfterTimeouts: { min: 1.1, max: 20 },
  suspectPhi: { min: 0.5, max: 16 },
  assumedLossRate: { min: 0.0001, max: 0.5 },
  jitterCvThreshold: { min: 0.05, max: 10 },
  resourceThresholdPercent: { min: 1, max: 100 },
  partitionMinAgents: { min: 2, max: 100_000, integer: true },
  partitionSilentFraction: { min: 0.1, max: 1 },
  flapWindowMs: { min: 10_000, max: 86_400_000 },
  flapThreshold: { min: 2, max: 100, integer: true },
  flapSettleMs: { min: 10_000, max: 86_400_000 },
});

/**
 * What a setting must be, when `value` is out of its bounds; undefined when it is fine.
 * `unit` is how many of the setting's units one of the caller's is (1000 for seconds given
 * for a ms setting), so the answer speaks the caller's units.
 */
export function boundsProblem(name: NumericSetting, value: number, unit = 1): string | undefined {
  const { min, max, integer } = CLASSIFIER_SETTING_BOUNDS[name];
  if ((integer !== true || Number.isInteger(value)) && value >= min && value <= max) return undefined;
  return `${integer === true ? 'an integer' : 'a number'} from ${min / unit} to ${max / unit}`;
}

/** The defaults overridden by the given settings (undefined ones ignored), checked against the bounds. */
export function resolveClassifierSettings(settings: Partial<ClassifierSettings> = {}): ClassifierSettings {
  const given = Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
  const merged: ClassifierSettings = { ...DEFAULT_CLASSIFIER_SETTINGS, ...given };
  const refuse = (name: keyof ClassifierSettings, expected: string) =>
    new RangeError(`classifier setting ${name} must be ${expected}, got ${String(merged[name])}`);
  if (!Array.isArray(merged.partitionGroupLabels)) throw refuse('partitionGroupLabels', 'an array of label names');
  merged.partitionGroupLabels = [...merged.partitionGroupLabels];
  for (const name of Object.keys(CLASSIFIER_SETTING_BOUNDS) as NumericSetting[]) {
    const problem = boundsProblem(name, merged[name]);
    if (problem !== undefined) throw refuse(name, problem);
  }
  return merged;
}
