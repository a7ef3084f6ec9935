import type { Label } from '../../../common/labels/label';
import type { AlertSnapshot, NotificationPolicy } from '../alert-snapshot';
import { buildMessage, labelsFromRecord, MessageAlert, NotificationMessage, SEVERITY_ORDER, SeverityName } from './notification-message';

/** An alert of a group, as routing keeps it between flushes. */
export interface GroupAlert extends MessageAlert {
  /** When routing first saw it FIRING: escalation delays count from here. */
  firingSince: Date;
  acknowledgedAt?: Date;
}

/** What one channel was last told about a group. */
export interface ReceiverState {
  channelId: string;
  /** Ids of the alerts it was last sent as firing. */
  notifiedFiring: string[];
  lastSentAt: Date;
}

/** One notification group (Alertmanager's aggregation group): a rule and the values of its policy's groupBy labels. */
export interface GroupState {
  environment: string;
  ruleId: string;
  ruleName: string;
  groupKey: string;
  groupLabels: Label[];
  policy: NotificationPolicy;
  channelIds: string[];
  alerts: GroupAlert[];
  receivers: ReceiverState[];
  createdAt: Date;
  /** When the group is next looked at: group wait after creation, then every group interval (or an escalation's due time). */
  nextFlushAt: Date;
  lastFlushAt?: Date;
}

export interface FlushContext {
  /** Silenced or inhibited now: such an alert notifies nobody (and is forgotten by receivers, so it notifies again once unmuted). */
  muted(alert: GroupAlert, ruleId: string): boolean;
  /** The channel's settings, or undefined when it no longer exists (it then gets nothing). */
  channel(channelId: string): { sendResolved: boolean } | undefined;
}

export interface FlushResult {
  /** undefined: the group is empty and can be deleted. */
  group: GroupState | undefined;
  messages: { channelId: string; message: NotificationMessage }[];
}

const SECOND = 1000;

/**
 * Alertmanager-style routing, pure: fed alert snapshots and flush times, it keeps the group
 * state and says which channel gets which message when.
 *
 * - PENDING alerts are not notified; an alert joins its group when it first fires. A RESOLVED
 *   alert is reported only to channels that were told it was firing.
 * - A new group flushes after groupWait, then every groupInterval while it holds alerts.
 * - At a flush a channel gets one message listing the group's alerts when an alert fires that it
 *   was not told of, when an alert it was told of resolved (with sendResolved), or when
 *   repeatInterval passed since its last message while an unacknowledged alert still fires.
 * - Escalation tiers add channels for the unacknowledged alerts of at least minSeverity firing
 *   for afterSeconds: once (they count as new to that channel), then at the repeat interval.
 *   Acknowledged alerts neither escalate nor repeat; their resolution is still sent.
 */
export class NotificationRouter {
  /** The group an alert belongs to: its rule, and its values of the policy's groupBy labels (labels it lacks are left out). */
  static groupOf(snapshot: Pick<AlertSnapshot, 'environment' | 'ruleId' | 'labels' | 'policy'>): { groupKey: string; groupLabels: Label[] } {
    const groupBy = [...new Set(snapshot.policy.groupBy)].sort();
    const groupLabels = groupBy.filter((name) => snapshot.labels[name] !== undefined).map((name) => ({ name, value: snapshot.labels[name] }));
    const inner = groupLabels.map((l) => `${l.name}=${JSON.stringify(l.value)}`).join(',');
    return { groupKey: `{environment=${JSON.stringify(snapshot.environment)},rule=${JSON.stringify(snapshot.ruleId)}}:{${inner}}`, groupLabels };
  }

  /** The group after a snapshot; undefined when nothing changes (PENDING alerts, or the resolution of an alert routing never saw fire). */
  apply(group: GroupState | undefined, snapshot: AlertSnapshot, now: number): GroupState | undefined {
    if (snapshot.state === 'PENDING') return undefined;
    const existing = group?.alerts.find((a) => a.id === snapshot.id);
    if (snapshot.state === 'RESOLVED' && existing === undefined) return undefined;
    const firing = snapshot.state === 'FIRING';
    const alert: GroupAlert = {
      id: snapshot.id,
      status: firing ? 'firing' : 'resolved',
      severity: snapshot.severity,
      subject: snapshot.subject,
      labels: labelsFromRecord(snapshot.labels),
      annotations: labelsFromRecord(snapshot.annotations),
      startsAt: snapshot.startsAt,
      firingSince: firing && existing?.status !== 'firing' ? new Date(now) : (existing?.firingSince ?? new Date(now)),
      ...(firing ? {} : { endsAt: snapshot.endsAt ?? new Date(now) }),
      ...(snapshot.acknowledgedAt !== undefined ? { acknowledgedAt: snapshot.acknowledgedAt, acknowledgedBy: snapshot.acknowledgedBy } : {}),
    };
    const policy = normalizePolicy(snapshot.policy);
    const base: GroupState = group ?? {
      environment: snapshot.environment,
      ruleId: snapshot.ruleId,
      ...NotificationRouter.groupOf(snapshot),
      ruleName: snapshot.ruleName,
      policy,
      channelIds: [],
      alerts: [],
      receivers: [],
      createdAt: new Date(now),
      nextFlushAt: new Date(now + policy.groupWaitSeconds * SECOND),
    };
    const next: GroupState = {
      ...base,
      ruleName: snapshot.ruleName,
      policy,
      channelIds: [...new Set(snapshot.channelIds)],
      alerts: existing === undefined ? [...base.alerts, alert] : base.alerts.map((a) => (a.id === alert.id ? alert : a)),
    };
    // Before its first flush a group waits out groupWait whatever escalates; afterwards an escalation may bring the flush forward.
    if (next.lastFlushAt !== undefined) next.nextFlushAt = earliest(next.nextFlushAt, nextEscalationAt(next, now));
    return next;
  }

