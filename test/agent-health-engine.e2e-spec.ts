import { alertTopic } from '../src/alerting/alerting.service';
import { AGENT_DOWN_RULE } from '../src/alerting/evaluation/builtin-rules';
import { AgentRegistry } from '../src/heartbeat/agent-registry';
import { healthTopic } from '../src/heartbeat/agent-state';
import { INGEST, TestApp } from './support/test-app';

const HEALTH_SUB = `subscription { agentHealthChanged(environment: "prod") { agentId previousStatus status reason group } }`;
const ALERT_SUB = `subscription { alertEvents(environment: "prod") { ruleId subject severity state summary } }`;
const FLEET = `query { fleet(environment: "prod", groupBy: ["region"], worst: 3) {
  total statusCounts { status count } groups { label value total statusCounts { status count } }
  worstAgents { agentId status availabilityPercent incidents }
} }`;

type Change = { agentId: string; previousStatus: string; status: string; reason: string; group: string | null };
type AlertEvent = { ruleId: string; subject: string; severity: string; state: string };

/** Drives agents second by second on the manual clock: the live ones send a heartbeat, then the detector sweeps. */
class Fleet {
  constructor(
    private readonly t: TestApp,
    private readonly token: string,
  ) {}

  async tick(live: string[], labels: (agentId: string) => string): Promise<void> {
    if (live.length > 0) {
      const heartbeats = live.map((agentId) => ({ agentId, intervalSeconds: 1, labels: [{ name: 'region', value: labels(agentId) }] }));
      const res = await this.t.graphql(INGEST, { batch: { environment: 'prod', heartbeats } }, this.token);
      expect(res.errors).toBeUndefined();
    }
    await this.t.get(AgentRegistry).sweep();
    this.t.clock.advance(1_000);
  }
}

