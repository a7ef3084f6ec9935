import { RuleEvaluationService } from '../src/alerting/rule-evaluation.service';
import { alertTopic, AlertingService } from '../src/alerting/alerting.service';
import { AgentRegistry } from '../src/heartbeat/agent-registry';
import { AlertNotifierService } from '../src/alerting/notifications/alert-notifier.service';
import { WebhookPayload } from '../src/alerting/notifications/payloads/webhook-payload';
import { HttpReceiver } from './support/http-receiver';
import { INGEST, TestApp } from './support/test-app';

const SEC = 1000;
const ten = (value: number) => Array.from({ length: 10 }, () => value);
const MIN = 60 * SEC;

const CREATE = `mutation($environment: String!, $rule: AlertRuleInput!) { createAlertRule(environment: $environment, rule: $rule) { id name kind severity enabled windowSeconds evaluateEverySeconds forSeconds } }`;
const UPDATE = `mutation($environment: String!, $id: ID!, $rule: AlertRuleInput!) { updateAlertRule(environment: $environment, id: $id, rule: $rule) { id enabled } }`;
const DELETE = `mutation($environment: String!, $id: ID!) { deleteAlertRule(environment: $environment, id: $id) }`;
const RULES = `query($environment: String!) { alertRules(environment: $environment) { id name kind severity enabled builtin statuses } }`;
const ALERTS = `query($environment: String!, $ruleId: ID, $state: [AlertState!], $first: Int, $after: String) {
  alerts(environment: $environment, ruleId: $ruleId, state: $state, first: $first, after: $after) {
    edges { cursor node { id ruleId subject state value summary labels { name value } startedAt firedAt resolvedAt acknowledgedBy acknowledgeComment history { state at value summary } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const ACK = `mutation($environment: String!, $id: ID!, $comment: String) { acknowledgeAlert(environment: $environment, id: $id, comment: $comment) { id acknowledgedBy acknowledgeComment state } }`;
const PREVIEW = `query($environment: String!, $rule: AlertRuleInput!, $from: DateTime!, $to: DateTime!) {
  previewAlertRule(environment: $environment, rule: $rule, from: $from, to: $to) { resolution evaluations stepSeconds warnings intervals { subject state start end value } }
}`;
const AUDIT = `query($environment: String!, $action: String) { auditLog(environment: $environment, action: $action) { edges { node { actor action targetId before after outcome } } } }`;
const EVENTS = `subscription($environment: String!) { alertEvents(environment: $environment) { alertId ruleId subject state value summary acknowledged } }`;

interface AlertNode {
  id: string;
  ruleId: string;
  subject: string;
  state: string;
  value: number | null;
  summary: string;
  labels: { name: string; value: string }[];
  firedAt: string | null;
  resolvedAt: string | null;
  acknowledgedBy: string | null;
  acknowledgeComment: string | null;
  history: { state: string; at: string; value: number | null; summary: string }[];
}
interface AlertsPage {
  alerts: { edges: { cursor: string; node: AlertNode }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

/**
 * Alert rules end to end over HTTP and WebSocket on a real database: every kind firing and
 * resolving, `for`, `keepFiringFor` and hysteresis, built-in agent rules, restart with open
 * alerts, acknowledgement, previews equal to live evaluation, roles, isolation and audit.
 * The clock is manual; evaluation runs when the test calls evaluateDue() after moving it.
 */
describe('alert rules (HTTP + WebSocket, real database)', () => {
  let t: TestApp;
  let agent: string;
  let operator: string;
  let viewer: string;
  let admin: string;
  let start: number;
  let receiver: HttpReceiver;
  // Tests evaluate and flush notifications explicitly, after moving the clock.
  const appEnv = () => ({ ALERT_EVALUATION_INTERVAL_SECONDS: '10', NOTIFY_DISPATCH_INTERVAL_MS: '60000' });

  beforeAll(async () => {
    receiver = await HttpReceiver.start();
    t = await TestApp.start(appEnv());
    // Whole minutes: evaluation times are multiples of the interval.
    start = Math.floor(t.clock.now() / MIN) * MIN - 60 * MIN;
    t.clock.set(start);
    agent = t.token({ sub: 'agent-token', roles: ['agent'], environments: ['*'] });
    operator = t.token({ sub: 'olivia', roles: ['operator'], environments: ['alpha', 'beta', 'delta'] });
    viewer = t.token({ sub: 'victor', roles: ['viewer'], environments: ['alpha'] });
    admin = t.token({ sub: 'ada', roles: ['admin'], environments: ['*'] });
  });
  afterAll(async () => {
    await t.stop();
    await receiver.stop();
  });

  const evaluate = () => t.get(RuleEvaluationService).evaluateDue();

  async function ingest(
    environment: string,
    series: { agentId: string; metric: string; values: number[]; everyMs?: number; from?: number }[],
    heartbeats?: unknown[],
  ) {
    const res = await t.graphql<{ ingestBatch: { acceptedSamples: number; errors: unknown[] } }>(
      INGEST,
      {
        batch: {
          environment,
          heartbeats,
          series: series.map((s) => ({
            agentId: s.agentId,
            metric: s.metric,
            values: s.values,
            timestamps: s.values.map((_, i) => (s.from ?? t.clock.now()) + i * (s.everyMs ?? SEC)),
          })),
        },
      },
      agent,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.ingestBatch.errors).toEqual([]);
  }

  async function createRule(environment: string, rule: Record<string, unknown>, token = operator): Promise<string> {
    const res = await t.graphql<{ createAlertRule: { id: string } }>(CREATE, { environment, rule }, token);
    expect(res.errors).toBeUndefined();
    return res.data!.createAlertRule.id;
  }

  async function alerts(environment: string, ruleId: string): Promise<AlertNode[]> {
    const res = await t.graphql<AlertsPage>(ALERTS, { environment, ruleId }, admin);
    expect(res.errors).toBeUndefined();
    return res.data!.alerts.edges.map((e) => e.node);
  }

  /** Moves the clock by `ms`, in evaluation intervals, evaluating at each. */
  async function run(ms: number, each?: () => Promise<void>) {
    for (let done = 0; done < ms; done += 10 * SEC) {
      await each?.();
      t.clock.advance(10 * SEC);
      await evaluate();
    }
  }

  it('THRESHOLD: pending for `for`, firing, then resolving only past the clear threshold (hysteresis); every transition published with its value', async () => {
    const events = t.subscribe<{ alertEvents: { ruleId: string; state: string; value: number } }>(EVENTS, { environment: 'alpha' }, viewer);
    await t.listening(alertTopic('alpha'));
    const ruleId = await createRule('alpha', {
      name: 'HighLatency',
      kind: 'THRESHOLD',
      severity: 'CRITICAL',
      metric: 'latency',
      operator: 'GT',
      threshold: 800,
      clearThreshold: 700,
      windowSeconds: 10,
      forSeconds: 20,
      summary: '{{agent}} latency {{value}} ms',
    });
    // 10 s windows of 10 samples each: 900 for 40 s, then 750 (between the thresholds), then 600.
    const phase = async (value: number, seconds: number) =>
      run(seconds * SEC, () => ingest('alpha', [{ agentId: 'web-1', metric: 'latency', values: ten(value) }]));
    await phase(900, 40);
    let [alert] = await alerts('alpha', ruleId);
    expect(alert).toMatchObject({ subject: 'web-1', state: 'FIRING', value: 900, summary: 'web-1 latency 900 ms' });
    expect(alert.history.map((h) => h.state)).toEqual(['PENDING', 'FIRING']);
    expect(Date.parse(alert.history[1].at) - Date.parse(alert.history[0].at)).toBe(20 * SEC);
    expect(alert.labels).toEqual(
      expect.arrayContaining([
        { name: 'alertname', value: 'HighLatency' },
        { name: 'agent', value: 'web-1' },
        { name: 'severity', value: 'CRITICAL' },
      ]),
    );
    await phase(750, 30);
    [alert] = await alerts('alpha', ruleId);
    expect(alert.state).toBe('FIRING');
    await phase(600, 10);
    [alert] = await alerts('alpha', ruleId);
    expect(alert).toMatchObject({ state: 'RESOLVED', value: 600 });
    const seen = await events.until((m) => m.data?.alertEvents.state === 'RESOLVED' && m.data.alertEvents.value === 600);
    expect(seen.map((m) => [m.data!.alertEvents.state, m.data!.alertEvents.value])).toEqual([
      ['PENDING', 900],
      ['FIRING', 900],
    ]);
  });

  it('keepFiringFor holds a cleared alert, TREND fires on a slope per minute, and one alert per rule and subject', async () => {
    const keep = await createRule('alpha', {
      name: 'Busy',
      kind: 'THRESHOLD',
      metric: 'cpu',
      operator: 'GTE',
      threshold: 90,
      windowSeconds: 10,
      keepFiringForSeconds: 30,
    });
    const trend = await createRule('alpha', { name: 'Filling', kind: 'TREND', metric: 'disk', operator: 'GT', threshold: 1, windowSeconds: 60 });
    // cpu 95 for 20 s, then 10; disk rising 2 per minute (1 per 30 s).
    let disk = 50;
    await run(20 * SEC, async () => {
      await ingest('alpha', [
        { agentId: 'db-1', metric: 'cpu', values: ten(95) },
        { agentId: 'db-1', metric: 'disk', values: [(disk += 1 / 3)] },
      ]);
    });
    await run(60 * SEC, async () => {
      await ingest('alpha', [
        { agentId: 'db-1', metric: 'cpu', values: ten(10) },
        { agentId: 'db-1', metric: 'disk', values: [(disk += 1 / 3)] },
      ]);
    });
    const [busy] = await alerts('alpha', keep);
    expect(busy.history.map((h) => h.state)).toEqual(['FIRING', 'RESOLVED']);
    // Cleared at the first 10-value window, resolved keepFiringFor (30 s) later.
    expect(Date.parse(busy.resolvedAt!) - Date.parse(busy.firedAt!)).toBe(20 * SEC + 30 * SEC);
    const filling = await alerts('alpha', trend);
    expect(filling).toHaveLength(1);
    expect(filling[0]).toMatchObject({ subject: 'db-1', state: 'FIRING' });
    expect(filling[0].value).toBeCloseTo(2, 5);
  });

  it("ABSENCE of a metric and of heartbeats (the dead man's switch) fires after the duration and resolves when data returns", async () => {
    const metric = await createRule('beta', { name: 'NoJobs', kind: 'ABSENCE', metric: 'jobs', absentForSeconds: 30 });
    const beats = await createRule('beta', { name: 'Silent', kind: 'ABSENCE', absentForSeconds: 30, severity: 'CRITICAL' });
    await ingest('beta', [{ agentId: 'worker-1', metric: 'jobs', values: [1] }], [{ agentId: 'worker-1' }]);
    await run(20 * SEC);
    expect(await alerts('beta', metric)).toEqual([]);
    await run(20 * SEC);
    expect((await alerts('beta', metric))[0]).toMatchObject({ subject: 'worker-1', state: 'FIRING' });
    expect((await alerts('beta', beats))[0]).toMatchObject({ subject: 'worker-1', state: 'FIRING' });
    await ingest('beta', [{ agentId: 'worker-1', metric: 'jobs', values: [2] }], [{ agentId: 'worker-1' }]);
    await run(10 * SEC);
    expect((await alerts('beta', metric))[0].state).toBe('RESOLVED');
    expect((await alerts('beta', beats))[0].state).toBe('RESOLVED');
  });

  it('ANOMALY (robust z-score) stays quiet on noise and fires on a spike, in the asked direction only', async () => {
    const up = await createRule('beta', {
      name: 'LatencySpike',
      kind: 'ANOMALY',
      metric: 'rtt',
      windowSeconds: 10,
      anomaly: { method: 'ROBUST_Z', sensitivity: 4, trainingSeconds: 600, direction: 'UP' },
    });
    const wave = (i: number) => 100 + 5 * Math.sin(i);
    let i = 0;
    await run(12 * MIN, () => ingest('beta', [{ agentId: 'edge-1', metric: 'rtt', values: [wave(i++)] }]));
    expect(await alerts('beta', up)).toEqual([]);
    await run(10 * SEC, () => ingest('beta', [{ agentId: 'edge-1', metric: 'rtt', values: [40] }]));
    expect(await alerts('beta', up)).toEqual([]);
    await run(10 * SEC, () => ingest('beta', [{ agentId: 'edge-1', metric: 'rtt', values: [400] }]));
    const [spike] = await alerts('beta', up);
    expect(spike).toMatchObject({ subject: 'edge-1', state: 'FIRING', value: 400 });
  });

  it('previewAlertRule finds the intervals live evaluation found, on the same history, and changes nothing', async () => {
    const rule = {
      name: 'HighLatency',
      kind: 'THRESHOLD',
      metric: 'latency',
      operator: 'GT',
      threshold: 800,
      clearThreshold: 700,
      windowSeconds: 10,
      forSeconds: 20,
    };
    const res = await t.graphql<{
      previewAlertRule: {
        resolution: string;
        evaluations: number;
        intervals: { subject: string; state: string; start: string; end: string | null; value: number }[];
      };
    }>(PREVIEW, { environment: 'alpha', rule, from: new Date(start).toISOString(), to: new Date(start + 10 * MIN).toISOString() }, viewer);
    expect(res.errors).toBeUndefined();
    const [live] = (await t.graphql<AlertsPage>(ALERTS, { environment: 'alpha', state: ['RESOLVED'] }, operator))
      .data!.alerts.edges.map((e) => e.node)
      .filter((a) => a.summary.includes('latency'));
    const preview = res.data!.previewAlertRule;
    expect(preview.resolution).toBe('raw');
    expect(preview.evaluations).toBe(61);
    expect(preview.intervals.map((i) => [i.subject, i.state, i.start, i.end, i.value])).toEqual([
      ['web-1', 'PENDING', live.history[0].at, live.history[1].at, 900],
      ['web-1', 'FIRING', live.history[1].at, live.history[2].at, 900],
    ]);
  });

  it('built-in agent rules are listed, cannot be deleted, and once disabled stay quiet when an agent goes DOWN', async () => {
    await ingest('gamma', [], [{ agentId: 'box-1', intervalSeconds: 1 }]);
    const rules = await t.graphql<{ alertRules: { id: string; builtin: boolean; statuses: string[] }[] }>(RULES, { environment: 'gamma' }, admin);
    expect(rules.errors).toBeUndefined();
    expect(rules.data!.alertRules.filter((r) => r.builtin).map((r) => [r.id, r.statuses])).toEqual([
      ['builtin:agent-down', ['DOWN']],
      ['builtin:partition', ['PARTITIONED']],
      ['builtin:agent-flapping', ['FLAPPING']],
    ]);
    const deleted = await t.graphql(DELETE, { environment: 'gamma', id: 'builtin:agent-down' }, admin);
    expect(deleted.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    const disabled = await t.graphql<{ updateAlertRule: { enabled: boolean } }>(
      UPDATE,
      {
        environment: 'gamma',
        id: 'builtin:agent-down',
        rule: { name: 'AgentDown', kind: 'AGENT_STATUS', statuses: ['DOWN'], severity: 'CRITICAL', enabled: false },
      },
      admin,
    );
    expect(disabled.data?.updateAlertRule.enabled).toBe(false);
    t.clock.advance(5 * MIN);
    await t.get(AgentRegistry).sweep();
    await evaluate();
    expect(await alerts('gamma', 'builtin:agent-down')).toEqual([]);
  });

  it('open alerts survive a restart: no new notification storm, they resolve when their condition clears, and anomaly rules relearn from history', async () => {
    const ruleId = await createRule('delta', { name: 'Hot', kind: 'THRESHOLD', metric: 'temp', operator: 'GT', threshold: 50, windowSeconds: 10 });
    const anomaly = await createRule('delta', {
      name: 'Odd',
      kind: 'ANOMALY',
      metric: 'rtt',
      windowSeconds: 10,
      anomaly: { sensitivity: 4, trainingSeconds: 600 },
    });
    let i = 0;
    await run(11 * MIN, () => ingest('delta', [{ agentId: 'edge-2', metric: 'rtt', values: [100 + 5 * Math.sin(i++)] }]));
    await run(10 * SEC, () => ingest('delta', [{ agentId: 'rack-1', metric: 'temp', values: ten(70) }]));
    const [before] = await alerts('delta', ruleId);
    expect(before.state).toBe('FIRING');
    const clock = t.clock.now();
    await t.stop({ keepDatabase: true });
    t = await TestApp.start({ ...appEnv(), MONGODB_DB: t.database }, clock);
    const events = t.subscribe<{ alertEvents: { alertId: string; state: string } }>(EVENTS, { environment: 'delta' }, admin);
    await t.listening(alertTopic('delta'));
    await run(10 * SEC, () => ingest('delta', [{ agentId: 'rack-1', metric: 'temp', values: ten(71) }]));
    expect((await alerts('delta', ruleId)).map((a) => [a.id, a.state, a.history.length])).toEqual([[before.id, 'FIRING', 1]]);
    await run(10 * SEC, () => ingest('delta', [{ agentId: 'rack-1', metric: 'temp', values: ten(20) }]));
    // The alert's next event is its resolution: the restart fired nothing again.
    expect(await events.until((m) => m.data?.alertEvents.alertId === before.id)).toEqual([]);
    expect((await alerts('delta', ruleId))[0]).toMatchObject({ id: before.id, state: 'RESOLVED' });
    // The anomaly rule learned its baseline again from stored history at start: the first spike fires.
    await run(10 * SEC, () => ingest('delta', [{ agentId: 'edge-2', metric: 'rtt', values: [400] }]));
    expect((await alerts('delta', anomaly)).map((a) => [a.subject, a.state])).toEqual([['edge-2', 'FIRING']]);
  });

  it('acknowledgement by an operator is stored, published and audited; rule changes are audited with before and after', async () => {
    const ruleId = await createRule('alpha', { name: 'Loud', kind: 'THRESHOLD', metric: 'noise', operator: 'GT', threshold: 80, windowSeconds: 10 });
    await run(10 * SEC, () => ingest('alpha', [{ agentId: 'fan-1', metric: 'noise', values: ten(90) }]));
    const [open] = await alerts('alpha', ruleId);
    const denied = await t.graphql(ACK, { environment: 'alpha', id: open.id }, viewer);
    expect(denied.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const acked = await t.graphql<{ acknowledgeAlert: { acknowledgedBy: string; acknowledgeComment: string; state: string } }>(
      ACK,
      { environment: 'alpha', id: open.id, comment: 'on it' },
      operator,
    );
    expect(acked.data?.acknowledgeAlert).toEqual({ id: open.id, acknowledgedBy: 'olivia', acknowledgeComment: 'on it', state: open.state });
    type Audit = { auditLog: { edges: { node: { actor: string; action: string; targetId: string; before: unknown; after: unknown } }[] } };
    const audit = async (action: string) => (await t.graphql<Audit>(AUDIT, { environment: 'alpha', action }, admin)).data!.auditLog.edges.map((e) => e.node);
    expect((await audit('alert.'))[0]).toMatchObject({
      actor: 'olivia',
      action: 'alert.acknowledge',
      targetId: open.id,
      after: { acknowledgedBy: 'olivia', acknowledgeComment: 'on it' },
    });
    const created = await audit('alertRule.create');
    expect(created.map((a) => a.targetId)).toContain(ruleId);
    expect(created.find((a) => a.targetId === ruleId)).toMatchObject({ actor: 'olivia', after: { kind: 'THRESHOLD', name: 'Loud', threshold: 80 } });
    expect((await t.graphql(AUDIT, { environment: 'alpha' }, operator)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('a firing rule reaches its webhook as an Alertmanager v4 payload, one message per group, and its resolution follows', async () => {
    const channel = await t.graphql<{ createNotificationChannel: { id: string } }>(
      `mutation($environment: String!, $channel: NotificationChannelInput!) { createNotificationChannel(environment: $environment, channel: $channel) { id } }`,
      { environment: 'alpha', channel: { name: 'pager', kind: 'WEBHOOK', url: `${receiver.url}/hook` } },
      operator,
    );
    const ruleId = await createRule('alpha', {
      name: 'DiskFull',
      kind: 'THRESHOLD',
      severity: 'CRITICAL',
      metric: 'disk_used',
      operator: 'GT',
      threshold: 95,
      windowSeconds: 10,
      labels: [{ name: 'team', value: 'storage' }],
      summary: '{{agent}} disk at {{value}}%',
      channelIds: [channel.data!.createNotificationChannel.id],
      notification: { groupWaitSeconds: 0, groupIntervalSeconds: 60 },
    });
    const flush = async () => {
      await t.get(AlertingService).notified();
      await t.get(AlertNotifierService).flush();
    };
    await run(10 * SEC, () =>
      ingest(
        'alpha',
        [1, 2, 3].map((n) => ({ agentId: `nas-${n}`, metric: 'disk_used', values: ten(99) })),
      ),
    );
    await flush();
    const [fired] = (await receiver.waitForRequests('/hook', 1)).map((r) => JSON.parse(r.body) as WebhookPayload);
    expect(fired).toMatchObject({
      version: '4',
      status: 'firing',
      commonLabels: { alertname: 'DiskFull', severity: 'CRITICAL', environment: 'alpha', team: 'storage' },
    });
    expect(fired.alerts.map((a) => [a.labels.agent, a.status, a.annotations.summary])).toEqual(
      expect.arrayContaining([1, 2, 3].map((n) => [`nas-${n}`, 'firing', `nas-${n} disk at 99%`])),
    );
    expect(fired.alerts).toHaveLength(3);
    await run(60 * SEC, () =>
      ingest(
        'alpha',
        [1, 2, 3].map((n) => ({ agentId: `nas-${n}`, metric: 'disk_used', values: ten(50) })),
      ),
    );
    await flush();
    const resolved = JSON.parse((await receiver.waitForRequests('/hook', 2))[1].body) as WebhookPayload;
    expect(resolved.status).toBe('resolved');
    expect((await alerts('alpha', ruleId)).map((a) => a.state)).toEqual(['RESOLVED', 'RESOLVED', 'RESOLVED']);
  });

  it('a rule that cannot be evaluated (its selection is over the point limit) does not keep the rules after it from running', async () => {
    // 7 days at 10 s is 60,480 steps a series: 17 series are over the 1,000,000 points a query may answer.
    await ingest(
      'alpha',
      Array.from({ length: 17 }, (_, n) => ({ agentId: `w-${n}`, metric: 'wide', values: [1] })),
    );
    await createRule('alpha', { name: 'TooWide', kind: 'THRESHOLD', metric: 'wide', operator: 'GT', threshold: 0, windowSeconds: 7 * 86_400 }, admin);
    const after = await createRule('alpha', { name: 'Next', kind: 'THRESHOLD', metric: 'fine', operator: 'GT', threshold: 0, windowSeconds: 10 });
    await run(10 * SEC, () => ingest('alpha', [{ agentId: 'f-1', metric: 'fine', values: [5] }]));
    expect((await alerts('alpha', after)).map((a) => a.state)).toEqual(['FIRING']);
  });

  it('refuses bad rules with the field named, viewers writing rules, and other environments', async () => {
    const bad = async (rule: Record<string, unknown>) => (await t.graphql(CREATE, { environment: 'alpha', rule }, operator)).errors?.[0];
    expect(await bad({ name: 'x', kind: 'THRESHOLD', metric: 'cpu', threshold: 1 })).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', argumentPath: 'rule.operator' },
    });
    expect(await bad({ name: 'x', kind: 'THRESHOLD', metric: 'cpu', operator: 'GT', threshold: 10, clearThreshold: 20 })).toMatchObject({
      extensions: { argumentPath: 'rule.clearThreshold' },
    });
    expect(await bad({ name: 'x', kind: 'THRESHOLD', metric: 'cpu', operator: 'GT', threshold: 1, windowSeconds: 15 })).toMatchObject({
      extensions: { argumentPath: 'rule.windowSeconds' },
    });
    expect(await bad({ name: 'x', kind: 'ANOMALY' })).toMatchObject({ extensions: { argumentPath: 'rule.metric' } });
    expect(
      await bad({ name: 'x', kind: 'THRESHOLD', metric: 'cpu', operator: 'GT', threshold: 1, matchers: [{ name: 'a', op: 'REGEX', value: '(' }] }),
    ).toMatchObject({
      extensions: { argumentPath: 'rule.matchers[0]' },
    });
    expect(await bad({ name: 'x', kind: 'AGENT_STATUS' })).toMatchObject({ extensions: { argumentPath: 'rule.statuses' } });
    const rule = { name: 'x', kind: 'AGENT_STATUS', statuses: ['DOWN'] };
    expect((await t.graphql(CREATE, { environment: 'alpha', rule }, viewer)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await t.graphql(CREATE, { environment: 'gamma', rule }, operator)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const betaRules = await t.graphql<{ alertRules: { name: string }[] }>(RULES, { environment: 'beta' }, operator);
    expect(betaRules.data!.alertRules.map((r) => r.name)).not.toContain('HighLatency');
    expect((await t.graphql(ALERTS, { environment: 'beta' }, viewer)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
