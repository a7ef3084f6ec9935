import { sign } from 'jsonwebtoken';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Client } from 'graphql-ws';
import WebSocket from 'ws';
import { LiveAggregatesService } from '../src/dashboard/live/live-aggregates.service';
import { FleetHealthLive } from '../src/health/fleet-health-live.service';
import { INGEST, TEST_SECRET, TestApp, waitFor } from './support/test-app';

const WINDOWS = ['FIVE_SECONDS', 'ONE_MINUTE', 'FIVE_MINUTES', 'ONE_HOUR'];
const LIVE = `subscription($metric: String!, $window: AggregationWindow!, $groupBy: [String!], $matchers: [LabelMatcherInput!], $inProgress: Boolean) {
  liveAggregates(environment: "prod", metric: $metric, window: $window, groupBy: $groupBy, matchers: $matchers, inProgress: $inProgress) { count final }
}`;
const TOP = `subscription($metric: String!, $window: AggregationWindow!) { topSeries(environment: "prod", metric: $metric, window: $window) { by } }`;
const FLEET = `subscription { fleetHealth(environment: "prod") { total } }`;
const HEALTH = `subscription { agentHealthChanged(environment: "prod") { agentId } }`;
const ALERTS = `subscription { alertEvents(environment: "prod") { alertId } }`;

/** The i-th of a mix of every subscription kind, over every window and a few metrics. */
function operation(i: number): { query: string; variables: Record<string, unknown> } {
  const metric = `m${i % 7}`;
  const window = WINDOWS[i % 4];
  switch (i % 8) {
    case 0:
      return { query: TOP, variables: { metric, window } };
    case 1:
      return { query: FLEET, variables: {} };
    case 2:
      return { query: HEALTH, variables: {} };
    case 3:
      return { query: ALERTS, variables: {} };
    case 4:
      return { query: LIVE, variables: { metric, window, groupBy: ['zone'], inProgress: true } };
    case 5:
      return { query: LIVE, variables: { metric, window, matchers: [{ name: 'agent', op: 'REGEX', value: 'a.*' }] } };
    default:
      return { query: LIVE, variables: { metric, window } };
  }
}

