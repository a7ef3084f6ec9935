import { alertTopic } from '../src/alerting/alerting.service';
import { AgentRegistry } from '../src/heartbeat/agent-registry';
import { healthTopic } from '../src/heartbeat/agent-state';
import { INGEST, TestApp } from './support/test-app';

const HEALTH_SUB = `subscription($environment: String!, $agentIds: [ID!]) {
  agentHealthChanged(environment: $environment, agentIds: $agentIds) { environment agentId previousStatus status at reason }
}`;
const ALERT_SUB = `subscription($environment: String!) { alertEvents(environment: $environment, minSeverity: WARNING) { alertId ruleId environment subject severity state at summary } }`;
const UPTIME = `query($agentId: ID!, $from: DateTime!, $to: DateTime!) {
  uptime(environment: "prod", agentId: $agentId, from: $from, to: $to, slaTargetPercent: 99.9) {
    availabilityPercent uptimeSeconds downtimeSeconds slaTargetPercent slaMet incidents { start end durationSeconds status }
  }
}`;
const AGENT = `query($id: ID!) { agent(environment: "prod", id: $id) {
  id status statusReason intervalSeconds labels { name value }
  health { status secondsSinceHeartbeat reportedStatus cpu memory version }
} }`;

describe('agent lifecycle: SUSPECT, DOWN, alert, uptime, recovery', () => {
  let t: TestApp;
  let agentToken: string;
  let viewer: string;
  let start: number;
  const heartbeat = (extra: Record<string, unknown> = {}) =>
    t.graphql(INGEST, { batch: { environment: 'prod', heartbeats: [{ agentId: 'web-1', intervalSeconds: 1, ...extra }] } }, agentToken);
  const sweep = async (advanceMs: number) => {
    t.clock.advance(advanceMs);
    return t.get(AgentRegistry).sweep();
  };

  beforeAll(async () => {
    t = await TestApp.start();
    agentToken = t.token({ roles: ['agent'], environments: ['prod'] });
    viewer = t.token({ roles: ['viewer'], environments: ['prod'] });
    start = t.clock.now();
  });
  afterAll(() => t.stop());

  it('walks an agent that stops sending through SUSPECT and DOWN and back to HEALTHY', async () => {
    const health = t.subscribe<{ agentHealthChanged: Record<string, unknown> & { status: string } }>(
      HEALTH_SUB,
      { environment: 'prod', agentIds: ['web-1'] },
      viewer,
    );
    const alerts = t.subscribe<{ alertEvents: Record<string, unknown> }>(ALERT_SUB, { environment: 'prod' }, viewer);
    await t.listening(healthTopic('prod'));
    await t.listening(alertTopic('prod'));

    const first = await heartbeat({ labels: [{ name: 'region', value: 'eu' }], cpu: 12.5, memory: 40, version: '1.2.3', status: 'ok' });
    expect(first.errors).toBeUndefined();
    expect((await health.next()).data?.agentHealthChanged).toMatchObject({
      agentId: 'web-1',
      previousStatus: 'UNKNOWN',
      status: 'HEALTHY',
      reason: 'first heartbeat',
    });

    expect(await sweep(2_000)).toEqual([]);
    await sweep(1_500); // 3.5 s of silence at a 1 s interval
    expect((await health.next()).data?.agentHealthChanged).toMatchObject({ previousStatus: 'HEALTHY', status: 'SUSPECT' });
    expect(await t.healthSoFar(health, 'prod', 'web-1')).toEqual([]); // and nothing after it

    await sweep(3_000); // 6.5 s
    const down = (await health.next()).data?.agentHealthChanged;
    expect(down).toMatchObject({ previousStatus: 'SUSPECT', status: 'DOWN' });
    expect(down?.reason).toMatch(/no heartbeat for 6\.5s/);
    const fired = (await alerts.next()).data?.alertEvents;
    expect(fired).toMatchObject({ ruleId: 'builtin:agent-down', environment: 'prod', subject: 'web-1', severity: 'CRITICAL', state: 'FIRING' });

    await sweep(10_000); // down for 13.5 s in all
    const during = await t.graphql<{ uptime: Record<string, unknown> & { incidents: Record<string, unknown>[] } }>(
      UPTIME,
      { agentId: 'web-1', from: new Date(start).toISOString(), to: new Date(t.clock.now()).toISOString() },
      viewer,
    );
    expect(during.errors).toBeUndefined();
    expect(during.data?.uptime).toMatchObject({ uptimeSeconds: 6.5, downtimeSeconds: 10, slaMet: false, slaTargetPercent: 99.9 });
    expect(during.data?.uptime.incidents).toEqual([{ start: new Date(start + 6_500).toISOString(), end: null, durationSeconds: 10, status: 'DOWN' }]);

    await heartbeat();
    await sweep(0);
    expect((await health.next()).data?.agentHealthChanged).toMatchObject({
      previousStatus: 'DOWN',
      status: 'HEALTHY',
      reason: expect.stringMatching(/^heartbeats resumed after \d+s silence/) as jest.AsymmetricMatcher,
    });
    expect((await alerts.next()).data?.alertEvents).toMatchObject({ alertId: fired?.alertId, state: 'RESOLVED' });

    await sweep(500);
    const after = await t.graphql<{ uptime: { availabilityPercent: number; incidents: Record<string, unknown>[] } }>(
      UPTIME,
      { agentId: 'web-1', from: new Date(start).toISOString(), to: new Date(t.clock.now()).toISOString() },
      viewer,
    );
    expect(after.data?.uptime.incidents).toEqual([
      { start: new Date(start + 6_500).toISOString(), end: new Date(start + 16_500).toISOString(), durationSeconds: 10, status: 'DOWN' },
    ]);
    expect(after.data?.uptime.availabilityPercent).toBeCloseTo((100 * 7) / 17);

    const agent = await t.graphql<{ agent: Record<string, unknown> }>(AGENT, { id: 'web-1' }, viewer);
    expect(agent.data?.agent).toMatchObject({
      id: 'web-1',
      status: 'HEALTHY',
      intervalSeconds: 1,
      labels: [{ name: 'region', value: 'eu' }],
      health: { status: 'HEALTHY', secondsSinceHeartbeat: 0.5, reportedStatus: 'ok', cpu: 12.5, memory: 40, version: '1.2.3' },
    });
  });

  it('pages through agents filtered by status with cursors and a total count', async () => {
    const batch = { environment: 'prod', heartbeats: ['p-1', 'p-2', 'p-3', 'p-4', 'p-5'].map((agentId) => ({ agentId, intervalSeconds: 60 })) };
    expect((await t.graphql(INGEST, { batch }, agentToken)).errors).toBeUndefined();
    const PAGE = `query($after: String) { agents(environment: "prod", status: [HEALTHY], first: 2, after: $after) {
      totalCount edges { cursor node { id status } } pageInfo { hasNextPage endCursor } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const res: { data?: { agents: { totalCount: number; edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } } } =
        await t.graphql(PAGE, { after }, viewer);
      expect(res.data?.agents.totalCount).toBe(6);
      seen.push(...res.data!.agents.edges.map((e) => e.node.id));
      if (!res.data!.agents.pageInfo.hasNextPage) break;
      after = res.data!.agents.pageInfo.endCursor;
    }
    expect(seen).toEqual(['p-1', 'p-2', 'p-3', 'p-4', 'p-5', 'web-1']);

    const bad = await t.graphql(`query { agents(environment: "prod", after: "not a cursor!") { totalCount } }`, {}, viewer);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentPath: 'after' });
  });

  it('answers uptime of an unknown agent with NOT_FOUND', async () => {
    const res = await t.graphql(UPTIME, { agentId: 'ghost', from: new Date(start).toISOString(), to: new Date(t.clock.now()).toISOString() }, viewer);
    expect(res.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });
});
