import { ArgsType, Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum Severity {
  INFO = 'INFO',
  WARNING = 'WARNING',
  CRITICAL = 'CRITICAL',
}
registerEnumType(Severity, { name: 'Severity' });

export const SEVERITY_RANK: Record<Severity, number> = { INFO: 0, WARNING: 1, CRITICAL: 2 };

export enum AlertState {
  FIRING = 'FIRING',
  RESOLVED = 'RESOLVED',
}
registerEnumType(AlertState, { name: 'AlertState' });

@ObjectType()
export class Alert {
  @Field(() => ID) id!: string;
  @Field(() => ID) ruleId!: string;
  @Field() environment!: string;
  @Field({ description: 'what the alert is about, e.g. an agent id' }) subject!: string;
  @Field(() => Severity) severity!: Severity;
  @Field(() => AlertState) state!: AlertState;
  @Field() summary!: string;
  @Field() startedAt!: Date;
  @Field({ nullable: true }) resolvedAt?: Date;
}

@ObjectType({ description: "A change in an alert's lifecycle" })
export class AlertEvent {
  @Field(() => ID) alertId!: string;
  @Field(() => ID) ruleId!: string;
  @Field() environment!: string;
  @Field() subject!: string;
  @Field(() => Severity) severity!: Severity;
  @Field(() => AlertState) state!: AlertState;
  @Field() at!: Date;
  @Field() summary!: string;
}

@ArgsType()
export class AlertEventsArgs {
  @Field() environment!: string;
  @Field(() => Severity, { nullable: true }) minSeverity?: Severity;
}

@ArgsType()
export class AlertsArgs {
  @Field() environment!: string;
  @Field(() => [AlertState], { nullable: true }) state?: AlertState[];
  @Field(() => Int, { nullable: true, description: 'newest first, 1..500 (default 100)' }) first?: number;
}