function heapAfterGc(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('subscription lifecycle over WebSocket', () => {
  let t: TestApp;
  let viewer: string;
  let agent: string;

  beforeAll(async () => {
    t = await TestApp.start();
    viewer = t.token({ roles: ['viewer'], environments: ['prod'] });
    agent = t.token({ roles: ['agent'], environments: ['prod'] });
  });
  afterAll(() => t.stop());

  it('closes a socket with 4401 at its token exp', async () => {
    const exp = Math.floor(Date.now() / 1000) + 2;
    const token = sign({ sub: 'short', roles: ['viewer'], environments: ['prod'], exp }, TEST_SECRET, { algorithm: 'HS256' });
    let closedWith: number | undefined;
    let closedAt = 0;
    const socket = t.socket(token, (code) => {
      closedWith = code;
      closedAt = Date.now();
    });
    const before = await t.activeSubscriptions();
    socket.subscribe({ query: HEALTH, variables: {} }, { next: () => {}, error: () => {}, complete: () => {} });
    await waitFor(async () => (await t.activeSubscriptions()) > before, 'the subscription to stream');
    await waitFor(() => closedWith !== undefined, 'the socket to close at exp', 5_000);
    expect(closedWith).toBe(4401);
    expect(closedAt).toBeGreaterThanOrEqual(exp * 1000);
    await waitFor(async () => (await t.activeSubscriptions()) === before, 'its subscription to end');
  });

  it('frees everything after 2,000 subscribe/unsubscribe cycles, by unsubscribe and by disconnect', async () => {
    const live = t.get(LiveAggregatesService);
    const fleet = t.get(FleetHealthLive);
    const baseline = { watches: live.activeWatches(), listeners: t.listenersTotal, active: await t.activeSubscriptions(), fleet: fleet.environments };
    const ROUNDS = 20;
    const PER_ROUND = 100;
    let heapAtRound2 = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const sockets: Client[] = [0, 1, 2, 3].map(() => t.socket(viewer));
      const unsubscribes: (() => void)[] = [];
      for (let i = 0; i < PER_ROUND; i++) {
        const n = round * PER_ROUND + i;
        unsubscribes.push(sockets[n % 4].subscribe(operation(n), { next: () => {}, error: () => {}, complete: () => {} }));
      }
      await waitFor(
        async () => (await t.activeSubscriptions()) === baseline.active + PER_ROUND,
        `round ${round}: ${PER_ROUND} subscriptions streaming`,
        20_000,
      );
      // Samples for the watched metrics, so that windows are open when the subscriptions go.
      const now = t.clock.now();
      const series = [0, 1, 2, 3, 4, 5, 6].map((m) => ({
        agentId: `a${m}`,
        metric: `m${m}`,
        labels: [{ name: 'zone', value: `z${m % 2}` }],
        timestamps: [now],
        values: [m],
      }));
      expect((await t.graphql(INGEST, { batch: { environment: 'prod', series } }, agent)).errors).toBeUndefined();
      live.tick();
      // Odd rounds: the client unsubscribes each; even rounds: it just disconnects.
      if (round % 2 === 1) unsubscribes.forEach((u) => u());
      await Promise.all(sockets.map((s) => Promise.resolve(s.dispose())));
      await waitFor(async () => (await t.activeSubscriptions()) === baseline.active, `round ${round}: every subscription to end`, 20_000);
      if (round === 1) heapAtRound2 = heapAfterGc();
    }
    expect(live.activeWatches()).toBe(baseline.watches);
    expect(live.openState()).toEqual({ openPairs: 0, pendingMerges: 0 });
    expect(fleet.environments).toBe(baseline.fleet);
    expect(t.listenersTotal).toBe(baseline.listeners);
    // Heap roughly flat: 1,800 more cycles leave less than 16 MB behind (a leak of a watch, queue or listener per cycle would be far more).
    expect(heapAfterGc() - heapAtRound2).toBeLessThan(16 * 1024 * 1024);
  }, 300_000);

  it('keeps a stuck client to its bounded buffer without delaying a healthy one', async () => {
    const live = t.get(LiveAggregatesService);
    const metric = 'burst';
    const query = `subscription { liveAggregates(environment: "prod", metric: "${metric}", window: FIVE_SECONDS, groupBy: ["agent"]) {
      environment metric window windowStart windowEnd count avg min max sum p95 agents labels { name value } final complete } }`;
    // The stuck client: a raw graphql-ws socket that stops reading once subscribed.
    const stuck = new WebSocket(t.url.replace(/^http/, 'ws') + '/graphql', 'graphql-transport-ws');
    await new Promise((resolve) => stuck.once('open', resolve));
    stuck.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${viewer}` } }));
    await new Promise((resolve) => stuck.once('message', resolve)); // connection_ack
    stuck.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
    const healthy = t.subscribe<{ liveAggregates: { count: number } }>(query, {}, viewer);
    await waitFor(() => live.activeWatches() >= 2, 'both watches');
    (stuck as unknown as { _socket: { pause(): void } })._socket.pause();

    // 300 agents x 60 windows: 18,000 messages of ~450 bytes each, far past the socket buffers of the stuck client.
    const start = Math.ceil(t.clock.now() / 5_000) * 5_000;
    const timestamps = Array.from({ length: 60 }, (_, w) => start + w * 5_000 + 1);
    const series = Array.from({ length: 300 }, (_, a) => ({ agentId: `burst-${a}`, metric, timestamps, values: timestamps.map(() => a) }));
    expect((await t.graphql(INGEST, { batch: { environment: 'prod', series } }, agent)).errors).toBeUndefined();
    // Three windows (900 messages, within a buffer) a tick; the healthy client gets each tick's before the next.
    for (let w = 3; w <= 60; w += 3) {
      t.clock.set(start + w * 5_000 + 2_000);
      live.tick();
      await waitFor(() => healthy.messages.length === w * 300, `the healthy client to get ${w} windows of every agent`, 20_000);
    }
    expect(healthy.messages.every((m) => m.data?.liveAggregates.count === 1)).toBe(true);
    const { queued, dropped } = live.queueStats();
    expect(queued).toBeLessThanOrEqual(1024);
    expect(dropped).toBeGreaterThan(0);
    stuck.terminate();
    await waitFor(() => live.queueStats().queued === 0 && live.activeWatches() === 1, 'the stuck subscription to be freed');
  }, 120_000);
});
