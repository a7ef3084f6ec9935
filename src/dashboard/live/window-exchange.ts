import { decodeBuckets, encodeBuckets } from '../../storage/rollups/rollup-codec';
import { mergePartials, pairKey, seriesKey, SeriesPartial, WindowPartials } from './live-window-aggregator';

/**
 * Live windows across instances. Each instance publishes its partials of a closed window (per
 * series, with the sketch) as a PartialMessage; the instances whose subscribers watch the pair
 * merge what arrives within a merge delay of the close (WindowMerger), then publish the merged
 * window to their subscribers.
 */

/** A window's partials as they cross the wire: JSON, sketches in the rollup codec, base64. */
export interface PartialMessage {
  instance: string;
  windowMs: number;
  environment: string;
  metric: string;
  start: number;
  series: { agentId: string; labels: { name: string; value: string }[]; bucket: string }[];
}

export function encodePartials(instance: string, windowMs: number, w: WindowPartials): PartialMessage {
  return {
    instance,
    windowMs,
    environment: w.environment,
    metric: w.metric,
    start: w.windowStart,
    series: [...w.series.values()].map((s) => ({
      agentId: s.agentId,
      labels: [...s.labels],
      bucket: Buffer.from(encodeBuckets([s.bucket])).toString('base64'),
    })),
  };
}

/** Throws a RangeError (from the codec) on a corrupt message. */
export function decodePartials(m: PartialMessage): WindowPartials {
  const series = new Map<string, SeriesPartial>();
  for (const s of m.series) {
    const [bucket] = decodeBuckets(Buffer.from(s.bucket, 'base64'));
    if (bucket === undefined || bucket.start !== m.start)
      throw new RangeError(`partial of ${m.environment}/${m.metric} at ${m.start}: bucket does not match the window`);
    series.set(seriesKey(s.agentId, s.labels), { agentId: s.agentId, labels: s.labels, bucket });
  }
  return { environment: m.environment, metric: m.metric, windowStart: m.start, windowEnd: m.start + m.windowMs, series };
}

interface Pending {
  partials: WindowPartials;
  publishAt: number;
}

/**
 * Windows of one size being merged: partials of the same (environment, metric, start) from any
 * instance combine, and a window is due at windowEnd + grace + delay. A partial arriving after
 * its window was taken is late and dropped (counted).
 */
export class WindowMerger {
  private readonly pending = new Map<string, Pending>();
  /** Windows due at or before this were taken. */
  private takenUpTo = -Infinity;
  late = 0;

  constructor(
    private readonly windowMs: number,
    private readonly graceMs: number,
    private readonly delayMs: number,
  ) {}

  add(partials: WindowPartials): void {
    const publishAt = partials.windowEnd + this.graceMs + this.delayMs;
    if (publishAt <= this.takenUpTo) {
      this.late++;
      return;
    }
    const key = `${pairKey(partials.environment, partials.metric)}\u0000${partials.windowStart}`;
    const mine = this.pending.get(key);
    if (mine === undefined) this.pending.set(key, { partials: { ...partials, series: new Map(partials.series) }, publishAt });
    else mergePartials(mine.partials.series, partials.series);
  }

  /** The windows due at `now`, oldest first; they leave the merger. */
  take(now: number): WindowPartials[] {
    const due: WindowPartials[] = [];
    for (const [key, p] of this.pending) {
      if (p.publishAt > now) continue;
      this.pending.delete(key);
      due.push(p.partials);
    }
    // Due times are window ends plus constants: everything ending up to the newest due window is taken.
    const lastEnd = Math.floor((now - this.graceMs - this.delayMs) / this.windowMs) * this.windowMs;
    this.takenUpTo = Math.max(this.takenUpTo, lastEnd + this.graceMs + this.delayMs);
    return due.sort((a, b) => a.windowStart - b.windowStart);
  }

  /** Windows waiting to be merged (tests and leak checks). */
  get size(): number {
    return this.pending.size;
  }
}
