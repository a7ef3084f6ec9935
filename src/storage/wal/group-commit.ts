import type { Connection } from 'mongoose';
import { WriteQueueFull } from '../storage.errors';

/** What bounds a log: its name (for the error), the bytes it may hold queued or being written, and an entry's estimated size. */
export interface PendingBound<T> {
  log: string;
  maxBytes: number;
  size: (entry: T) => number;
}

/**
 * Group commit: entries appended while a write is in flight are written
 * together by the next one, so concurrent requests share one database write
 * and each caller is answered once its own entry is durable. At most one write
 * is in flight at a time. With a bound, entries past its bytes (queued or being written) are
 * refused with WriteQueueFull instead of queueing without end; one entry is always taken when
 * none is pending, however big.
 */
export class GroupCommit<T> {
  private pending: { entry: T; bytes: number; done: () => void; failed: (error: unknown) => void }[] = [];
  private writing = false;
  private idleWaiters: (() => void)[] = [];
  /** Estimated bytes of the entries queued or being written. */
  private pendingBytes = 0;

  constructor(
    private readonly write: (entries: T[]) => Promise<void>,
    private readonly bound?: PendingBound<T>,
  ) {}

  append(entry: T): Promise<void> {
    const bytes = this.bound?.size(entry) ?? 0;
    if (this.bound !== undefined && this.pendingBytes > 0 && this.pendingBytes + bytes > this.bound.maxBytes) {
      return Promise.reject(new WriteQueueFull(this.bound.log, this.bound.maxBytes));
    }
    this.pendingBytes += bytes;
    return new Promise((done, failed) => {
      this.pending.push({ entry, bytes, done, failed });
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
      } finally {
        for (const p of group) this.pendingBytes -= p.bytes;
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
