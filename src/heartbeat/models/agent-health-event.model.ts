import { Field, ID, ObjectType } from '@nestjs/graphql';
import { AgentStatus } from './agent-status.enum';

@ObjectType()
export class AgentHealthEvent {
  @Field() environment!: string;
  @Field(() => ID) agentId!: string;
  @Field(() => AgentStatus) previousStatus!: AgentStatus;
  @Field(() => AgentStatus) status!: AgentStatus;
  @Field() at!: Date;
  @Field({ description: 'human-readable: why the status changed' }) reason!: string;
  @Field(() => String, { nullable: true, description: 'for partitions: the label group that went silent together, e.g. "region=eu-west"' })
  group?: string;
}
