import { Field, Float, ID, ObjectType } from '@nestjs/graphql';
import { AgentStatus } from '../agent-status';

@ObjectType()
export class DowntimeIncident {
  @Field() start!: Date;
  @Field({ nullable: true, description: 'null while still down' }) end?: Date;
  @Field(() => Float) durationSeconds!: number;
  @Field(() => AgentStatus, { description: 'DOWN or PARTITIONED' }) status!: AgentStatus;
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
}
