import { bucketStart } from '../../common/time/bucket-start';
import { addSample, Aggregate, emptyAggregate } from '../aggregate';

/** A window whose end has passed: the per-agent aggregates of one (environment, metric). */
export interface ClosedWindow {
  environment: string;
  metric: string;
  windowStart: number;
  windowEnd: number;
  perAgent: Map<string, Aggregate>;
}

interface OpenWindows {
  environment: string;
  metric: string;
  /** windowStart -> agentId -> aggregate */
  windows: Map<number, Map<string, Aggregate>>;
}

/**
 * Tumbling windows of one size over sample time, for the (environment, metric)
 * pairs someone watches. A window closes once the clock passes its end plus a
 * grace period for samples in flight; samples for a closed window are dropped
 * (they are still stored, and trends show them).
 */
export class LiveWindowAggregator {
  private readonly open = new Map<string, OpenWindows>();
  private readonly watchers = new Map<string, number>();
  /** Windows starting before this are closed. */
  private closedBefore = -Infinity;

  constructor(
    readonly windowMs: number,
    private readonly graceMs: number,
  ) {}

  watch(environment: string, metric: string): void {
    const key = pairKey(environment, metric);
    this.watchers.set(key, (this.watchers.get(key) ?? 0) + 1);
  }

  unwatch(environment: string, metric: string): void {
    const key = pairKey(environment, metric);
    const count = (this.watchers.get(key) ?? 0) - 1;
    if (count > 0) {
      this.watchers.set(key, count);
    } else {
      this.watchers.delete(key);
      this.open.delete(key);
    }
  }

  isWatched(environment: string, metric: string): boolean {
    return this.watchers.has(pairKey(environment, metric));
  }

  add(environment: string, metric: string, agentId: string, timestamps: ArrayLike<number>, values: ArrayLike<number>): void {
    const key = pairKey(environment, metric);
    if (!this.watchers.has(key)) return;
    let pair = this.open.get(key);
    if (pair === undefined) {
      pair = { environment, metric, windows: new Map() };
      this.open.set(key, pair);
    }
    let currentStart = NaN;
    let current: Aggregate | undefined;
    for (let i = 0; i < timestamps.length; i++) {
      const start = bucketStart(timestamps[i], this.windowMs);
      if (start < this.closedBefore) continue;
      if (start !== currentStart) {
        currentStart = start;
        current = agentAggregate(pair.windows, start, agentId);
      }
      addSample(current as Aggregate, values[i]);
    }
  }

  /** Closes every window whose end + grace is at or before `now`, oldest first. */
  close(now: number): ClosedWindow[] {
    const closeBefore = bucketStart(now - this.graceMs, this.windowMs);
    if (closeBefore <= this.closedBefore) return [];
    this.closedBefore = closeBefore;
    const closed: ClosedWindow[] = [];
    for (const pair of this.open.values()) {
      for (const [start, perAgent] of pair.windows) {
        if (start + this.windowMs > closeBefore) continue;
        pair.windows.delete(start);
        closed.push({ environment: pair.environment, metric: pair.metric, windowStart: start, windowEnd: start + this.windowMs, perAgent });
      }
    }
    return closed.sort((a, b) => a.windowStart - b.windowStart);
  }
}

function agentAggregate(windows: Map<number, Map<string, Aggregate>>, start: number, agentId: string): Aggregate {
  let perAgent = windows.get(start);
  if (perAgent === undefined) {
    perAgent = new Map();
    windows.set(start, perAgent);
  }
  let aggregate = perAgent.get(agentId);
  if (aggregate === undefined) {
    aggregate = emptyAggregate();
    perAgent.set(agentId, aggregate);
  }
  return aggregate;
}

const pairKey = (environment: string, metric: string) => `${environment}\u0000${metric}`;
