import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { WebSocket } from 'ws';
import { Clock, CLOCK } from '../../common/clock/clock';
import type { Label } from '../../common/labels/label';
import { BoundedQueue } from '../../common/pubsub/bounded-queue';
import { SubscriptionBuffers } from '../../common/pubsub/subscription-buffers';
import { AgentLabelIndex } from '../../storage/timeseries/agent-label-index';
import { AppConfig } from '../../common/config/app-config';
import { finiteOrNull } from '../aggregate';
import { LiveAggregatesArgs, LiveTopSeriesArgs } from '../dto/dashboard.args';
import { AggregationWindow, LiveAggregate, LiveTopSeries, WINDOW_MS } from '../models/live-aggregate.model';
import { SeriesAggregate } from '../models/series-query.enums';
import { compileMatchers, InvalidMatcher, LABEL_NAME_PATTERN, LabelMatcher } from '../query/label-matcher';
import { InvalidTrendQuery } from '../trends/trends.errors';
import { MAX_TREND_AGENTS } from '../trends/trends.service';
import { groupWindow, LiveSelector, quantileOfBucket, rankWindow, WindowGroup } from './live-selection';
import { LiveWindowAggregator, pairKey, WindowPartials } from './live-window-aggregator';
import { announcedPair, LiveExchange } from './live-exchange';
import { WindowMerger } from './window-exchange';

/** Samples in flight this long after a window's end still count in it. */
export const GRACE_MS = 2_000;
const TICK_MS = 250;
/** In-progress updates of an open window: at most this often. */
const PROGRESS_EVERY_MS = 1_000;

/** The columnar samples of one series, as the live windows take them. */
export interface LiveSeries {
  agentId: string;
  metric: string;
  /** Sorted by name. */
  labels: readonly Label[];
  timestamps: ArrayLike<number>;
  values: ArrayLike<number>;
}

type Watch = AggregatesWatch | TopWatch;

interface WatchBase {
  id: number;
  window: AggregationWindow;
  environment: string;
  metric: string;
  selector: LiveSelector;
  /** Equal selectors share one computation per closed window. */
  selectorKey: string;
  /** When the subscription started: its first window may be incomplete. */
  since: number;
}

interface AggregatesWatch extends WatchBase {
  kind: 'aggregates';
  inProgress: boolean;
  queue: BoundedQueue<LiveAggregate>;
}

interface TopWatch extends WatchBase {
  kind: 'top';
  by: SeriesAggregate;
  limit: number;
  ascending: boolean;
  queue: BoundedQueue<LiveTopSeries>;
}

/** Per window size: the aggregator, the watches by pair, and (with Redis) the merger of partials from all instances. */
interface WindowState {
  window: AggregationWindow;
  aggregator: LiveWindowAggregator;
  watches: Map<string, Set<Watch>>;
  merger?: WindowMerger;
  lastProgressAt: number;
}

/**
 * Live window aggregates and live top series for subscriptions. Each subscription registers a
 * watch (only watched pairs are aggregated) with its own bounded queue, gets one message per
 * closed window (per group with groupBy), optionally in-progress updates of the open window, and
 * releases the watch when it ends. With REDIS_URL the windows of all instances are merged
 * (LiveExchange): a window is published LIVE_MERGE_DELAY_MS after its close, to wait for the
 * other instances' partials.
 */
@Injectable()
export class LiveAggregatesService implements OnModuleInit, OnModuleDestroy {
  private readonly windows = new Map<AggregationWindow, WindowState>();
  private readonly byMs = new Map<number, WindowState>();
  private nextWatchId = 1;
  private watchCount = 0;
  private closeTimer: NodeJS.Timeout | undefined;
  private readonly mergeDelayMs: number;

