import { ArgsType, Field, Float, ID, Int } from '@nestjs/graphql';
import { AgentStatus } from '../models/agent-status.enum';

export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 50;

@ArgsType()
export class AgentsArgs {
  @Field() environment!: string;
  @Field(() => [AgentStatus], { nullable: true }) status?: AgentStatus[];
  @Field(() => Int, { nullable: true, description: `page size, 1..${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})` }) first?: number;
  @Field({ nullable: true, description: 'endCursor of the previous page' }) after?: string;
}

@ArgsType()
export class AgentArgs {
  @Field() environment!: string;
  @Field(() => ID) id!: string;
}

@ArgsType()
export class UptimeArgs {
  @Field() environment!: string;
  @Field(() => ID) agentId!: string;
  @Field() from!: Date;
  @Field() to!: Date;
  @Field(() => Float, { nullable: true }) slaTargetPercent?: number;
}

@ArgsType()
export class AgentHealthChangedArgs {
  @Field() environment!: string;
  @Field(() => [ID], { nullable: true }) agentIds?: string[];
}
