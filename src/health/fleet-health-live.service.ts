import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { PubSubEngine } from 'graphql-subscriptions';
import type { WebSocket } from 'ws';
import { Clock, CLOCK } from '../common/clock/clock';
import { BoundedQueue } from '../common/pubsub/bounded-queue';
import { PUB_SUB } from '../common/pubsub/pubsub.module';
import { SubscriptionBuffers } from '../common/pubsub/subscription-buffers';
import { AgentHealthChange, healthTopic } from '../heartbeat/agent-state';
import { coalesceChanges } from './fleet-changes';
import { FleetHealthService } from './fleet-health.service';
import { FleetHealthUpdate } from './models/fleet-health.model';

const FLUSH_EVERY_MS = 1_000;

interface Channel {
  subscribers: Set<BoundedQueue<FleetHealthUpdate>>;
  pending: AgentHealthChange[];
  subscription: Promise<number>;
}

/**
 * fleetHealth subscriptions: per environment, one listener on the status changes (published by the
 * heartbeat module, from every instance with Redis), coalesced into at most one update a second
 * with the environment's status counts. A subscriber that reads slower gets its queued update
 * merged with the newer one (counts of the newer, changes coalesced per agent): nothing is lost.
 */
@Injectable()
export class FleetHealthLive implements OnModuleInit, OnModuleDestroy {
  private readonly channels = new Map<string, Channel>();

  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PUB_SUB) private readonly pubSub: PubSubEngine,
    private readonly fleet: FleetHealthService,
    private readonly buffers: SubscriptionBuffers,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onModuleInit(): void {
    this.scheduler.addInterval(
      'fleet-health-live',
      setInterval(() => this.flush(), FLUSH_EVERY_MS),
    );
  }

  onModuleDestroy(): void {
    this.scheduler.deleteInterval('fleet-health-live');
  }

  /** The first message (the counts now, no changes) comes at once. */
  subscribe(environment: string, socket?: WebSocket): AsyncIterableIterator<FleetHealthUpdate> {
    let channel = this.channels.get(environment);
    if (channel === undefined) {
      const pending: AgentHealthChange[] = [];
      channel = {
        subscribers: new Set(),
        pending,
        subscription: this.pubSub.subscribe(
          healthTopic(environment),
          (m: { agentHealthChanged: AgentHealthChange }) => this.channels.get(environment)?.pending.push(m.agentHealthChanged),
          {},
        ),
      };
      this.channels.set(environment, channel);
    }
    const queue = this.buffers.queue<FleetHealthUpdate>(socket, {
      keyOf: () => 'fleet',
      merge: (older, newer) => ({ ...newer, changed: coalesceChanges(older.changed, newer.changed) }),
      cleanup: () => this.release(environment, queue),
    });
    channel.subscribers.add(queue);
    queue.push(this.update(environment, []));
    return queue;
  }

  /** Sends the coalesced changes of every environment that has some (on a 1 s timer; tests call it). */
  flush(): void {
    for (const [environment, channel] of this.channels) {
      if (channel.pending.length === 0) continue;
      const update = this.update(environment, coalesceChanges([], channel.pending.splice(0)));
      for (const queue of channel.subscribers) queue.push(update);
    }
  }

  /** Environments with fleetHealth subscribers (tests check it for leaks). */
  get environments(): number {
    return this.channels.size;
  }

  private update(environment: string, changed: AgentHealthChange[]): FleetHealthUpdate {
    return { environment, at: new Date(this.clock.now()), ...this.fleet.statusCounts(environment), changed };
  }

  private release(environment: string, queue: BoundedQueue<FleetHealthUpdate>): void {
    const channel = this.channels.get(environment);
    if (channel === undefined || !channel.subscribers.delete(queue) || channel.subscribers.size > 0) return;
    this.channels.delete(environment);
    void channel.subscription.then((id) => {
      this.pubSub.unsubscribe(id);
    });
  }
}
