import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock, CLOCK } from '../../common/clock/clock';
import { AppConfig } from '../../common/config/app-config';
import { bucketStart } from '../../common/time/bucket-start';
import { RollupBucket } from '../rollups/rollup-bucket';
import { decodeBuckets, encodeBuckets, mergeBucketLists } from '../rollups/rollup-codec';
import { JobLock } from './job-lock';
import { PartSeries } from './part-codec';
import { Manifest } from './part-catalog';
import { partId } from './part-id';
import { PartStore } from './part-store';
import { periodStart, Retention, ROLLUP_TIERS, Tier, TIERS } from './tiers';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Background work on stored parts, one job at a time with checkpoints:
 * - rollup: once a period of a rollup tier is closed (plus the grace for late samples), its
 *   parts are compacted into one, and what was not yet rolled up is added to the next tier
 *   as a new part. Late samples after that land in a new part of the same period and are
 *   rolled up by the next pass, so every bucket ends up complete;
 * - retention: manifests (and their parts) past their tier's retention are deleted.
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

  /** Rolls up every closed period that has parts not yet rolled up; returns how many periods. */
  rollUp(): Promise<number> {
    return this.jobs.run(async () => {
      const now = this.clock.now();
      let periods = 0;
      for (const tier of ROLLUP_TIERS) {
        const closedBefore = now - this.config.ROLLUP_GRACE_SECONDS * 1000 - tier.periodMs;
        for (const manifest of this.parts.catalog.all()) {
          if (manifest.tier !== tier.name || manifest.periodStart > closedBefore) continue;
          if (manifest.parts.every((p) => p.rolledUp) && manifest.parts.length === 1) continue;
          await this.rollUpPeriod(tier, manifest);
          periods++;
        }
      }
      return periods;
    });
  }

  /** Deletes what has outlived its tier's retention; returns the manifests deleted per tier. */
  applyRetention(): Promise<Record<string, number>> {
    return this.jobs.run(async () => {
      const now = this.clock.now();
      const deleted: Record<string, number> = { raw: 0, '1m': 0, '1h': 0, '1d': 0 };
      for (const manifest of this.parts.catalog.all()) {
        const tier = TIERS[manifest.tier];
        if (manifest.periodStart + tier.periodMs > now - this.retention[tier.name]) continue;
        await this.parts.deleteManifest(manifest);
        deleted[tier.name]++;
      }
      return deleted;
    });
  }

  private async rollUpPeriod(tier: Tier, manifest: Manifest): Promise<void> {
    const fresh = manifest.parts.filter((p) => !p.rolledUp);
    const base = { environment: manifest.environment, metric: manifest.metric };

    if (tier.next !== undefined && fresh.length > 0) {
      const next = TIERS[tier.next];
      const delta = await this.readSeries(fresh);
      const series = [...delta.entries()].map(([agentId, { labels, buckets }]) => ({ agentId, labels, buckets: rebucket(buckets, next.bucketMs) }));
      const period = periodStart(manifest.periodStart, next);
      const id = partId(next.name, base.environment, base.metric, period, { rollupOf: fresh.map((p) => p.id) });
      await this.parts.write([{ ...base, ...span(series), id, generation: -1, tier: next, periodStart: period, series: series.map(toPartSeries) }]);
    }

    if (manifest.parts.length === 1) {
      await this.parts.saveManifests([{ ...manifest, parts: [{ ...manifest.parts[0], rolledUp: true }] }]);
      return;
    }
    const all = await this.readSeries(manifest.parts);
    const compacted = {
      ...base,
      ...span([...all.values()]),
      id: partId(tier.name, base.environment, base.metric, manifest.periodStart, { compactionOf: manifest.parts.map((p) => p.id) }),
    };
    const series = [...all.entries()].map(([agentId, { labels, buckets }]) => toPartSeries({ agentId, labels, buckets }));
    const written = await this.parts.writeDetached({ ...compacted, generation: -1, tier, periodStart: manifest.periodStart, series });
    await this.parts.saveManifests([{ ...manifest, parts: [{ ...written, rolledUp: true }] }]);
    await this.parts.deleteParts(manifest.parts);
  }

  /** The buckets of every series in `parts`, merged per agent. */
  private async readSeries(parts: Manifest['parts']): Promise<Map<string, { labels: PartSeries['labels']; buckets: RollupBucket[] }>> {
    const out = new Map<string, { labels: PartSeries['labels']; buckets: RollupBucket[] }>();
    for (const part of parts) {
      for (const s of await this.parts.read(part)) {
        const buckets = decodeBuckets(s.payload);
        const known = out.get(s.agentId);
        out.set(s.agentId, { labels: s.labels, buckets: known === undefined ? buckets : mergeBucketLists(known.buckets, buckets) });
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

const toPartSeries = (s: { agentId: string; labels: PartSeries['labels']; buckets: RollupBucket[] }): PartSeries => ({
  agentId: s.agentId,
  labels: s.labels,
  payload: encodeBuckets(s.buckets),
});
