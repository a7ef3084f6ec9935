import { compileMatchers, InvalidMatcher, LABEL_NAME_PATTERN } from '../../dashboard/query/label-matcher';
import type { AlertRuleInput } from '../dto/alert-rule.input';
import { InvalidAlertRule } from '../alerting.errors';
import type { AnomalySettings } from '../detectors/anomaly-detector';
import { anomalySettings as withDefaults, createDetector } from '../detectors/detector-factory';
import { isSafeSide } from './comparison';
import type { AlertRuleKind, ComparisonOperator, Matcher, RuleDefinition } from './rule-definition';
import type { Severity } from '../models/alert.model';
import type { NotificationPolicy } from '../notifications/alert-snapshot';

/** What a rule takes when it does not say (besides ANOMALY_DEFAULTS): the service's evaluation interval. */
export interface RuleDefaults {
  evaluateEverySeconds: number;
}

const DAY = 86_400;
const LIMITS = { name: 200, summary: 1_000, labels: 20, labelValue: 200, groupBy: 10, channels: 20, agentIds: 1_000, matchers: 20, escalations: 5 };
/** Alertmanager's route defaults. */
export const DEFAULT_POLICY: NotificationPolicy = {
  groupBy: ['alertname'],
  groupWaitSeconds: 30,
  groupIntervalSeconds: 300,
  repeatIntervalSeconds: 4 * 3600,
  escalations: [],
};
const DEFAULT_SUMMARY: Record<string, string> = {
  THRESHOLD: '{{alertname}}: {{subject}} is {{value}} (threshold {{threshold}})',
  TREND: '{{alertname}}: {{subject}} changes by {{value}} per minute (threshold {{threshold}})',
  ANOMALY: '{{alertname}}: {{subject}} is anomalous at {{value}}',
  ABSENCE: '{{alertname}}: no data from {{subject}} for {{value}} s',
  AGENT_STATUS: '{{alertname}}: {{subject}}',
};

/**
 * Checks a rule as a user wrote it and fills in every default. Each refusal names its field
 * (`rule.<field>`); durations are whole seconds, and windows whole evaluation intervals, so
 * live evaluation and previews see the same steps.
 */
