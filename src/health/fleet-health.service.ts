import { Inject, Injectable } from '@nestjs/common';
import { Clock, CLOCK } from '../common/clock/clock';
import { AgentRegistry } from '../heartbeat/agent-registry';
import { AgentState } from '../heartbeat/agent-state';
import { AgentStatus } from '../heartbeat/agent-status';
import { computeUptime, StatusChange } from '../heartbeat/uptime/uptime-calculator';
import { AgentEventRepository } from '../storage/repositories/agent-event.repository';
import { AgentEventDoc } from '../storage/schemas/agent-event.schema';
import { InvalidFleetQuery } from './health.errors';
import { AgentAvailability, FleetHealth, FleetHealthArgs, StatusCount } from './models/fleet-health.model';

const DEFAULT_GROUP_LABELS = ['region', 'zone'];

/** The fleet at a glance: status counts overall and per label group, and the least available agents. */
@Injectable()
export class FleetHealthService {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly registry: AgentRegistry,
    private readonly events: AgentEventRepository,
  ) {}

  /** The status counts of an environment now (one pass over its agents). */
  statusCounts(environment: string): { total: number; statusCounts: StatusCount[] } {
    const overall = new Map<AgentStatus, number>();
    let total = 0;
    for (const agent of this.registry.inEnvironment(environment)) {
      increment(overall, agent.status);
      total++;
    }
    return { total, statusCounts: counts(overall) };
  }

  async fleet(args: FleetHealthArgs): Promise<FleetHealth> {
    const windowHours = args.windowHours ?? 24;
    const worst = args.worst ?? 10;
    if (!Number.isInteger(windowHours) || windowHours < 1 || windowHours > 720) throw new InvalidFleetQuery('windowHours must be 1..720', 'windowHours');
    if (!Number.isInteger(worst) || worst < 0 || worst > 100) throw new InvalidFleetQuery('worst must be 0..100', 'worst');
    const groupLabels = args.groupBy ?? DEFAULT_GROUP_LABELS;
    const now = this.clock.now();
    const from = now - windowHours * 3_600_000;

    const agents = [...this.registry.inEnvironment(args.environment)];
    const overall = new Map<AgentStatus, number>();
    const groups = new Map<string, { label: string; value: string; counts: Map<AgentStatus, number> }>();
    for (const agent of agents) {
      increment(overall, agent.status);
      for (const { name, value } of agent.labels) {
        if (!groupLabels.includes(name)) continue;
        const key = `${name}=${value}`;
        let group = groups.get(key);
        if (group === undefined) {
          group = { label: name, value, counts: new Map() };
          groups.set(key, group);
        }
        increment(group.counts, agent.status);
      }
    }

    const eventsByAgent = groupByAgent(await this.events.findInWindow(args.environment, new Date(from), new Date(now)));
    const availability = agents
      .map((agent) => availabilityOf(agent, eventsByAgent.get(agent.agentId) ?? [], from, now))
      .sort((a, b) => a.availabilityPercent - b.availabilityPercent || b.downtimeSeconds - a.downtimeSeconds || (a.agentId < b.agentId ? -1 : 1));

    return {
      environment: args.environment,
      from: new Date(from),
      to: new Date(now),
      total: agents.length,
      statusCounts: counts(overall),
      groups: [...groups.values()]
        .map((g) => ({ label: g.label, value: g.value, total: sum(g.counts), statusCounts: counts(g.counts) }))
        .sort((a, b) => (a.label + a.value < b.label + b.value ? -1 : 1)),
      worstAgents: availability.slice(0, worst),
    };
  }
}

/** An agent's availability over [from, now]: its status before the first change in the window is that change's previousStatus. */
function availabilityOf(agent: AgentState, events: AgentEventDoc[], from: number, now: number): AgentAvailability {
  const start = Math.max(from, agent.firstSeenAt);
  const history: StatusChange[] =
    events.length === 0
      ? [{ at: start, status: agent.status }]
      : [{ at: start, status: events[0].previousStatus as AgentStatus }, ...events.map((e) => ({ at: e.at.getTime(), status: e.status as AgentStatus }))];
  const uptime = computeUptime(
    history.filter((h) => h.status !== AgentStatus.UNKNOWN),
    from,
    now,
    now,
  );
  return {
    agentId: agent.agentId,
    status: agent.status,
    availabilityPercent: uptime.availabilityPercent,
    downtimeSeconds: uptime.downtimeSeconds,
    incidents: uptime.incidents.length,
  };
}

function groupByAgent(events: AgentEventDoc[]): Map<string, AgentEventDoc[]> {
  const byAgent = new Map<string, AgentEventDoc[]>();
  for (const event of events) {
    const list = byAgent.get(event.agentId);
    if (list === undefined) byAgent.set(event.agentId, [event]);
    else list.push(event);
  }
  return byAgent;
}

const increment = (map: Map<AgentStatus, number>, status: AgentStatus) => map.set(status, (map.get(status) ?? 0) + 1);
const sum = (map: Map<AgentStatus, number>) => [...map.values()].reduce((a, b) => a + b, 0);
const counts = (map: Map<AgentStatus, number>): StatusCount[] =>
  Object.values(AgentStatus)
    .filter((status) => map.has(status))
    .map((status) => ({ status, count: map.get(status) as number }));
