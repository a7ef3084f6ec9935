import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { PubSubEngine } from 'graphql-subscriptions';
import { Subject } from 'rxjs';
import { Clock, CLOCK } from '../common/clock/clock';
import { AppConfig } from '../common/config/app-config';
import { PUB_SUB } from '../common/pubsub/pubsub.module';
import { AgentEventRepository } from '../storage/repositories/agent-event.repository';
import { AgentRepository } from '../storage/repositories/agent.repository';
import { AgentStatus } from './agent-status';
import { AgentHealthChange, agentKey, AgentState, HeartbeatReport, healthTopic } from './agent-state';
import { FAILURE_DETECTOR, FailureDetector } from './detector/failure-detector';

/**
 * The live registry of agents: updated by heartbeats, swept on a timer by the
 * failure detector. MongoDB holds the durable copy (loaded at start); every
 * status change is stored as an event, published to subscribers and offered to
 * in-process listeners (alerting) through `changes`.
 */
@Injectable()
export class AgentRegistry implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(AgentRegistry.name);
  private readonly agents = new Map<string, AgentState>();
  private sweeping = false;
  readonly changes = new Subject<AgentHealthChange>();

  constructor(
    private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(FAILURE_DETECTOR) private readonly detector: FailureDetector,
    @Inject(PUB_SUB) private readonly pubSub: PubSubEngine,
    private readonly agentRepository: AgentRepository,
    private readonly eventRepository: AgentEventRepository,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const doc of await this.agentRepository.findAll()) {
      this.agents.set(agentKey(doc.environment, doc.agentId), {
        ...doc,
        status: doc.status as AgentStatus,
        statusSince: doc.statusSince.getTime(),
        firstSeenAt: doc.firstSeenAt.getTime(),
        lastHeartbeatAt: doc.lastHeartbeatAt.getTime(),
      });
    }
    const timer = setInterval(() => void this.sweepOnTimer(), this.config.HEARTBEAT_SWEEP_INTERVAL_MS);
    this.scheduler.addInterval('heartbeat-sweep', timer);
  }

  onModuleDestroy(): void {
    this.scheduler.deleteInterval('heartbeat-sweep');
    this.changes.complete();
  }

  get(environment: string, agentId: string): AgentState | undefined {
    return this.agents.get(agentKey(environment, agentId));
  }

  /** Durably records a batch's heartbeats (one bulk write), then updates the registry. */
  async recordHeartbeats(environment: string, reports: HeartbeatReport[], receivedAt: number): Promise<void> {
    if (reports.length === 0) return;
    const at = new Date(receivedAt);
    const intervals = reports.map((report) => this.intervalOf(environment, report));
    await this.agentRepository.recordHeartbeats(
      reports.map(({ status, ...report }, i) => ({ ...report, reportedStatus: status, environment, at, intervalSeconds: intervals[i] })),
    );

    const registrations: AgentHealthChange[] = [];
    for (let i = 0; i < reports.length; i++) {
      const write = { ...reports[i], intervalSeconds: intervals[i] };
      const key = agentKey(environment, write.agentId);
      this.detector.observe(key, receivedAt);
      const known = this.agents.get(key);
      if (known === undefined) {
        this.agents.set(key, {
          ...definedFields(write),
          environment,
          agentId: write.agentId,
          labels: write.labels ?? [],
          status: AgentStatus.HEALTHY,
          statusSince: receivedAt,
          statusReason: 'first heartbeat',
          firstSeenAt: receivedAt,
          lastHeartbeatAt: receivedAt,
          intervalSeconds: write.intervalSeconds,
        });
        registrations.push({
          environment,
          agentId: write.agentId,
          previousStatus: AgentStatus.UNKNOWN,
          status: AgentStatus.HEALTHY,
          at,
          reason: 'first heartbeat',
        });
      } else {
        Object.assign(known, definedFields(write), { intervalSeconds: write.intervalSeconds });
        known.lastHeartbeatAt = Math.max(known.lastHeartbeatAt, receivedAt);
      }
    }
    await this.announce(registrations);
  }

  /** Runs the detector over every agent once; stores and publishes the changes. */
  async sweep(): Promise<AgentHealthChange[]> {
    const now = this.clock.now();
    const at = new Date(now);
    const changes: AgentHealthChange[] = [];
    for (const [key, state] of this.agents) {
      const verdict = this.detector.assess(key, state, now);
      if (verdict.status === state.status) continue;
      changes.push({ ...verdict, environment: state.environment, agentId: state.agentId, previousStatus: state.status, at });
      state.status = verdict.status;
      state.statusSince = now;
      state.statusReason = verdict.reason;
    }
    await this.agentRepository.recordStatuses(
      changes.map((c) => ({ environment: c.environment, agentId: c.agentId, status: c.status, statusSince: at, statusReason: c.reason })),
    );
    await this.announce(changes);
    return changes;
  }

  private async sweepOnTimer(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      await this.sweep();
    } catch (error) {
      this.logger.warn(`Heartbeat sweep failed, will retry: ${(error as Error).message}`);
    } finally {
      this.sweeping = false;
    }
  }

  private async announce(changes: AgentHealthChange[]): Promise<void> {
    if (changes.length === 0) return;
    await this.eventRepository.insertMany(changes.map((c) => ({ ...c })));
    for (const change of changes) {
      await this.pubSub.publish(healthTopic(change.environment), { agentHealthChanged: change });
      this.changes.next(change);
    }
  }

  private intervalOf(environment: string, report: HeartbeatReport): number {
    return report.intervalSeconds ?? this.get(environment, report.agentId)?.intervalSeconds ?? this.config.HEARTBEAT_DEFAULT_INTERVAL_SECONDS;
  }
}

/** The optional readings a heartbeat carried (absent ones keep their previous values). */
function definedFields(report: HeartbeatReport): Partial<AgentState> {
  const fields: Partial<AgentState> = {};
  if (report.labels !== undefined) fields.labels = report.labels;
  if (report.status !== undefined) fields.reportedStatus = report.status;
  for (const key of ['cpu', 'memory', 'disk', 'version'] as const) {
    if (report[key] !== undefined) (fields as Record<string, unknown>)[key] = report[key];
  }
  return fields;
}
