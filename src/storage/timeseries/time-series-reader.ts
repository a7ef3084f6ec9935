import { Injectable } from '@nestjs/common';
import { bucketStart } from '../../common/time/bucket-start';
import { ChunkIterator } from '../chunks/gorilla-chunk';
import { RollupBucket } from '../rollups/rollup-bucket';
import { decodeBuckets } from '../rollups/rollup-codec';
import { decodeChunkList } from './part-codec';
import { PartStore } from './part-store';
import { SeriesEntry } from './series-catalog';
import { chooseTier, Tier, TIERS } from './tiers';
import { TimeSeriesStore } from './time-series-store';
import { sortedByTime } from './wal-record';

export interface SeriesRead {
  environment: string;
  metric: string;
  /** [from, to) in epoch ms; rollup buckets count when their start is in it. */
  from: number;
  to: number;
  /** The tier is the coarsest whose bucket divides the step. */
  stepMs: number;
  /** The selected series of this environment and metric. */
  series: readonly SeriesEntry[];
}

/** Raw samples of one series in [from, to), ordered by time. */
export interface SeriesSamplesRead {
  entry: SeriesEntry;
  times: number[];
  values: number[];
}

/** Rollup buckets of one series, one per bucket start, ordered by start. */
export interface SeriesBucketsRead {
  entry: SeriesEntry;
  buckets: RollupBucket[];
}

/**
 * Reads the selected series of a metric: from the coarsest tier that answers the step exactly,
 * plus the rollups not yet rolled into it, plus the heads not yet saved, so the newest samples show.
 */
@Injectable()
export class TimeSeriesReader {
  constructor(
    private readonly store: TimeSeriesStore,
    private readonly parts: PartStore,
  ) {}

  tierFor(stepMs: number): Tier {
    return chooseTier(stepMs);
  }

  /** Raw samples, whatever the step. */
  async samples(read: SeriesRead): Promise<SeriesSamplesRead[]> {
    const out = new Map<number, SeriesSamplesRead>(read.series.map((entry) => [entry.id, { entry, times: [], values: [] }]));
    const add = (id: number, t: number, v: number) => {
      const s = out.get(id)!;
      s.times.push(t);
      s.values.push(v);
    };
    const { heads, parts } = this.sources(TIERS.raw, read);
    for (const head of heads) for (const s of head) s.forEachSample(read.from, read.to, (t, v) => add(s.entry.id, t, v));
    const it = new ChunkIterator();
    for (const part of await this.loadParts(parts, read.series)) {
      for (const chunk of decodeChunkList(part.payload)) {
        it.reset(chunk);
        if (!it.seek(read.from)) continue;
        do {
          if (it.t >= read.to) break;
          add(part.seriesId, it.t, it.v);
        } while (it.next());
      }
    }
    return [...out.values()].map((s) => {
      const sorted = sortedByTime(s.times, s.values);
      return { entry: s.entry, times: sorted.timestamps as number[], values: sorted.values as number[] };
    });
  }

  /** Rollup buckets of the tier that answers `stepMs` (not raw: use `samples`). */
  async buckets(read: SeriesRead): Promise<{ tier: Tier; series: SeriesBucketsRead[] }> {
    const tier = chooseTier(read.stepMs);
    const out = new Map<number, Map<number, RollupBucket>>(read.series.map((entry) => [entry.id, new Map()]));
    const absorb = (id: number, bucket: RollupBucket) => {
      const buckets = out.get(id)!;
      const known = buckets.get(bucket.start);
      if (known === undefined) buckets.set(bucket.start, bucket);
      else known.absorb(bucket);
    };
    const { heads, parts } = this.sources(tier, read);
    for (const head of heads) {
      for (const s of head) {
        const buckets = out.get(s.entry.id)!;
        s.forEachSample(read.from, read.to, (t, v) => {
          const start = bucketStart(t, tier.bucketMs);
          let bucket = buckets.get(start);
          if (bucket === undefined) buckets.set(start, (bucket = new RollupBucket(start)));
          bucket.add(v);
        });
      }
    }
    for (const part of await this.loadParts(parts, read.series)) {
      for (const bucket of decodeBuckets(part.payload)) if (bucket.start >= read.from && bucket.start < read.to) absorb(part.seriesId, bucket);
    }
    const series = read.series.map((entry) => ({ entry, buckets: [...out.get(entry.id)!.values()].sort((a, b) => a.start - b.start) }));
    return { tier, series };
  }

  /**
   * The heads' series and the stored parts to read, taken in one synchronous step: a head saved
   * in between is either still in memory (and its parts skipped) or already listed in the catalog.
   */
  private sources(tier: Tier, read: SeriesRead) {
    const ids = new Set(read.series.map((s) => s.id));
    const unsaved = this.store.unsavedHeads();
    const heads = unsaved.map((head) => head.seriesOf(read.environment, read.metric, ids));
    const parts = this.parts.catalog.partsFor(tier, read.environment, read.metric, read.from, read.to, new Set(unsaved.map((h) => h.generation)));
    return { heads, parts };
  }

  private async loadParts(parts: ReturnType<PartStore['catalog']['partsFor']>, series: readonly SeriesEntry[]) {
    return (await Promise.all(parts.map((part) => this.parts.read(part, series)))).flat();
  }
}
