import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { PubSubEngine } from 'graphql-subscriptions';
import { randomUUID } from 'node:crypto';
import { AuditService } from '../audit/audit.service';
import { Clock, CLOCK } from '../common/clock/clock';
import { definedFields } from '../common/objects/defined-fields';
import { PUB_SUB } from '../common/pubsub/pubsub.module';
import { decodeCursor, encodeCursor } from '../common/pagination/cursor';
import { AlertRepository } from '../storage/repositories/alert.repository';
import { AlertDoc } from '../storage/schemas/alert.schema';
import { AlertNotFound, InvalidAlertQuery } from './alerting.errors';
import { SubjectState } from './evaluation/alert-lifecycle';
import { Transition } from './evaluation/rule-evaluator';
import { renderSummary } from './evaluation/summary-template';
import { Alert, AlertConnection, AlertEvent, AlertsArgs, AlertState, MAX_ALERT_PAGE, Severity } from './models/alert.model';
import { ALERT_NOTIFIER, AlertNotifier, AlertSnapshot } from './notifications/alert-snapshot';
import { StoredRule } from './rules/alert-rules.service';

export const alertTopic = (environment: string) => `alertEvents:${environment}`;

/** Words for a summary that are not labels: why an agent changed status, a detector's explanation. */
export type SummaryExtras = Record<string, string>;

/**
 * The alerts themselves: one per rule and subject while it is open, stored with its history,
 * published on `alertEvents` and handed to notifications after every change. Open alerts are
 * kept in memory too, so evaluation never reads the database to know what is open.
 */
@Injectable()
export class AlertingService implements OnModuleDestroy {
  private readonly logger = new Logger(AlertingService.name);
  private readonly open = new Map<string, AlertDoc>();
  /** Snapshots handed to notifications in order, off the evaluation path: routing writes to the database per change. */
  private notifying: Promise<void> = Promise.resolve();

