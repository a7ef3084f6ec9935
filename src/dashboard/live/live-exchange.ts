import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { PubSubEngine } from 'graphql-subscriptions';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../../common/config/app-config';
import { PUB_SUB } from '../../common/pubsub/pubsub.module';
import { WindowPartials } from './live-window-aggregator';
import { decodePartials, encodePartials, PartialMessage } from './window-exchange';

const WATCH_CHANNEL = 'liveWindows:watches';
const PARTIAL_CHANNEL = 'liveWindows:partials';
/** An instance that has not announced its watches for this long is gone (its pairs are no longer aggregated for it). */
const WATCHES_EXPIRE_MS = 5_000;

interface Announcement {
  instance: string;
  /** `${windowMs}\u0000${pairKey}` of every pair watched on the instance */
  pairs: string[];
}

/**
 * Live windows across instances (only with REDIS_URL; a single instance has nothing to share):
 * every instance announces the (window, environment, metric) pairs its subscribers watch, so that
 * all instances aggregate them; at a window's close each instance publishes its partials of the
 * pairs others watch, and receives theirs. Liveness of peers is wall time (performance.now), not
 * the service clock: it is about the network, not about sample time.
 */
@Injectable()
export class LiveExchange implements OnModuleDestroy {
  private readonly logger = new Logger(LiveExchange.name);
  readonly instance = randomUUID();
  readonly enabled: boolean;
  private readonly remote = new Map<string, { pairs: Set<string>; seenAt: number }>();
  private subscriptions: Promise<number>[] = [];
  private onPartial: (windowMs: number, partials: WindowPartials) => void = () => {};
  private onRemoteChange: () => void = () => {};
  received = 0;

  constructor(
    config: AppConfig,
    @Inject(PUB_SUB) private readonly pubSub: PubSubEngine,
  ) {
    this.enabled = config.REDIS_URL !== undefined;
  }

  /** Starts listening; `isWatchedHere` keeps the decoding of partials to the pairs this instance's subscribers watch. */
  start(handlers: {
    isWatchedHere: (windowMs: number, environment: string, metric: string) => boolean;
    partial: (windowMs: number, partials: WindowPartials) => void;
    remoteChange: () => void;
  }): void {
    if (!this.enabled) return;
    this.onPartial = handlers.partial;
    this.onRemoteChange = handlers.remoteChange;
    this.subscriptions = [
      this.pubSub.subscribe(
        WATCH_CHANNEL,
        (a: Announcement) => {
          if (a.instance === this.instance) return;
          this.remote.set(a.instance, { pairs: new Set(a.pairs), seenAt: performance.now() });
          this.onRemoteChange();
        },
        {},
      ),
      this.pubSub.subscribe(
        PARTIAL_CHANNEL,
        (m: PartialMessage) => {
          if (m.instance === this.instance || !handlers.isWatchedHere(m.windowMs, m.environment, m.metric)) return;
          try {
            this.onPartial(m.windowMs, decodePartials(m));
            this.received++;
          } catch (error) {
            this.logger.warn(`Dropped a corrupt live partial from ${m.instance}: ${(error as Error).message}`);
          }
        },
        {},
      ),
    ];
  }

  async onModuleDestroy(): Promise<void> {
    for (const id of await Promise.all(this.subscriptions)) this.pubSub.unsubscribe(id);
  }

  /** Tells the other instances what is watched here (on every change, and periodically as a keep-alive). */
  announce(pairs: string[]): void {
    if (this.enabled) this.send(WATCH_CHANNEL, { instance: this.instance, pairs } satisfies Announcement);
  }

  /** The pairs of a window size that live peers watch; forgets peers silent for WATCHES_EXPIRE_MS. */
  remotePairs(windowMs: number): Set<string> {
    const now = performance.now();
    const prefix = `${windowMs}\u0000`;
    const pairs = new Set<string>();
    for (const [instance, peer] of this.remote) {
      if (now - peer.seenAt > WATCHES_EXPIRE_MS) {
        this.remote.delete(instance);
        continue;
      }
      for (const p of peer.pairs) if (p.startsWith(prefix)) pairs.add(p.slice(prefix.length));
    }
    return pairs;
  }

  publishPartial(windowMs: number, partials: WindowPartials): void {
    if (this.enabled && partials.series.size > 0) this.send(PARTIAL_CHANNEL, encodePartials(this.instance, windowMs, partials));
  }

  private send(channel: string, message: object): void {
    this.pubSub.publish(channel, message).catch((error: Error) => this.logger.warn(`Live exchange on ${channel} failed: ${error.message}`));
  }
}

export const announcedPair = (windowMs: number, pairKey: string) => `${windowMs}\u0000${pairKey}`;
