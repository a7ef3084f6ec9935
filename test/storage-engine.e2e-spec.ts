import { TimeSeriesRepository } from '../src/storage/repositories/time-series.repository';
import { pageIds } from '../src/storage/timeseries/part-id';
import { PartStore } from '../src/storage/timeseries/part-store';
import { TierMaintenance } from '../src/storage/timeseries/tier-maintenance';
import { TimeSeriesStore } from '../src/storage/timeseries/time-series-store';
import { RetentionService } from '../src/storage/retention.service';
import { INGEST, TestApp, waitFor } from './support/test-app';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const OPEN = 'lab-open';

const TRENDS_WITH_QUANTILES = `query($environment: String!, $metric: String!, $from: DateTime!, $to: DateTime!, $stepSeconds: Int) {
  trends(environment: $environment, metric: $metric, from: $from, to: $to, stepSeconds: $stepSeconds) {
    resolution series { agentId points { timestamp count sum min max p50 p95 p99 } }
  }
}`;

interface Point {
  timestamp: string;
  count: number;
  sum: number;
  min: number;
  max: number;
  p50: number;
  p95: number;
  p99: number;
}

/**
 * The tiers over their whole life, with the clock moved by hand: samples answer from the
 * head, then from 1-minute parts, then from rolled-up hours and days, each counted once
 * whatever has been compacted; late samples join their bucket; retention empties each
 * tier at its own age.
 */
