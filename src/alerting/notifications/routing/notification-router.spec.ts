import type { AlertSnapshot, NotificationPolicy } from '../alert-snapshot';
import { FlushContext, GroupState, NotificationRouter } from './notification-router';

const S = 1000;
const T0 = Date.UTC(2026, 0, 1, 12);
const policy = (p: Partial<NotificationPolicy> = {}): NotificationPolicy => ({
  groupBy: ['region'],
  groupWaitSeconds: 30,
  groupIntervalSeconds: 300,
  repeatIntervalSeconds: 3600,
  escalations: [],
  ...p,
});

function snapshot(id: string, state: AlertSnapshot['state'], extra: Partial<AlertSnapshot> = {}): AlertSnapshot {
  return {
    id,
    environment: 'prod',
    ruleId: 'r1',
    ruleName: 'High latency',
    severity: 'CRITICAL' as AlertSnapshot['severity'],
    state,
    subject: id,
    labels: { alertname: 'High latency', severity: 'CRITICAL', environment: 'prod', agent: id, region: 'eu' },
    annotations: { summary: `${id} is slow` },
    startsAt: new Date(T0),
    channelIds: ['main'],
    policy: policy(),
    ...extra,
  };
}

const open = (): FlushContext => ({ muted: () => false, channel: () => ({ sendResolved: true }) });

