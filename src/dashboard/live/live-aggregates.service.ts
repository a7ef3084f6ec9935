import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { PubSubEngine } from 'graphql-subscriptions';
import { Clock, CLOCK } from '../../common/clock/clock';
import { onClose } from '../../common/pubsub/on-close';
import { PUB_SUB } from '../../common/pubsub/pubsub.module';
import { emptyAggregate, mergeInto, summarize } from '../aggregate';
import { LiveAggregatesArgs } from '../dto/dashboard.args';
import { AggregationWindow, LiveAggregate, WINDOW_MS } from '../models/live-aggregate.model';
import { ClosedWindow, LiveWindowAggregator } from './live-window-aggregator';

/** Samples in flight this long after a window's end still count in it. */
const GRACE_MS = 2_000;
const TICK_MS = 500;

/** The columnar samples of one series, as the live windows take them. */
export interface LiveSeries {
  agentId: string;
  metric: string;
  timestamps: ArrayLike<number>;
  values: ArrayLike<number>;
}

interface Watch {
  id: number;
  environment: string;
  metric: string;
  agentIds?: ReadonlySet<string>;
  /** When the subscription started: its first window may be incomplete. */
  since: number;
}

/**
 * Live window aggregates for subscriptions: each subscription registers a watch
 * (so only watched metrics are aggregated), receives one message per closed
 * window on its own topic, and releases the watch when it ends.
 */
@Injectable()
export class LiveAggregatesService implements OnModuleInit, OnModuleDestroy {
  private readonly aggregators = new Map<AggregationWindow, LiveWindowAggregator>();
  private readonly watches = new Map<AggregationWindow, Set<Watch>>();
  private nextWatchId = 1;

  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PUB_SUB) private readonly pubSub: PubSubEngine,
    private readonly scheduler: SchedulerRegistry,
  ) {
    for (const window of Object.values(AggregationWindow)) {
      this.aggregators.set(window, new LiveWindowAggregator(WINDOW_MS[window], GRACE_MS));
      this.watches.set(window, new Set());
    }
  }

  onModuleInit(): void {
    this.scheduler.addInterval(
      'live-aggregates',
      setInterval(() => void this.tick(), TICK_MS),
    );
  }

  onModuleDestroy(): void {
    this.scheduler.deleteInterval('live-aggregates');
  }

  /** Feeds accepted samples (after they are durably stored). */
  observe(environment: string, series: LiveSeries[]): void {
    for (const aggregator of this.aggregators.values()) {
      for (const s of series) aggregator.add(environment, s.metric, s.agentId, s.timestamps, s.values);
    }
  }

  subscribe(args: LiveAggregatesArgs): AsyncIterableIterator<unknown> {
    const watch: Watch = {
      id: this.nextWatchId++,
      environment: args.environment,
      metric: args.metric,
      agentIds: args.agentIds == null ? undefined : new Set(args.agentIds),
      since: this.clock.now(),
    };
    const aggregator = this.aggregators.get(args.window) as LiveWindowAggregator;
    const watches = this.watches.get(args.window) as Set<Watch>;
    aggregator.watch(watch.environment, watch.metric);
    watches.add(watch);
    return onClose(this.pubSub.asyncIterableIterator(topic(watch.id)), () => {
      watches.delete(watch);
      aggregator.unwatch(watch.environment, watch.metric);
    });
  }

  /** Subscriptions currently watching a window (tests check it for leaks). */
  activeWatches(): number {
    let count = 0;
    for (const watches of this.watches.values()) count += watches.size;
    return count;
  }

  /** Closes due windows and publishes them to their watchers. */
  async tick(): Promise<void> {
    const now = this.clock.now();
    for (const [window, aggregator] of this.aggregators) {
      for (const closed of aggregator.close(now)) {
        for (const watch of this.watches.get(window) as Set<Watch>) {
          if (watch.environment !== closed.environment || watch.metric !== closed.metric) continue;
          const message = toMessage(window, closed, watch);
          if (message !== undefined) await this.pubSub.publish(topic(watch.id), { liveAggregates: message });
        }
      }
    }
  }
}

function toMessage(window: AggregationWindow, closed: ClosedWindow, watch: Watch): LiveAggregate | undefined {
  const total = emptyAggregate();
  let agents = 0;
  for (const [agentId, aggregate] of closed.perAgent) {
    if (watch.agentIds !== undefined && !watch.agentIds.has(agentId)) continue;
    mergeInto(total, aggregate);
    agents++;
  }
  if (agents === 0) return undefined;
  const { count, avg, min, max, sum } = summarize(total);
  return {
    environment: closed.environment,
    metric: closed.metric,
    window,
    windowStart: new Date(closed.windowStart),
    windowEnd: new Date(closed.windowEnd),
    count,
    avg,
    min,
    max,
    sum,
    agents,
    complete: watch.since <= closed.windowStart,
  };
}

const topic = (watchId: number) => `liveAggregates:${watchId}`;
