import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { PubSubEngine } from 'graphql-subscriptions';
import { randomUUID } from 'node:crypto';
import { concatMap, Subscription } from 'rxjs';
import { badInput } from '../common/graphql/errors';
import { PUB_SUB } from '../common/pubsub/pubsub.module';
import { AgentRegistry } from '../heartbeat/agent-registry';
import { AgentHealthChange } from '../heartbeat/agent-state';
import { AgentStatus, DOWN_STATUSES } from '../heartbeat/agent-status';
import { AlertRepository } from '../storage/repositories/alert.repository';
import { AlertDoc } from '../storage/schemas/alert.schema';
import { Alert, AlertEvent, AlertsArgs, AlertState, Severity } from './models/alert.model';

/** The built-in rule: an agent confirmed DOWN (or cut off by a partition) is a critical alert until it is back. */
export const AGENT_DOWN_RULE = 'builtin:agent-down';

export const alertTopic = (environment: string) => `alertEvents:${environment}`;

/** Turns agent health changes into alerts with a lifecycle (FIRING -> RESOLVED), stored and published. */
@Injectable()
export class AlertingService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(AlertingService.name);
  private subscription?: Subscription;

  constructor(
    private readonly registry: AgentRegistry,
    private readonly alerts: AlertRepository,
    @Inject(PUB_SUB) private readonly pubSub: PubSubEngine,
  ) {}

  onModuleInit(): void {
    // One change at a time, so an open and its resolution never race.
    this.subscription = this.registry.changes.pipe(concatMap((change) => this.onHealthChange(change))).subscribe();
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  async list(args: AlertsArgs): Promise<Alert[]> {
    const first = args.first ?? 100;
    if (!Number.isInteger(first) || first < 1 || first > 500) throw badInput('first must be 1..500', 'first');
    const docs = await this.alerts.list(args.environment, args.state ?? undefined, first);
    return docs.map(toAlert);
  }

  private async onHealthChange(change: AgentHealthChange): Promise<void> {
    try {
      const isDown = DOWN_STATUSES.has(change.status);
      const open = await this.alerts.findOpen(change.environment, AGENT_DOWN_RULE, change.agentId);
      if (isDown && open === null) await this.fire(change);
      if (!isDown && change.status !== AgentStatus.SUSPECT && open !== null) await this.resolve(open, change);
    } catch (error) {
      this.logger.error(`Alert evaluation failed for ${change.environment}/${change.agentId}: ${(error as Error).message}`);
    }
  }

  private async fire(change: AgentHealthChange): Promise<void> {
    const alert: AlertDoc = {
      _id: randomUUID(),
      environment: change.environment,
      ruleId: AGENT_DOWN_RULE,
      subject: change.agentId,
      severity: Severity.CRITICAL,
      state: AlertState.FIRING,
      summary: `Agent ${change.agentId} is ${change.status}: ${change.reason}`,
      startedAt: change.at,
      updatedAt: change.at,
    };
    await this.alerts.insert(alert);
    await this.publish(alert, AlertState.FIRING, change.at, alert.summary);
  }

  private async resolve(alert: AlertDoc, change: AgentHealthChange): Promise<void> {
    await this.alerts.resolve(alert._id, change.at);
    await this.publish(alert, AlertState.RESOLVED, change.at, `Agent ${change.agentId} is ${change.status} again: ${change.reason}`);
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
