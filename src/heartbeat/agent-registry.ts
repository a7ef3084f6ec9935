import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { PubSubEngine } from 'graphql-subscriptions';
import { randomUUID } from 'node:crypto';
import { Subject } from 'rxjs';
import { Clock, CLOCK } from '../common/clock/clock';
import { AppConfig } from '../common/config/app-config';
import { Metrics } from '../common/metrics/metrics';
import { javaStringHash32 } from '../common/hash/string-hash';
import { PUB_SUB } from '../common/pubsub/pubsub.module';
import { AgentLabelIndex } from '../storage/timeseries/agent-label-index';
import { AgentEventRepository } from '../storage/repositories/agent-event.repository';
import { AgentSnapshotShard, AgentStateRepository } from '../storage/repositories/agent-state.repository';
import { AgentStatus } from './agent-status';
import { AgentHealthChange, agentKey, AgentState, HeartbeatReport, healthTopic } from './agent-state';
import { AdaptiveHealthClassifier, Verdict } from './detector/adaptive-health-classifier';

/** Agents in these statuses were already silent before a restart, and stay so. */
const RESTART_KEEPS_SILENCE: ReadonlySet<AgentStatus> = new Set([AgentStatus.DOWN, AgentStatus.PARTITIONED, AgentStatus.FLAPPING]);

/** Makes the classifier of one environment (label groups must never mix environments). */
export type ClassifierFactory = () => AdaptiveHealthClassifier;
export const CLASSIFIER_FACTORY = Symbol('CLASSIFIER_FACTORY');

/**
 * Status changes kept for a retry while the event log cannot be written (about 300 bytes each).
 * Past it the oldest are dropped with an error in the log: a database down for that long has
 * lost more than its history.
 */
export const MAX_UNSTORED_EVENTS = 100_000;

/** Snapshot shards per environment: few enough to write in one bulk, small enough to stay far below 16 MB. */
const SHARDS = 16;

/**
 * The live registry of agents. A heartbeat batch is appended to the heartbeat
 * log (durable before the answer), then applied in memory; the classifier
 * sweeps every agent on a timer. State is snapshotted in shards on a timer and
 * at shutdown, and rebuilt at start from the snapshots plus the log since.
 * Every status change is stored as an event, and only once stored published to
 * subscribers and offered to in-process listeners (alerting) through `changes`;
 * changes whose insert failed are kept, in order, and stored on the next sweep.
 */
