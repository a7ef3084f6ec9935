import { ArgsType, Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { AgentHealthEvent } from '../../heartbeat/models/agent-health-event.model';
import { AgentStatus } from '../../heartbeat/models/agent-status.enum';

@ObjectType()
export class StatusCount {
  @Field(() => AgentStatus) status!: AgentStatus;
  @Field(() => Int) count!: number;
}

@ObjectType({ description: 'Agents sharing one label value, e.g. region=eu-west' })
export class GroupHealth {
  @Field() label!: string;
  @Field() value!: string;
  @Field(() => Int) total!: number;
  @Field(() => [StatusCount]) statusCounts!: StatusCount[];
}

@ObjectType()
export class AgentAvailability {
  @Field(() => ID) agentId!: string;
  @Field(() => AgentStatus) status!: AgentStatus;
  @Field(() => Float) availabilityPercent!: number;
  @Field(() => Float) downtimeSeconds!: number;
  @Field(() => Int) incidents!: number;
}

@ObjectType()
export class FleetHealth {
  @Field() environment!: string;
  @Field() from!: Date;
  @Field() to!: Date;
  @Field(() => Int) total!: number;
  @Field(() => [StatusCount]) statusCounts!: StatusCount[];
  @Field(() => [GroupHealth]) groups!: GroupHealth[];
  @Field(() => [AgentAvailability], { description: 'lowest availability over [from, to] first' }) worstAgents!: AgentAvailability[];
}

@ArgsType()
export class FleetHealthArgs {
  @Field() environment!: string;
  @Field(() => [String], { nullable: true, description: 'label names to group by (default: region, zone)' }) groupBy?: string[];
  @Field(() => Int, { nullable: true, description: 'availability window ending now, 1..720 hours (default 24)' }) windowHours?: number;
  @Field(() => Int, { nullable: true, description: 'how many worst agents, 0..100 (default 10)' }) worst?: number;
}

@ObjectType({ description: 'The fleet of an environment now, and the agents that changed status since the previous update' })
export class FleetHealthUpdate {
  @Field() environment!: string;
  @Field() at!: Date;
  @Field(() => Int) total!: number;
  @Field(() => [StatusCount]) statusCounts!: StatusCount[];
  @Field(() => [AgentHealthEvent], {
    description: 'one per agent: from its status before its first change to its status after its last, since the previous update (empty in the first)',
  })
  changed!: AgentHealthEvent[];
}

@ArgsType()
export class FleetHealthSubscriptionArgs {
  @Field() environment!: string;
}
