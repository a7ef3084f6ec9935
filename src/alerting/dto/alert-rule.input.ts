import { Field, Float, ID, InputType, Int } from '@nestjs/graphql';
import { LabelMatcherInput } from '../../dashboard/dto/series-selector.input';
import { SeriesAggregate, SeriesFunction } from '../../dashboard/models/series-query.enums';
import { LabelInput } from '../../common/graphql/label.model';
import { AgentStatus } from '../../heartbeat/models/agent-status.enum';
import { AnomalyDirection, AnomalyMethod, AlertRuleKind, ComparisonOperator } from '../models/alert-rule.enums';
import { Severity } from '../models/alert.model';

@InputType()
export class AnomalyInput {
  @Field(() => AnomalyMethod, { nullable: true, defaultValue: AnomalyMethod.ROBUST_Z }) method?: AnomalyMethod;
  @Field(() => Float, { nullable: true, defaultValue: 3, description: 'how many (robust) deviations from the baseline count as anomalous' })
  sensitivity?: number;
  @Field(() => Int, { nullable: true, description: 'history the baseline learns from; default per method' }) trainingSeconds?: number;
  @Field(() => Int, { nullable: true, description: 'SEASONAL: the period (default 86400)' }) seasonSeconds?: number;
  @Field(() => AnomalyDirection, { nullable: true, defaultValue: AnomalyDirection.BOTH }) direction?: AnomalyDirection;
}

@InputType()
export class EscalationInput {
  @Field(() => Int, { description: 'an alert still firing and unacknowledged this long after it fired' }) afterSeconds!: number;
  @Field(() => [ID]) channelIds!: string[];
  @Field(() => Severity, { nullable: true, defaultValue: Severity.CRITICAL, description: 'only alerts at least this severe escalate' }) minSeverity?: Severity;
}

@InputType({ description: "How the rule's notifications are grouped, repeated and escalated (Alertmanager's route settings)" })
export class NotificationPolicyInput {
  @Field(() => [String], { nullable: true, description: 'label names to group by (default ["alertname"]): one message per group' }) groupBy?: string[];
  @Field(() => Int, { nullable: true, description: 'default 30' }) groupWaitSeconds?: number;
  @Field(() => Int, { nullable: true, description: 'default 300' }) groupIntervalSeconds?: number;
  @Field(() => Int, { nullable: true, description: 'default 14400 (4 h)' }) repeatIntervalSeconds?: number;
  @Field(() => [EscalationInput], { nullable: true }) escalations?: EscalationInput[];
}

@InputType()
export class AlertRuleInput {
  @Field() name!: string;
  @Field(() => AlertRuleKind) kind!: AlertRuleKind;
  @Field(() => Severity, { nullable: true, defaultValue: Severity.WARNING }) severity?: Severity;
  @Field({ nullable: true, description: 'THRESHOLD, TREND, ANOMALY, ABSENCE (ABSENCE without a metric watches heartbeats)' }) metric?: string;
  @Field(() => [ID], { nullable: true }) agentIds?: string[];
  @Field(() => [LabelMatcherInput], { nullable: true }) matchers?: LabelMatcherInput[];
  @Field(() => SeriesFunction, { nullable: true }) function?: SeriesFunction;
  @Field(() => SeriesAggregate, { nullable: true, defaultValue: SeriesAggregate.AVG, description: 'over windowSeconds, per series (or per group)' })
  aggregate?: SeriesAggregate;
  @Field(() => [String], { nullable: true, description: 'evaluate per label group ([] : the whole selection) instead of per series' }) groupBy?: string[];
  @Field(() => Int, { nullable: true }) windowSeconds?: number;
  @Field(() => Int, { nullable: true, description: "default: the service's evaluation interval" }) evaluateEverySeconds?: number;
  @Field(() => ComparisonOperator, { nullable: true, description: 'THRESHOLD, TREND (slope per minute), AGENT_STATUS (agents of a group, default GTE)' })
  operator?: ComparisonOperator;
  @Field(() => Float, { nullable: true }) threshold?: number;
  @Field(() => Float, { nullable: true, description: 'hysteresis: resolve only past this value' }) clearThreshold?: number;
  @Field(() => Int, { nullable: true, defaultValue: 0, description: 'pending this long before firing' }) forSeconds?: number;
  @Field(() => Int, { nullable: true, defaultValue: 0 }) keepFiringForSeconds?: number;
  @Field(() => AnomalyInput, { nullable: true }) anomaly?: AnomalyInput;
  @Field(() => Int, { nullable: true, description: 'ABSENCE' }) absentForSeconds?: number;
  @Field(() => [AgentStatus], { nullable: true, description: 'AGENT_STATUS' }) statuses?: AgentStatus[];
  @Field({ nullable: true, description: 'with placeholders, e.g. "{{agent}} cpu {{value}}": any label, value, threshold, subject' }) summary?: string;
  @Field(() => [LabelInput], { nullable: true }) labels?: LabelInput[];
  @Field(() => [ID], { nullable: true }) channelIds?: string[];
  @Field(() => NotificationPolicyInput, { nullable: true }) notification?: NotificationPolicyInput;
  @Field({ nullable: true, defaultValue: true }) enabled?: boolean;
}
