import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { PubSubEngine } from 'graphql-subscriptions';
import { randomUUID } from 'node:crypto';
import { concatMap, Subscription } from 'rxjs';
import { PUB_SUB } from '../common/pubsub/pubsub.module';
import { AgentRegistry } from '../heartbeat/agent-registry';
import { AgentHealthChange } from '../heartbeat/agent-state';
import { AgentStatus } from '../heartbeat/agent-status';
import { AlertRepository } from '../storage/repositories/alert.repository';
import { AlertDoc } from '../storage/schemas/alert.schema';
import { InvalidAlertQuery } from './alerting.errors';
import { Alert, AlertEvent, AlertsArgs, AlertState, Severity } from './models/alert.model';

/** Built-in rules on agent health. One alert per subject (an agent, or a label group for partitions) while it lasts. */
export const AGENT_DOWN_RULE = 'builtin:agent-down';
export const PARTITION_RULE = 'builtin:partition';
export const FLAPPING_RULE = 'builtin:agent-flapping';

/** Statuses in which an agent has no open agent alert. */
const RECOVERED: ReadonlySet<AgentStatus> = new Set([AgentStatus.HEALTHY, AgentStatus.DEGRADED]);

export const alertTopic = (environment: string) => `alertEvents:${environment}`;

/** Turns agent health changes into alerts with a lifecycle (FIRING -> RESOLVED), stored and published. */
@Injectable()
export class AlertingService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(AlertingService.name);
  private subscription?: Subscription;
  /** FIRING alerts by environment, rule and subject: health changes are checked against memory, not the database. */
  private readonly open = new Map<string, AlertDoc>();

  constructor(
    private readonly registry: AgentRegistry,
    private readonly alerts: AlertRepository,
    @Inject(PUB_SUB) private readonly pubSub: PubSubEngine,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const alert of await this.alerts.findAllOpen()) this.open.set(openKey(alert.environment, alert.ruleId, alert.subject), alert);
    // One change at a time, so an open and its resolution never race.
    this.subscription = this.registry.changes.pipe(concatMap((change) => this.onHealthChange(change))).subscribe();
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  async list(args: AlertsArgs): Promise<Alert[]> {
    const first = args.first ?? 100;
    if (!Number.isInteger(first) || first < 1 || first > 500) throw new InvalidAlertQuery('first must be 1..500', 'first');
    const docs = await this.alerts.list(args.environment, args.state ?? undefined, first);
    return docs.map(toAlert);
  }

  /**
   * DOWN fires a critical alert for the agent; PARTITIONED fires one critical
   * alert for its group (never one per member); FLAPPING fires one warning.
   * Back to HEALTHY or DEGRADED resolves the agent's alerts, and the group's once
   * no member is partitioned any more.
   */
  private async onHealthChange(change: AgentHealthChange): Promise<void> {
    const { environment, agentId } = change;
    try {
      if (change.status === AgentStatus.DOWN) {
        await this.fireOnce(environment, AGENT_DOWN_RULE, agentId, Severity.CRITICAL, change.at, `Agent ${agentId} is DOWN: ${change.reason}`);
      } else if (change.status === AgentStatus.PARTITIONED && change.group !== undefined) {
        await this.fireOnce(environment, PARTITION_RULE, change.group, Severity.CRITICAL, change.at, `Partition of ${change.group}: ${change.reason}`);
      } else if (change.status === AgentStatus.FLAPPING) {
        await this.fireOnce(environment, FLAPPING_RULE, agentId, Severity.WARNING, change.at, `Agent ${agentId} is FLAPPING: ${change.reason}`);
      }
      if (!RECOVERED.has(change.status)) return;
      const summary = `Agent ${agentId} is ${change.status} again: ${change.reason}`;
      for (const rule of [AGENT_DOWN_RULE, FLAPPING_RULE]) await this.resolveOpen(environment, rule, agentId, change.at, summary);
      if (change.previousStatus === AgentStatus.PARTITIONED && change.group !== undefined && !this.registry.isPartitioned(environment, change.group)) {
        await this.resolveOpen(environment, PARTITION_RULE, change.group, change.at, `${change.group} is reachable again`);
      }
    } catch (error) {
      this.logger.error(`Alert evaluation failed for ${change.environment}/${change.agentId}: ${(error as Error).message}`);
    }
  }

  private async fireOnce(environment: string, ruleId: string, subject: string, severity: Severity, at: Date, summary: string): Promise<void> {
    const key = openKey(environment, ruleId, subject);
    if (this.open.has(key)) return;
    const alert: AlertDoc = { _id: randomUUID(), environment, ruleId, subject, severity, state: AlertState.FIRING, summary, startedAt: at, updatedAt: at };
    await this.alerts.insert(alert);
    this.open.set(key, alert);
    await this.publish(alert, AlertState.FIRING, at, summary);
  }

  private async resolveOpen(environment: string, ruleId: string, subject: string, at: Date, summary: string): Promise<void> {
    const key = openKey(environment, ruleId, subject);
    const open = this.open.get(key);
    if (open === undefined) return;
    await this.alerts.resolve(open._id, at);
    this.open.delete(key);
    await this.publish(open, AlertState.RESOLVED, at, summary);
  }

  private async publish(alert: AlertDoc, state: AlertState, at: Date, summary: string): Promise<void> {
    const event: AlertEvent = {
      alertId: alert._id,
      ruleId: alert.ruleId,
      environment: alert.environment,
      subject: alert.subject,
      severity: alert.severity as Severity,
      state,
      at,
      summary,
    };
    await this.pubSub.publish(alertTopic(alert.environment), { alertEvents: event });
  }
}

const openKey = (environment: string, ruleId: string, subject: string) => `${environment}\u0000${ruleId}\u0000${subject}`;

function toAlert(doc: AlertDoc): Alert {
  return {
    id: doc._id,
    ruleId: doc.ruleId,
    environment: doc.environment,
    subject: doc.subject,
    severity: doc.severity as Severity,
    state: doc.state as AlertState,
    summary: doc.summary,
    startedAt: doc.startedAt,
    resolvedAt: doc.resolvedAt,
  };
}
