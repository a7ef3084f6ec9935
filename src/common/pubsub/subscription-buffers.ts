import { Injectable } from '@nestjs/common';
import type { WebSocket } from 'ws';
import { AppConfig } from '../config/app-config';
import { bounded, BoundedQueue, BoundedQueueOptions } from './bounded-queue';

/** Close code for a connection whose client does not read its messages (docs/api.md). */
export const CLOSE_SLOW_CONSUMER = 4429;

/**
 * Bounded subscription buffers with the slow-consumer rule: a subscription that dropped a whole
 * buffer of messages while its client read none, or a socket with more than WS_MAX_BUFFERED_BYTES
 * unsent, is hopeless, and its connection is closed with 4429 (which ends all its subscriptions
 * and frees what they hold).
 */
@Injectable()
export class SubscriptionBuffers {
  constructor(private readonly config: AppConfig) {}

  /** A queue the service pushes into; `socket` is the subscription's connection (GraphQL context `socket`). */
  queue<T>(socket: WebSocket | undefined, options: Omit<BoundedQueueOptions<T>, 'capacity' | 'onDrop'>): BoundedQueue<T> {
    return new BoundedQueue<T>({ ...options, ...this.limits(socket) });
  }

  /** A pub/sub iterator drained into a bounded queue. */
  drain<T>(socket: WebSocket | undefined, source: AsyncIterator<T>, options: Omit<BoundedQueueOptions<T>, 'capacity' | 'onDrop'> = {}): BoundedQueue<T> {
    return bounded(source, { ...options, ...this.limits(socket) });
  }

  private limits(socket: WebSocket | undefined): Pick<BoundedQueueOptions<unknown>, 'capacity' | 'onDrop'> {
    const capacity = this.config.SUBSCRIPTION_BUFFER_MESSAGES;
    return {
      capacity,
      onDrop: (droppedSinceLastRead) => {
        if (socket === undefined || socket.readyState !== socket.OPEN) return;
        if (droppedSinceLastRead >= capacity) socket.close(CLOSE_SLOW_CONSUMER, `Slow consumer: ${droppedSinceLastRead} messages dropped unread`);
        else if (socket.bufferedAmount > this.config.WS_MAX_BUFFERED_BYTES)
          socket.close(CLOSE_SLOW_CONSUMER, `Slow consumer: ${socket.bufferedAmount} bytes unsent`);
      },
    };
  }
}
