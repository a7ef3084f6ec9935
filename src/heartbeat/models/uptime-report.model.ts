import { Field, Float, ID, ObjectType } from '@nestjs/graphql';
import { AgentStatus } from './agent-status.enum';

@ObjectType()
export class DowntimeIncident {
  @Field() start!: Date;
  @Field({ nullable: true, description: 'null while still down' }) end?: Date;
  @Field(() => Float) durationSeconds!: number;
  @Field(() => AgentStatus, { description: 'DOWN or PARTITIONED' }) status!: AgentStatus;
}

@ObjectType({ description: 'The 30-day error budget of the SLA target, spent at the rate the report observed' })
export class SlaBudget {
  @Field(() => Float, { description: 'downtime the target allows in 30 days' }) budgetSeconds!: number;
  @Field(() => Float, { description: 'what is left after the downtime in the report; negative once breached' }) budgetRemainingSeconds!: number;
  @Field(() => Float, {
    nullable: true,
    description: 'observed downtime fraction over the allowed fraction; 1 = exactly on budget; null (infinite) when a 100% target meets downtime',
  })
  burnRate!: number | null;
  @Field(() => Float, { nullable: true, description: 'hours until the budget is spent at this rate; 0 if spent, null if nothing burns' })
  hoursToBreach?: number;
  @Field({ description: 'e.g. "at this rate the 30-day SLA is breached in 12.0 hours"' }) projection!: string;
}

@ObjectType()
export class UptimeReport {
  @Field(() => ID) agentId!: string;
  @Field() from!: Date;
  @Field() to!: Date;
  @Field(() => Float, { description: '0..100 over the observed part of [from, to]' }) availabilityPercent!: number;
  @Field(() => Float) uptimeSeconds!: number;
  @Field(() => Float) downtimeSeconds!: number;
  @Field(() => [DowntimeIncident]) incidents!: DowntimeIncident[];
  @Field(() => Float, { nullable: true }) slaTargetPercent?: number;
  @Field({ nullable: true }) slaMet?: boolean;
  @Field(() => SlaBudget, { nullable: true, description: 'present when slaTargetPercent is given' }) slaBudget?: SlaBudget;
  @Field(() => Float, { nullable: true, description: 'mean time to recover over incidents that ended' }) mttrSeconds?: number;
  @Field(() => Float, { nullable: true, description: 'mean time between failures: uptime per incident' }) mtbfSeconds?: number;
}
