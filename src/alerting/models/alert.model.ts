import { ArgsType, Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Label } from '../../common/graphql/label.model';
import { PageInfo } from '../../common/graphql/page-info.model';

export enum Severity {
  INFO = 'INFO',
  WARNING = 'WARNING',
  CRITICAL = 'CRITICAL',
}
registerEnumType(Severity, { name: 'Severity' });

export const SEVERITY_RANK: Record<Severity, number> = { INFO: 0, WARNING: 1, CRITICAL: 2 };

export enum AlertState {
  PENDING = 'PENDING',
  FIRING = 'FIRING',
  RESOLVED = 'RESOLVED',
}
registerEnumType(AlertState, { name: 'AlertState' });

@ObjectType({ description: 'One change of state, with the value that caused it' })
export class AlertTransition {
  @Field(() => AlertState) state!: AlertState;
  @Field() at!: Date;
  @Field(() => Float, { nullable: true }) value?: number;
  @Field() summary!: string;
}

@ObjectType()
export class Alert {
  @Field(() => ID) id!: string;
  @Field(() => ID) ruleId!: string;
  @Field({ nullable: true }) ruleName?: string;
  @Field() environment!: string;
  @Field({ description: 'what the alert is about: a series, an agent id or a label group' }) subject!: string;
  @Field(() => Severity) severity!: Severity;
  @Field(() => AlertState) state!: AlertState;
  @Field() summary!: string;
  @Field(() => [Label], { description: "alertname, severity, environment, the subject's labels and the rule's" }) labels!: Label[];
  @Field(() => Float, { nullable: true, description: 'the value of the latest transition' }) value?: number;
  @Field({ description: 'when the breach began (PENDING, or FIRING at once)' }) startedAt!: Date;
  @Field({ nullable: true }) firedAt?: Date;
  @Field({ nullable: true }) resolvedAt?: Date;
  @Field({ nullable: true }) acknowledgedAt?: Date;
  @Field({ nullable: true }) acknowledgedBy?: string;
  @Field({ nullable: true }) acknowledgeComment?: string;
  @Field(() => [AlertTransition], { description: 'every transition, oldest first' }) history!: AlertTransition[];
}

@ObjectType()
export class AlertEdge {
  @Field() cursor!: string;
  @Field(() => Alert) node!: Alert;
}

@ObjectType()
export class AlertConnection {
  @Field(() => [AlertEdge]) edges!: AlertEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

@ObjectType({ description: "A change in an alert's lifecycle (or its acknowledgement)" })
export class AlertEvent {
  @Field(() => ID) alertId!: string;
  @Field(() => ID) ruleId!: string;
  @Field() environment!: string;
  @Field() subject!: string;
  @Field(() => Severity) severity!: Severity;
  @Field(() => AlertState) state!: AlertState;
  @Field() at!: Date;
  @Field() summary!: string;
  @Field(() => Float, { nullable: true }) value?: number;
  @Field(() => [Label]) labels!: Label[];
  @Field({ description: 'true when this event is an acknowledgement, not a change of state' }) acknowledged!: boolean;
}

@ArgsType()
export class AlertEventsArgs {
  @Field() environment!: string;
  @Field(() => Severity, { nullable: true }) minSeverity?: Severity;
}

export const MAX_ALERT_PAGE = 500;

@ArgsType()
export class AlertsArgs {
  @Field() environment!: string;
  @Field(() => [AlertState], { nullable: true }) state?: AlertState[];
  @Field(() => [Severity], { nullable: true }) severity?: Severity[];
  @Field(() => ID, { nullable: true }) ruleId?: string;
  @Field(() => ID, { nullable: true, description: 'alerts about this agent' }) agentId?: string;
  @Field({ nullable: true }) subject?: string;
  @Field(() => Int, { nullable: true, description: `newest first, 1..${MAX_ALERT_PAGE} (default 100)` }) first?: number;
  @Field({ nullable: true, description: 'endCursor of the previous page' }) after?: string;
}
