import { Injectable } from '@nestjs/common';
import { ChunkIterator } from '../chunks/gorilla-chunk';
import { bucketStart } from '../../common/time/bucket-start';
import { RollupBucket } from '../rollups/rollup-bucket';
import { decodeBuckets } from '../rollups/rollup-codec';
import { decodeChunkList, PartSeries } from './part-codec';
import { PartStore } from './part-store';
import { chooseTier, Tier } from './tiers';
import { TimeSeriesStore } from './time-series-store';

export interface SeriesQuery {
  environment: string;
  metric: string;
  /** [from, to) in epoch ms; rollup buckets count when their start is in it. */
  from: number;
  to: number;
  stepMs: number;
  agentIds?: string[];
}

export interface SeriesBuckets {
  agentId: string;
  /** Non-empty buckets of stepMs, by start. */
  buckets: RollupBucket[];
}

/**
 * Reads a metric at a step: from the coarsest tier that answers the step exactly, plus the
 * rollups not yet rolled into it, plus the heads not yet saved, so the newest samples show.
 */
@Injectable()
export class TimeSeriesReader {
  constructor(
    private readonly store: TimeSeriesStore,
    private readonly parts: PartStore,
  ) {}

  async read(query: SeriesQuery): Promise<{ tier: Tier; series: SeriesBuckets[] }> {
    const { environment, metric, from, to, stepMs } = query;
    const tier = chooseTier(stepMs);
    const agentIds = query.agentIds === undefined ? undefined : new Set(query.agentIds);
    const out = new StepBuckets(stepMs);

    // Heads first and parts second, in one synchronous step: a head saved in between is
    // either still in memory (and its parts skipped) or already listed in the catalog.
    const heads = this.store.unsavedHeads();
    const parts = this.parts.catalog.partsFor(tier, environment, metric, from, to, new Set(heads.map((h) => h.generation)));
    for (const head of heads) {
      for (const series of head.seriesOf(environment, metric, agentIds)) {
        series.forEachSample(from, to, (t, v) => out.at(series.agentId, t).add(v));
      }
    }

    const loaded = await Promise.all(parts.map((part) => this.parts.read(part, agentIds)));
    const addSeries = tier.name === 'raw' ? addSamples : addBuckets;
    for (const series of loaded.flat()) addSeries(out, series, from, to);
    return { tier, series: out.result() };
  }
}

function addSamples(out: StepBuckets, series: PartSeries, from: number, to: number): void {
  const it = new ChunkIterator();
  for (const chunk of decodeChunkList(series.payload)) {
    it.reset(chunk);
    if (!it.seek(from)) continue;
    do {
      if (it.t >= to) break;
      out.at(series.agentId, it.t).add(it.v);
    } while (it.next());
  }
}

function addBuckets(out: StepBuckets, series: PartSeries, from: number, to: number): void {
  for (const bucket of decodeBuckets(series.payload)) {
    if (bucket.start >= from && bucket.start < to) out.absorb(series.agentId, bucket);
  }
}

/** Output buckets per agent, at starts that are multiples of the step since the epoch. */
class StepBuckets {
  private readonly byAgent = new Map<string, Map<number, RollupBucket>>();

  constructor(private readonly stepMs: number) {}

  at(agentId: string, t: number): RollupBucket {
    const buckets = this.bucketsOf(agentId);
    const start = bucketStart(t, this.stepMs);
    let bucket = buckets.get(start);
    if (bucket === undefined) buckets.set(start, (bucket = new RollupBucket(start)));
    return bucket;
  }

  private bucketsOf(agentId: string): Map<number, RollupBucket> {
    let buckets = this.byAgent.get(agentId);
    if (buckets === undefined) this.byAgent.set(agentId, (buckets = new Map<number, RollupBucket>()));
    return buckets;
  }

  /** Adds a decoded rollup bucket; the first one at a step start is kept as it is, not copied. */
  absorb(agentId: string, bucket: RollupBucket): void {
    const buckets = this.bucketsOf(agentId);
    const start = bucketStart(bucket.start, this.stepMs);
    const target = buckets.get(start);
    if (target !== undefined) target.absorb(bucket);
    else if (start === bucket.start) buckets.set(start, bucket);
    else this.at(agentId, start).absorb(bucket);
  }

  result(): SeriesBuckets[] {
    return [...this.byAgent.entries()]
      .map(([agentId, buckets]) => ({ agentId, buckets: [...buckets.values()].sort((a, b) => a.start - b.start) }))
      .sort((a, b) => (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0));
  }
}
