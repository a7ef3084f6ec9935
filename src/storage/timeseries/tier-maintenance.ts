import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock, CLOCK } from '../../common/clock/clock';
import { AppConfig } from '../../common/config/app-config';
import { bucketStart } from '../../common/time/bucket-start';
import { RollupBucket } from '../rollups/rollup-bucket';
import { decodeBuckets, encodeBuckets, mergeBucketLists } from '../rollups/rollup-codec';
import { JobLock } from './job-lock';
import { decodeChunkList, PartSeries } from './part-codec';
import { rechunk } from './sample-columns';
import { Manifest, PartEntry } from './part-catalog';
import { partId, tierOfId } from './part-id';
import { minuteBucketsOf } from './raw-minutes';
import { PartStore } from './part-store';
import { periodStart, Retention, ROLLUP_TIERS, Tier, TIERS } from './tiers';

const HOUR = 3_600_000;
/** Parts an open period may gather before they are compacted into one. */
const OPEN_PARTS_MAX = 8;
const DAY = 24 * HOUR;

/**
 * Background work on stored parts, one job at a time with checkpoints:
 * - rollup: once a period of a tier is closed (plus the grace for late samples), its parts are
 *   compacted into one, and what was not yet rolled up is added to the next tier as a new part
 *   (raw into 1h, through its 1-minute buckets). Late samples after that land in a new part of
 *   the same period and are rolled up by the next pass, so every bucket ends up complete;
 * - retention: manifests (and their parts) past their tier's retention are deleted; a raw
 *   period's 1-minute buckets are stored as 1m parts first (one per raw part, rolled up as it
 *   was), since reads computed them from raw until then.
 */
@Injectable()
export class TierMaintenance implements OnModuleInit {
  private readonly logger = new Logger(TierMaintenance.name);
  readonly retention: Retention;

  constructor(
    private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly parts: PartStore,
    private readonly jobs: JobLock,
    private readonly scheduler: SchedulerRegistry,
  ) {
    this.retention = {
      raw: config.RETENTION_RAW_HOURS * HOUR,
      '1m': config.RETENTION_1M_DAYS * DAY,
      '1h': config.RETENTION_1H_DAYS * DAY,
      '1d': config.RETENTION_1D_DAYS * DAY,
    };
  }

  onModuleInit(): void {
    this.scheduler.addInterval(
      'time-series-rollup',
      setInterval(() => void this.rollUp().catch((error: Error) => this.logger.warn(`Rollup failed, will retry: ${error.message}`)), 60_000),
    );
  }

  /** Rolls up every closed period that has parts not yet rolled up, and compacts open periods with many parts; returns how many periods were rolled up. */
  rollUp(): Promise<number> {
    return this.jobs.run(async () => {
      const now = this.clock.now();
      let periods = 0;
      for (const tier of [TIERS.raw, ...ROLLUP_TIERS]) {
        const closedBefore = now - this.config.ROLLUP_GRACE_SECONDS * 1000 - tier.periodMs;
        for (const manifest of this.parts.catalog.all()) {
          if (manifest.tier !== tier.name || manifest.periodStart > closedBefore) continue;
          if (manifest.parts.every((p) => p.rolledUp) && manifest.parts.length === 1) continue;
          await this.rollUpPeriod(tier, manifest);
          periods++;
        }
      }
      await this.compactOpenPeriods(now);
      return periods;
    });
  }

  /**
   * A period still open gains a part at every checkpoint (120 an hour at 30 s), and a read of it
   * handles every part of every series. Past OPEN_PARTS_MAX, its parts not yet rolled up are
   * compacted into one (still not rolled up), so reads of the newest data stay cheap.
   */
  private async compactOpenPeriods(now: number): Promise<void> {
    for (const manifest of this.parts.catalog.all()) {
      const tier = TIERS[manifest.tier];
      const fresh = manifest.parts.filter((p) => !p.rolledUp);
      if (fresh.length < OPEN_PARTS_MAX || manifest.periodStart + tier.periodMs <= now - this.config.ROLLUP_GRACE_SECONDS * 1000) continue;
      await this.compact(tier, manifest, fresh, false);
    }
  }

  /** Deletes what has outlived its tier's retention; returns the manifests deleted per tier. */
  applyRetention(): Promise<Record<string, number>> {
    return this.jobs.run(async () => {
      const now = this.clock.now();
      const deleted: Record<string, number> = { raw: 0, '1m': 0, '1h': 0, '1d': 0 };
      for (const manifest of this.parts.catalog.all()) {
        const tier = TIERS[manifest.tier];
        if (manifest.periodStart + tier.periodMs > now - this.retention[tier.name]) continue;
        if (tier.name === 'raw' && manifest.periodStart + tier.periodMs > now - this.retention['1m']) await this.storeMinutes(manifest);
        await this.parts.deleteManifest(manifest);
        deleted[tier.name]++;
      }
      return deleted;
    });
  }

  /** Lists in the 1m tier the minute buckets of every raw part of `manifest`, as reads computed them. */
  private async storeMinutes(raw: Manifest): Promise<void> {
    const tier = TIERS['1m'];
    const entries: PartEntry[] = [];
    for (const part of raw.parts) {
      const series = (await this.parts.read(part)).map((s) => ({ seriesId: s.seriesId, buckets: minuteBucketsOf(s.payload) }));
      const id = partId(tier.name, raw.environment, raw.metric, raw.periodStart, { rollupOf: [part.id] });
      const common = { id, environment: raw.environment, metric: raw.metric, generation: -1, tier, periodStart: raw.periodStart };
      const written = await this.parts.writeDetached({ ...common, ...span(series), series: series.map(toPartSeries) });
      entries.push({ ...written, rolledUp: part.rolledUp });
    }
    await this.parts.saveManifests([this.parts.catalog.withParts(tier, raw.environment, raw.metric, raw.periodStart, entries)]);
  }