describe('storage engine tiers (HTTP, real database, manual clock)', () => {
  let t: TestApp;
  let agent: string;
  let viewer: string;
  let hour0: number;
  let day0: number;

  beforeAll(async () => {
    t = await TestApp.start({ ROLLUP_GRACE_SECONDS: '60' });
    agent = t.token({ roles: ['agent'], environments: ['lab', OPEN] });
    viewer = t.token({ roles: ['viewer'], environments: ['lab', OPEN] });
    // Noon of today: whatever time the suite runs at, the hour 3 hours back is closed and its day is not.
    t.clock.set(Math.floor(t.clock.now() / DAY) * DAY + 12 * HOUR);
    // An hour that has begun 3 hours ago, and its day.
    hour0 = Math.floor(t.clock.now() / HOUR) * HOUR - 3 * HOUR;
    day0 = Math.floor(hour0 / DAY) * DAY;
  });
  afterAll(() => t.stop());

  const checkpoint = () => t.get(TimeSeriesStore).checkpoint();
  const rollUp = () => t.get(TierMaintenance).rollUp();

  async function ingest(timestamps: number[], values: number[], environment = 'lab'): Promise<void> {
    const res = await t.graphql(INGEST, { batch: { environment, series: [{ agentId: 'a1', metric: 'load', timestamps, values }] } }, agent);
    expect(res.errors).toBeUndefined();
  }

  async function points(from: number, to: number, stepSeconds: number, environment = 'lab'): Promise<{ resolution: string; points: Point[] }> {
    const res = await t.graphql<{ trends: { resolution: string; series: { points: Point[] }[] } }>(
      TRENDS_WITH_QUANTILES,
      { environment, metric: 'load', from: new Date(from).toISOString(), to: new Date(to).toISOString(), stepSeconds },
      viewer,
    );
    expect(res.errors).toBeUndefined();
    return { resolution: res.data!.trends.resolution, points: res.data!.trends.series[0]?.points ?? [] };
  }

  const total = (n: number) => (n * (n - 1)) / 2;

  it('answers from the head, then from 1-minute parts, then from rolled-up hours, counting each sample once', async () => {
    // 360 samples over hour0, one every 10 s: values 0..359.
    await ingest(
      Array.from({ length: 360 }, (_, i) => hour0 + i * 10_000),
      Array.from({ length: 360 }, (_, i) => i),
    );
    const fromHead = await points(hour0, hour0 + HOUR, 3600);
    expect(fromHead.resolution).toBe('1h');
    expect(fromHead.points).toEqual([expect.objectContaining({ timestamp: new Date(hour0).toISOString(), count: 360, sum: total(360), min: 0, max: 359 })]);

    await checkpoint();
    const fromMinutes = await points(hour0, hour0 + HOUR, 3600);
    expect(fromMinutes.points).toEqual(fromHead.points);

    expect(await rollUp()).toBeGreaterThan(0);
    const fromHours = await points(hour0, hour0 + HOUR, 3600);
    expect(fromHours.points).toEqual(fromHead.points);
    // Quantiles of 0..359 within the sketch's 1%: ranks as floor(q * (n - 1)).
    const [p] = fromHours.points;
    expect(Math.abs(p.p50 - 179) / 179).toBeLessThanOrEqual(0.01);
    expect(Math.abs(p.p95 - 341) / 341).toBeLessThanOrEqual(0.01);
    expect(Math.abs(p.p99 - 355) / 355).toBeLessThanOrEqual(0.01);

    // The 1-minute tier, compacted, still has 60 buckets of 6 samples.
    const minutes = await points(hour0, hour0 + HOUR, 60);
    expect(minutes.resolution).toBe('1m');
    expect(minutes.points).toHaveLength(60);
    expect(minutes.points.every((m) => m.count === 6)).toBe(true);
    // A second pass has nothing to do.
    expect(await rollUp()).toBe(0);
  });

  it('compacts an open period that gathered many parts, every answer unchanged', async () => {
    // Its own environment, so the other tests' periods stay as they are.
    // The current hour, written by 12 checkpoints: 12 raw parts (its 1-minute buckets are computed from them).
    const open = Math.floor(t.clock.now() / HOUR) * HOUR;
    const minutes = Math.max(1, Math.floor((t.clock.now() - open) / MIN));
    for (let c = 0; c < 12; c++) {
      await ingest([open + (c % minutes) * MIN + c * 1000], [c * 1.5], OPEN);
      await checkpoint();
    }
    const manifests = () =>
      t
        .get(PartStore)
        .catalog.all()
        .filter((m) => m.environment === OPEN && m.periodStart === open);
    expect(manifests().map((m) => [m.tier, m.parts.length])).toEqual([['raw', 12]]);
    const raw = await points(open, open + HOUR, 1, OPEN);
    const minute = await points(open, open + HOUR, 60, OPEN);
    await rollUp();
    expect(
      manifests()
        .map((m) => [m.tier, m.parts.length, m.parts[0].rolledUp])
        .sort(),
    ).toEqual([['raw', 1, false]]);
    expect(await points(open, open + HOUR, 1, OPEN)).toEqual(raw);
    expect(await points(open, open + HOUR, 60, OPEN)).toEqual(minute);
    expect(raw.points.reduce((n, p) => n + p.count, 0)).toBe(12);
  });

  it('puts late samples into their bucket, before and after they are rolled up', async () => {
    await ingest([hour0 + 5, hour0 + 30 * MIN + 5], [1000, 2000]);
    const expected = expect.objectContaining({ count: 362, sum: total(360) + 3000, max: 2000 }) as jest.AsymmetricMatcher;
    expect((await points(hour0, hour0 + HOUR, 3600)).points).toEqual([expected]);
    await checkpoint();
    expect((await points(hour0, hour0 + HOUR, 3600)).points).toEqual([expected]);
    expect(await rollUp()).toBeGreaterThan(0);
    expect((await points(hour0, hour0 + HOUR, 3600)).points).toEqual([expected]);
    const minutes = await points(hour0, hour0 + HOUR, 60);
    expect(minutes.points[0]).toEqual(expect.objectContaining({ count: 7, max: 1000 }));
  });

  it('rolls closed days into the 1-day tier', async () => {
    const expected = [expect.objectContaining({ timestamp: new Date(day0).toISOString(), count: 362 })];
    expect(await points(day0, day0 + DAY, 86_400)).toEqual({ resolution: '1d', points: expected });
    t.clock.advance(2 * DAY);
    expect(await rollUp()).toBeGreaterThan(0);
    expect(await points(day0, day0 + DAY, 86_400)).toEqual({ resolution: '1d', points: expected });
  });

  it('empties each tier at its own retention', async () => {
    const sweep = () => t.get(RetentionService).sweep();
    // Two days on: raw samples (24 h) are gone, minutes (7 days) are not. Until then the minutes
    // were computed from raw on read; the sweep stores them as 1m parts: the same answer.
    const computed = await points(hour0, hour0 + HOUR, 60);
    const manifests = () =>
      t
        .get(PartStore)
        .catalog.all()
        .filter((m) => m.periodStart === hour0 && m.environment === 'lab');
    expect(manifests().map((m) => m.tier)).toEqual(['raw']);
    expect((await sweep()).raw).toBeGreaterThan(0);
    expect(manifests().map((m) => m.tier)).toEqual(['1m']);
    expect((await points(hour0, hour0 + HOUR, 10)).points).toEqual([]);
    expect((await points(hour0, hour0 + HOUR, 60)).points).toHaveLength(60);
    expect(await points(hour0, hour0 + HOUR, 60)).toEqual(computed);
    expect(computed.points.reduce((n, p) => n + p.count, 0)).toBe(362);

    t.clock.advance(7 * DAY);
    expect((await sweep())['1m']).toBeGreaterThan(0);
    expect((await points(hour0, hour0 + HOUR, 60)).points).toEqual([]);
    expect((await points(hour0, hour0 + HOUR, 3600)).points).toEqual([expect.objectContaining({ count: 362 })]);

    t.clock.advance(30 * DAY);
    expect((await sweep())['1h']).toBeGreaterThan(0);
    expect((await points(hour0, hour0 + HOUR, 3600)).points).toEqual([]);
    expect((await points(day0, day0 + DAY, 86_400)).points).toEqual([expect.objectContaining({ count: 362 })]);

    t.clock.advance(365 * DAY);
    expect((await sweep())['1d']).toBeGreaterThan(0);
    expect((await points(day0, day0 + DAY, 86_400)).points).toEqual([]);
  });

  it('checkpoints 120 metrics twice (the embedded server never finishes one bulk of 100 replaces of existing documents)', async () => {
    const at = t.clock.now() - MIN;
    const sendAt = async (time: number) => {
      const series = Array.from({ length: 120 }, (_, m) => ({ agentId: 'a1', metric: `wide.m${m}`, timestamps: [time], values: [m] }));
      const res = await t.graphql(INGEST, { batch: { environment: OPEN, series } }, agent);
      expect(res.errors).toBeUndefined();
      // The second checkpoint replaces the 120 manifests (one per metric) that the first one stored.
      await checkpoint();
    };
    await sendAt(at);
    await sendAt(at + 1000);
    const res = await t.graphql<{ trends: { series: { points: Point[] }[] } }>(
      TRENDS_WITH_QUANTILES,
      { environment: OPEN, metric: 'wide.m119', from: new Date(at - MIN).toISOString(), to: new Date(at + MIN).toISOString(), stepSeconds: 120 },
      viewer,
    );
    expect(res.data?.trends.series[0].points).toEqual([expect.objectContaining({ count: 2, sum: 238 })]);
  }, 30_000);
});

