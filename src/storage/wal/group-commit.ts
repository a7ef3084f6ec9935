import type { Connection } from 'mongoose';

/**
 * Group commit: entries appended while a write is in flight are written
 * together by the next one, so concurrent requests share one database write
 * and each caller is answered once its own entry is durable. At most one write
 * is in flight at a time.
 */
export class GroupCommit<T> {
  private pending: { entry: T; done: () => void; failed: (error: unknown) => void }[] = [];
  private writing = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly write: (entries: T[]) => Promise<void>) {}

  append(entry: T): Promise<void> {
    return new Promise((done, failed) => {
      this.pending.push({ entry, done, failed });
      if (!this.writing) void this.flush();
    });
  }

  /** Resolves once every entry appended so far is written (or has failed). */
  idle(): Promise<void> {
    if (!this.writing && this.pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
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
    this.idleWaiters.splice(0).forEach((resolve) => resolve());
  }
}

/**
 * The generations of a log kept as one collection each (`<prefix><n>`), oldest first: a log
 * is trimmed by dropping whole generations, which is instant where deleting documents one by
 * one holds the embedded server's single writer for seconds.
 */
export async function collectionGenerations(connection: Connection, prefix: string): Promise<number[]> {
  const collections = await connection.listCollections();
  return collections
    .map((c) => c.name)
    .filter((name) => name.startsWith(prefix))
    .map((name) => Number(name.slice(prefix.length)))
    .filter((n) => Number.isInteger(n))
    .sort((a, b) => a - b);
}
