import { LiveAggregatesService } from '../src/dashboard/live/live-aggregates.service';
import { INGEST, TestApp, waitFor } from './support/test-app';

const LIVE = `subscription($metric: String!, $window: AggregationWindow!, $agentIds: [ID!], $matchers: [LabelMatcherInput!], $groupBy: [String!], $inProgress: Boolean) {
  liveAggregates(environment: "prod", metric: $metric, window: $window, agentIds: $agentIds, matchers: $matchers, groupBy: $groupBy, inProgress: $inProgress) {
    environment metric window windowStart windowEnd count avg min max sum p95 agents labels { name value } final complete
  }
}`;

const TOP = `subscription($metric: String!, $window: AggregationWindow!, $by: SeriesAggregate, $limit: Int, $ascending: Boolean) {
  topSeries(environment: "prod", metric: $metric, window: $window, by: $by, limit: $limit, ascending: $ascending) {
    metric window windowStart by complete series { agentId labels { name value } value }
  }
}`;

type Live = { liveAggregates: Record<string, unknown> };

describe('liveAggregates over WebSocket', () => {
  let t: TestApp;
  let agent: string;
  let viewer: string;

  beforeAll(async () => {
    t = await TestApp.start();
    agent = t.token({ roles: ['agent'], environments: ['prod'] });
    viewer = t.token({ roles: ['viewer'], environments: ['prod'] });
  });
  afterAll(() => t.stop());

  it('delivers the window aggregate of the data it was sent, for the fleet and for chosen agents', async () => {
    const minute = Math.ceil(t.clock.now() / 60_000) * 60_000;
    t.clock.set(minute - 1_000); // subscribe just before the windows open, so they are complete
    const fleet = t.subscribe<Live>(LIVE, { metric: 'cpu', window: 'FIVE_SECONDS' }, viewer);
    const onlyB = t.subscribe<Live>(LIVE, { metric: 'cpu', window: 'ONE_MINUTE', agentIds: ['b'] }, viewer);
    const live = t.get(LiveAggregatesService);
    await waitFor(() => live.activeWatches() === 2, 'both watches');

    t.clock.set(minute + 500);
    const res = await t.graphql(
      INGEST,
      {
        batch: {
          environment: 'prod',
          series: [
            { agentId: 'a', metric: 'cpu', timestamps: [minute + 100, minute + 4_000, minute + 6_000], values: [10, 30, 99] },
            { agentId: 'b', metric: 'cpu', timestamps: [minute + 200], values: [5] },
            { agentId: 'b', metric: 'mem', timestamps: [minute + 200], values: [1000] },
          ],
        },
      },
      agent,
    );
    expect(res.errors).toBeUndefined();

    t.clock.set(minute + 7_000); // the first 5 s window has closed (end + 2 s grace)
    live.tick();
    expect((await fleet.next()).data?.liveAggregates).toEqual({
      environment: 'prod',
      metric: 'cpu',
      window: 'FIVE_SECONDS',
      windowStart: new Date(minute).toISOString(),
      windowEnd: new Date(minute + 5_000).toISOString(),
      count: 3,
      avg: 15,
      min: 5,
      max: 30,
      sum: 45,
      p95: expect.closeTo(28, 0) as number, // as trends: rank 0.95 * 2 of [5, 10, 30] interpolates to 28 (within the sketch's 1%)
      agents: 2,
      labels: [],
      final: true,
      complete: true,
    });

    t.clock.set(minute + 62_000);
    live.tick();
    expect((await fleet.next()).data?.liveAggregates).toMatchObject({ windowStart: new Date(minute + 5_000).toISOString(), count: 1, max: 99, agents: 1 });
    expect((await onlyB.next()).data?.liveAggregates).toMatchObject({ window: 'ONE_MINUTE', count: 1, sum: 5, agents: 1, complete: true });
  });

  it('selects by matchers on heartbeat labels, groups by label, ranks top series, and sends marked in-progress updates', async () => {
    const live = t.get(LiveAggregatesService);
    const minute = Math.ceil(t.clock.now() / 60_000) * 60_000 + 60_000;
    t.clock.set(minute - 1_000);
    const heartbeats = [
      { agentId: 'h1', labels: [{ name: 'region', value: 'eu' }] },
      { agentId: 'h2', labels: [{ name: 'region', value: 'eu' }] },
      { agentId: 'h3', labels: [{ name: 'region', value: 'us' }] },
    ];
    expect((await t.graphql(INGEST, { batch: { environment: 'prod', heartbeats } }, agent)).errors).toBeUndefined();
    const before = live.activeWatches();
    const eu = t.subscribe<Live>(LIVE, { metric: 'lat', window: 'FIVE_SECONDS', matchers: [{ name: 'region', value: 'eu' }] }, viewer);
    const groups = t.subscribe<Live>(LIVE, { metric: 'lat', window: 'FIVE_SECONDS', groupBy: ['region'], inProgress: true }, viewer);
    const top = t.subscribe<{ topSeries: Record<string, unknown> }>(TOP, { metric: 'lat', window: 'FIVE_SECONDS', by: 'MAX', limit: 2 }, viewer);
    await waitFor(() => live.activeWatches() === before + 3, 'three watches');

    t.clock.set(minute + 1_000);
    const values = (agentId: string, xs: number[]) => ({ agentId, metric: 'lat', timestamps: xs.map((_, i) => minute + 100 + i), values: xs });
    const batch = { environment: 'prod', series: [values('h1', [1, 2, 3, 4]), values('h2', [100]), values('h3', [50, 60])] };
    expect((await t.graphql(INGEST, { batch }, agent)).errors).toBeUndefined();

    live.tick(); // in-progress: the open window, marked
    const progress = [(await groups.next()).data?.liveAggregates, (await groups.next()).data?.liveAggregates];
    expect(progress).toEqual([
      expect.objectContaining({ labels: [{ name: 'region', value: 'eu' }], count: 5, agents: 2, final: false }),
      expect.objectContaining({ labels: [{ name: 'region', value: 'us' }], count: 2, agents: 1, final: false }),
    ]);

    t.clock.set(minute + 7_000);
    live.tick();
    expect((await eu.next()).data?.liveAggregates).toMatchObject({ count: 5, sum: 110, min: 1, max: 100, agents: 2, labels: [], final: true });
    const finals = [(await groups.next()).data?.liveAggregates, (await groups.next()).data?.liveAggregates];
    expect(finals).toEqual([
      expect.objectContaining({ labels: [{ name: 'region', value: 'eu' }], count: 5, final: true, complete: true }),
      expect.objectContaining({ labels: [{ name: 'region', value: 'us' }], count: 2, avg: 55, final: true }),
    ]);
    expect((await top.next()).data?.topSeries).toEqual({
      metric: 'lat',
      window: 'FIVE_SECONDS',
      windowStart: new Date(minute).toISOString(),
      by: 'MAX',
      complete: true,
      series: [
        { agentId: 'h2', labels: [], value: 100 },
        { agentId: 'h3', labels: [], value: 60 },
      ],
    });
  });

  it('refuses a bad matcher or groupBy label with BAD_USER_INPUT', async () => {
    const bad = t.subscribe<Live>(LIVE, { metric: 'cpu', window: 'FIVE_SECONDS', matchers: [{ name: 'region', op: 'REGEX', value: '(' }] }, viewer);
    expect((await bad.next()).errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    const badGroup = t.subscribe<Live>(LIVE, { metric: 'cpu', window: 'FIVE_SECONDS', groupBy: ['no spaces'] }, viewer);
    expect((await badGroup.next()).errors?.[0].message).toMatch(/groupBy\[0\]/);
  });

  it('releases its watch when the client unsubscribes', async () => {
    const live = t.get(LiveAggregatesService);
    const before = live.activeWatches();
    const socket = t.socket(viewer);
    const unsubscribe = socket.subscribe(
      { query: LIVE, variables: { metric: 'disk', window: 'ONE_HOUR' } },
      { next: () => {}, error: () => {}, complete: () => {} },
    );
    await waitFor(() => live.activeWatches() > before, 'the watch');
    expect(live.activeWatches()).toBe(before + 1);
    unsubscribe();
    await waitFor(() => live.activeWatches() <= before, 'the watch to be released');
    expect(live.activeWatches()).toBe(before);
    await socket.dispose();
  });
});