/**
 * A bulk load of the current hour: a checkpoint seals and compresses the chunks that span four
 * checkpoint intervals or more (the hour is compacted only when it closes); every answer is the
 * same before and after.
 */
describe('bulk load of the current hour (HTTP, real database, manual clock)', () => {
  let t: TestApp;

  beforeAll(async () => (t = await TestApp.start()));
  afterAll(() => t.stop());

  const trends = async (from: number, stepSeconds: number) => {
    const res = await t.graphql(
      TRENDS_WITH_QUANTILES,
      { environment: 'lab', metric: 'load', from: new Date(from).toISOString(), to: new Date(from + HOUR).toISOString(), stepSeconds },
      t.token({ roles: ['viewer'], environments: ['lab'] }),
    );
    expect(res.errors).toBeUndefined();
    return res.data;
  };
  const storedPages = async (hour: number) => {
    const [manifest] = t
      .get(PartStore)
      .catalog.all()
      .filter((m) => m.tier === 'raw' && m.periodStart === hour);
    return Promise.all(manifest.parts.flatMap(pageIds).map(async (id) => (await t.get(TimeSeriesRepository).findPart(id))!));
  };

  it('seals and compresses a chunk that spans four checkpoint intervals, answers unchanged', async () => {
    const hour = Math.floor(t.clock.now() / HOUR) * HOUR;
    t.clock.set(hour + 40 * MIN);
    const series = (agentId: string, from: number, n: number) => ({
      agentId,
      metric: 'load',
      timestamps: Array.from({ length: n }, (_, i) => from + i * 10_000 + (i % 5)),
      // One decimal, in halves: sums are exact whatever order a bucket adds them in.
      values: Array.from({ length: n }, (_, i) => Math.round(Math.sin(i / 9) * 80) / 2),
    });
    const res = await t.graphql(
      INGEST,
      { batch: { environment: 'lab', series: [series('bulk', hour, 240), series('steady', hour + 39 * MIN, 3)] } },
      t.token({ roles: ['agent'], environments: ['lab'] }),
    );
    expect(res.errors).toBeUndefined();
    const before = await Promise.all([trends(hour, 1), trends(hour, 60), trends(hour, 3600)]);

    await t.get(TimeSeriesStore).checkpoint();
    const pages = await storedPages(hour);
    expect(pages.length).toBeGreaterThan(0);
    expect(pages.every((page) => page.readUInt32LE(0) === 0xffffffff)).toBe(true); // blob-compression's mark
    expect(await Promise.all([trends(hour, 1), trends(hour, 60), trends(hour, 3600)])).toEqual(before);
  });
});