  flush(group: GroupState, now: number, context: FlushContext): FlushResult {
    const muted = new Set(group.alerts.filter((a) => context.muted(a, group.ruleId)).map((a) => a.id));
    const previous = new Map(group.receivers.map((r) => [r.channelId, r]));
    const channelIds = new Set([...group.channelIds, ...group.policy.escalations.flatMap((tier) => tier.channelIds), ...previous.keys()]);
    const messages: FlushResult['messages'] = [];
    const receivers: ReceiverState[] = [];
    for (const channelId of channelIds) {
      const settings = context.channel(channelId);
      if (settings === undefined) continue;
      const before = previous.get(channelId);
      const told = new Set((before?.notifiedFiring ?? []).filter((id) => !muted.has(id)));
      const firing = group.alerts.filter((a) => a.status === 'firing' && !muted.has(a.id) && this.reaches(group, a, channelId, now));
      const resolved = group.alerts.filter((a) => a.status === 'resolved' && told.has(a.id));
      const isNew = firing.some((a) => !told.has(a.id));
      const repeat =
        before !== undefined &&
        firing.some((a) => a.acknowledgedAt === undefined) &&
        now >= before.lastSentAt.getTime() + group.policy.repeatIntervalSeconds * SECOND;
      const reportResolved = settings.sendResolved && resolved.length > 0;
      if (isNew || reportResolved || repeat) {
        messages.push({ channelId, message: buildMessage(group, [...firing, ...(settings.sendResolved ? resolved : [])].map(toMessageAlert)) });
        if (firing.length > 0) receivers.push({ channelId, notifiedFiring: firing.map((a) => a.id), lastSentAt: new Date(now) });
      } else if (before !== undefined) {
        // Nothing to say: forget what was muted or resolved (without sendResolved), keep the rest for later changes.
        const stillTold = [...told].filter((id) => !resolved.some((a) => a.id === id));
        if (stillTold.length > 0) receivers.push({ ...before, notifiedFiring: stillTold });
      }
    }
    const toldAnyone = new Set(receivers.flatMap((r) => r.notifiedFiring));
    const alerts = group.alerts.filter((a) => a.status === 'firing' || toldAnyone.has(a.id));
    if (alerts.length === 0) return { group: undefined, messages };
    const next: GroupState = {
      ...group,
      alerts,
      receivers,
      lastFlushAt: new Date(now),
      nextFlushAt: new Date(now + group.policy.groupIntervalSeconds * SECOND),
    };
    next.nextFlushAt = earliest(next.nextFlushAt, nextEscalationAt(next, now));
    return { group: next, messages };
  }

  /** A rule's channels get all its alerts; a tier's channels get the unacknowledged ones escalated to them. */
  private reaches(group: GroupState, alert: GroupAlert, channelId: string, now: number): boolean {
    if (group.channelIds.includes(channelId)) return true;
    return group.policy.escalations.some((tier) => tier.channelIds.includes(channelId) && escalationDueAt(alert, tier) <= now);
  }
}

/** When an alert reaches a tier; Infinity when it never does (acknowledged, resolved or below the tier's severity). */
function escalationDueAt(alert: GroupAlert, tier: NotificationPolicy['escalations'][number]): number {
  if (alert.status !== 'firing' || alert.acknowledgedAt !== undefined) return Infinity;
  if (SEVERITY_ORDER[alert.severity] < SEVERITY_ORDER[tier.minSeverity as SeverityName]) return Infinity;
  return alert.firingSince.getTime() + tier.afterSeconds * SECOND;
}

/** The next escalation still ahead of `now`, if any. */
function nextEscalationAt(group: GroupState, now: number): number {
  let next = Infinity;
  for (const alert of group.alerts) {
    for (const tier of group.policy.escalations) {
      const due = escalationDueAt(alert, tier);
      if (due > now && due < next) next = due;
    }
  }
  return next;
}

const earliest = (at: Date, ms: number) => (ms < at.getTime() ? new Date(ms) : at);

/** Durations below these make no sense for a notification pipeline (and would spin it); missing or negative values take them. */
function normalizePolicy(policy: NotificationPolicy): NotificationPolicy {
  return {
    groupBy: policy.groupBy ?? [],
    groupWaitSeconds: Math.max(0, policy.groupWaitSeconds ?? 0),
    groupIntervalSeconds: Math.max(1, policy.groupIntervalSeconds ?? 300),
    repeatIntervalSeconds: Math.max(1, policy.repeatIntervalSeconds ?? 14_400),
    escalations: (policy.escalations ?? []).map((tier) => ({
      ...tier,
      afterSeconds: Math.max(0, tier.afterSeconds),
      channelIds: [...new Set(tier.channelIds)],
    })),
  };
}

function toMessageAlert(alert: GroupAlert): MessageAlert {
  const { firingSince: _firingSince, acknowledgedAt: _acknowledgedAt, ...message } = alert;
  return message;
}