export function normalizeRule(input: AlertRuleInput, defaults: RuleDefaults): RuleDefinition {
  const fail = (field: string, message: string): never => {
    throw new InvalidAlertRule(message, `rule.${field}`);
  };
  const seconds = (field: string, value: number | null | undefined, fallback: number, min: number, max: number): number => {
    const v = value ?? fallback;
    if (!Number.isInteger(v) || v < min || v > max) fail(field, `must be whole seconds in ${min}..${max}`);
    return v;
  };
  const kind: AlertRuleKind = input.kind;
  const name = input.name.trim();
  if (name.length === 0 || name.length > LIMITS.name) fail('name', `must be 1..${LIMITS.name} characters`);

  const usesMetric = kind === 'THRESHOLD' || kind === 'TREND' || kind === 'ANOMALY';
  if (usesMetric && (input.metric == null || input.metric.length === 0)) fail('metric', `${kind} rules need a metric`);
  if (kind === 'AGENT_STATUS' && input.metric != null) fail('metric', 'AGENT_STATUS rules watch agents, not a metric');
  if (input.function != null && !usesMetric) fail('function', `${kind} rules take no function`);
  if (input.agentIds != null && input.agentIds.length > LIMITS.agentIds) fail('agentIds', `at most ${LIMITS.agentIds}`);
  const matchers: Matcher[] = (input.matchers ?? []).map((m) => ({ name: m.name, op: m.op ?? 'EQ', value: m.value }));
  if (matchers.length > LIMITS.matchers) fail('matchers', `at most ${LIMITS.matchers}`);
  try {
    compileMatchers(matchers);
  } catch (error) {
    if (error instanceof InvalidMatcher) fail(`matchers[${error.index}]`, error.message);
    throw error;
  }
  const groupBy = input.groupBy ?? undefined;
  if (groupBy !== undefined) {
    if (groupBy.length > LIMITS.groupBy) fail('groupBy', `at most ${LIMITS.groupBy} label names`);
    groupBy.forEach((label, i) => LABEL_NAME_PATTERN.test(label) || fail(`groupBy[${i}]`, `invalid label name ${JSON.stringify(label)}`));
  }

  const base = defaults.evaluateEverySeconds;
  const every = seconds('evaluateEverySeconds', input.evaluateEverySeconds, base, base, DAY);
  if (every % base !== 0) fail('evaluateEverySeconds', `must be a multiple of the service's evaluation interval (${base} s)`);
  const defaultWindow = kind === 'TREND' ? Math.max(600, every * 5) : Math.max(60, every);
  const windowSeconds = kind === 'ABSENCE' || kind === 'AGENT_STATUS' ? every : seconds('windowSeconds', input.windowSeconds, defaultWindow, every, 7 * DAY);
  if (windowSeconds % every !== 0) fail('windowSeconds', `must be a multiple of evaluateEverySeconds (${every} s)`);

  let operator: ComparisonOperator | undefined = input.operator ?? undefined;
  let threshold: number | undefined = input.threshold ?? undefined;
  let absentForSeconds = 0;
  let statuses: string[] = [];
  let anomaly: AnomalySettings | undefined;
  if (kind === 'THRESHOLD' || kind === 'TREND') {
    if (operator === undefined) fail('operator', `${kind} rules need an operator`);
    if (threshold === undefined) fail('threshold', `${kind} rules need a threshold`);
  } else if (kind === 'ABSENCE') {
    absentForSeconds = seconds('absentForSeconds', input.absentForSeconds, Number.NaN, every, 30 * DAY);
    operator = 'GTE';
    threshold = absentForSeconds;
  } else if (kind === 'AGENT_STATUS') {
    statuses = input.statuses ?? [];
    if (statuses.length === 0) fail('statuses', 'AGENT_STATUS rules need at least one status');
    operator ??= 'GTE';
    threshold ??= 1;
  } else {
    anomaly = anomalySettings(input, every, fail);
    operator = 'GT';
    threshold = anomaly.sensitivity;
  }
  if (!Number.isFinite(threshold)) fail('threshold', 'must be a finite number');
  const clearThreshold = input.clearThreshold ?? undefined;
  if (clearThreshold !== undefined) {
    if (kind === 'ANOMALY' || kind === 'ABSENCE') fail('clearThreshold', `${kind} rules take no clear threshold`);
    if (!Number.isFinite(clearThreshold) || !isSafeSide(operator!, threshold!, clearThreshold)) {
      fail('clearThreshold', `must be a finite number on the resolving side of the threshold for ${operator}`);
    }
  }
  const summary = input.summary ?? DEFAULT_SUMMARY[kind];
  if (summary.length > LIMITS.summary) fail('summary', `at most ${LIMITS.summary} characters`);
  const labels = input.labels ?? [];
  if (labels.length > LIMITS.labels) fail('labels', `at most ${LIMITS.labels}`);
  labels.forEach((l, i) => {
    if (!LABEL_NAME_PATTERN.test(l.name)) fail(`labels[${i}].name`, `invalid label name ${JSON.stringify(l.name)}`);
    if (l.value.length > LIMITS.labelValue) fail(`labels[${i}].value`, `at most ${LIMITS.labelValue} characters`);
  });
  const channelIds = input.channelIds ?? [];
  if (channelIds.length > LIMITS.channels) fail('channelIds', `at most ${LIMITS.channels}`);

  return {
    name,
    kind,
    severity: input.severity ?? 'WARNING',
    metric: input.metric ?? undefined,
    agentIds: input.agentIds ?? undefined,
    matchers,
    function: input.function ?? undefined,
    aggregate: input.aggregate ?? 'AVG',
    groupBy,
    windowSeconds: kind === 'ABSENCE' ? Math.ceil(absentForSeconds / every) * every : windowSeconds,
    evaluateEverySeconds: every,
    operator: operator!,
    threshold: threshold!,
    clearThreshold,
    forSeconds: seconds('forSeconds', input.forSeconds, 0, 0, 7 * DAY),
    keepFiringForSeconds: seconds('keepFiringForSeconds', input.keepFiringForSeconds, 0, 0, 7 * DAY),
    anomaly,
    absentForSeconds,
    statuses,
    summary,
    labels: Object.fromEntries(labels.map((l) => [l.name, l.value])),
    channelIds,
    notification: notificationPolicy(input, fail, seconds),
    enabled: input.enabled ?? true,
  };
}