/** A bulk load checkpoints by the size of its log, not only every CHECKPOINT_INTERVAL_SECONDS: it bounds the log a restart replays. */
describe('checkpoint by log size (HTTP, real database, manual clock)', () => {
  let t: TestApp;
  let agent: string;

  beforeAll(async () => (t = await TestApp.start({ CHECKPOINT_LOG_MB: '1', CHECKPOINT_INTERVAL_SECONDS: '3600' })));
  afterAll(() => t.stop());

  /** 10 series of `n` random floats each at 10 ms, from `start` (XOR mode: 7-8 bytes a sample in the log). */
  async function ingestRandom(start: number, n: number): Promise<void> {
    const series = Array.from({ length: 10 }, (_, s) => ({
      agentId: 'bulk',
      metric: `m${s}`,
      timestamps: Array.from({ length: n }, (_, i) => start + i * 10),
      values: Array.from({ length: n }, () => Math.random() * 1e6),
    }));
    const res = await t.graphql(INGEST, { batch: { environment: 'lab', series } }, agent);
    expect(res.errors).toBeUndefined();
  }

  it('starts a checkpoint once the log passes CHECKPOINT_LOG_MB, without waiting for the interval', async () => {
    agent = t.token({ roles: ['agent'], environments: ['lab'] });
    const store = t.get(TimeSeriesStore);
    const rawParts = () =>
      t
        .get(PartStore)
        .catalog.all()
        .filter((m) => m.tier === 'raw').length;

    const start = t.clock.now() - 10 * MIN;
    await ingestRandom(start, 4_000); // ~0.3 MiB
    expect(store.unsavedHeads().map((h) => h.samples)).toEqual([40_000]);
    expect(rawParts()).toBe(0);

    await ingestRandom(start + 40_000, 16_000); // ~1.2 MiB more
    await waitFor(() => store.unsavedHeads().every((h) => h.samples === 0), 'the checkpoint started by the log size');
    expect(rawParts()).toBeGreaterThan(0);
  });
});
