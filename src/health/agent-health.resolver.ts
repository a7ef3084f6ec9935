import { Inject } from '@nestjs/common';
import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { Clock, CLOCK } from '../common/clock/clock';
import { AgentRegistry } from '../heartbeat/agent-registry';
import { Agent } from '../heartbeat/models/agent.model';
import { assessAgentHealth } from './agent-health-assessor';
import { AgentHealth } from './models/agent-health.model';

/** Adds `health` to Agent: the registry's live view and an assessment (the parent query already passed the auth guard). */
@Resolver(() => Agent)
export class AgentHealthResolver {
  constructor(
    private readonly registry: AgentRegistry,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @ResolveField(() => AgentHealth, { nullable: true })
  health(@Parent() agent: Agent): AgentHealth | null {
    const state = this.registry.get(agent.environment, agent.id);
    if (state === undefined) return null;
    const secondsSinceHeartbeat = Math.max(0, (this.clock.now() - state.lastHeartbeatAt) / 1000);
    const detector = this.registry.detectorView(state);
    return {
      ...assessAgentHealth({ ...state, ...detector, secondsSinceHeartbeat }),
      ...detector,
      status: state.status,
      reason: state.statusReason,
      secondsSinceHeartbeat,
      intervalSeconds: state.intervalSeconds,
      reportedStatus: state.reportedStatus,
      cpu: state.cpu,
      memory: state.memory,
      disk: state.disk,
      version: state.version,
    };
  }
}
