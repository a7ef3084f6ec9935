import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { AgentStatus } from '../../heartbeat/agent-status';

@ObjectType({ description: "An agent's latest readings and liveness" })
export class AgentHealth {
  @Field(() => AgentStatus) status!: AgentStatus;
  @Field() reason!: string;
  @Field(() => Float, { description: 'seconds since the last heartbeat' }) secondsSinceHeartbeat!: number;
  @Field(() => Int) intervalSeconds!: number;
  @Field({ nullable: true, description: 'the agent\'s own view: "ok", "degraded", "error"' }) reportedStatus?: string;
  @Field(() => Float, { nullable: true }) cpu?: number;
  @Field(() => Float, { nullable: true }) memory?: number;
  @Field(() => Float, { nullable: true }) disk?: number;
  @Field({ nullable: true }) version?: string;
}
