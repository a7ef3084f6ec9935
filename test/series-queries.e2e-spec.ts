import { TimeSeriesStore } from '../src/storage/timeseries/time-series-store';
import { TierMaintenance } from '../src/storage/timeseries/tier-maintenance';
import { INGEST, TestApp } from './support/test-app';

const MIN = 60_000;
const ENV = { SERIES_MAX_PER_ENVIRONMENT: '50', SERIES_MAX_LABEL_VALUES: '5', QUERY_MAX_POINTS: '5000' };
const HOUR = 60 * MIN;

const QUERY = `query Q($environment: String!, $metric: String!, $from: DateTime!, $to: DateTime!, $stepSeconds: Int, $agentIds: [ID!],
  $matchers: [LabelMatcherInput!], $function: SeriesFunction, $aggregate: SeriesAggregate, $groupBy: [String!]) {
  trends(environment: $environment, metric: $metric, from: $from, to: $to, stepSeconds: $stepSeconds, agentIds: $agentIds,
         matchers: $matchers, function: $function, aggregate: $aggregate, groupBy: $groupBy) {
    resolution warnings series { agentId labels { name value } points { timestamp count avg min max sum p50 p95 value } }
  }
}`;

interface Point {
  timestamp: string;
  count: number;
  avg: number | null;
  min: number | null;
  max: number | null;
  sum: number | null;
  p50: number | null;
  p95: number | null;
  value: number | null;
}
interface Series {
  agentId: string;
  labels: { name: string; value: string }[];
  points: Point[];
}
interface Trends {
  trends: { resolution: string; warnings: string[]; series: Series[] };
}

/**
 * Labelled series end to end: identity by label through head, checkpoint, rollup and restart;
 * selection by matchers on series and agent labels; fleet aggregates by group; functions;
 * topSeries and discovery; the cardinality and point limits; environment isolation.
 */
