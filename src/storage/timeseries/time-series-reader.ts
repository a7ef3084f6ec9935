import { Injectable } from '@nestjs/common';
import { BucketColumns, bucketColumnsBytes, sliceBucketColumns } from '../rollups/bucket-columns';
import { bucketColumnsOfSamples, decodeBucketColumns } from '../rollups/rollup-codec';
import { PartEntry } from './part-catalog';
import { tierOfId } from './part-id';
import { minuteColumnsOf } from './raw-minutes';
import { PartDecoder, PartStore, visitSelected } from './part-store';
import { decodeSampleColumns, mergeSampleColumns, SampleColumns, sampleColumnsBytes, sliceSampleColumns, sortedColumns } from './sample-columns';
import { SeriesEntry } from './series-catalog';
import { SeriesHead } from './series-head';
import { chooseTier, Tier, TIERS } from './tiers';
import { TimeSeriesStore } from './time-series-store';

export interface SeriesRead {
  environment: string;
  metric: string;
  /** [from, to) in epoch ms: samples, and rollup buckets by their start, in it. */
  from: number;
  to: number;
  /** The tier is the coarsest whose bucket divides the step. */
  stepMs: number;
  /** The selected series of this environment and metric. */
  series: readonly SeriesEntry[];
}

/** Raw samples of one series in [from, to), ordered by time. */
export interface SeriesSamplesRead extends SampleColumns {
  entry: SeriesEntry;
}

/** Rollup buckets of one series in [from, to), as fragments (stored parts, the unsaved head) that queries merge. */
export interface SeriesBucketsRead {
  entry: SeriesEntry;
  fragments: BucketColumns[];
}

const RAW: PartDecoder<SampleColumns> = { name: 'samples', decode: decodeSampleColumns, bytes: sampleColumnsBytes };
const ROLLUP: PartDecoder<BucketColumns> = { name: 'buckets', decode: decodeBucketColumns, bytes: bucketColumnsBytes };
/** Raw parts read as the 1m tier (PartCatalog.partsFor): their minute buckets, computed once per page and cached. */
const RAW_MINUTES: PartDecoder<BucketColumns> = { name: 'minutes', decode: minuteColumnsOf, bytes: bucketColumnsBytes };
const bucketDecoderOf = (part: PartEntry) => (tierOfId(part.id) === 'raw' ? RAW_MINUTES : ROLLUP);

/**
 * Reads the selected series of a metric as columns: from the coarsest tier that answers the step
 * exactly, plus the rollups not yet rolled into it (raw parts count as the 1m tier where no 1m part
 * is stored yet), plus the heads not yet saved, so the newest samples show. Stored pages are decoded once and cached (PartStore.readDecoded).
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
    const { heads, parts } = this.sources(TIERS.raw, read);
    const fragments = new Map<number, SampleColumns[]>(read.series.map((entry) => [entry.id, []]));
    for (const s of heads) fragments.get(s.entry.id)!.push(headSamples(s, read));
    await this.load(
      parts,
      read.series,
      () => RAW,
      (seriesId, value) => fragments.get(seriesId)!.push(sliceSampleColumns(value, read.from, read.to)),
    );
    return read.series.map((entry) => ({ entry, ...mergeSampleColumns(fragments.get(entry.id)!) }));
  }

  /** Rollup buckets of the tier that answers `stepMs` (not raw: use `samples`). */
  async buckets(read: SeriesRead): Promise<{ tier: Tier; series: SeriesBucketsRead[] }> {
    const tier = chooseTier(read.stepMs);
    const { heads, parts } = this.sources(tier, read);
    const fragments = new Map<number, BucketColumns[]>(read.series.map((entry) => [entry.id, []]));
    for (const s of heads) {
      const samples = headSamples(s, read);
      if (samples.times.length > 0) fragments.get(s.entry.id)!.push(bucketColumnsOfSamples(samples.times, samples.values, tier.bucketMs));
    }
    await this.load(parts, read.series, bucketDecoderOf, (seriesId, value) => fragments.get(seriesId)!.push(sliceBucketColumns(value, read.from, read.to)));
    return { tier, series: read.series.map((entry) => ({ entry, fragments: fragments.get(entry.id)! })) };
  }

  /**
   * The heads' series and the stored parts to read, taken in one synchronous step: a head saved
   * in between is either still in memory (and its parts skipped) or already listed in the catalog.
   */
  private sources(tier: Tier, read: SeriesRead): { heads: SeriesHead[]; parts: PartEntry[] } {
    const ids = new Set(read.series.map((s) => s.id));
    const unsaved = this.store.unsavedHeads();
    const heads = unsaved.flatMap((head) => head.seriesOf(read.environment, read.metric, ids));
    const parts = this.parts.catalog.partsFor(tier, read.environment, read.metric, read.from, read.to, new Set(unsaved.map((h) => h.generation)));
    return { heads, parts };
  }

  private async load<T>(
    parts: PartEntry[],
    series: readonly SeriesEntry[],
    decoderOf: (part: PartEntry) => PartDecoder<T>,
    visit: (seriesId: number, value: T) => void,
  ): Promise<void> {
    const selection = { entries: series, ids: new Set(series.map((s) => s.id)) };
    // In the parts' order, whatever order their pages arrive in: merges then add up the same way every time.
    for (const pages of await Promise.all(parts.map((part) => this.parts.readDecoded(part, selection, decoderOf(part)))))
      visitSelected(pages, selection, visit);
  }
}

/** A head series' samples in [from, to), ordered by time (its chunks are not merged by time). */
function headSamples(s: SeriesHead, read: SeriesRead): SampleColumns {
  const times: number[] = [];
  const values: number[] = [];
  s.forEachSample(read.from, read.to, (t, v) => {
    times.push(t);
    values.push(v);
  });
  return sortedColumns(times, values);
}