  private async rollUpPeriod(tier: Tier, manifest: Manifest): Promise<void> {
    const fresh = manifest.parts.filter((p) => !p.rolledUp);
    const base = { environment: manifest.environment, metric: manifest.metric };

    const rolled = { ...manifest, parts: manifest.parts.map((p) => ({ ...p, rolledUp: true })) };
    if (tier.next !== undefined && fresh.length > 0) {
      const next = TIERS[tier.next];
      const delta = await this.readSeries(fresh);
      const series = [...delta.entries()].map(([seriesId, buckets]) => ({ seriesId, buckets: rebucket(buckets, next.bucketMs) }));
      const period = periodStart(manifest.periodStart, next);
      const id = partId(next.name, base.environment, base.metric, period, { rollupOf: fresh.map((p) => p.id) });
      const entry = await this.parts.writeDetached({
        ...base,
        ...span(series),
        id,
        generation: -1,
        tier: next,
        periodStart: period,
        series: series.map(toPartSeries),
      });
      // Both manifests at once: a read in between would find the buckets in both tiers and count them twice.
      await this.parts.saveManifests([this.parts.catalog.withParts(next, base.environment, base.metric, period, [entry]), rolled]);
    } else if (fresh.length > 0) {
      await this.parts.saveManifests([rolled]);
    }
    if (rolled.parts.length > 1) await this.compact(tier, rolled, rolled.parts, true);
  }

  /** Replaces `parts` of the manifest by one part holding all their series, marked `rolledUp`. */
  private async compact(tier: Tier, manifest: Manifest, parts: PartEntry[], rolledUp: boolean): Promise<void> {
    const id = partId(tier.name, manifest.environment, manifest.metric, manifest.periodStart, { compactionOf: parts.map((p) => p.id) });
    const common = { id, environment: manifest.environment, metric: manifest.metric, generation: -1, tier, periodStart: manifest.periodStart };
    let written: PartEntry;
    if (tier.name === 'raw') {
      const chunks = await this.readChunks(parts);
      const series: PartSeries[] = [];
      for (const [seriesId, list] of chunks) {
        series.push({ seriesId, payload: rechunk(list) });
        // Re-encoding a big period takes a while: let requests in between.
        if (series.length % 1000 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      const samples = parts.reduce((n, p) => n + p.samples, 0);
      written = await this.parts.writeDetached({
        ...common,
        from: Math.min(...parts.map((p) => p.from)),
        to: Math.max(...parts.map((p) => p.to)),
        samples,
        series,
      });
    } else {
      const all = await this.readSeries(parts);
      const series = [...all.entries()].map(([seriesId, buckets]) => toPartSeries({ seriesId, buckets }));
      written = await this.parts.writeDetached({ ...common, ...span([...all.values()].map((buckets) => ({ buckets }))), series });
    }
    const kept = manifest.parts.filter((p) => !parts.includes(p));
    await this.parts.saveManifests([{ ...manifest, parts: [...kept, { ...written, rolledUp }] }]);
    await this.parts.deleteParts(parts);
  }

  /** The chunks of every series in raw `parts`, per series id, in the parts' order. */
  private async readChunks(parts: PartEntry[]): Promise<Map<number, Uint8Array[]>> {
    const out = new Map<number, Uint8Array[]>();
    for (const part of parts) {
      for (const s of await this.parts.read(part)) {
        const list = out.get(s.seriesId) ?? [];
        list.push(...decodeChunkList(s.payload));
        out.set(s.seriesId, list);
      }
    }
    return out;
  }

  /** The buckets of every series in `parts` (of raw parts: their minute buckets), merged per series id. */
  private async readSeries(parts: Manifest['parts']): Promise<Map<number, RollupBucket[]>> {
    const out = new Map<number, RollupBucket[]>();
    for (const part of parts) {
      const decode = tierOfId(part.id) === 'raw' ? minuteBucketsOf : decodeBuckets;
      for (const s of await this.parts.read(part)) {
        const buckets = decode(s.payload);
        const known = out.get(s.seriesId);
        out.set(s.seriesId, known === undefined ? buckets : mergeBucketLists(known, buckets));
      }
    }
    return out;
  }
}

/** Merges buckets into the wider buckets of `bucketMs` that hold them. */
function rebucket(buckets: RollupBucket[], bucketMs: number): RollupBucket[] {
  const out = new Map<number, RollupBucket>();
  for (const b of buckets) {
    const start = bucketStart(b.start, bucketMs);
    let target = out.get(start);
    if (target === undefined) out.set(start, (target = new RollupBucket(start)));
    target.absorb(b);
  }
  return [...out.values()].sort((a, b) => a.start - b.start);
}

function span(series: { buckets: RollupBucket[] }[]): { from: number; to: number; samples: number } {
  let from = Infinity;
  let to = -Infinity;
  let samples = 0;
  for (const { buckets } of series) {
    for (const b of buckets) samples += b.count;
    if (buckets.length === 0) continue;
    from = Math.min(from, buckets[0].start);
    to = Math.max(to, buckets[buckets.length - 1].start);
  }
  return { from, to, samples };
}

const toPartSeries = (s: { seriesId: number; buckets: RollupBucket[] }): PartSeries => ({ seriesId: s.seriesId, payload: encodeBuckets(s.buckets) });
