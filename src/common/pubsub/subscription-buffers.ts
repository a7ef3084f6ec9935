import { Injectable } from '@nestjs/common';
import type { WebSocket } from 'ws';
import { AppConfig } from '../config/app-config';
import { bounded, BoundedQueue, BoundedQueueOptions } from './bounded-queue';

/** Close code for a connection whose client does not read its messages (docs/api.md). */
export const CLOSE_SLOW_CONSUMER = 4429;

/** A client that read nothing for this long while a whole buffer of its messages was dropped is gone. */
export const SLOW_CONSUMER_MS = 10_000;

/**
 * Bounded subscription buffers with the slow-consumer rule: a subscription that dropped a whole
 * buffer of messages while its client read none for SLOW_CONSUMER_MS (a burst, such as one window
 * of many groups, does not count: a reading client is not closed), or a socket with more than
 * WS_MAX_BUFFERED_BYTES unsent, is hopeless, and its connection is closed with 4429 (which ends all
 * its subscriptions and frees what they hold). Wall time: it is about the network.
 */
@Injectable()
export class SubscriptionBuffers {
  constructor(private readonly config: AppConfig) {}

  /** A queue the service pushes into; `socket` is the subscription's connection (GraphQL context `socket`). */
  queue<T>(socket: WebSocket | undefined, options: Omit<BoundedQueueOptions<T>, 'capacity' | 'onDrop' | 'now'>): BoundedQueue<T> {
    return new BoundedQueue<T>({ ...options, ...this.limits(socket) });
  }

  /** A pub/sub iterator drained into a bounded queue. */
  drain<T>(
    socket: WebSocket | undefined,
    source: AsyncIterator<T>,
    options: Omit<BoundedQueueOptions<T>, 'capacity' | 'onDrop' | 'now'> = {},
  ): BoundedQueue<T> {
    return bounded(source, { ...options, ...this.limits(socket) });
  }

  private limits(socket: WebSocket | undefined): Pick<BoundedQueueOptions<unknown>, 'capacity' | 'onDrop' | 'now'> {
    const capacity = this.config.SUBSCRIPTION_BUFFER_MESSAGES;
    return {
      capacity,
      now: () => performance.now(),
      onDrop: (droppedSinceLastRead, msSinceLastRead) => {
        if (socket === undefined || socket.readyState !== socket.OPEN) return;
        if (droppedSinceLastRead >= capacity && msSinceLastRead >= SLOW_CONSUMER_MS)
          socket.close(CLOSE_SLOW_CONSUMER, `Slow consumer: ${droppedSinceLastRead} messages dropped unread`);
        else if (socket.bufferedAmount > this.config.WS_MAX_BUFFERED_BYTES)
          socket.close(CLOSE_SLOW_CONSUMER, `Slow consumer: ${socket.bufferedAmount} bytes unsent`);
      },
    };
  }
}
