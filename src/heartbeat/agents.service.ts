import { Inject, Injectable } from '@nestjs/common';
import { Clock, CLOCK } from '../common/clock/clock';
import { badInput, notFound } from '../common/graphql/errors';
import { AgentEventRepository } from '../storage/repositories/agent-event.repository';
import { AgentRepository } from '../storage/repositories/agent.repository';
import { AgentDoc } from '../storage/schemas/agent.schema';
import { AgentStatus } from './agent-status';
import { AgentsArgs, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, UptimeArgs } from './dto/agents.args';
import { Agent, AgentConnection } from './models/agent.model';
import { UptimeReport } from './models/uptime-report.model';
import { computeReliability, computeSlaBudget, computeUptime, Uptime } from './uptime/uptime-calculator';

/** Read side of the registry: agent lists, single agents and uptime reports, from MongoDB. */
@Injectable()
export class AgentsService {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly agents: AgentRepository,
    private readonly events: AgentEventRepository,
  ) {}

  async list(args: AgentsArgs): Promise<AgentConnection> {
    const first = args.first ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) throw badInput(`first must be 1..${MAX_PAGE_SIZE}`, 'first');
    const after = args.after == null ? undefined : decodeCursor(args.after);
    const statuses = args.status ?? undefined;
    const [docs, totalCount] = await Promise.all([
      this.agents.page(args.environment, statuses, after, first + 1),
      this.agents.count(args.environment, statuses),
    ]);
    const edges = docs.slice(0, first).map((doc) => ({ cursor: encodeCursor(doc.agentId), node: toAgent(doc) }));
    return {
      edges,
      totalCount,
      pageInfo: { hasNextPage: docs.length > first, endCursor: edges.at(-1)?.cursor ?? null },
    };
  }

  async get(environment: string, agentId: string): Promise<Agent | null> {
    const doc = await this.agents.findOne(environment, agentId);
    return doc === null ? null : toAgent(doc);
  }

  async uptime(args: UptimeArgs): Promise<UptimeReport> {
    const { environment, agentId, from, to, slaTargetPercent } = args;
    if (!(from.getTime() < to.getTime())) throw badInput('from must be before to', 'from');
    if (slaTargetPercent != null && !(slaTargetPercent >= 0 && slaTargetPercent <= 100)) {
      throw badInput('slaTargetPercent must be 0..100', 'slaTargetPercent');
    }
    if ((await this.agents.findOne(environment, agentId)) === null) throw notFound(`No agent "${agentId}" in environment "${environment}"`);
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

function toAgent(doc: AgentDoc): Agent {
  return {
    id: doc.agentId,
    environment: doc.environment,
    status: doc.status as AgentStatus,
    lastHeartbeatAt: doc.lastHeartbeatAt,
    labels: doc.labels,
    statusSince: doc.statusSince,
    statusReason: doc.statusReason,
    firstSeenAt: doc.firstSeenAt,
    intervalSeconds: doc.intervalSeconds,
  };
}

const encodeCursor = (agentId: string) => Buffer.from(agentId, 'utf8').toString('base64url');

function decodeCursor(cursor: string): string {
  const agentId = Buffer.from(cursor, 'base64url').toString('utf8');
  if (agentId.length === 0 || encodeCursor(agentId) !== cursor) throw badInput('after is not a cursor from this API', 'after');
  return agentId;
}