  constructor(
    config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly scheduler: SchedulerRegistry,
    private readonly agentLabels: AgentLabelIndex,
    private readonly buffers: SubscriptionBuffers,
    private readonly exchange: LiveExchange,
  ) {
    this.mergeDelayMs = exchange.enabled ? config.LIVE_MERGE_DELAY_MS : 0;
    for (const window of Object.values(AggregationWindow)) {
      const ms = WINDOW_MS[window];
      const state: WindowState = {
        window,
        aggregator: new LiveWindowAggregator(ms, GRACE_MS),
        watches: new Map(),
        merger: exchange.enabled ? new WindowMerger(ms, GRACE_MS, this.mergeDelayMs) : undefined,
        lastProgressAt: -Infinity,
      };
      this.windows.set(window, state);
      this.byMs.set(ms, state);
    }
  }

  onModuleInit(): void {
    this.exchange.start({
      isWatchedHere: (ms, environment, metric) => this.byMs.get(ms)?.watches.has(pairKey(environment, metric)) ?? false,
      partial: (ms, partials) => this.byMs.get(ms)?.merger?.add(partials),
      remoteChange: () => this.shareRemotePairs(),
    });
    this.scheduler.addInterval(
      'live-aggregates',
      setInterval(() => this.tick(), TICK_MS),
    );
    this.scheduleClose();
  }

  onModuleDestroy(): void {
    this.scheduler.deleteInterval('live-aggregates');
    clearTimeout(this.closeTimer);
    this.closeTimer = undefined;
  }

  /**
   * A tick at the moment the next windows are due (end + grace, + the merge delay with Redis), so
   * that delivery does not wait for the next periodic tick. Every window size is a multiple of the
   * smallest, so its boundaries are all the close times.
   */
  private scheduleClose(): void {
    const step = WINDOW_MS[AggregationWindow.FIVE_SECONDS];
    const offset = GRACE_MS + this.mergeDelayMs;
    const now = this.clock.now();
    const next = Math.floor((now - offset) / step) * step + step + offset;
    this.closeTimer = setTimeout(
      () => {
        if (this.closeTimer === undefined) return;
        this.tick();
        this.scheduleClose();
      },
      Math.max(1, next - now),
    );
    this.closeTimer.unref();
  }

  /** Feeds accepted samples (after they are durably stored). */
  observe(environment: string, series: readonly LiveSeries[]): void {
    for (const { aggregator } of this.windows.values()) {
      for (const s of series) aggregator.add(environment, s.metric, s.agentId, s.labels, s.timestamps, s.values);
    }
  }

  subscribe(args: LiveAggregatesArgs, socket?: WebSocket): AsyncIterableIterator<LiveAggregate> {
    const base = this.watchBase(args.window, args.environment, args.metric, args.agentIds, args.matchers, args.groupBy ?? []);
    const watch: AggregatesWatch = {
      ...base,
      kind: 'aggregates',
      inProgress: args.inProgress ?? false,
      // Finals drop the oldest when the client is too slow; in-progress updates of a group coalesce to the latest.
      queue: this.buffers.queue<LiveAggregate>(socket, {
        keyOf: (m) => (m.final ? undefined : JSON.stringify(m.labels)),
        cleanup: () => this.release(watch),
      }),
    };
    this.register(watch);
    return watch.queue;
  }

  subscribeTop(args: LiveTopSeriesArgs, socket?: WebSocket): AsyncIterableIterator<LiveTopSeries> {
    const limit = args.limit ?? 10;
    if (!(Number.isInteger(limit) && limit >= 1 && limit <= 1000)) throw new InvalidTrendQuery('limit must be 1..1000', 'limit');
    const base = this.watchBase(args.window, args.environment, args.metric, undefined, args.matchers, []);
    const watch: TopWatch = {
      ...base,
      kind: 'top',
      by: args.by ?? SeriesAggregate.AVG,
      limit,
      ascending: args.ascending ?? false,
      // A ranking is only worth its latest window: a slow client gets the newest one.
      queue: this.buffers.queue<LiveTopSeries>(socket, { keyOf: () => 'latest', cleanup: () => this.release(watch) }),
    };
    this.register(watch);
    return watch.queue;
  }