type Fail = (field: string, message: string) => never;

function anomalySettings(input: AlertRuleInput, every: number, fail: Fail): AnomalySettings {
  const a = input.anomaly ?? {};
  const settings = withDefaults(
    {
      method: a.method ?? undefined,
      sensitivity: a.sensitivity ?? undefined,
      trainingSeconds: a.trainingSeconds ?? undefined,
      seasonSeconds: a.seasonSeconds ?? undefined,
      direction: a.direction ?? undefined,
    },
    every,
  );
  const { method, sensitivity, trainingSeconds, seasonSeconds } = settings;
  if (!(sensitivity > 0 && sensitivity <= 100)) fail('anomaly.sensitivity', 'must be in (0, 100]');
  if (!Number.isInteger(trainingSeconds) || trainingSeconds < every * 10 || trainingSeconds > 90 * DAY) {
    fail('anomaly.trainingSeconds', `must be whole seconds in ${every * 10}..${90 * DAY} (at least 10 evaluations)`);
  }
  if (method === 'SEASONAL') {
    if (!Number.isInteger(seasonSeconds) || seasonSeconds % every !== 0 || seasonSeconds < every * 2) {
      fail('anomaly.seasonSeconds', `must be a multiple of evaluateEverySeconds (${every} s), at least two of them`);
    }
    if (trainingSeconds < seasonSeconds) fail('anomaly.trainingSeconds', 'must cover at least one season');
  }
  try {
    createDetector(settings);
  } catch (error) {
    // The detectors bound their memory: too long a training for so short an evaluation interval.
    if (error instanceof RangeError) fail('anomaly.trainingSeconds', error.message);
    throw error;
  }
  return settings;
}

function notificationPolicy(
  input: AlertRuleInput,
  fail: Fail,
  seconds: (field: string, value: number | null | undefined, fallback: number, min: number, max: number) => number,
) {
  const p = input.notification ?? {};
  const groupBy = p.groupBy ?? DEFAULT_POLICY.groupBy;
  if (groupBy.length > LIMITS.groupBy) fail('notification.groupBy', `at most ${LIMITS.groupBy} label names`);
  groupBy.forEach((label, i) => LABEL_NAME_PATTERN.test(label) || fail(`notification.groupBy[${i}]`, `invalid label name ${JSON.stringify(label)}`));
  const escalations = p.escalations ?? [];
  if (escalations.length > LIMITS.escalations) fail('notification.escalations', `at most ${LIMITS.escalations} tiers`);
  return {
    groupBy,
    groupWaitSeconds: seconds('notification.groupWaitSeconds', p.groupWaitSeconds, DEFAULT_POLICY.groupWaitSeconds, 0, 3600),
    groupIntervalSeconds: seconds('notification.groupIntervalSeconds', p.groupIntervalSeconds, DEFAULT_POLICY.groupIntervalSeconds, 1, DAY),
    repeatIntervalSeconds: seconds('notification.repeatIntervalSeconds', p.repeatIntervalSeconds, DEFAULT_POLICY.repeatIntervalSeconds, 60, 30 * DAY),
    escalations: escalations.map((e, i) => {
      if (e.channelIds.length === 0 || e.channelIds.length > LIMITS.channels)
        fail(`notification.escalations[${i}].channelIds`, `1..${LIMITS.channels} channels`);
      return {
        afterSeconds: seconds(`notification.escalations[${i}].afterSeconds`, e.afterSeconds, 0, 1, 7 * DAY),
        channelIds: e.channelIds,
        minSeverity: e.minSeverity ?? ('CRITICAL' as Severity),
      };
    }),
  };
}