@Injectable()
export class AgentRegistry implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(AgentRegistry.name);
  private readonly agents = new Map<string, AgentState>();
  /** The same states by environment, for views that must not scan other environments. */
  private readonly byEnvironment = new Map<string, Map<string, AgentState>>();
  /** Shards changed since the last snapshot, by environment. */
  private readonly dirtyShards = new Map<string, Set<number>>();
  /** PARTITIONED agents per environment and label group, kept as statuses change. */
  private readonly partitionMembers = new Map<string, number>();
  private readonly classifiers = new Map<string, AdaptiveHealthClassifier>();
  private sweeping = false;
  /** Changes not yet stored, oldest first, with the ids that make a retry of their insert idempotent. */
  private unstored: { id: string; change: AgentHealthChange }[] = [];
  private storing = Promise.resolve();
  readonly changes = new Subject<AgentHealthChange>();

  constructor(
    private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CLASSIFIER_FACTORY) private readonly newClassifier: ClassifierFactory,
    @Inject(PUB_SUB) private readonly pubSub: PubSubEngine,
    private readonly stateRepository: AgentStateRepository,
    private readonly eventRepository: AgentEventRepository,
    private readonly agentLabels: AgentLabelIndex,
    private readonly scheduler: SchedulerRegistry,
    private readonly metrics: Metrics,
  ) {
    metrics.gauge('vitals_agents', 'agents in the registry', () => this.agents.size);
    metrics.gauge('vitals_agent_events_unstored', 'status changes waiting to be stored (their insert failed)', () => this.unstored.length);
  }

  async onModuleInit(): Promise<void> {
    await this.restore();
    this.scheduler.addInterval(
      'heartbeat-sweep',
      setInterval(() => void this.sweepOnTimer(), this.config.HEARTBEAT_SWEEP_INTERVAL_MS),
    );
    this.scheduler.addInterval(
      'agent-snapshot',
      setInterval(() => void this.snapshotOnTimer(), this.config.AGENT_SNAPSHOT_INTERVAL_MS),
    );
  }

  async onModuleDestroy(): Promise<void> {
    this.scheduler.deleteInterval('heartbeat-sweep');
    this.scheduler.deleteInterval('agent-snapshot');
    await this.snapshot().catch((error: Error) => this.logger.warn(`Final snapshot failed: ${error.message}`));
    this.changes.complete();
  }

  get(environment: string, agentId: string): AgentState | undefined {
    return this.agents.get(agentKey(environment, agentId));
  }

  /** The agents of one environment. */
  inEnvironment(environment: string): Iterable<AgentState> {
    return this.byEnvironment.get(environment)?.values() ?? [];
  }

  /** Whether any agent of the environment is still PARTITIONED under this label group. */
  isPartitioned(environment: string, group: string): boolean {
    return (this.partitionMembers.get(partitionKey(environment, group)) ?? 0) > 0;
  }

  /** The classifier's view of an agent, for health assessments. */
  detectorView(state: AgentState): { timeoutSeconds: number; jitterCv?: number } {
    const classifier = this.classifierOf(state.environment);
    return { timeoutSeconds: classifier.timeoutMs(state.key, state.intervalSeconds) / 1000, jitterCv: classifier.jitterCv(state.key) };
  }

  /** Durably logs a batch's heartbeats (one insert), then applies them. */
  async recordHeartbeats(environment: string, reports: HeartbeatReport[], receivedAt: number): Promise<void> {
    if (reports.length === 0) return;
    await this.stateRepository.appendHeartbeats({ environment, receivedAt, heartbeats: reports });
    await this.announce(this.apply(environment, reports, receivedAt));
  }

  /** Runs the classifier over every agent once; stores and publishes the changes. */
  sweep(): Promise<AgentHealthChange[]> {
    return this.metrics.timed(this.metrics.sweepDuration, {}, () => this.sweepOnce());
  }

  private async sweepOnce(): Promise<AgentHealthChange[]> {
    const now = this.clock.now();
    const changes: AgentHealthChange[] = [];
    for (const [environment, agents] of this.byEnvironment) {
      for (const [key, verdict] of this.classifierOf(environment).sweep(agents.values(), now)) {
        const state = this.agents.get(key);
        if (state !== undefined && verdict.status !== state.status) changes.push(this.change(state, verdict, now));
      }
    }
    await this.announce(changes);
    return changes;
  }

  /** Moves an agent to the verdict's status; returns the change to announce. */
  private change(state: AgentState, verdict: Verdict, now: number): AgentHealthChange {
    const group = verdict.group ?? (state.status === AgentStatus.PARTITIONED ? state.partitionGroup : undefined);
    const change = {
      environment: state.environment,
      agentId: state.agentId,
      previousStatus: state.status,
      status: verdict.status,
      at: new Date(now),
      reason: verdict.reason,
      group,
    };
    this.countPartition(state, -1);
    state.status = verdict.status;
    state.statusSince = now;
    state.statusReason = verdict.reason;
    state.partitionGroup = verdict.status === AgentStatus.PARTITIONED ? verdict.group : undefined;
    this.countPartition(state, 1);
    this.markDirty(state);
    return change;
  }

  private classifierOf(environment: string): AdaptiveHealthClassifier {
    let classifier = this.classifiers.get(environment);
    if (classifier === undefined) {
      classifier = this.newClassifier();
      this.classifiers.set(environment, classifier);
    }
    return classifier;
  }

  /**
   * Writes every changed shard, then drops the heartbeat log the snapshots now
   * cover. The generation current until now is kept: a heartbeat logged just
   * before the rotation may be applied just after this snapshot was taken.
   */
  async snapshot(): Promise<void> {
    if (this.dirtyShards.size === 0) return;
    const covered = this.stateRepository.rotateLog();
    const takenAt = new Date(this.clock.now());
    const shards: AgentSnapshotShard[] = [];
    for (const [environment, dirty] of this.dirtyShards) {
      const byShard = new Map<number, AgentState[]>([...dirty].map((shard) => [shard, []]));
      for (const agent of this.inEnvironment(environment)) byShard.get(shardOf(agent.agentId))?.push(agent);
      for (const [shard, agents] of byShard) shards.push({ environment, shard, takenAt, agents });
    }
    this.dirtyShards.clear();
    try {
      await this.stateRepository.saveSnapshots(shards);
    } catch (error) {
      shards.forEach((s) => this.markShardDirty(s.environment, s.shard));
      throw error;
    }
    await this.stateRepository.dropLogBefore(covered);
  }

  private async restore(): Promise<void> {
    for (const snapshot of await this.stateRepository.loadSnapshots()) {
      for (const agent of snapshot.agents as AgentState[]) this.register(agent);
    }
    // Replaying heartbeats a snapshot already holds changes nothing: applying one is idempotent.
    let replayed = 0;
    for await (const entry of this.stateRepository.loggedHeartbeats()) {
      this.apply(entry.environment, entry.heartbeats as HeartbeatReport[], entry.receivedAt);
      replayed++;
    }
    // The service's own downtime is not the agents' silence: live agents get a fresh timeout from now.
    const now = this.clock.now();
    for (const state of this.agents.values()) {
      if (!RESTART_KEEPS_SILENCE.has(state.status)) state.lastHeartbeatAt = Math.max(state.lastHeartbeatAt, now);
    }
    if (this.agents.size > 0) this.logger.log(`Restored ${this.agents.size} agents (${replayed} heartbeat log entries replayed)`);
  }

  /** Applies heartbeats in memory; returns the registrations of agents seen for the first time. */
  private apply(environment: string, reports: HeartbeatReport[], receivedAt: number): AgentHealthChange[] {
    const registrations: AgentHealthChange[] = [];
    for (const report of reports) {
      const key = agentKey(environment, report.agentId);
      this.classifierOf(environment).observe(key, receivedAt);
      const known = this.agents.get(key);
      const intervalSeconds = report.intervalSeconds ?? known?.intervalSeconds ?? this.config.HEARTBEAT_DEFAULT_INTERVAL_SECONDS;
      if (known === undefined) {
        const state: AgentState = {
          ...readings(report),
          key,
          environment,
          agentId: report.agentId,
          labels: report.labels ?? [],
          status: AgentStatus.HEALTHY,
          statusSince: receivedAt,
          statusReason: 'first heartbeat',
          firstSeenAt: receivedAt,
          lastHeartbeatAt: receivedAt,
          intervalSeconds,
        };
        this.register(state);
        registrations.push({
          environment,
          agentId: report.agentId,
          previousStatus: AgentStatus.UNKNOWN,
          status: AgentStatus.HEALTHY,
          at: new Date(receivedAt),
          reason: 'first heartbeat',
        });
      } else {
        Object.assign(known, readings(report), { intervalSeconds });
        if (report.labels !== undefined) this.agentLabels.set(environment, report.agentId, known.labels);
        known.lastHeartbeatAt = Math.max(known.lastHeartbeatAt, receivedAt);
        this.markDirty(known);
      }
    }
    return registrations;
  }

  private register(state: AgentState): void {
    this.agents.set(state.key, state);
    this.agentLabels.set(state.environment, state.agentId, state.labels);
    let environment = this.byEnvironment.get(state.environment);
    if (environment === undefined) {
      environment = new Map();
      this.byEnvironment.set(state.environment, environment);
    }
    environment.set(state.agentId, state);
    this.countPartition(state, 1);
    this.markDirty(state);
  }

  private countPartition(state: AgentState, delta: number): void {
    if (state.status !== AgentStatus.PARTITIONED || state.partitionGroup === undefined) return;
    const key = partitionKey(state.environment, state.partitionGroup);
    this.partitionMembers.set(key, (this.partitionMembers.get(key) ?? 0) + delta);
  }

  private markDirty(state: AgentState): void {
    this.markShardDirty(state.environment, shardOf(state.agentId));
  }

  private markShardDirty(environment: string, shard: number): void {
    let dirty = this.dirtyShards.get(environment);
    if (dirty === undefined) {
      dirty = new Set();
      this.dirtyShards.set(environment, dirty);
    }
    dirty.add(shard);
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

  private async snapshotOnTimer(): Promise<void> {
    try {
      await this.snapshot();
    } catch (error) {
      this.logger.warn(`Agent snapshot failed, will retry: ${(error as Error).message}`);
    }
  }

  /**
   * Stores the changes (after any still unstored), then publishes them. A failed insert keeps
   * them for the next call (every sweep makes one) and is only logged: the statuses are already
   * the registry's, and the heartbeats that caused them are durable. Calls run one at a time, so
   * a change is published once, in order.
   */
  private announce(changes: AgentHealthChange[]): Promise<void> {
    for (const change of changes) this.unstored.push({ id: randomUUID(), change });
    this.storing = this.storing.then(() => this.storeUnstored());
    return this.storing;
  }

  private async storeUnstored(): Promise<void> {
    if (this.unstored.length > MAX_UNSTORED_EVENTS) {
      const dropped = this.unstored.splice(0, this.unstored.length - MAX_UNSTORED_EVENTS);
      this.logger.error(`Agent event log unwritable: dropped the ${dropped.length} oldest unstored status changes`);
    }
    const batch = this.unstored;
    if (batch.length === 0) return;
    try {
      await this.eventRepository.insertNew(
        batch.map(({ id, change: { group, ...change } }) => ({ _id: id, ...change, ...(group === undefined ? {} : { group }) })),
      );
    } catch (error) {
      this.logger.warn(`Storing ${batch.length} agent status change(s) failed, will retry: ${(error as Error).message}`);
      return;
    }
    this.unstored = this.unstored.slice(batch.length);
    for (const { change } of batch) {
      await this.pubSub.publish(healthTopic(change.environment), { agentHealthChanged: change });
      this.changes.next(change);
    }
  }
}

/** The optional readings a heartbeat carried (absent ones keep their previous values). */
function readings(report: HeartbeatReport): Partial<AgentState> {
  const fields: Partial<AgentState> = {};
  if (report.labels !== undefined) fields.labels = report.labels;
  if (report.status !== undefined) fields.reportedStatus = report.status;
  for (const key of ['cpu', 'memory', 'disk', 'version'] as const) {
    if (report[key] !== undefined) (fields as Record<string, unknown>)[key] = report[key];
  }
  return fields;
}

const partitionKey = (environment: string, group: string) => `${environment}\u0000${group}`;

const shardOf = (agentId: string): number => javaStringHash32(agentId) % SHARDS;
