/**
 * The iterator of one subscription, with a bounded buffer between the producer (the service,
 * or a pub/sub engine drained by `bounded`) and graphql-ws, which awaits every socket send: a
 * client that reads slower than messages come never makes the server hold more than `capacity`
 * messages for it, and never slows any other subscription.
 *
 * Overflow policy per message: a message with a key (`keyOf`) replaces the queued one of the same
 * key, combined by `merge` (coalesce latest); others make room by dropping the oldest message.
 * `onDrop` sees the messages dropped since the consumer last took one and how long ago that was
 * (`now` is the time source; the slow-consumer rule closes the connection past limits of both). `cleanup` runs once when the subscription ends (the client
 * completes or disconnects: graphql-ws calls return()).
 */
export interface BoundedQueueOptions<T> {
  capacity: number;
  keyOf?: (message: T) => string | undefined;
  /** How a queued message and a newer one of the same key combine; the newer replaces it when absent. */
  merge?: (older: T, newer: T) => T;
  onDrop?: (droppedSinceLastRead: number, msSinceLastRead: number) => void;
  /** For msSinceLastRead; 0 always when absent. */
  now?: () => number;
  cleanup?: () => void;
}

export class BoundedQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private readonly keys: (string | undefined)[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | undefined;
  private ended = false;
  private droppedSinceRead = 0;
  private lastReadAt: number;
  /** Messages dropped over the queue's life (coalesced ones are not dropped). */
  dropped = 0;

  constructor(private readonly options: BoundedQueueOptions<T>) {
    if (!(options.capacity >= 1)) throw new RangeError(`capacity must be at least 1, got ${options.capacity}`);
    this.lastReadAt = options.now?.() ?? 0;
  }

  get length(): number {
    return this.items.length;
  }

  get closed(): boolean {
    return this.ended;
  }

  push(message: T): void {
    if (this.ended) return;
    if (this.waiting !== undefined) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: message, done: false });
      return;
    }
    const key = this.options.keyOf?.(message);
    if (key !== undefined) {
      const at = this.keys.lastIndexOf(key);
      if (at >= 0) {
        this.items[at] = this.options.merge === undefined ? message : this.options.merge(this.items[at], message);
        return;
      }
    }
    if (this.items.length >= this.options.capacity) {
      this.items.shift();
      this.keys.shift();
      this.dropped++;
      this.options.onDrop?.(++this.droppedSinceRead, (this.options.now?.() ?? 0) - this.lastReadAt);
    }
    this.items.push(message);
    this.keys.push(key);
  }

  next(): Promise<IteratorResult<T>> {
    this.lastReadAt = this.options.now?.() ?? 0;
    if (this.items.length > 0) {
      this.keys.shift();
      this.droppedSinceRead = 0;
      return Promise.resolve({ value: this.items.shift() as T, done: false });
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  /** Ends the subscription (also what the producer calls when it has no more). */
  return(): Promise<IteratorResult<T>> {
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    this.end();
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.items.length = 0;
    this.keys.length = 0;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.({ value: undefined, done: true });
    this.options.cleanup?.();
  }
}

/**
 * A pub/sub iterator behind a BoundedQueue: drained as fast as it yields (its own push queue is
 * unbounded), and returned when the subscription ends.
 */
export function bounded<T>(source: AsyncIterator<T>, options: BoundedQueueOptions<T>): BoundedQueue<T> {
  const queue = new BoundedQueue<T>({
    ...options,
    cleanup: () => {
      void source.return?.();
      options.cleanup?.();
    },
  });
  void (async () => {
    try {
      for (;;) {
        const result = await source.next();
        if (result.done || queue.closed) break;
        queue.push(result.value);
      }
    } catch {
      // The source failed (a lost Redis connection): the subscription ends, as the source would have.
    } finally {
      void queue.return();
    }
  })();
  return queue;
}
