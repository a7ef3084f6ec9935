import { AgentRegistry } from '../src/heartbeat/agent-registry';
import { INGEST, TestApp } from './support/test-app';

/** GraphQL's Float carries no Infinity or NaN: statistics that overflow the double range are answered as null (docs/api.md). */
describe('values that overflow on aggregation', () => {
  let t: TestApp;
  let viewer: string;
  let from: string;
  let to: string;

  beforeAll(async () => {
    t = await TestApp.start();
    const agent = t.token({ roles: ['agent'], environments: ['prod'] });
    viewer = t.token({ roles: ['viewer'], environments: ['prod'] });
    const now = t.clock.now();
    const huge = (agentId: string) => ({ agentId, metric: 'huge', timestamps: [now - 2000, now - 1000], values: [1.7e308, 1.7e308] });
    const res = await t.graphql<{ ingestBatch: { acceptedSamples: number } }>(
      INGEST,
      { batch: { environment: 'prod', series: [huge('a1'), huge('a2')] } },
      agent,
    );
    expect(res.data?.ingestBatch.acceptedSamples).toBe(4);
    from = new Date(now - 60_000).toISOString();
    to = new Date(now + 1000).toISOString();
  });
  afterAll(() => t.stop());

  it.each([[''], [', aggregate: SUM'], [', aggregate: AVG'], [', aggregate: P99']])('answers trends%s with null for what overflowed', async (aggregate) => {
    const res = await t.graphql<{ trends: { series: { points: Record<string, unknown>[] }[] } }>(
      `query($from: DateTime!, $to: DateTime!) { trends(environment: "prod", metric: "huge", from: $from, to: $to, stepSeconds: 3600${aggregate}) {
        series { points { count sum avg min max p50 p99 value } } } }`,
      { from, to },
      viewer,
    );
    expect(res.errors).toBeUndefined();
    const point = res.data!.trends.series[0].points[0];
    expect(point).toMatchObject({ sum: null, avg: null, max: 1.7e308 });
  });

  it('ranks by an overflowed SUM with the largest double', async () => {
    const res = await t.graphql<{ topSeries: { agentId: string; value: number }[] }>(
      `query($from: DateTime!, $to: DateTime!) { topSeries(environment: "prod", metric: "huge", from: $from, to: $to, by: SUM) { agentId value } }`,
      { from, to },
      viewer,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.topSeries).toEqual([
      { agentId: 'a1', value: Number.MAX_VALUE },
      { agentId: 'a2', value: Number.MAX_VALUE },
    ]);
  });

  it('answers an infinite burn rate (a 100% target with downtime) with null', async () => {
    const agent = t.token({ roles: ['agent'], environments: ['prod'] });
    const start = t.clock.now();
    await t.graphql(INGEST, { batch: { environment: 'prod', heartbeats: [{ agentId: 'web-1', intervalSeconds: 1 }] } }, agent);
    for (const step of [2_000, 2_000, 10_000, 10_000]) {
      t.clock.advance(step);
      await t.get(AgentRegistry).sweep();
    }
    const res = await t.graphql<{ uptime: { downtimeSeconds: number; slaBudget: { burnRate: number | null; hoursToBreach: number } } }>(
      `query($from: DateTime!, $to: DateTime!) { uptime(environment: "prod", agentId: "web-1", from: $from, to: $to, slaTargetPercent: 100) {
        downtimeSeconds slaBudget { burnRate hoursToBreach } } }`,
      { from: new Date(start).toISOString(), to: new Date(t.clock.now()).toISOString() },
      viewer,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.uptime.downtimeSeconds).toBeGreaterThan(0);
    expect(res.data?.uptime.slaBudget).toEqual({ burnRate: null, hoursToBreach: 0 });
  });
});
