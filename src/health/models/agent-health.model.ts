import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { AgentStatus } from '../../heartbeat/models/agent-status.enum';

@ObjectType({ description: 'Each 0..100' })
export class HealthComponents {
  @Field(() => Int) liveness!: number;
  @Field(() => Int) jitter!: number;
  @Field(() => Int) resources!: number;
  @Field(() => Int) errorStatus!: number;
}

@ObjectType({ description: "An agent's latest readings, liveness and health assessment" })
export class AgentHealth {
  @Field(() => Int, { description: '0..100 (0 when down)' }) score!: number;
  @Field(() => HealthComponents) components!: HealthComponents;
  @Field(() => [String], { description: 'plain-language advice, most urgent first' }) recommendations!: string[];
  @Field(() => Float, { description: "the detector's current timeout for this agent" }) timeoutSeconds!: number;
  @Field(() => Float, { nullable: true, description: 'coefficient of variation of heartbeat inter-arrival times' }) jitterCv?: number;
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
