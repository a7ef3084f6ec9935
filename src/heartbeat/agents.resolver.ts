import { Inject } from '@nestjs/common';
import { Args, Context, Query, Resolver, Subscription } from '@nestjs/graphql';
import { PubSubEngine } from 'graphql-subscriptions';
import { Requires } from '../common/auth/requires.decorator';
import { PUB_SUB } from '../common/pubsub/pubsub.module';
import { SubscriptionBuffers } from '../common/pubsub/subscription-buffers';
import type { WebSocket } from 'ws';
import { AgentHealthChange, healthTopic } from './agent-state';
import { AgentsService } from './agents.service';
import { AgentArgs, AgentHealthChangedArgs, AgentsArgs, UptimeArgs } from './dto/agents.args';
import { AgentHealthEvent } from './models/agent-health-event.model';
import { Agent, AgentConnection } from './models/agent.model';
import { UptimeReport } from './models/uptime-report.model';

@Resolver(() => Agent)
export class AgentsResolver {
  constructor(
    private readonly agentsService: AgentsService,
    @Inject(PUB_SUB) private readonly pubSub: PubSubEngine,
    private readonly buffers: SubscriptionBuffers,
  ) {}

  @Requires('read')
  @Query(() => AgentConnection, { complexity: ({ args, childComplexity }) => childComplexity * (args.first ?? 50) })
  agents(@Args() args: AgentsArgs): AgentConnection {
    return this.agentsService.list(args);
  }

  @Requires('read')
  @Query(() => Agent, { nullable: true })
  agent(@Args() args: AgentArgs): Agent | null {
    return this.agentsService.get(args.environment, args.id);
  }

  @Requires('read')
  @Query(() => UptimeReport)
  uptime(@Args() args: UptimeArgs): Promise<UptimeReport> {
    return this.agentsService.uptime(args);
  }

  @Requires('read')
  @Subscription(() => AgentHealthEvent, {
    filter: (payload: { agentHealthChanged: AgentHealthChange }, variables: AgentHealthChangedArgs) =>
      variables.agentIds == null || variables.agentIds.includes(payload.agentHealthChanged.agentId),
  })
  agentHealthChanged(@Args() args: AgentHealthChangedArgs, @Context('socket') socket: WebSocket | undefined) {
    // Events are transitions: a slow client loses the oldest, never a connection's memory.
    return this.buffers.drain(socket, this.pubSub.asyncIterableIterator(healthTopic(args.environment)));
  }
}