describe('series, selectors and aggregates (HTTP, real database)', () => {
  let t: TestApp;
  let agent: string;
  let viewer: string;
  let hour0: number;

  beforeAll(async () => {
    t = await TestApp.start(ENV);
    agent = t.token({ roles: ['agent'], environments: ['*'] });
    viewer = t.token({ roles: ['viewer'], environments: ['lab'] });
    hour0 = Math.floor(t.clock.now() / HOUR) * HOUR - 2 * HOUR;
  });
  afterAll(() => t.stop());

  async function ingest(environment: string, batch: Record<string, unknown>) {
    const res = await t.graphql<{ ingestBatch: { acceptedSamples: number; errors: { path: string; code: string; message: string }[] } }>(
      INGEST,
      { batch: { environment, ...batch } },
      agent,
    );
    expect(res.errors).toBeUndefined();
    return res.data!.ingestBatch;
  }

  async function trends(variables: Record<string, unknown>, token = viewer) {
    return t.graphql<Trends>(QUERY, { environment: 'lab', from: new Date(hour0).toISOString(), to: new Date(hour0 + HOUR).toISOString(), ...variables }, token);
  }

  const minutes = (n: number, offset = 0) => Array.from({ length: n }, (_, i) => hour0 + offset + i * MIN);

  it('loads a small fleet: agents with region labels from heartbeats, series with their own labels', async () => {
    const heartbeats = [
      { agentId: 'eu-1', labels: [{ name: 'region', value: 'eu' }] },
      { agentId: 'eu-2', labels: [{ name: 'region', value: 'eu' }] },
      { agentId: 'us-1', labels: [{ name: 'region', value: 'us' }] },
    ];
    const latency = (agentId: string, values: number[]) => ({ agentId, metric: 'http.latency_ms', timestamps: minutes(values.length), values });
    const result = await ingest('lab', {
      heartbeats,
      series: [
        latency('eu-1', [10, 20, 30]),
        latency('eu-2', [11.5, 12.5, 13.5]),
        latency('us-1', [100, 200, 300]),
        // Two series of one agent and metric that differ only by a label.
        { agentId: 'eu-1', metric: 'cpu', labels: [{ name: 'core', value: '0' }], timestamps: minutes(2), values: [1, 2] },
        { agentId: 'eu-1', metric: 'cpu', labels: [{ name: 'core', value: '1' }], timestamps: minutes(2), values: [50, 60] },
        // A counter with a reset after 30.
        { agentId: 'us-1', metric: 'requests', timestamps: minutes(4), values: [10, 30, 5, 25] },
      ],
    });
    expect(result.errors).toEqual([]);
    expect(result.acceptedSamples).toBe(3 * 3 + 2 + 2 + 4);
  });

  it('keeps series that differ only by a label apart, through checkpoint, rollup and restart', async () => {
    const read = async () => {
      const res = await trends({ metric: 'cpu', stepSeconds: 3600 });
      expect(res.errors).toBeUndefined();
      return res.data!.trends.series.map((s) => ({ labels: s.labels, count: s.points[0].count, avg: s.points[0].avg }));
    };
    const expected = [
      { labels: [{ name: 'core', value: '0' }], count: 2, avg: 1.5 },
      { labels: [{ name: 'core', value: '1' }], count: 2, avg: 55 },
    ];
    expect(await read()).toEqual(expected);
    await t.get(TimeSeriesStore).checkpoint();
    expect(await read()).toEqual(expected);
    t.clock.advance(2 * HOUR);
    await t.get(TierMaintenance).rollUp();
    expect(await read()).toEqual(expected);
    const database = t.database;
    await t.stop({ keepDatabase: true });
    t = await TestApp.start({ ...ENV, MONGODB_DB: database });
    expect(await read()).toEqual(expected);
  });

  it('selects by EQ, NEQ, REGEX and NOT_REGEX on series labels, agent labels and agent', async () => {
    const agents = async (matchers: unknown[]) => {
      const res = await trends({ metric: 'http.latency_ms', stepSeconds: 3600, matchers });
      expect(res.errors).toBeUndefined();
      return res.data!.trends.series.map((s) => s.agentId);
    };
    expect(await agents([{ name: 'region', value: 'eu' }])).toEqual(['eu-1', 'eu-2']);
    expect(await agents([{ name: 'region', op: 'NEQ', value: 'eu' }])).toEqual(['us-1']);
    expect(await agents([{ name: 'agent', op: 'REGEX', value: 'eu-.*' }])).toEqual(['eu-1', 'eu-2']);
    expect(await agents([{ name: 'agent', op: 'REGEX', value: 'eu' }])).toEqual([]); // anchored
    expect(await agents([{ name: 'agent', op: 'NOT_REGEX', value: '.*-1' }])).toEqual(['eu-2']);
    expect(await agents([{ name: 'zone', value: '' }])).toEqual(['eu-1', 'eu-2', 'us-1']); // a missing label is ""
    const cores = await trends({
      metric: 'cpu',
      stepSeconds: 3600,
      matchers: [
        { name: 'core', value: '1' },
        { name: 'region', value: 'eu' },
      ],
    });
    expect(cores.data!.trends.series.map((s) => s.labels)).toEqual([[{ name: 'core', value: '1' }]]);
  });

  it('refuses a bad regex with BAD_USER_INPUT naming the matcher', async () => {
    const res = await trends({
      metric: 'http.latency_ms',
      matchers: [
        { name: 'region', value: 'eu' },
        { name: 'agent', op: 'REGEX', value: 'a(' },
      ],
    });
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].message).toMatch(/^matchers\[1\]\.value: invalid regex "a\("/);
    expect(res.errors?.[0].extensions?.argumentPath).toBe('matchers[1]');
    const lookahead = await trends({ metric: 'http.latency_ms', matchers: [{ name: 'agent', op: 'REGEX', value: '(?=eu).*' }] });
    expect(lookahead.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('aggregates across the fleet and per region, percentiles from the merged samples', async () => {
    const fleet = await trends({ metric: 'http.latency_ms', stepSeconds: 3600, aggregate: 'P95' });
    const [all] = fleet.data!.trends.series;
    expect(all.agentId).toBe('*');
    expect(all.labels).toEqual([]);
    expect(all.points[0]).toMatchObject({ count: 9, min: 10, max: 300 });
    // Interpolated between ranks over all 9 samples: rank 7.6 between 200 and 300.
    expect(Math.abs(all.points[0].value! - 260) / 260).toBeLessThan(0.01); // from the 1h rollups' merged sketches

    const byRegion = await trends({ metric: 'http.latency_ms', stepSeconds: 3600, aggregate: 'AVG', groupBy: ['region'] });
    expect(byRegion.data!.trends.series.map((s) => [s.labels, s.points[0].value, s.points[0].count])).toEqual([
      [[{ name: 'region', value: 'eu' }], (10 + 20 + 30 + 11.5 + 12.5 + 13.5) / 6, 6],
      [[{ name: 'region', value: 'us' }], 200, 3],
    ]);
    const counted = await trends({ metric: 'http.latency_ms', stepSeconds: 3600, aggregate: 'COUNT', groupBy: ['region'] });
    expect(counted.data!.trends.series.map((s) => s.points[0].value)).toEqual([2, 1]);
  });

  it('answers one quantile definition: p95 of 11.5 and 12.5 is 12.45, exactly on raw samples and within 1% on rollups', async () => {
    const rollup = await trends({ metric: 'http.latency_ms', stepSeconds: 120, agentIds: ['eu-2'] });
    expect(rollup.data!.trends.resolution).toBe('1m');
    expect(Math.abs(rollup.data!.trends.series[0].points[0].p95! - 12.45) / 12.45).toBeLessThan(0.01);
    // A function reads raw samples (rollups keep no first/last sample).
    const raw = await trends({ metric: 'http.latency_ms', stepSeconds: 120, agentIds: ['eu-2'], function: 'DELTA' });
    expect(raw.data!.trends.resolution).toBe('raw');
    expect(raw.data!.trends.series[0].points[0].p95).toBeCloseTo(12.45, 9);
  });

  it('applies RATE and INCREASE per series, counter resets included', async () => {
    const res = await trends({ metric: 'requests', stepSeconds: 120, function: 'INCREASE' });
    expect(res.errors).toBeUndefined();
    expect(res.data!.trends.resolution).toBe('raw');
    // 10 -> 30 (+20) | 5 (reset: +5) -> 25 (+20)
    expect(res.data!.trends.series[0].points.map((p) => p.value)).toEqual([20, 25]);
    const rate = await trends({ metric: 'requests', stepSeconds: 120, function: 'RATE', aggregate: 'SUM' });
    expect(rate.data!.trends.series[0].points.map((p) => p.value)).toEqual([20 / 120, 25 / 120]);
  });

  it('ranks top series and serves metric and label discovery', async () => {
    const top = await t.graphql<{ topSeries: { agentId: string; value: number }[] }>(
      `query($from: DateTime!, $to: DateTime!) { topSeries(environment: "lab", metric: "http.latency_ms", from: $from, to: $to, by: MAX, limit: 2) { agentId labels { name value } value } }`,
      { from: new Date(hour0).toISOString(), to: new Date(hour0 + HOUR).toISOString() },
      viewer,
    );
    expect(top.errors).toBeUndefined();
    expect(top.data!.topSeries.map((s) => [s.agentId, s.value])).toEqual([
      ['us-1', 300],
      ['eu-1', 30],
    ]);
    const discovery = await t.graphql<{ metrics: string[]; labelNames: string[]; labelValues: string[]; agents: string[] }>(
      `{ metrics(environment: "lab") labelNames(environment: "lab", metric: "cpu") labelValues(environment: "lab", name: "region") agents: labelValues(environment: "lab", name: "agent", prefix: "eu") }`,
      {},
      viewer,
    );
    expect(discovery.data).toEqual({
      metrics: ['cpu', 'http.latency_ms', 'requests'],
      labelNames: ['agent', 'core', 'region'],
      labelValues: ['eu', 'us'],
      agents: ['eu-1', 'eu-2'],
    });
  });

  it('refuses new series past the cardinality bounds with CARDINALITY_LIMIT and a path, storing the rest', async () => {
    const series = Array.from({ length: 7 }, (_, i) => ({
      agentId: 'eu-1',
      metric: 'disk',
      labels: [{ name: 'mount', value: `/m${i}` }],
      timestamps: [hour0],
      values: [i],
    }));
    const result = await ingest('lab', { series });
    expect(result.acceptedSamples).toBe(5);
    expect(result.errors.map((e) => [e.path, e.code])).toEqual([
      ['series[5]', 'CARDINALITY_LIMIT'],
      ['series[6]', 'CARDINALITY_LIMIT'],
    ]);
    expect(result.errors[0].message).toBe('label mount has reached its limit of 5 values in environment lab');
  });

  it('refuses an answer over the point limit, saying a step that fits', async () => {
    const res = await trends({ metric: 'http.latency_ms', stepSeconds: 1 });
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].message).toBe('query needs 10800 points (3 series x 3600 steps), over the limit of 5000: try stepSeconds=5');
    const range = await trends({ metric: 'cpu', from: new Date(hour0).toISOString(), to: new Date(hour0).toISOString() });
    expect(range.errors?.[0].extensions?.argumentPath).toBe('from');
  });

  it('shares the point limit between the query fields of one request: aliases cannot multiply a heavy query', async () => {
    const field = (alias: string) =>
      `${alias}: trends(environment: "lab", metric: "http.latency_ms", from: $from, to: $to, stepSeconds: 5) { series { agentId } }`;
    const res = await t.graphql(
      `query($from: DateTime!, $to: DateTime!) { ${field('a')} ${field('b')} ${field('c')} }`,
      { from: new Date(hour0).toISOString(), to: new Date(hour0 + HOUR).toISOString() },
      viewer,
    );
    // 3 series x 720 steps = 2,160 points each; the third would take the request past 5,000 (and, trends
    // being non-null, its error nulls the whole answer).
    expect(res.data).toBeNull();
    expect(res.errors?.map((e) => [e.path, e.extensions?.code, e.message])).toEqual([
      [['c'], 'BAD_USER_INPUT', 'this field needs 2160 points but the request has only 680 of its 5000 left: split the request'],
    ]);
    const two = await t.graphql<Record<string, { series: unknown[] }>>(
      `query($from: DateTime!, $to: DateTime!) { ${field('a')} ${field('b')} }`,
      { from: new Date(hour0).toISOString(), to: new Date(hour0 + HOUR).toISOString() },
      viewer,
    );
    expect(two.errors).toBeUndefined();
    expect([two.data!.a.series.length, two.data!.b.series.length]).toEqual([3, 3]);
  });

  it('never selects another environment, whatever the matchers', async () => {
    await ingest('other', { series: [{ agentId: 'eu-1', metric: 'http.latency_ms', timestamps: [hour0], values: [1e6] }] });
    const res = await trends({ metric: 'http.latency_ms', stepSeconds: 3600, aggregate: 'MAX', matchers: [{ name: 'agent', op: 'REGEX', value: '.*' }] });
    expect(res.data!.trends.series[0].points[0].max).toBe(300);
    const forbidden = await trends({ environment: 'other', metric: 'http.latency_ms' });
    expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
