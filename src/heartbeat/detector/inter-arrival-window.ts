/**
 * The last `capacity` inter-arrival times of one agent, in a fixed ring buffer:
 * memory stays bounded however long the agent lives, and old behaviour ages
 * out so the statistics follow an agent whose network changes.
 *
 * Running sums give O(1) updates. Subtracting evicted values lets rounding
 * error creep in, so the sums are recomputed exactly each time the ring wraps:
 * `capacity` additions once every `capacity` pushes, still O(1) amortised.
 */
export class InterArrivalWindow {
  private readonly values: Float64Array;
  private next = 0;
  private size = 0;
  private sum = 0;
  private sumOfSquares = 0;

  constructor(readonly capacity = 32) {
    if (!Number.isInteger(capacity) || capacity < 2) {
      throw new RangeError(`capacity must be an integer >= 2, got ${capacity}`);
    }
    this.values = new Float64Array(capacity);
  }

  /** How many intervals the window holds (at most `capacity`). */
  get count(): number {
    return this.size;
  }

  /** Adds one inter-arrival time (ms), evicting the oldest when full. Negative or non-finite values are ignored. */
  push(intervalMs: number): void {
    if (!(intervalMs >= 0) || intervalMs === Infinity) return;
    if (this.size === this.capacity) {
      const evicted = this.values[this.next];
      this.sum -= evicted;
      this.sumOfSquares -= evicted * evicted;
    } else {
      this.size++;
    }
    this.values[this.next] = intervalMs;
    this.sum += intervalMs;
    this.sumOfSquares += intervalMs * intervalMs;
    this.next++;
    if (this.next === this.capacity) {
      this.next = 0;
      this.resync();
    }
  }

  /** Mean interval in ms; NaN when empty. */
  mean(): number {
    return this.size === 0 ? NaN : this.sum / this.size;
  }

  /** Sample standard deviation in ms; 0 with fewer than two intervals. */
  std(): number {
    if (this.size < 2) return 0;
    const variance = (this.sumOfSquares - (this.sum * this.sum) / this.size) / (this.size - 1);
    // Cancellation can leave a tiny negative for near-constant intervals.
    return variance > 0 ? Math.sqrt(variance) : 0;
  }

  /** Coefficient of variation (std / mean): 0 when it is undefined. */
  cv(): number {
    const mean = this.mean();
    return mean > 0 ? this.std() / mean : 0;
  }

  clear(): void {
    this.next = 0;
    this.size = 0;
    this.sum = 0;
    this.sumOfSquares = 0;
  }

  private resync(): void {
    let sum = 0;
    let sumOfSquares = 0;
    for (let i = 0; i < this.size; i++) {
      const value = this.values[i];
      sum += value;
      sumOfSquares += value * value;
    }
    this.sum = sum;
    this.sumOfSquares = sumOfSquares;
  }
}
