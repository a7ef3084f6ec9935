import { LiveAggregatesService } from '../src/dashboard/live/live-aggregates.service';
import { INGEST, TestApp, waitFor } from './support/test-app';

const LIVE = `subscription($metric: String!, $window: AggregationWindow!, $agentIds: [ID!]) {
  liveAggregates(environment: "prod", metric: $metric, window: $window, agentIds: $agentIds) {
    environment metric window windowStart windowEnd count avg min max sum agents complete
  }
}`;

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
    const fleet = t.subscribe<{ liveAggregates: Record<string, unknown> }>(LIVE, { metric: 'cpu', window: 'FIVE_SECONDS' }, viewer);
    const onlyB = t.subscribe<{ liveAggregates: Record<string, unknown> }>(LIVE, { metric: 'cpu', window: 'ONE_MINUTE', agentIds: ['b'] }, viewer);
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
    await live.tick();
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
      agents: 2,
      complete: true,
    });

    t.clock.set(minute + 62_000);
    await live.tick();
    expect((await fleet.next()).data?.liveAggregates).toMatchObject({ windowStart: new Date(minute + 5_000).toISOString(), count: 1, max: 99, agents: 1 });
    expect((await onlyB.next()).data?.liveAggregates).toMatchObject({ window: 'ONE_MINUTE', count: 1, sum: 5, agents: 1, complete: true });
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
