import { LiveAggregatesService } from '../src/dashboard/live/live-aggregates.service';
import { AggregationWindow } from '../src/dashboard/models/live-aggregate.model';
import { RedisServer } from './support/redis-server';
import { INGEST, TestApp, waitFor } from './support/test-app';

const LIVE = `subscription($metric: String!) {
  liveAggregates(environment: "prod", metric: $metric, window: FIVE_SECONDS) { windowStart count sum min max p95 agents final complete }
}`;

const MERGE_DELAY_MS = 500;

/** Two instances of the service sharing a real redis-server: a subscriber on one sees the windows of both. */
describe('liveAggregates across instances (Redis)', () => {
  let redis: RedisServer;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    redis = await RedisServer.start();
    const env = { REDIS_URL: redis.url, LIVE_MERGE_DELAY_MS: String(MERGE_DELAY_MS) };
    const now = Date.now();
    [a, b] = await Promise.all([TestApp.start(env, now), TestApp.start(env, now)]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
  });

  const setClocks = (at: number) => [a, b].forEach((t) => t.clock.set(at));
  const ingest = async (t: TestApp, agentId: string, timestamps: number[], values: number[]) => {
    const res = await t.graphql(
      INGEST,
      { batch: { environment: 'prod', series: [{ agentId, metric: 'cpu', timestamps, values }] } },
      t.token({ roles: ['agent'], environments: ['prod'] }),
    );
    expect(res.errors).toBeUndefined();
  };

  it('merges the partial windows of both instances, sketch included, for a subscriber on one', async () => {
    const liveA = a.get(LiveAggregatesService);
    const liveB = b.get(LiveAggregatesService);
    const minute = Math.ceil(a.clock.now() / 60_000) * 60_000;
    setClocks(minute - 1_000);
    const sub = b.subscribe<{ liveAggregates: Record<string, unknown> }>(LIVE, { metric: 'cpu' }, b.token({ roles: ['viewer'], environments: ['prod'] }));
    await waitFor(() => liveB.activeWatches() === 1, 'the watch on B');
    // A learns through Redis that B watches the pair, and aggregates it too.
    await waitFor(() => liveA.isAggregating(AggregationWindow.FIVE_SECONDS, 'prod', 'cpu'), 'A to aggregate what B watches');

    setClocks(minute + 500);
    await ingest(a, 'on-a', [minute + 100, minute + 200, minute + 300], [1, 2, 3]);
    await ingest(b, 'on-b', [minute + 100, minute + 400], [10, 20]);

    setClocks(minute + 7_000); // end + grace: both close the window; B waits MERGE_DELAY_MS for partials
    liveA.tick();
    liveB.tick();
    await waitFor(() => liveB.partialsReceived >= 1, "A's partial to reach B");
    expect(liveB.openState().pendingMerges).toBe(1);

    b.clock.set(minute + 7_000 + MERGE_DELAY_MS);
    liveB.tick();
    const merged = (await sub.next()).data?.liveAggregates;
    expect(merged).toMatchObject({ windowStart: new Date(minute).toISOString(), count: 5, sum: 36, min: 1, max: 20, agents: 2, final: true, complete: true });
    // As trends would: rank 0.95 * 4 of [1, 2, 3, 10, 20] interpolates to 18 (the sketch is within 1%).
    expect(merged?.p95 as number).toBeGreaterThan(17.6);
    expect(merged?.p95 as number).toBeLessThan(18.4);
    expect(liveB.openState().pendingMerges).toBe(0);
  });

  it('stops aggregating for the other instance once its subscriber leaves', async () => {
    const liveA = a.get(LiveAggregatesService);
    const socket = b.socket(b.token({ roles: ['viewer'], environments: ['prod'] }));
    const unsubscribe = socket.subscribe({ query: LIVE, variables: { metric: 'mem' } }, { next: () => {}, error: () => {}, complete: () => {} });
    await waitFor(() => liveA.isAggregating(AggregationWindow.FIVE_SECONDS, 'prod', 'mem'), 'A to aggregate mem for B');
    unsubscribe();
    await waitFor(() => !liveA.isAggregating(AggregationWindow.FIVE_SECONDS, 'prod', 'mem'), "A to drop B's pair");
    expect(liveA.isAggregating(AggregationWindow.FIVE_SECONDS, 'prod', 'cpu')).toBe(true);
  });
});
