import { QueryTimedOut } from './trends.errors';

/**
 * Keeps a query from holding the event loop: `yield()` between units of work gives way to other
 * requests (heartbeats, ingest acks) once a slice of work has run, and ends the query past its
 * time limit. `now` is a monotonic clock in ms (performance.now), not the service's clock.
 */
export class QueryDeadline {
  private sliceStart: number;
  private readonly deadline: number;

  constructor(
    private readonly now: () => number,
    private readonly timeoutMs: number,
    private readonly sliceMs = 10,
  ) {
    this.sliceStart = now();
    this.deadline = this.sliceStart + timeoutMs;
  }

  async yield(): Promise<void> {
    const now = this.now();
    if (now > this.deadline) throw new QueryTimedOut(this.timeoutMs);
    if (now - this.sliceStart < this.sliceMs) return;
    await new Promise((resolve) => setImmediate(resolve));
    this.sliceStart = this.now();
    if (this.sliceStart > this.deadline) throw new QueryTimedOut(this.timeoutMs);
  }
}
