import { ChunkAppender, ChunkIterator } from '../chunks/gorilla-chunk';
import type { LedgerEntry, SeriesSamples } from './ingest-records';
import { SeriesCatalog, SeriesEntry } from './series-catalog';
import { periodStart, TIERS } from './tiers';

const RAW = TIERS.raw;
/** Larger than Prometheus' 120: a chunk is cut at every checkpoint anyway, and longer ones spread the first sample's cost. */
export const CHUNK_MAX_SAMPLES = 480;
export const CHUNK_MAX_BYTES = 2048;

/**
 * The not-yet-checkpointed samples of one series: Gorilla chunks, each within one raw
 * period. A sample older than the open chunk's last one (out of order) or in another
 * period starts a new chunk, so chunks stay sorted and reads merge them.
 */
export class SeriesHead {
  readonly chunks: ChunkAppender[] = [];
  private openPeriodEnd = -Infinity;
  private openPeriodStart = Infinity;

  constructor(readonly entry: SeriesEntry) {}

  /** Appends the samples; returns the growth in encoded bytes. */
  append(timestamps: ArrayLike<number>, values: ArrayLike<number>): number {
    let open = this.chunks[this.chunks.length - 1];
    const before = open === undefined ? 0 : open.byteLength;
    let grown = 0;
    for (let i = 0; i < timestamps.length; i++) {
      const t = timestamps[i];
      if (open === undefined || t >= this.openPeriodEnd || t < this.openPeriodStart || !open.append(t, values[i])) {
        if (open !== undefined) grown += open.byteLength;
        open = new ChunkAppender({ maxSamples: CHUNK_MAX_SAMPLES, maxBytes: CHUNK_MAX_BYTES });
        this.chunks.push(open);
        this.openPeriodStart = periodStart(t, RAW);
        this.openPeriodEnd = this.openPeriodStart + RAW.periodMs;
        open.append(t, values[i]);
      }
    }
    return grown + (open === undefined ? 0 : open.byteLength) - before;
  }

  /** Calls `visit` for every sample in [from, to), chunk by chunk (not merged by time). */
  forEachSample(from: number, to: number, visit: (t: number, v: number) => void): void {
    const it = new ChunkIterator();
    for (const chunk of this.chunks) {
      if (chunk.maxTime < from || chunk.minTime >= to) continue;
      it.reset(chunk.bytes());
      if (!it.seek(from)) continue;
      do {
        if (it.t >= to) break;
        visit(it.t, it.v);
      } while (it.next());
    }
  }
}

/**
 * Everything appended since one checkpoint: the series heads of one WAL generation.
 * Queries read it until the checkpoint that seals it has saved its parts.
 */
export class Head {
  /** By catalog id. */
  readonly series = new Map<number, SeriesHead>();
  /** Per environment and metric, for reads that name a metric. */
  private readonly byMetric = new Map<string, SeriesHead[]>();
  /** The batchIds applied in this generation, for the ledger its checkpoint saves. */
  readonly batches: LedgerEntry[] = [];
  bytes = 0;
  samples = 0;

  constructor(
    readonly generation: number,
    private readonly catalog: SeriesCatalog,
  ) {}

  append(environment: string, series: SeriesSamples): void {
    const id = series.seriesId ?? this.catalog.resolve(environment, series.metric, series.agentId, series.labels).id;
    let head = this.series.get(id);
    if (head === undefined) {
      head = new SeriesHead(this.catalog.get(id)!);
      this.series.set(id, head);
      const metricKey = `${environment}\u0000${series.metric}`;
      const list = this.byMetric.get(metricKey);
      if (list === undefined) this.byMetric.set(metricKey, [head]);
      else list.push(head);
    }
    this.bytes += head.append(series.timestamps, series.values);
    this.samples += series.timestamps.length;
  }

  /** The series of one metric, optionally only those of the given catalog ids. */
  seriesOf(environment: string, metric: string, seriesIds?: ReadonlySet<number>): SeriesHead[] {
    const all = this.byMetric.get(`${environment}\u0000${metric}`) ?? [];
    return seriesIds === undefined ? all : all.filter((s) => seriesIds.has(s.entry.id));
  }

  /** The series grouped by environment and metric: what one checkpoint writes per part. */
  metrics(): SeriesHead[][] {
    return [...this.byMetric.values()];
  }
}