  /** Subscriptions currently watching a window (tests check it for leaks). */
  activeWatches(): number {
    return this.watchCount;
  }

  /** Pairs with open windows, over all window sizes, and windows waiting for a merge (tests check them for leaks). */
  openState(): { openPairs: number; pendingMerges: number } {
    let openPairs = 0;
    let pendingMerges = 0;
    for (const w of this.windows.values()) {
      openPairs += w.aggregator.openPairs;
      pendingMerges += w.merger?.size ?? 0;
    }
    return { openPairs, pendingMerges };
  }

  /** Messages held for clients that have not taken them yet, and dropped for clients too slow (tests check the bound). */
  queueStats(): { queued: number; dropped: number } {
    let queued = 0;
    let dropped = 0;
    for (const state of this.windows.values()) {
      for (const watches of state.watches.values()) {
        for (const w of watches) {
          queued += w.queue.length;
          dropped += w.queue.dropped;
        }
      }
    }
    return { queued, dropped };
  }

  /** Whether samples of the pair are aggregated here (watched here or, with Redis, on another instance). */
  isAggregating(window: AggregationWindow, environment: string, metric: string): boolean {
    return this.windows.get(window)!.aggregator.isWatched(environment, metric);
  }

  /** Partials received from other instances (tests wait on it). */
  get partialsReceived(): number {
    return this.exchange.received;
  }

  /** Closes due windows and publishes them; sends in-progress updates; keeps the shared watches current. */
  tick(): void {
    const now = this.clock.now();
    if (this.exchange.enabled) {
      this.shareRemotePairs();
      this.announce();
    }
    for (const state of this.windows.values()) {
      for (const closed of state.aggregator.close(now)) {
        const key = pairKey(closed.environment, closed.metric);
        if (state.merger === undefined) {
          this.deliver(state, closed, true);
          continue;
        }
        this.exchange.publishPartial(state.aggregator.windowMs, closed);
        if (state.watches.has(key)) state.merger.add(closed);
      }
      if (state.merger !== undefined) for (const merged of state.merger.take(now)) this.deliver(state, merged, true);
      if (now - state.lastProgressAt >= PROGRESS_EVERY_MS) this.progress(state, now);
    }
  }

  /** In-progress updates of the open window holding `now`, for the watches that asked (this instance's samples only). */
  private progress(state: WindowState, now: number): void {
    let sent = false;
    for (const [, watches] of state.watches) {
      const first = watches.values().next().value as Watch;
      if (![...watches].some((w) => w.kind === 'aggregates' && w.inProgress)) continue;
      const open = state.aggregator.peek(first.environment, first.metric, now);
      if (open !== undefined) {
        this.deliver(state, open, false);
        sent = true;
      }
    }
    if (sent) state.lastProgressAt = now;
  }

  private deliver(state: WindowState, w: WindowPartials, final: boolean): void {
    const watches = state.watches.get(pairKey(w.environment, w.metric));
    if (watches === undefined) return;
    // Watches with equal selectors share the groups and their messages (the p95 decodes the sketch): once per window.
    const messagesBySelector = new Map<string, LiveAggregate[]>();
    const labelsOf = (agentId: string) => this.agentLabels.labelsOf(w.environment, agentId);
    for (const watch of watches) {
      const complete = watch.since <= w.windowStart;
      if (watch.kind === 'top') {
        if (!final) continue;
        const ranked = rankWindow(w.series.values(), watch.selector, labelsOf, watch);
        if (ranked.length === 0) continue;
        watch.queue.push({
          ...windowFields(state.window, w),
          by: watch.by,
          series: ranked.map((r) => ({ agentId: r.agentId, labels: [...r.labels], value: Math.max(-Number.MAX_VALUE, Math.min(Number.MAX_VALUE, r.value)) })),
          complete,
        });
        continue;
      }
      if (!final && !watch.inProgress) continue;
      let messages = messagesBySelector.get(watch.selectorKey);
      if (messages === undefined) {
        messages = groupWindow(w.series.values(), w.windowStart, watch.selector, labelsOf).map((group) => toMessage(state.window, w, group, final));
        messagesBySelector.set(watch.selectorKey, messages);
      }
      for (const message of messages) watch.queue.push(complete ? message : { ...message, complete });
    }
  }

