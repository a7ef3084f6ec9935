import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Label } from '../../common/graphql/label.model';
import { PageInfo } from '../../common/graphql/page-info.model';
import { AgentStatus } from './agent-status.enum';

@ObjectType()
export class Agent {
  @Field(() => ID) id!: string;
  @Field() environment!: string;
  @Field(() => AgentStatus) status!: AgentStatus;
  @Field({ nullable: true }) lastHeartbeatAt?: Date;
  @Field(() => [Label]) labels!: Label[];
  @Field({ description: 'when the agent entered its current status' }) statusSince!: Date;
  @Field({ description: 'why the agent has its current status' }) statusReason!: string;
  @Field() firstSeenAt!: Date;
  @Field(() => Int, { description: 'the heartbeat interval the agent declared (or the default)' }) intervalSeconds!: number;
}

@ObjectType()
export class AgentEdge {
  @Field() cursor!: string;
  @Field(() => Agent) node!: Agent;
}

@ObjectType()
export class AgentConnection {
  @Field(() => [AgentEdge]) edges!: AgentEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int) totalCount!: number;
}