  constructor(
    private readonly alerts: AlertRepository,
    private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PUB_SUB) private readonly pubSub: PubSubEngine,
    @Inject(ALERT_NOTIFIER) private readonly notifier: AlertNotifier,
  ) {}

  /** The open alerts as lifecycle states, by environment, rule and subject: what evaluation continues from after a restart. */
  async loadOpen(): Promise<{ environment: string; ruleId: string; subject: string; state: SubjectState }[]> {
    this.open.clear();
    const docs = await this.alerts.findAllOpen();
    for (const doc of docs) this.open.set(openKey(doc.environment, doc.ruleId, doc.subject), doc);
    return docs.map((doc) => ({
      environment: doc.environment,
      ruleId: doc.ruleId,
      subject: doc.subject,
      state: {
        state: doc.state as SubjectState['state'],
        activeSince: doc.startedAt.getTime(),
        firedAt: doc.firedAt?.getTime(),
        clearedSince: doc.clearedSince?.getTime(),
      },
    }));
  }

  /** Stores, publishes and notifies the transitions of one evaluation of a rule; then keeps keepFiringFor's clock in the store. */
  async apply(rule: StoredRule, transitions: readonly Transition[], states: ReadonlyMap<string, SubjectState>, extras: SummaryExtras = {}): Promise<void> {
    for (const transition of transitions) {
      try {
        await this.applyOne(rule, transition, extras);
      } catch (error) {
        this.logger.error(`Alert ${rule.environment}/${rule.id}/${transition.subject} -> ${transition.to} not stored: ${(error as Error).message}`);
      }
    }
    for (const [subject, state] of states) {
      const doc = this.open.get(openKey(rule.environment, rule.id, subject));
      if (doc === undefined || doc.clearedSince?.getTime() === state.clearedSince) continue;
      doc.clearedSince = state.clearedSince === undefined ? undefined : new Date(state.clearedSince);
      await this.alerts.update(doc._id, doc.clearedSince ? { clearedSince: doc.clearedSince } : {}, doc.clearedSince ? [] : ['clearedSince']);
    }
  }

  /** Resolves every open alert of a rule (deleted or disabled). */
  async resolveRule(rule: StoredRule, reason: string): Promise<void> {
    const now = this.clock.now();
    const transitions = [...this.open.values()]
      .filter((doc) => doc.environment === rule.environment && doc.ruleId === rule.id)
      .map((doc): Transition => ({ subject: doc.subject, labels: doc.labels ?? {}, to: 'RESOLVED', at: now, value: NaN, explanation: reason }));
    await this.apply(rule, transitions, new Map(), { reason });
  }

  private async applyOne(rule: StoredRule, t: Transition, extras: SummaryExtras): Promise<void> {
    const key = openKey(rule.environment, rule.id, t.subject);
    const at = new Date(t.at);
    const def = rule.definition;
    const value = Number.isFinite(t.value) ? t.value : undefined;
    const existing = this.open.get(key);
    const labels = existing?.labels ?? alertLabels(rule, t.labels);
    const summary = renderSummary(def.summary, {
      labels: { ...labels, ...(t.explanation === undefined ? {} : { reason: t.explanation }), ...extras },
      value,
      threshold: def.threshold,
      subject: t.subject,
    });
    const entry = { state: t.to, at, value, summary };
    let doc: AlertDoc;
    if (existing === undefined) {
      if (t.to === 'RESOLVED') return;
      doc = {
        _id: randomUUID(),
        environment: rule.environment,
        ruleId: rule.id,
        ruleName: def.name,
        subject: t.subject,
        severity: def.severity,
        state: t.to,
        summary,
        labels,
        value,
        startedAt: at,
        firedAt: t.to === 'FIRING' ? at : undefined,
        updatedAt: at,
        history: [entry],
      };
      await this.alerts.insert(definedFields(doc));
    } else {
      doc = { ...existing, state: t.to, summary, value, updatedAt: at, history: [...(existing.history ?? []), entry] };
      if (t.to === 'FIRING') doc.firedAt = at;
      if (t.to === 'RESOLVED') doc.resolvedAt = at;
      await this.alerts.transition(
        doc._id,
        definedFields({ state: t.to, summary, value, firedAt: doc.firedAt, resolvedAt: doc.resolvedAt }),
        definedFields(entry),
      );
    }
    if (t.to === 'RESOLVED') this.open.delete(key);
    else this.open.set(key, doc);
    // A pending alert that clears never fired: nobody was told, so nobody is told it resolved.
    const told = t.to === 'FIRING' || (t.to === 'RESOLVED' && doc.firedAt !== undefined);
    await this.publish(doc, at, false);
    if (told || t.to === 'PENDING') this.notify(rule, doc);
  }

  async list(args: AlertsArgs): Promise<AlertConnection> {
    const first = args.first ?? 100;
    if (!Number.isInteger(first) || first < 1 || first > MAX_ALERT_PAGE) throw new InvalidAlertQuery(`first must be 1..${MAX_ALERT_PAGE}`, 'first');
    const before = args.after == null ? undefined : decodeCursor(args.after);
    if (args.after != null && before === undefined) throw new InvalidAlertQuery('after is not a cursor from this API', 'after');
    const docs = await this.alerts.list(
      {
        environment: args.environment,
        states: args.state ?? undefined,
        severities: args.severity ?? undefined,
        ruleId: args.ruleId ?? undefined,
        subject: args.subject ?? undefined,
        agentId: args.agentId ?? undefined,
        before,
      },
      first + 1,
    );
    const edges = docs.slice(0, first).map((doc) => ({ cursor: encodeCursor({ at: doc.startedAt, id: doc._id }), node: toAlert(doc) }));
    return { edges, pageInfo: { hasNextPage: docs.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  async get(environment: string, id: string): Promise<Alert> {
    const doc = await this.alerts.get(environment, id);
    if (doc === undefined) throw new AlertNotFound(id);
    return toAlert(doc);
  }

  /** An operator takes an open alert: escalation stops, the alert stays open until its condition clears. */
  async acknowledge(
    environment: string,
    id: string,
    actor: string,
    comment: string | undefined,
    rule: (ruleId: string) => Promise<StoredRule>,
  ): Promise<Alert> {
    const doc = await this.alerts.get(environment, id);
    if (doc === undefined) throw new AlertNotFound(id);
    if (comment !== undefined && comment.length > 1000) throw new InvalidAlertQuery('comment: at most 1000 characters', 'comment');
    const at = new Date(this.clock.now());
    const ack = definedFields({ acknowledgedAt: at, acknowledgedBy: actor, acknowledgeComment: comment });
    await this.alerts.update(id, ack);
    const after = { ...doc, ...ack };
    const open = this.open.get(openKey(environment, doc.ruleId, doc.subject));
    if (open?._id === id) Object.assign(open, ack);
    await this.audit.record({ environment, actor, action: 'alert.acknowledge', targetId: id, before: pickAck(doc), after: pickAck(after) });
    await this.publish(after, at, true);
    this.notify(await rule(doc.ruleId), after);
    return toAlert(after);
  }

  private async publish(doc: AlertDoc, at: Date, acknowledged: boolean): Promise<void> {
    const event: AlertEvent = {
      alertId: doc._id,
      ruleId: doc.ruleId,
      environment: doc.environment,
      subject: doc.subject,
      severity: doc.severity as Severity,
      state: doc.state as AlertState,
      at,
      summary: doc.summary,
      value: doc.value,
      labels: labelList(doc.labels),
      acknowledged,
    };
    await this.pubSub.publish(alertTopic(doc.environment), { alertEvents: event });
  }

  private notify(rule: StoredRule, doc: AlertDoc): void {
    const snapshot: AlertSnapshot = {
      id: doc._id,
      environment: doc.environment,
      ruleId: doc.ruleId,
      ruleName: rule.definition.name,
      severity: doc.severity as Severity,
      state: doc.state as AlertSnapshot['state'],
      subject: doc.subject,
      labels: doc.labels ?? {},
      annotations: { summary: doc.summary },
      startsAt: doc.firedAt ?? doc.startedAt,
      endsAt: doc.resolvedAt,
      value: doc.value,
      channelIds: rule.definition.channelIds,
      policy: rule.definition.notification,
      acknowledgedAt: doc.acknowledgedAt,
      acknowledgedBy: doc.acknowledgedBy,
    };
    this.notifying = this.notifying
      .then(() => this.notifier.alertChanged(snapshot))
      .catch((error: Error) => this.logger.error(`Notification of alert ${doc._id} not queued: ${error.message}`));
  }

  /** Resolves once every change so far has been handed to notifications. */
  notified(): Promise<void> {
    return this.notifying;
  }

  onModuleDestroy(): Promise<void> {
    return this.notified();
  }
}

const openKey = (environment: string, ruleId: string, subject: string) => `${environment}\u0000${ruleId}\u0000${subject}`;

/** Alertmanager's label set of an alert: alertname, severity, environment, the subject's labels, then the rule's own. */
function alertLabels(rule: StoredRule, subjectLabels: Record<string, string>): Record<string, string> {
  return { ...subjectLabels, ...rule.definition.labels, alertname: rule.definition.name, severity: rule.definition.severity, environment: rule.environment };
}

const labelList = (labels: Record<string, string> | undefined) => Object.entries(labels ?? {}).map(([name, value]) => ({ name, value }));

const pickAck = (doc: AlertDoc) =>
  definedFields({ acknowledgedAt: doc.acknowledgedAt, acknowledgedBy: doc.acknowledgedBy, acknowledgeComment: doc.acknowledgeComment });

function toAlert(doc: AlertDoc): Alert {
  return {
    id: doc._id,
    ruleId: doc.ruleId,
    ruleName: doc.ruleName,
    environment: doc.environment,
    subject: doc.subject,
    severity: doc.severity as Severity,
    state: doc.state as AlertState,
    summary: doc.summary,
    labels: labelList(doc.labels),
    value: doc.value ?? undefined,
    startedAt: doc.startedAt,
    firedAt: doc.firedAt ?? undefined,
    resolvedAt: doc.resolvedAt ?? undefined,
    acknowledgedAt: doc.acknowledgedAt ?? undefined,
    acknowledgedBy: doc.acknowledgedBy ?? undefined,
    acknowledgeComment: doc.acknowledgeComment ?? undefined,
    history: (doc.history ?? []).map((h) => ({ state: h.state as AlertState, at: h.at, value: h.value ?? undefined, summary: h.summary })),
  };
}