describe('NotificationRouter', () => {
  const router = new NotificationRouter();
  let group: GroupState | undefined;
  const apply = (s: AlertSnapshot, at: number) => {
    group = router.apply(group, s, at) ?? group;
  };
  const flush = (at: number, context: FlushContext = open()) => {
    const result = router.flush(group!, at, context);
    group = result.group;
    return result.messages;
  };
  beforeEach(() => (group = undefined));

  it('groups by rule and groupBy values: the key names both, labels a group lacks are left out', () => {
    const a = NotificationRouter.groupOf(snapshot('a', 'FIRING'));
    const b = NotificationRouter.groupOf(snapshot('b', 'FIRING'));
    const other = NotificationRouter.groupOf(snapshot('c', 'FIRING', { labels: { region: 'us' } }));
    const none = NotificationRouter.groupOf(snapshot('d', 'FIRING', { labels: {} }));
    expect(a).toEqual(b);
    expect(a.groupKey).toBe('{environment="prod",rule="r1"}:{region="eu"}');
    expect(other.groupKey).not.toBe(a.groupKey);
    expect(none.groupLabels).toEqual([]);
  });

  it('ignores PENDING alerts and resolutions of alerts it never saw fire', () => {
    expect(router.apply(undefined, snapshot('a', 'PENDING'), T0)).toBeUndefined();
    expect(router.apply(undefined, snapshot('a', 'RESOLVED'), T0)).toBeUndefined();
  });

  it('waits groupWait, then sends one message listing every alert of the group', () => {
    for (let i = 0; i < 50; i++) apply(snapshot(`a${i}`, 'FIRING'), T0 + i * 100);
    expect(group!.nextFlushAt.getTime()).toBe(T0 + 30 * S);
    const messages = flush(T0 + 30 * S);
    expect(messages).toHaveLength(1);
    expect(messages[0].channelId).toBe('main');
    expect(messages[0].message.status).toBe('firing');
    expect(messages[0].message.alerts).toHaveLength(50);
    expect(group!.nextFlushAt.getTime()).toBe(T0 + 330 * S);
  });

  it('sends changes at the group interval, nothing when nothing changed, and repeats after repeatInterval', () => {
    apply(snapshot('a', 'FIRING'), T0);
    expect(flush(T0 + 30 * S)).toHaveLength(1);
    expect(flush(T0 + 330 * S)).toHaveLength(0);
    apply(snapshot('b', 'FIRING'), T0 + 400 * S);
    const changed = flush(T0 + 630 * S);
    expect(changed.map((m) => m.message.alerts.map((a) => a.id))).toEqual([['a', 'b']]);
    // Last message at 630 s: the repeat comes at the first flush at least an hour later.
    expect(flush(T0 + 3930 * S)).toHaveLength(0);
    expect(flush(T0 + 4230 * S)).toHaveLength(1);
  });

  it('reports a resolution to the channels that were told, then forgets the group', () => {
    apply(snapshot('a', 'FIRING'), T0);
    flush(T0 + 30 * S);
    apply(snapshot('a', 'RESOLVED', { endsAt: new Date(T0 + 100 * S) }), T0 + 100 * S);
    const messages = flush(T0 + 330 * S);
    expect(messages[0].message.status).toBe('resolved');
    expect(messages[0].message.alerts[0].endsAt).toEqual(new Date(T0 + 100 * S));
    expect(group).toBeUndefined();
  });

  it('does not send a resolution to a channel without sendResolved, nor for an alert that resolved within groupWait', () => {
    apply(snapshot('a', 'FIRING'), T0);
    apply(snapshot('b', 'FIRING'), T0);
    apply(snapshot('b', 'RESOLVED'), T0 + 10 * S);
    const first = flush(T0 + 30 * S);
    expect(first[0].message.alerts.map((a) => a.id)).toEqual(['a']);
    apply(snapshot('a', 'RESOLVED'), T0 + 100 * S);
    expect(flush(T0 + 330 * S, { muted: () => false, channel: () => ({ sendResolved: false }) })).toHaveLength(0);
    expect(group).toBeUndefined();
  });

  it('sends nothing for muted alerts, and notifies again once they are no longer muted', () => {
    apply(snapshot('a', 'FIRING'), T0);
    flush(T0 + 30 * S);
    const muted: FlushContext = { muted: () => true, channel: () => ({ sendResolved: true }) };
    expect(flush(T0 + 330 * S, muted)).toHaveLength(0);
    const resumed = flush(T0 + 630 * S);
    expect(resumed).toHaveLength(1);
    expect(resumed[0].message.alerts.map((a) => a.id)).toEqual(['a']);
  });

  it('skips channels that no longer exist', () => {
    apply(snapshot('a', 'FIRING'), T0);
    expect(flush(T0 + 30 * S, { muted: () => false, channel: () => undefined })).toHaveLength(0);
  });

  describe('escalation', () => {
    const tiered = policy({ escalations: [{ afterSeconds: 600, channelIds: ['oncall'], minSeverity: 'CRITICAL' as never }] });

    it('adds the tier channel for an unacknowledged alert firing past afterSeconds, once, then at the repeat interval', () => {
      apply(snapshot('a', 'FIRING', { policy: tiered }), T0);
      expect(flush(T0 + 30 * S).map((m) => m.channelId)).toEqual(['main']);
      expect(flush(T0 + 330 * S)).toHaveLength(0);
      // The next interval flush would be at 630 s; the escalation due at 600 s brings it forward.
      expect(group!.nextFlushAt.getTime()).toBe(T0 + 600 * S);
      expect(flush(T0 + 600 * S).map((m) => m.channelId)).toEqual(['oncall']);
      expect(flush(T0 + 900 * S)).toHaveLength(0);
      // Each channel repeats an hour after its own last message.
      expect(flush(T0 + 3630 * S).map((m) => m.channelId)).toEqual(['main']);
      expect(flush(T0 + 4200 * S).map((m) => m.channelId)).toEqual(['oncall']);
    });

    it('does not escalate an acknowledged alert, nor one below the tier severity, and acknowledged alerts do not repeat', () => {
      const warning = { severity: 'WARNING' as never, labels: { region: 'eu', severity: 'WARNING' } };
      apply(snapshot('w', 'FIRING', { policy: tiered, ...warning }), T0);
      apply(snapshot('a', 'FIRING', { policy: tiered }), T0);
      flush(T0 + 30 * S);
      apply(snapshot('a', 'FIRING', { policy: tiered, acknowledgedAt: new Date(T0 + 60 * S), acknowledgedBy: 'ann' }), T0 + 60 * S);
      apply(snapshot('w', 'FIRING', { policy: tiered, ...warning, acknowledgedAt: new Date(T0 + 60 * S), acknowledgedBy: 'ann' }), T0 + 60 * S);
      for (let at = 330; at < 8000; at += 300) expect(flush(T0 + at * S)).toHaveLength(0);
    });
  });
});