  private watchBase(
    window: AggregationWindow,
    environment: string,
    metric: string,
    agentIds: string[] | null | undefined,
    matchers: readonly LabelMatcher[] | null | undefined,
    groupBy: readonly string[],
  ): WatchBase {
    if (agentIds != null && agentIds.length > MAX_TREND_AGENTS) throw new InvalidTrendQuery(`at most ${MAX_TREND_AGENTS} agentIds`, 'agentIds');
    for (const [i, name] of groupBy.entries()) {
      if (!LABEL_NAME_PATTERN.test(name)) throw new InvalidTrendQuery(`groupBy[${i}]: invalid label name ${JSON.stringify(name)}`, `groupBy[${i}]`);
    }
    let match: LiveSelector['match'];
    try {
      match = matchers == null || matchers.length === 0 ? undefined : compileMatchers(matchers);
    } catch (error) {
      if (error instanceof InvalidMatcher) throw new InvalidTrendQuery(error.message, `matchers[${error.index}]`);
      throw error;
    }
    const agents = agentIds == null ? undefined : [...new Set(agentIds)].sort();
    return {
      id: this.nextWatchId++,
      window,
      environment,
      metric,
      selector: { agentIds: agents && new Set(agents), match, groupBy },
      selectorKey: JSON.stringify([agents ?? null, (matchers ?? []).map((m) => [m.name, m.op ?? 'EQ', m.value]), groupBy]),
      since: this.clock.now(),
    };
  }

  private register(w: Watch): void {
    const state = this.windows.get(w.window)!;
    const key = pairKey(w.environment, w.metric);
    let watches = state.watches.get(key);
    if (watches === undefined) {
      state.watches.set(key, (watches = new Set()));
      state.aggregator.watch(w.environment, w.metric);
      this.announce();
    }
    watches.add(w);
    this.watchCount++;
  }

  private release(watch: Watch): void {
    const state = this.windows.get(watch.window)!;
    const key = pairKey(watch.environment, watch.metric);
    const watches = state.watches.get(key);
    if (watches === undefined || !watches.delete(watch)) return;
    this.watchCount--;
    if (watches.size > 0) return;
    state.watches.delete(key);
    state.aggregator.unwatch(watch.environment, watch.metric);
    this.announce();
  }

  private announce(): void {
    if (!this.exchange.enabled) return;
    const pairs: string[] = [];
    for (const state of this.windows.values()) for (const key of state.watches.keys()) pairs.push(announcedPair(state.aggregator.windowMs, key));
    this.exchange.announce(pairs);
  }

  private shareRemotePairs(): void {
    for (const state of this.windows.values()) state.aggregator.setShared(this.exchange.remotePairs(state.aggregator.windowMs));
  }
}

const windowFields = (window: AggregationWindow, w: WindowPartials) => ({
  environment: w.environment,
  metric: w.metric,
  window,
  windowStart: new Date(w.windowStart),
  windowEnd: new Date(w.windowEnd),
});

/** A window's message for one group; `complete` is the subscription's (true unless it started within the window). */
function toMessage(window: AggregationWindow, w: WindowPartials, group: WindowGroup, final: boolean): LiveAggregate {
  const b = group.bucket;
  return {
    ...windowFields(window, w),
    count: b.count,
    sum: finiteOrNull(b.sum),
    avg: finiteOrNull(b.sum / b.count),
    min: b.min,
    max: b.max,
    p95: finiteOrNull(quantileOfBucket(b, 0.95)),
    agents: group.agents,
    labels: group.labels,
    final,
    complete: true,
  };
}