const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe('agent health engine: partitions, crashes, flapping, fleet, restarts', () => {
  let t: TestApp;
  let fleet: Fleet;
  let viewer: string;
  const eu = range('eu', 10);
  const us = range('us', 10);
  const region = (agentId: string) => agentId.slice(0, 2);

  beforeAll(async () => {
    t = await TestApp.start();
    viewer = t.token({ roles: ['viewer'], environments: ['prod'] });
    fleet = new Fleet(t, t.token({ roles: ['agent'], environments: ['prod'] }));
  });
  afterAll(() => t.stop());

  it('reports a region going silent as one partition, and a crash in another region as DOWN', async () => {
    for (let s = 0; s < 10; s++) await fleet.tick([...eu, ...us], region);
    const health = t.subscribe<{ agentHealthChanged: Change }>(HEALTH_SUB, {}, viewer);
    const alerts = t.subscribe<{ alertEvents: AlertEvent }>(ALERT_SUB, {}, viewer);
    await t.listening(healthTopic('prod'));
    await t.listening(alertTopic('prod'));

    // eu is cut off; us-0 crashes; the rest of us goes on.
    for (let s = 0; s < 12; s++) await fleet.tick(us.slice(1), region);

    const changes = (await t.healthSoFar(health, 'prod')).map((m) => m.data!.agentHealthChanged);
    const euChanges = changes.filter((c) => c.agentId.startsWith('eu'));
    expect(euChanges.every((c) => c.status === 'PARTITIONED' && c.group === 'region=eu')).toBe(true);
    expect(new Set(euChanges.map((c) => c.agentId))).toEqual(new Set(eu));
    expect(changes.filter((c) => c.agentId === 'us-0').map((c) => c.status)).toEqual(['SUSPECT', 'DOWN']);
    expect(changes.filter((c) => c.agentId.startsWith('us') && c.agentId !== 'us-0')).toEqual([]);

    const view = await t.graphql<{
      fleet: { total: number; statusCounts: { status: string; count: number }[]; groups: unknown[]; worstAgents: { agentId: string; incidents: number }[] };
    }>(FLEET, {}, viewer);
    expect(view.errors).toBeUndefined();
    expect(view.data?.fleet.total).toBe(20);
    expect(view.data?.fleet.statusCounts).toEqual([
      { status: 'HEALTHY', count: 9 },
      { status: 'DOWN', count: 1 },
      { status: 'PARTITIONED', count: 10 },
    ]);
    expect(view.data?.fleet.groups).toEqual([
      { label: 'region', value: 'eu', total: 10, statusCounts: [{ status: 'PARTITIONED', count: 10 }] },
      {
        label: 'region',
        value: 'us',
        total: 10,
        statusCounts: [
          { status: 'HEALTHY', count: 9 },
          { status: 'DOWN', count: 1 },
        ],
      },
    ]);
    expect(view.data?.fleet.worstAgents[0]).toMatchObject({ incidents: 1 });

    // eu comes back: its agents recover and the one partition alert resolves.
    for (let s = 0; s < 3; s++) await fleet.tick([...eu, ...us.slice(1)], region);
    const recovered = (await t.healthSoFar(health, 'prod')).map((m) => m.data!.agentHealthChanged);
    expect(new Set(recovered.filter((c) => c.status === 'HEALTHY').map((c) => c.agentId))).toEqual(new Set(eu));

    // Then us-0 comes back. Alerts follow health changes one at a time, in order, so its DOWN alert
    // resolves after every alert of the above: those are the alerts before it.
    await fleet.tick([...eu, ...us], region);
    const alerted = (await alerts.until((m) => m.data?.alertEvents.ruleId === AGENT_DOWN_RULE && m.data.alertEvents.state === 'RESOLVED')).map(
      (m) => m.data!.alertEvents,
    );
    const fired = alerted.filter((a) => a.state === 'FIRING');
    expect(fired.map((a) => [a.ruleId, a.subject, a.state])).toEqual(
      expect.arrayContaining([
        ['builtin:partition', 'region=eu', 'FIRING'],
        ['builtin:agent-down', 'us-0', 'FIRING'],
      ]),
    );
    expect(fired).toHaveLength(2);
    // After the partition and the crash fired, its recovery resolved the partition alert, and nothing else.
    expect(alerted.slice(fired.length).map((a) => [a.ruleId, a.state])).toEqual([['builtin:partition', 'RESOLVED']]);
  });

  it('classifies an agent that keeps going down and coming back as FLAPPING once, then suppresses the churn', async () => {
    const health = t.subscribe<{ agentHealthChanged: Change }>(
      `subscription { agentHealthChanged(environment: "prod", agentIds: ["flappy"]) { agentId previousStatus status reason group } }`,
      {},
      viewer,
    );
    await t.listening(healthTopic('prod'), 2); // the first test's subscription is still open
    const others = us.slice(1);
    for (let s = 0; s < 8; s++) await fleet.tick(['flappy', ...others], region);
    for (let cycle = 0; cycle < 6; cycle++) {
      for (let s = 0; s < 8; s++) await fleet.tick(others, region);
      for (let s = 0; s < 4; s++) await fleet.tick(['flappy', ...others], region);
    }
    const statuses = (await t.healthSoFar(health, 'prod', 'flappy')).map((m) => m.data!.agentHealthChanged.status);
    expect(statuses.filter((s) => s === 'FLAPPING')).toHaveLength(1);
    const flappingAt = statuses.indexOf('FLAPPING');
    expect(statuses.slice(flappingAt + 1)).toEqual([]);
    expect(statuses.filter((s) => s === 'DOWN').length).toBeLessThanOrEqual(3);
  });

  it('keeps the registry across a restart', async () => {
    const database = t.database;
    await t.stop({ keepDatabase: true });
    t = await TestApp.start({ MONGODB_DB: database });
    const res = await t.graphql<{ agents: { totalCount: number } }>(
      `query { agents(environment: "prod") { totalCount } }`,
      {},
      t.token({ roles: ['viewer'], environments: ['prod'] }),
    );
    expect(res.data?.agents.totalCount).toBe(21);
  });
});
