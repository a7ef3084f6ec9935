import { addSample, Aggregate, emptyAggregate } from '../aggregate';

export interface TrendBucket extends Aggregate {
  start: number;
}

/**
 * Buckets samples per agent at a fixed step. Bucket starts are multiples of the
 * step since the epoch, so the same data always falls in the same buckets;
 * samples outside [from, to) are ignored.
 */
export class TrendBucketer {
  private readonly byAgent = new Map<string, Map<number, TrendBucket>>();

  constructor(
    private readonly from: number,
    private readonly to: number,
    private readonly stepMs: number,
  ) {}

  add(agentId: string, timestamps: ArrayLike<number>, values: ArrayLike<number>): void {
    let buckets = this.byAgent.get(agentId);
    if (buckets === undefined) {
      buckets = new Map();
      this.byAgent.set(agentId, buckets);
    }
    for (let i = 0; i < timestamps.length; i++) {
      const t = timestamps[i];
      if (t < this.from || t >= this.to) continue;
      const start = Math.floor(t / this.stepMs) * this.stepMs;
      let bucket = buckets.get(start);
      if (bucket === undefined) {
        bucket = { start, ...emptyAggregate() };
        buckets.set(start, bucket);
      }
      addSample(bucket, values[i]);
    }
  }

  /** Non-empty buckets per agent, agents sorted by id and buckets by time. */
  result(): { agentId: string; buckets: TrendBucket[] }[] {
    return [...this.byAgent.entries()]
      .map(([agentId, buckets]) => ({ agentId, buckets: [...buckets.values()].sort((a, b) => a.start - b.start) }))
      .filter((s) => s.buckets.length > 0)
      .sort((a, b) => (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0));
  }
}
