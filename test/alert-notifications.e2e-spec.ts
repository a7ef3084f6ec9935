import { getConnectionToken } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import { createHmac } from 'node:crypto';
import { ALERT_NOTIFIER, AlertNotifier, AlertSnapshot, NotificationPolicy } from '../src/alerting/notifications/alert-snapshot';
import { AlertNotifierService } from '../src/alerting/notifications/alert-notifier.service';
import { GO_ZERO_TIME, WebhookPayload } from '../src/alerting/notifications/payloads/webhook-payload';
import { SilencesService } from '../src/alerting/silences/silences.service';
import { HttpReceiver } from './support/http-receiver';
import { SmtpReceiver } from './support/smtp-receiver';
import { TestApp } from './support/test-app';

const S = 1000;
const SECRET = 'webhook-secret-0123456789';

const CREATE_CHANNEL = `mutation($environment: String!, $channel: NotificationChannelInput!) {
  createNotificationChannel(environment: $environment, channel: $channel) { id environment name kind url signed to sendResolved }
}`;
const UPDATE_CHANNEL = `mutation($environment: String!, $id: ID!, $channel: NotificationChannelInput!) {
  updateNotificationChannel(environment: $environment, id: $id, channel: $channel) { id name url signed }
}`;
const DELETE_CHANNEL = `mutation($environment: String!, $id: ID!) { deleteNotificationChannel(environment: $environment, id: $id) }`;
const CHANNELS = `query($environment: String!) { notificationChannels(environment: $environment) { id name kind url signed } }`;
const CHANNEL = `query($environment: String!, $id: ID!) {
  notificationChannel(environment: $environment, id: $id) { id name recentDeliveries(first: 5) { state attempts status } }
}`;
const TEST_CHANNEL = `mutation($environment: String!, $id: ID!) {
  testChannel(environment: $environment, id: $id) { id state attempts responseStatus lastError test durationMs }
}`;
const DELIVERIES = `query($environment: String!, $channelId: ID, $state: DeliveryState, $first: Int, $after: String) {
  notificationDeliveries(environment: $environment, channelId: $channelId, state: $state, first: $first, after: $after) {
    edges { cursor node { id channelId state attempts lastError responseStatus nextAttemptAt status alertCount } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const CREATE_SILENCE = `mutation($environment: String!, $silence: SilenceInput!) {
  createSilence(environment: $environment, silence: $silence) { id state createdBy matchers { name op value } }
}`;
const EXPIRE_SILENCE = `mutation($environment: String!, $id: ID!) { expireSilence(environment: $environment, id: $id) { id state } }`;
const SILENCES = `query($environment: String!, $state: [SilenceState!]) { silences(environment: $environment, state: $state) { id state } }`;
const CREATE_INHIBITION = `mutation($environment: String!, $rule: InhibitionRuleInput!) {
  createInhibitionRule(environment: $environment, rule: $rule) { id equal }
}`;
const AUDIT = `query($environment: String!, $action: String) {
  auditLog(environment: $environment, action: $action) { edges { node { actor action targetId before after } } }
}`;

interface Delivery {
  id: string;
  channelId: string;
  state: string;
  attempts: number;
  lastError: string | null;
  responseStatus: number | null;
  nextAttemptAt: string | null;
  status: string;
  alertCount: number;
}

describe('alert notifications (channels, queue, routing, silences) against local receivers', () => {
  let t: TestApp;
  let http: HttpReceiver;
  let smtp: SmtpReceiver;
  let operator: string;
  let env = '';
  let seq = 0;

  const appEnv = () => ({
    SMTP_URL: smtp.url,
    NOTIFY_DISPATCH_INTERVAL_MS: '60000', // tests flush explicitly, after moving the clock
    NOTIFY_TIMEOUT_SECONDS: '1',
    NOTIFY_BACKOFF_BASE_SECONDS: '10',
    NOTIFY_MAX_ATTEMPTS: '4',
    NOTIFY_EXTERNAL_URL: 'https://vitals.example.com',
  });
  const notifier = () => t.get<AlertNotifier>(ALERT_NOTIFIER as never);
  const flush = () => t.get(AlertNotifierService).flush();
  const policy = (p: Partial<NotificationPolicy> = {}): NotificationPolicy => ({
    groupBy: [],
    groupWaitSeconds: 0,
    groupIntervalSeconds: 60,
    repeatIntervalSeconds: 3600,
    escalations: [],
    ...p,
  });
  const snapshot = (id: string, state: AlertSnapshot['state'], channelIds: string[], extra: Partial<AlertSnapshot> = {}): AlertSnapshot =>
    ({
      id,
      environment: env,
      ruleId: 'rule-1',
      ruleName: 'High latency',
      severity: 'CRITICAL',
      state,
      subject: id,
      labels: { alertname: 'High latency', severity: 'CRITICAL', environment: env, agent: id },
      annotations: { summary: `${id} p95 above 800 ms` },
      startsAt: new Date(t.clock.now()),
      ...(state === 'RESOLVED' ? { endsAt: new Date(t.clock.now()) } : {}),
      value: 912,
      channelIds,
      policy: policy(),
      ...extra,
    }) as AlertSnapshot;

  async function createChannel(input: Record<string, unknown>, environment = env, token = operator): Promise<string> {
    const res = await t.graphql<{ createNotificationChannel: { id: string } }>(CREATE_CHANNEL, { environment, channel: input }, token);
    expect(res.errors).toBeUndefined();
    return res.data!.createNotificationChannel.id;
  }
  const webhook = (path: string, extra: Record<string, unknown> = {}) => createChannel({ name: path, kind: 'WEBHOOK', url: `${http.url}${path}`, ...extra });
  async function deliveries(channelId?: string): Promise<Delivery[]> {
    const res = await t.graphql<{ notificationDeliveries: { edges: { node: Delivery }[] } }>(DELIVERIES, { environment: env, channelId }, operator);
    expect(res.errors).toBeUndefined();
    return res.data!.notificationDeliveries.edges.map((e) => e.node);
  }
  const payloads = (path: string) => http.on(path).map((r) => JSON.parse(r.body) as WebhookPayload);

  beforeAll(async () => {
    [http, smtp] = await Promise.all([HttpReceiver.start(), SmtpReceiver.start()]);
    t = await TestApp.start(appEnv());
    operator = t.token({ roles: ['operator'], environments: ['*'], sub: 'olga' });
  });
  afterAll(async () => {
    await t.stop();
    await Promise.all([http.stop(), smtp.stop()]);
  });
  beforeEach(() => {
    env = `notify-${++seq}`;
    http.reset();
  });

  describe('channels', () => {
    it('creates, lists, updates and deletes channels, validated, never showing secrets, and audits every change', async () => {
      const id = await webhook('/crud', { secret: SECRET });
      t.clock.advance(S); // audit entries and lists are ordered by time
      const slack = await createChannel({ name: 'slack', kind: 'SLACK', url: 'https://hooks.slack.com/services/T0/B0/XYZ' });
      const list = await t.graphql<{ notificationChannels: Record<string, unknown>[] }>(CHANNELS, { environment: env }, operator);
      expect(list.data!.notificationChannels).toEqual([
        { id, name: '/crud', kind: 'WEBHOOK', url: `${http.url}/crud`, signed: true },
        { id: slack, name: 'slack', kind: 'SLACK', url: 'https://hooks.slack.com', signed: false },
      ]);
      expect(JSON.stringify(list)).not.toContain(SECRET);

      const bad = await t.graphql(CREATE_CHANNEL, { environment: env, channel: { name: 'x', kind: 'WEBHOOK', url: 'file:///etc/passwd' } }, operator);
      expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentPath: 'channel.url' });
      const badMail = await t.graphql(CREATE_CHANNEL, { environment: env, channel: { name: 'm', kind: 'EMAIL', to: ['nope'] } }, operator);
      expect(badMail.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentPath: 'channel.to[0]' });
      const duplicate = await t.graphql(CREATE_CHANNEL, { environment: env, channel: { name: 'slack', kind: 'WEBHOOK', url: http.url } }, operator);
      expect(duplicate.errors?.[0].extensions).toMatchObject({ argumentPath: 'channel.name' });

      t.clock.advance(S);
      const updated = await t.graphql<{ updateNotificationChannel: { name: string; signed: boolean } }>(
        UPDATE_CHANNEL,
        { environment: env, id, channel: { name: 'renamed', kind: 'WEBHOOK' } },
        operator,
      );
      expect(updated.data!.updateNotificationChannel).toMatchObject({ name: 'renamed', signed: true });
      t.clock.advance(S);
      expect((await t.graphql(DELETE_CHANNEL, { environment: env, id: slack }, operator)).data).toEqual({ deleteNotificationChannel: true });
      const gone = await t.graphql(DELETE_CHANNEL, { environment: env, id: slack }, operator);
      expect(gone.errors?.[0].extensions?.code).toBe('NOT_FOUND');

      const admin = t.token({ roles: ['admin'], environments: [env] });
      const audit = await t.graphql<{ auditLog: { edges: { node: { actor: string; action: string; before: unknown; after: unknown } }[] } }>(
        AUDIT,
        { environment: env, action: 'notificationChannel.' },
        admin,
      );
      const actions = audit.data!.auditLog.edges.map((e) => e.node);
      expect(actions.map((a) => a.action)).toEqual([
        'notificationChannel.delete',
        'notificationChannel.update',
        'notificationChannel.create',
        'notificationChannel.create',
      ]);
      expect(actions.every((a) => a.actor === 'olga')).toBe(true);
      expect(actions[1]).toMatchObject({ before: { name: '/crud' }, after: { name: 'renamed' } });
      expect(JSON.stringify(audit)).not.toContain(SECRET);
    });

    it('keeps environments apart: invisible from another environment, FORBIDDEN with a token for another one', async () => {
      const id = await webhook('/iso');
      const other = `${env}-other`;
      const fromOther = await t.graphql<{ notificationChannel: unknown; notificationChannels: unknown[] }>(CHANNEL, { environment: other, id }, operator);
      expect(fromOther.data!.notificationChannel).toBeNull();
      expect((await t.graphql(DELETE_CHANNEL, { environment: other, id }, operator)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
      const tokenB = t.token({ roles: ['operator'], environments: [other] });
      expect((await t.graphql(CHANNELS, { environment: env }, tokenB)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
      // An alert of the other environment naming this channel notifies nobody.
      await notifier().alertChanged({ ...snapshot('x', 'FIRING', [id]), environment: other });
      await flush();
      expect(http.on('/iso')).toHaveLength(0);
    });

    it('refuses writes to viewers', async () => {
      const viewer = t.token({ roles: ['viewer'], environments: ['*'] });
      const res = await t.graphql(CREATE_CHANNEL, { environment: env, channel: { name: 'v', kind: 'WEBHOOK', url: http.url } }, viewer);
      expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      const silence = await t.graphql(
        CREATE_SILENCE,
        { environment: env, silence: { matchers: [{ name: 'agent', value: 'a' }], endsAt: new Date(t.clock.now() + 3_600_000).toISOString(), comment: 'x' } },
        viewer,
      );
      expect(silence.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      expect((await t.graphql(CHANNELS, { environment: env }, viewer)).errors).toBeUndefined();
    });
  });

  describe('payloads and delivery', () => {
    it('posts an Alertmanager v4 webhook body, signed with the channel secret', async () => {
      const id = await webhook('/signed', { secret: SECRET });
      await notifier().alertChanged(snapshot('web-1', 'FIRING', [id]));
      await flush();
      const [request] = await http.waitForRequests('/signed', 1);
      const timestamp = request.headers['x-vitals-timestamp'] as string;
      expect(Number(timestamp)).toBe(Math.floor(t.clock.now() / 1000));
      const expected = createHmac('sha256', SECRET).update(`${timestamp}.${request.body}`).digest('hex');
      expect(request.headers['x-vitals-signature']).toBe(`sha256=${expected}`);
      expect(request.headers['x-vitals-delivery']).toEqual(expect.any(String));
      const body = JSON.parse(request.body) as WebhookPayload;
      expect(body).toMatchObject({
        version: '4',
        status: 'firing',
        receiver: '/signed',
        truncatedAlerts: 0,
        groupLabels: {},
        commonLabels: { alertname: 'High latency', severity: 'CRITICAL', environment: env, agent: 'web-1' },
        commonAnnotations: { summary: 'web-1 p95 above 800 ms' },
        externalURL: 'https://vitals.example.com',
      });
      expect(body.alerts).toHaveLength(1);
      expect(body.alerts[0]).toMatchObject({ status: 'firing', endsAt: GO_ZERO_TIME, labels: body.commonLabels });
      expect(body.alerts[0].fingerprint).toMatch(/^[0-9a-f]{16}$/);
      expect((await deliveries(id))[0]).toMatchObject({ state: 'DELIVERED', attempts: 1, responseStatus: 200, status: 'firing', alertCount: 1 });

      await notifier().alertChanged(snapshot('web-1', 'RESOLVED', [id]));
      t.clock.advance(60 * S);
      await flush();
      const resolved = payloads('/signed')[1];
      expect(resolved.status).toBe('resolved');
      expect(resolved.alerts[0].endsAt).not.toBe(GO_ZERO_TIME);
    });

    it('sends Slack incoming-webhook JSON and email through SMTP', async () => {
      const slack = await createChannel({ name: 'slack', kind: 'SLACK', url: `${http.url}/slack` });
      const mail = await createChannel({ name: 'mail', kind: 'EMAIL', to: ['oncall@example.com', 'ops@example.com'] });
      const before = smtp.mails.length;
      await notifier().alertChanged(snapshot('db-1', 'FIRING', [slack, mail]));
      await flush();
      const [request] = await http.waitForRequests('/slack', 1);
      const body = JSON.parse(request.body) as { text: string; blocks: unknown[] };
      expect(body.text).toBe('[FIRING:1] High latency');
      expect(JSON.stringify(body.blocks)).toContain('db-1 p95 above 800 ms');
      const arrived = (await smtp.waitForMails(before + 1))[before];
      expect(arrived.to.sort()).toEqual(['oncall@example.com', 'ops@example.com']);
      expect(arrived.from).toBe('vitals@localhost');
      expect(arrived.raw).toContain(`Subject: [FIRING:1] High latency (${env})`);
      expect(arrived.raw).toContain('db-1 p95 above 800 ms');
      expect((await deliveries(mail))[0]).toMatchObject({ state: 'DELIVERED', responseStatus: 250 });
    });

    it('retries a failing receiver with backoff until it succeeds, and gives up after the maximum attempts', async () => {
      const id = await webhook('/flaky');
      http.failNext(2, 503);
      await notifier().alertChanged(snapshot('a', 'FIRING', [id]));
      await flush();
      let [delivery] = await deliveries(id);
      expect(delivery).toMatchObject({ state: 'PENDING', attempts: 1, responseStatus: 503, lastError: 'HTTP 503: receiver failure' });
      // First retry after 5..10 s (base 10 s, half jitter): not before.
      const firstDelay = Date.parse(delivery.nextAttemptAt!) - t.clock.now();
      expect(firstDelay).toBeGreaterThanOrEqual(5 * S);
      expect(firstDelay).toBeLessThanOrEqual(10 * S);
      t.clock.advance(firstDelay - 1);
      await flush();
      expect(http.on('/flaky')).toHaveLength(1);
      t.clock.advance(1);
      await flush();
      [delivery] = await deliveries(id);
      const secondDelay = Date.parse(delivery.nextAttemptAt!) - t.clock.now();
      expect(secondDelay).toBeGreaterThanOrEqual(10 * S);
      expect(secondDelay).toBeLessThanOrEqual(20 * S);
      t.clock.advance(secondDelay);
      await flush();
      [delivery] = await deliveries(id);
      expect(delivery).toMatchObject({ state: 'DELIVERED', attempts: 3, responseStatus: 200 });
      expect(http.on('/flaky')).toHaveLength(3);
      expect(new Set(http.on('/flaky').map((r) => r.headers['x-vitals-delivery'])).size).toBe(1);

      const dead = await webhook('/dead');
      http.failNext(10, 500);
      await notifier().alertChanged(snapshot('b', 'FIRING', [dead], { ruleId: 'rule-dead' }));
      for (let i = 0; i < 4; i++) {
        await flush();
        t.clock.advance(200 * S);
      }
      expect((await deliveries(dead))[0]).toMatchObject({ state: 'FAILED', attempts: 4 });
    });

    it('does not let a hanging receiver delay a healthy channel, holds at most the concurrency limit per channel, and times out', async () => {
      const slow = await webhook('/hang');
      const fast = await webhook('/fast');
      http.hang('/hang');
      // Six groups (rules) for the hanging channel: only NOTIFY_CONCURRENCY_PER_CHANNEL (4) attempts at once.
      for (let rule = 0; rule < 6; rule++)
        await notifier().alertChanged(snapshot(`a${rule}`, 'FIRING', rule === 0 ? [slow, fast] : [slow], { ruleId: `r${rule}` }));
      const started = Date.now();
      await t.get(AlertNotifierService).dispatchDue();
      await http.waitForRequests('/fast', 1);
      await http.waitForRequests('/hang', 4);
      expect(Date.now() - started).toBeLessThan(1000);
      // The receiver has the fast request before its delivery is recorded as delivered: wait for the record.
      const stateList = async () => (await deliveries()).map((d) => `${d.channelId === fast ? 'fast' : 'slow'}:${d.state}`).sort();
      let states = await stateList();
      for (const deadline = Date.now() + 5_000; !states.includes('fast:DELIVERED') && Date.now() < deadline;) states = await stateList();
      expect(states).toEqual(['fast:DELIVERED', 'slow:PENDING', 'slow:PENDING', 'slow:SENDING', 'slow:SENDING', 'slow:SENDING', 'slow:SENDING']);
      // Each freed slot starts the channel's next due delivery at once, without waiting for the next pass.
      await flush();
      expect(http.on('/hang')).toHaveLength(6);
      const timedOut = await deliveries(slow);
      expect(timedOut.every((d) => d.attempts === 1 && d.state === 'PENDING' && d.lastError === 'timed out')).toBe(true);
    });

    it('testChannel sends now and returns the outcome', async () => {
      const id = await webhook('/test');
      const ok = await t.graphql<{ testChannel: Record<string, unknown> }>(TEST_CHANNEL, { environment: env, id }, operator);
      expect(ok.data!.testChannel).toMatchObject({ state: 'DELIVERED', attempts: 1, responseStatus: 200, test: true });
      expect(payloads('/test')[0].alerts[0].labels.alertname).toBe('VitalsChannelTest');
      http.failNext(1, 500);
      t.clock.advance(S);
      const failed = await t.graphql<{ testChannel: Record<string, unknown> }>(TEST_CHANNEL, { environment: env, id }, operator);
      expect(failed.data!.testChannel).toMatchObject({ state: 'FAILED', attempts: 1, responseStatus: 500, lastError: 'HTTP 500: receiver failure' });
      const channel = await t.graphql<{ notificationChannel: { recentDeliveries: { state: string }[] } }>(CHANNEL, { environment: env, id }, operator);
      expect(channel.data!.notificationChannel.recentDeliveries.map((d) => d.state)).toEqual(['FAILED', 'DELIVERED']);
      const viewer = t.token({ roles: ['viewer'], environments: ['*'] });
      expect((await t.graphql(TEST_CHANNEL, { environment: env, id }, viewer)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    });

    it('pages deliveries with cursors', async () => {
      const id = await webhook('/pages');
      for (let i = 0; i < 3; i++) {
        await t.graphql(TEST_CHANNEL, { environment: env, id }, operator);
        t.clock.advance(S);
      }
      const first = await t.graphql<{ notificationDeliveries: { edges: { node: Delivery }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }>(
        DELIVERIES,
        { environment: env, first: 2 },
        operator,
      );
      const page = first.data!.notificationDeliveries;
      expect(page.edges).toHaveLength(2);
      expect(page.pageInfo.hasNextPage).toBe(true);
      const next = await t.graphql<{ notificationDeliveries: { edges: { node: Delivery }[]; pageInfo: { hasNextPage: boolean } } }>(
        DELIVERIES,
        { environment: env, first: 2, after: page.pageInfo.endCursor },
        operator,
      );
      expect(next.data!.notificationDeliveries.edges).toHaveLength(1);
      expect(next.data!.notificationDeliveries.pageInfo.hasNextPage).toBe(false);
      const bad = await t.graphql(DELIVERIES, { environment: env, first: 0 }, operator);
      expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentPath: 'first' });
    });
  });

  describe('routing', () => {
    it('groups the alerts of one rule into one message after the group wait', async () => {
      const id = await webhook('/group');
      for (let i = 0; i < 25; i++) await notifier().alertChanged(snapshot(`agent-${i}`, 'FIRING', [id], { policy: policy({ groupWaitSeconds: 30 }) }));
      await flush();
      expect(http.on('/group')).toHaveLength(0);
      t.clock.advance(30 * S);
      await flush();
      expect(http.on('/group')).toHaveLength(1);
      expect(payloads('/group')[0].alerts).toHaveLength(25);
      t.clock.advance(60 * S);
      await flush();
      expect(http.on('/group')).toHaveLength(1);
    });

    it('repeats a still-firing group at the repeat interval', async () => {
      const id = await webhook('/repeat');
      const p = policy({ repeatIntervalSeconds: 600 });
      await notifier().alertChanged(snapshot('a', 'FIRING', [id], { policy: p }));
      await flush();
      for (let minute = 1; minute <= 9; minute++) {
        t.clock.advance(60 * S);
        await flush();
      }
      expect(http.on('/repeat')).toHaveLength(1);
      t.clock.advance(60 * S);
      await flush();
      expect(http.on('/repeat')).toHaveLength(2);
    });

    it('escalates an unacknowledged critical alert to the tier channel after its delay, not an acknowledged one', async () => {
      const main = await webhook('/main');
      const oncall = await webhook('/oncall');
      const p = policy({ groupBy: ['agent'], escalations: [{ afterSeconds: 300, channelIds: [oncall], minSeverity: 'CRITICAL' as never }] });
      await notifier().alertChanged(snapshot('a', 'FIRING', [main], { policy: p }));
      await notifier().alertChanged(snapshot('b', 'FIRING', [main], { policy: p }));
      await flush();
      expect(http.on('/main')).toHaveLength(2);
      await notifier().alertChanged(snapshot('b', 'FIRING', [main], { policy: p, acknowledgedAt: new Date(t.clock.now()), acknowledgedBy: 'olga' }));
      for (let i = 0; i < 5; i++) {
        t.clock.advance(60 * S);
        await flush();
      }
      const escalated = payloads('/oncall');
      expect(escalated).toHaveLength(1);
      expect(escalated[0].alerts.map((a) => a.labels.agent)).toEqual(['a']);
      t.clock.advance(60 * S);
      await flush();
      expect(http.on('/oncall')).toHaveLength(1);
    });

    it('a silence mutes matching alerts (they keep firing), and once it ends they notify at the next flush', async () => {
      const id = await webhook('/silenced');
      const created = await t.graphql<{ createSilence: { id: string; state: string; createdBy: string } }>(
        CREATE_SILENCE,
        {
          environment: env,
          silence: { matchers: [{ name: 'agent', op: 'REGEX', value: 'web-.*' }], endsAt: new Date(t.clock.now() + 600 * S).toISOString(), comment: 'deploy' },
        },
        operator,
      );
      expect(created.data!.createSilence).toMatchObject({ state: 'ACTIVE', createdBy: 'olga' });
      const silenceId = created.data!.createSilence.id;
      await notifier().alertChanged(snapshot('web-1', 'FIRING', [id], { policy: policy({ groupBy: ['agent'] }) }));
      await notifier().alertChanged(snapshot('db-1', 'FIRING', [id], { policy: policy({ groupBy: ['agent'] }) }));
      await flush();
      expect(payloads('/silenced').map((p) => p.commonLabels.agent)).toEqual(['db-1']);
      expect(await t.get(SilencesService).isSilenced(snapshot('web-1', 'FIRING', [id]))).toBe(true);

      t.clock.advance(60 * S);
      await flush();
      expect(http.on('/silenced')).toHaveLength(1);
      const expired = await t.graphql<{ expireSilence: { state: string } }>(EXPIRE_SILENCE, { environment: env, id: silenceId }, operator);
      expect(expired.data!.expireSilence.state).toBe('EXPIRED');
      t.clock.advance(60 * S);
      await flush();
      expect(payloads('/silenced').map((p) => p.commonLabels.agent)).toEqual(['db-1', 'web-1']);
      const listed = await t.graphql<{ silences: { id: string }[] }>(SILENCES, { environment: env, state: ['ACTIVE', 'PENDING'] }, operator);
      expect(listed.data!.silences).toEqual([]);

      const badRegex = await t.graphql(
        CREATE_SILENCE,
        {
          environment: env,
          silence: { matchers: [{ name: 'agent', op: 'REGEX', value: '(' }], endsAt: new Date(t.clock.now() + S).toISOString(), comment: 'x' },
        },
        operator,
      );
      expect(badRegex.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentPath: 'silence.matchers[0].value' });
      const admin = t.token({ roles: ['admin'], environments: [env] });
      const audit = await t.graphql<{ auditLog: { edges: { node: { action: string } }[] } }>(AUDIT, { environment: env, action: 'silence.' }, admin);
      expect(audit.data!.auditLog.edges.map((e) => e.node.action)).toEqual(['silence.expire', 'silence.create']);
    });

    it('a silence that ends by time lets alerts notify again without any call', async () => {
      const id = await webhook('/timed');
      await t.graphql(
        CREATE_SILENCE,
        { environment: env, silence: { ruleId: 'rule-1', endsAt: new Date(t.clock.now() + 90 * S).toISOString(), comment: 'short' } },
        operator,
      );
      await notifier().alertChanged(snapshot('a', 'FIRING', [id]));
      await flush();
      t.clock.advance(60 * S);
      await flush();
      expect(http.on('/timed')).toHaveLength(0);
      t.clock.advance(60 * S);
      await flush();
      expect(http.on('/timed')).toHaveLength(1);
    });

    it('inhibition: a firing source mutes targets with equal labels', async () => {
      const id = await webhook('/inhibit');
      const rule = await t.graphql(
        CREATE_INHIBITION,
        {
          environment: env,
          rule: { sourceMatchers: [{ name: 'severity', value: 'CRITICAL' }], targetMatchers: [{ name: 'severity', value: 'WARNING' }], equal: ['agent'] },
        },
        operator,
      );
      expect(rule.errors).toBeUndefined();
      const warning = (agent: string) =>
        snapshot(`warn-${agent}`, 'FIRING', [id], {
          ruleId: 'rule-2',
          severity: 'WARNING' as never,
          labels: { alertname: 'Slow', severity: 'WARNING', environment: env, agent },
          policy: policy({ groupBy: ['agent'] }),
        });
      await notifier().alertChanged(snapshot('a1', 'FIRING', [id]));
      await notifier().alertChanged(warning('a1'));
      await notifier().alertChanged(warning('a2'));
      await flush();
      const sent = payloads('/inhibit').map((p) => `${p.commonLabels.severity}:${p.commonLabels.agent}`);
      expect(sent.sort()).toEqual(['CRITICAL:a1', 'WARNING:a2']);
    });
  });

  describe('restart', () => {
    it('keeps group state and queued deliveries: nothing is re-sent, pending sends still happen, a delivery left sending is retried', async () => {
      const grouped = await webhook('/restart-group');
      const retried = await webhook('/restart-retry');
      await notifier().alertChanged(snapshot('old', 'FIRING', [grouped]));
      await flush();
      expect(http.on('/restart-group')).toHaveLength(1);
      await notifier().alertChanged(snapshot('new', 'FIRING', [grouped], { policy: policy({ groupWaitSeconds: 30 }) }));
      http.failNext(1, 500);
      await notifier().alertChanged(snapshot('r', 'FIRING', [retried], { ruleId: 'rule-r' }));
      await flush();
      expect((await deliveries(retried))[0].state).toBe('PENDING');
      // A delivery that a dead process left "sending" (its lease in the past).
      await t
        .get<Connection>(getConnectionToken() as never)
        .collection('notification_deliveries')
        .insertOne({
          _id: 'left-sending',
          environment: env,
          channelId: retried,
          groupKey: 'k',
          message: { environment: env, groupKey: 'k', ruleId: 'x', ruleName: 'Left', status: 'firing', groupLabels: [], alerts: [], truncatedAlerts: 0 },
          state: 'sending',
          attempts: 1,
          maxAttempts: 4,
          createdAt: new Date(t.clock.now()),
          nextAttemptAt: new Date(t.clock.now()),
          leaseUntil: new Date(t.clock.now() - 1),
        } as never);

      const now = t.clock.now();
      const database = t.database;
      await t.stop({ keepDatabase: true });
      t = await TestApp.start({ ...appEnv(), MONGODB_DB: database });
      t.clock.set(now + 60 * S);
      await flush();
      const group = payloads('/restart-group');
      expect(group).toHaveLength(2);
      expect(group[1].alerts.map((a) => a.labels.agent).sort()).toEqual(['new', 'old']);
      expect(http.on('/restart-retry')).toHaveLength(3);
      const states = (await deliveries(retried)).map((d) => d.state);
      expect(states).toEqual(['DELIVERED', 'DELIVERED']);
      t.clock.advance(60 * S);
      await flush();
      expect(http.on('/restart-group')).toHaveLength(2);
    });
  });
});
