/**
 * Group commit: entries appended while a write is in flight are written
 * together by the next one, so concurrent requests share one database write
 * and each caller is answered once its own entry is durable. At most one write
 * is in flight at a time.
 */
export class GroupCommit<T> {
  private pending: { entry: T; done: () => void; failed: (error: unknown) => void }[] = [];
  private writing = false;

  constructor(private readonly write: (entries: T[]) => Promise<void>) {}

  append(entry: T): Promise<void> {
    return new Promise((done, failed) => {
      this.pending.push({ entry, done, failed });
      if (!this.writing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.writing = true;
    // Let the entries of requests parsed in the same event-loop turn join this write.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.pending.length > 0) {
      const group = this.pending;
      this.pending = [];
      try {
        await this.write(group.map((p) => p.entry));
        group.forEach((p) => p.done());
      } catch (error) {
        group.forEach((p) => p.failed(error));
      }
    }
    this.writing = false;
  }
}
