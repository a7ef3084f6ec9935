import type { Label } from '../../common/labels/label';
import { bucketStart } from '../../common/time/bucket-start';
import { RollupBucket } from '../../storage/rollups/rollup-bucket';

/** One series' samples in one window: count, sum, min, max and a mergeable quantile sketch. */
export interface SeriesPartial {
  agentId: string;
  /** The series' own labels, sorted by name. */
  labels: readonly Label[];
  bucket: RollupBucket;
}

/** The partials of one (environment, metric) in one window, by series key (see seriesKey). */
export interface WindowPartials {
  environment: string;
  metric: string;
  windowStart: number;
  windowEnd: number;
  series: Map<string, SeriesPartial>;
}

interface OpenWindows {
  environment: string;
  metric: string;
  /** windowStart -> series key -> partial */
  windows: Map<number, Map<string, SeriesPartial>>;
}

/**
 * Tumbling windows of one size over sample time, per series, for the (environment, metric)
 * pairs someone watches: here (watch/unwatch, counted) or on another instance (setShared).
 * A window closes once the clock passes its end plus a grace period for samples in flight;
 * samples for a closed window are dropped (they are still stored, and trends show them).
 */
export class LiveWindowAggregator {
  private readonly open = new Map<string, OpenWindows>();
  private readonly watchers = new Map<string, number>();
  private shared: ReadonlySet<string> = new Set();
  /** Windows starting before this are closed. */
  private closedBefore = -Infinity;

  constructor(
    readonly windowMs: number,
    readonly graceMs: number,
  ) {}

  watch(environment: string, metric: string): void {
    const key = pairKey(environment, metric);
    this.watchers.set(key, (this.watchers.get(key) ?? 0) + 1);
  }

  unwatch(environment: string, metric: string): void {
    const key = pairKey(environment, metric);
    const count = (this.watchers.get(key) ?? 0) - 1;
    if (count > 0) this.watchers.set(key, count);
    else {
      this.watchers.delete(key);
      if (!this.shared.has(key)) this.open.delete(key);
    }
  }

  /** The pairs other instances watch (keys of pairKey): aggregated here too, so that their partials can be merged there. */
  setShared(keys: ReadonlySet<string>): void {
    this.shared = keys;
    for (const key of this.open.keys()) if (!this.isWatchedKey(key)) this.open.delete(key);
  }

  /** The pairs watched here, as pairKey keys. */
  localKeys(): string[] {
    return [...this.watchers.keys()];
  }

  isWatched(environment: string, metric: string): boolean {
    return this.isWatchedKey(pairKey(environment, metric));
  }

  /** Pairs with open windows (tests check it for leaks). */
  get openPairs(): number {
    return this.open.size;
  }

  add(environment: string, metric: string, agentId: string, labels: readonly Label[], timestamps: ArrayLike<number>, values: ArrayLike<number>): void {
    const key = pairKey(environment, metric);
    if (!this.isWatchedKey(key)) return;
    let pair = this.open.get(key);
    if (pair === undefined) {
      pair = { environment, metric, windows: new Map() };
      this.open.set(key, pair);
    }
    const id = seriesKey(agentId, labels);
    let currentStart = NaN;
    let current: RollupBucket | undefined;
    for (let i = 0; i < timestamps.length; i++) {
      const start = bucketStart(timestamps[i], this.windowMs);
      if (start < this.closedBefore) continue;
      if (start !== currentStart) {
        currentStart = start;
        current = partialOf(pair.windows, start, id, agentId, labels).bucket;
      }
      (current as RollupBucket).add(values[i]);
    }
  }

  /** Closes every window whose end + grace is at or before `now`, oldest first. */
  close(now: number): WindowPartials[] {
    const closeBefore = bucketStart(now - this.graceMs, this.windowMs);
    if (closeBefore <= this.closedBefore) return [];
    this.closedBefore = closeBefore;
    const closed: WindowPartials[] = [];
    for (const pair of this.open.values()) {
      for (const [start, series] of pair.windows) {
        if (start + this.windowMs > closeBefore) continue;
        pair.windows.delete(start);
        closed.push({ environment: pair.environment, metric: pair.metric, windowStart: start, windowEnd: start + this.windowMs, series });
      }
    }
    return closed.sort((a, b) => a.windowStart - b.windowStart);
  }

  /** The still open window of a pair that holds `at`, read only (in-progress updates); undefined when it has no samples. */
  peek(environment: string, metric: string, at: number): WindowPartials | undefined {
    const start = bucketStart(at, this.windowMs);
    const series = this.open.get(pairKey(environment, metric))?.windows.get(start);
    if (series === undefined || start < this.closedBefore) return undefined;
    return { environment, metric, windowStart: start, windowEnd: start + this.windowMs, series };
  }

  /** The end + grace of the window holding `at`: when it closes. */
  closesAt(at: number): number {
    return bucketStart(at, this.windowMs) + this.windowMs + this.graceMs;
  }

  private isWatchedKey(key: string): boolean {
    return this.watchers.has(key) || this.shared.has(key);
  }
}

function partialOf(windows: Map<number, Map<string, SeriesPartial>>, start: number, id: string, agentId: string, labels: readonly Label[]): SeriesPartial {
  let series = windows.get(start);
  if (series === undefined) {
    series = new Map();
    windows.set(start, series);
  }
  let partial = series.get(id);
  if (partial === undefined) {
    partial = { agentId, labels, bucket: new RollupBucket(start) };
    series.set(id, partial);
  }
  return partial;
}

export const pairKey = (environment: string, metric: string) => `${environment}\u0000${metric}`;

/** A series within a pair: agent id and its sorted labels. */
export const seriesKey = (agentId: string, labels: readonly Label[]) => {
  let key = agentId;
  for (const l of labels) key += `\u0000${l.name}\u0001${l.value}`;
  return key;
};

/** Merges `from` into `into` (same window): series present in both combine exactly. */
export function mergePartials(into: Map<string, SeriesPartial>, from: Iterable<[string, SeriesPartial]>): void {
  for (const [key, partial] of from) {
    const mine = into.get(key);
    if (mine === undefined) into.set(key, { agentId: partial.agentId, labels: partial.labels, bucket: partial.bucket.clone() });
    else mine.bucket.merge(partial.bucket);
  }
}
