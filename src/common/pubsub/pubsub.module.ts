import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { PubSub, PubSubEngine } from 'graphql-subscriptions';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import { AppConfig } from '../config/app-config';
import { SubscriptionBuffers } from './subscription-buffers';

export const PUB_SUB = Symbol('PUB_SUB');

/** The DateTime fields of the events published for subscriptions. */
const DATE_FIELDS: ReadonlySet<string> = new Set(['at', 'windowStart', 'windowEnd']);

/**
 * Fan-out of live events to subscriptions: in-process by default; Redis when
 * REDIS_URL is set, so several instances behind a load balancer share events
 * (no replay of events missed during a reconnect).
 */
function createPubSub(config: AppConfig): PubSubEngine {
  if (config.REDIS_URL === undefined) return new PubSub();
  const logger = new Logger('PubSub');
  return new RedisPubSub({
    connection: config.REDIS_URL,
    // Payloads cross Redis as JSON: turn the DateTime fields of published events back into Dates.
    reviver: (key: string, value: unknown) => (DATE_FIELDS.has(key) && typeof value === 'string' ? new Date(value) : value),
    connectionListener: (error) => {
      if (error) logger.warn(`Redis: ${error.message}`);
    },
  });
}

@Global()
@Module({
  providers: [{ provide: PUB_SUB, useFactory: createPubSub, inject: [AppConfig] }, SubscriptionBuffers],
  exports: [PUB_SUB, SubscriptionBuffers],
})
export class PubSubModule implements OnApplicationShutdown {
  constructor(@Inject(PUB_SUB) private readonly pubSub: PubSubEngine) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.pubSub instanceof RedisPubSub) await this.pubSub.close();
  }
}
