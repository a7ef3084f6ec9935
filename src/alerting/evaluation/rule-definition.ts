import type { AnomalySettings } from '../detectors/anomaly-detector';
import type { NotificationPolicy } from '../notifications/alert-snapshot';

export type AlertRuleKind = 'THRESHOLD' | 'TREND' | 'ANOMALY' | 'ABSENCE' | 'AGENT_STATUS';
export type ComparisonOperator = 'GT' | 'GTE' | 'LT' | 'LTE' | 'EQ' | 'NEQ';
export type Aggregate = 'AVG' | 'SUM' | 'MIN' | 'MAX' | 'COUNT' | 'P50' | 'P95' | 'P99';
export type SeriesFunctionName = 'RATE' | 'INCREASE' | 'DELTA';
export type RuleSeverity = 'INFO' | 'WARNING' | 'CRITICAL';

export interface Matcher {
  name: string;
  op: 'EQ' | 'NEQ' | 'REGEX' | 'NOT_REGEX';
  value: string;
}

/**
 * A validated rule with every default filled in: what the evaluator, the preview and the
 * store work with. Times are in seconds, as in the API.
 */
export interface RuleDefinition {
  name: string;
  kind: AlertRuleKind;
  severity: RuleSeverity;
  /** THRESHOLD, TREND, ANOMALY, ABSENCE of samples; undefined for AGENT_STATUS and heartbeat ABSENCE. */
  metric?: string;
  agentIds?: string[];
  matchers: Matcher[];
  function?: SeriesFunctionName;
  aggregate: Aggregate;
  /** Undefined: one subject per series (or agent); [] : the whole selection as one subject; else per label group. */
  groupBy?: string[];
  windowSeconds: number;
  evaluateEverySeconds: number;
  operator: ComparisonOperator;
  threshold: number;
  clearThreshold?: number;
  forSeconds: number;
  keepFiringForSeconds: number;
  anomaly?: AnomalySettings;
  absentForSeconds: number;
  /** AGENT_STATUS: the statuses that count as breaching. */
  statuses: string[];
  summary: string;
  labels: Record<string, string>;
  channelIds: string[];
  notification: NotificationPolicy;
  enabled: boolean;
}
