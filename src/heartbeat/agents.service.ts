import { Inject, Injectable } from '@nestjs/common';
import { Clock, CLOCK } from '../common/clock/clock';
import { AgentEventRepository } from '../storage/repositories/agent-event.repository';
import { AgentRegistry } from './agent-registry';
import { AgentState } from './agent-state';
import { AgentStatus } from './agent-status';
import { AgentsArgs, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, UptimeArgs } from './dto/agents.args';
import { AgentNotFound, InvalidAgentQuery } from './heartbeat.errors';
import { Agent, AgentConnection } from './models/agent.model';
import { UptimeReport } from './models/uptime-report.model';
import { computeReliability, computeSlaBudget, computeUptime, Uptime } from './uptime/uptime-calculator';

/** Read side of the registry: agent lists and single agents (from the live registry), uptime reports (from the stored history). */
@Injectable()
export class AgentsService {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly registry: AgentRegistry,
    private readonly events: AgentEventRepository,
  ) {}

  list(args: AgentsArgs): AgentConnection {
    const first = args.first ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) throw new InvalidAgentQuery(`first must be 1..${MAX_PAGE_SIZE}`, 'first');
    const after = args.after == null ? undefined : decodeCursor(args.after);
    const statuses = args.status == null || args.status.length === 0 ? undefined : new Set(args.status);
    const matching = [...this.registry.inEnvironment(args.environment)]
      .filter((agent) => statuses === undefined || statuses.has(agent.status))
      .sort((a, b) => (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0));
    const start = after === undefined ? 0 : matching.findIndex((agent) => agent.agentId > after);
    const page = start < 0 ? [] : matching.slice(start, start + first);
    const edges = page.map((agent) => ({ cursor: encodeCursor(agent.agentId), node: toAgent(agent) }));
    return {
      edges,
      totalCount: matching.length,
      pageInfo: { hasNextPage: start >= 0 && start + first < matching.length, endCursor: edges.at(-1)?.cursor ?? null },
    };
  }

  get(environment: string, agentId: string): Agent | null {
    const state = this.registry.get(environment, agentId);
    return state === undefined ? null : toAgent(state);
  }

  async uptime(args: UptimeArgs): Promise<UptimeReport> {
    const { environment, agentId, from, to, slaTargetPercent } = args;
    if (!(from.getTime() < to.getTime())) throw new InvalidAgentQuery('from must be before to', 'from');
    if (slaTargetPercent != null && !(slaTargetPercent >= 0 && slaTargetPercent <= 100)) {
      throw new InvalidAgentQuery('slaTargetPercent must be 0..100', 'slaTargetPercent');
    }
    if (this.registry.get(environment, agentId) === undefined) throw new AgentNotFound(environment, agentId);
    const history = await this.events.findHistory(environment, agentId, from, to);
    const uptime = computeUptime(
      history.map((e) => ({ at: e.at.getTime(), status: e.status as AgentStatus })),
      from.getTime(),
      to.getTime(),
      this.clock.now(),
    );
    return {
      agentId,
      from,
      to,
      ...uptime,
      incidents: uptime.incidents.map((i) => ({
        start: new Date(i.start),
        end: i.end === undefined ? undefined : new Date(i.end),
        durationSeconds: i.durationSeconds,
        status: i.status,
      })),
      ...computeReliability(uptime),
      ...(slaTargetPercent == null ? {} : slaReport(uptime, slaTargetPercent)),
    };
  }
}

function slaReport(uptime: Uptime, slaTargetPercent: number) {
  const { slaMet, ...slaBudget } = computeSlaBudget(uptime, slaTargetPercent);
  return { slaTargetPercent, slaMet, slaBudget };
}

function toAgent(state: AgentState): Agent {
  return {
    id: state.agentId,
    environment: state.environment,
    status: state.status,
    lastHeartbeatAt: new Date(state.lastHeartbeatAt),
    labels: state.labels,
    statusSince: new Date(state.statusSince),
    statusReason: state.statusReason,
    firstSeenAt: new Date(state.firstSeenAt),
    intervalSeconds: state.intervalSeconds,
  };
}

const encodeCursor = (agentId: string) => Buffer.from(agentId, 'utf8').toString('base64url');

function decodeCursor(cursor: string): string {
  const agentId = Buffer.from(cursor, 'base64url').toString('utf8');
  if (agentId.length === 0 || encodeCursor(agentId) !== cursor) throw new InvalidAgentQuery('after is not a cursor from this API', 'after');
  return agentId;
}
