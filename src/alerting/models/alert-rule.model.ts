import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { Label } from '../../common/graphql/label.model';
import { MatchOp, SeriesAggregate, SeriesFunction } from '../../dashboard/models/series-query.enums';
import { AgentStatus } from '../../heartbeat/models/agent-status.enum';
import { AnomalyDirection, AnomalyMethod, AlertRuleKind, ComparisonOperator } from './alert-rule.enums';
import { Severity } from './alert.model';

@ObjectType()
export class LabelMatcher {
  @Field() name!: string;
  @Field(() => MatchOp) op!: MatchOp;
  @Field() value!: string;
}

@ObjectType()
export class AnomalySettings {
  @Field(() => AnomalyMethod) method!: AnomalyMethod;
  @Field(() => Float) sensitivity!: number;
  @Field(() => Int) trainingSeconds!: number;
  @Field(() => Int) seasonSeconds!: number;
  @Field(() => AnomalyDirection) direction!: AnomalyDirection;
}

@ObjectType()
export class Escalation {
  @Field(() => Int) afterSeconds!: number;
  @Field(() => [ID]) channelIds!: string[];
  @Field(() => Severity) minSeverity!: Severity;
}

@ObjectType()
export class NotificationPolicy {
  @Field(() => [String]) groupBy!: string[];
  @Field(() => Int) groupWaitSeconds!: number;
  @Field(() => Int) groupIntervalSeconds!: number;
  @Field(() => Int) repeatIntervalSeconds!: number;
  @Field(() => [Escalation]) escalations!: Escalation[];
}

@ObjectType({ description: 'A rule with every default filled in' })
export class AlertRule {
  @Field(() => ID) id!: string;
  @Field() environment!: string;
  @Field() name!: string;
  @Field(() => AlertRuleKind) kind!: AlertRuleKind;
  @Field(() => Severity) severity!: Severity;
  @Field() enabled!: boolean;
  @Field({ description: 'a rule the service ships (agent DOWN, PARTITIONED, FLAPPING): it can be tuned and disabled, not deleted' }) builtin!: boolean;
  @Field({ nullable: true }) metric?: string;
  @Field(() => [ID], { nullable: true }) agentIds?: string[];
  @Field(() => [LabelMatcher]) matchers!: LabelMatcher[];
  @Field(() => SeriesFunction, { nullable: true }) function?: SeriesFunction;
  @Field(() => SeriesAggregate) aggregate!: SeriesAggregate;
  @Field(() => [String], { nullable: true }) groupBy?: string[];
  @Field(() => Int) windowSeconds!: number;
  @Field(() => Int) evaluateEverySeconds!: number;
  @Field(() => ComparisonOperator) operator!: ComparisonOperator;
  @Field(() => Float) threshold!: number;
  @Field(() => Float, { nullable: true }) clearThreshold?: number;
  @Field(() => Int) forSeconds!: number;
  @Field(() => Int) keepFiringForSeconds!: number;
  @Field(() => AnomalySettings, { nullable: true }) anomaly?: AnomalySettings;
  @Field(() => Int, { nullable: true }) absentForSeconds?: number;
  @Field(() => [AgentStatus], { nullable: true }) statuses?: AgentStatus[];
  @Field() summary!: string;
  @Field(() => [Label]) labels!: Label[];
  @Field(() => [ID]) channelIds!: string[];
  @Field(() => NotificationPolicy) notification!: NotificationPolicy;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
}
