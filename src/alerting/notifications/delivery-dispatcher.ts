import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { Clock, CLOCK } from '../../common/clock/clock';
import { AppConfig } from '../../common/config/app-config';
import { NotificationChannelRepository } from '../../storage/repositories/notification-channel.repository';
import { NotificationDeliveryRepository } from '../../storage/repositories/notification-delivery.repository';
import { NotificationDeliveryDoc } from '../../storage/schemas/notification-delivery.schema';
import { ChannelSender, DeliveryFailure } from './channel-sender';
import { NotificationMessage } from './routing/notification-message';
import { nextAttemptAt, RetrySettings } from './routing/retry-policy';
import { definedFields } from '../../common/objects/defined-fields';

/** Due deliveries looked at per pass; the rest wait for the next pass (every NOTIFY_DISPATCH_INTERVAL_MS). */
const DUE_PER_PASS = 500;
/** An attempt's lease outlives its timeout by this much: past it, a delivery still "sending" belonged to a dead process. */
const LEASE_MARGIN_MS = 30_000;

/**
 * Sends queued deliveries: claims each due one (a conditional update, so it is sent by one dispatcher at a time),
 * sends it with a timeout, and records the outcome, retrying with backoff. Attempts run concurrently, at most
 * NOTIFY_CONCURRENCY_PER_CHANNEL per channel, and nobody waits for them but `settle()`: a hanging channel
 * holds only its own slots.
 */
@Injectable()
export class DeliveryDispatcher implements OnModuleDestroy {
  private readonly logger = new Logger(DeliveryDispatcher.name);
  private readonly inFlight = new Map<string, number>();
  private readonly attempts = new Set<Promise<unknown>>();
  private readonly shutdown = new AbortController();
  private readonly retry: RetrySettings;
  /** Channels that had more due deliveries than free slots at the last dispatch: a freed slot dispatches again at once. */
  private readonly backlog = new Set<string>();
  /**
   * Deliveries being claimed or attempted here: a pass that listed one before its claim landed does not start it
   * again (the embedded server does not make two concurrent conditional claims exclusive).
   */
  private readonly active = new Set<string>();
  private dispatching?: Promise<void>;
  private again = false;

  constructor(
    private readonly deliveries: NotificationDeliveryRepository,
    private readonly channels: NotificationChannelRepository,
    private readonly sender: ChannelSender,
    private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.retry = {
      maxAttempts: config.NOTIFY_MAX_ATTEMPTS,
      maxAgeSeconds: config.NOTIFY_MAX_AGE_SECONDS,
      baseSeconds: config.NOTIFY_BACKOFF_BASE_SECONDS,
      maxDelaySeconds: config.NOTIFY_BACKOFF_MAX_SECONDS,
    };
  }

  /** A queued delivery of `message` to a channel, due now; `id` deterministic where the caller may enqueue it again. */
  newDelivery(
    id: string,
    environment: string,
    channelId: string,
    message: NotificationMessage,
    maxAttempts = this.config.NOTIFY_MAX_ATTEMPTS,
  ): NotificationDeliveryDoc {
    const now = new Date(this.clock.now());
    return {
      _id: id,
      environment,
      channelId,
      groupKey: message.groupKey,
      message,
      state: 'pending',
      attempts: 0,
      maxAttempts,
      createdAt: now,
      nextAttemptAt: now,
    };
  }

  enqueue(deliveries: NotificationDeliveryDoc[]): Promise<void> {
    return this.deliveries.enqueue(deliveries);
  }

  deleteFinishedBefore(cutoff: Date): Promise<number> {
    return this.deliveries.deleteFinishedBefore(cutoff);
  }

  /**
   * Starts an attempt for every due delivery whose channel has a free slot; does not wait for the attempts. Calls
   * while one runs make it run once more (it never overlaps itself).
   */
  dispatchDue(): Promise<void> {
    if (this.dispatching !== undefined) {
      this.again = true;
      return this.dispatching;
    }
    const run = async () => {
      do {
        this.again = false;
        await this.dispatchOnce();
      } while (this.again);
    };
    this.dispatching = run().finally(() => (this.dispatching = undefined));
    return this.dispatching;
  }

  private async dispatchOnce(): Promise<void> {
    const now = new Date(this.clock.now());
    const released = await this.deliveries.releaseExpiredLeases(now);
    if (released > 0) this.logger.warn(`${released} notification deliveries were left sending by a stopped process; retrying them`);
    this.backlog.clear();
    for (const due of await this.deliveries.due(now, DUE_PER_PASS)) {
      if ((this.inFlight.get(due.channelId) ?? 0) >= this.config.NOTIFY_CONCURRENCY_PER_CHANNEL) {
        this.backlog.add(due.channelId);
        continue;
      }
      void this.start(due._id, due.channelId, now);
    }
  }

  /** Sends one delivery now (testChannel) and resolves with its final state. */
  async sendNow(delivery: NotificationDeliveryDoc): Promise<NotificationDeliveryDoc> {
    await this.deliveries.enqueue([delivery]);
    await this.start(delivery._id, delivery.channelId, new Date(this.clock.now()));
    return (await this.deliveries.find(delivery.environment, delivery._id)) as NotificationDeliveryDoc;
  }

  /** Waits until every attempt started so far (and any started meanwhile, for a channel's backlog) has finished. */
  async settle(): Promise<void> {
    while (this.attempts.size > 0 || this.dispatching !== undefined) await Promise.allSettled([...this.attempts, this.dispatching]);
  }

  /** Aborts attempts in flight; they go back to pending so the next start sends them at once. */
  async onModuleDestroy(): Promise<void> {
    this.shutdown.abort(new Error('shutdown'));
    await this.settle();
  }

  /** Claims and attempts a delivery in the background; the promise (tracked for settle) resolves when it is recorded. */
  private start(id: string, channelId: string, now: Date): Promise<void> {
    if (this.active.has(id)) return Promise.resolve();
    this.active.add(id);
    // The channel's slot is taken before the claim's round trip, so one pass cannot start more than the limit.
    this.inFlight.set(channelId, (this.inFlight.get(channelId) ?? 0) + 1);
    const attempt = (async () => {
      const claimed = await this.deliveries.claim(id, now, new Date(now.getTime() + this.config.NOTIFY_TIMEOUT_SECONDS * 1000 + LEASE_MARGIN_MS));
      if (claimed !== null) await this.attempt(claimed);
    })()
      .catch((error: unknown) => this.logger.error(`Notification delivery ${id} could not be recorded: ${(error as Error).message}`))
      .finally(() => {
        this.active.delete(id);
        this.inFlight.set(channelId, (this.inFlight.get(channelId) ?? 1) - 1);
        this.attempts.delete(attempt);
        if (this.backlog.has(channelId) && !this.shutdown.signal.aborted) void this.dispatchDue();
      });
    this.attempts.add(attempt);
    return attempt;
  }

  private async attempt(delivery: NotificationDeliveryDoc): Promise<void> {
    const started = performance.now();
    const channel = await this.channels.find(delivery.environment, delivery.channelId);
    const signal = AbortSignal.any([AbortSignal.timeout(this.config.NOTIFY_TIMEOUT_SECONDS * 1000), this.shutdown.signal]);
    let outcome: Partial<NotificationDeliveryDoc>;
    try {
      if (channel === null) throw new DeliveryFailure('the channel was deleted', undefined, true);
      const status = await this.sender.send(channel, delivery.message as NotificationMessage, delivery._id, signal);
      outcome = { state: 'delivered', deliveredAt: new Date(this.clock.now()), responseStatus: status };
    } catch (error) {
      const failure = error instanceof DeliveryFailure ? error : new DeliveryFailure((error as Error).message);
      if (this.shutdown.signal.aborted) {
        outcome = { state: 'pending', nextAttemptAt: new Date(this.clock.now()), attempts: delivery.attempts - 1, lastError: failure.message };
      } else {
        const now = this.clock.now();
        const retryAt = failure.permanent
          ? undefined
          : nextAttemptAt(delivery.attempts, delivery.createdAt.getTime(), now, { ...this.retry, maxAttempts: delivery.maxAttempts }, Math.random());
        outcome = { state: retryAt === undefined ? 'failed' : 'pending', lastError: failure.message, responseStatus: failure.responseStatus };
        if (retryAt !== undefined) outcome.nextAttemptAt = new Date(retryAt);
        this.logger.warn(`Notification to channel ${delivery.channelId} failed (attempt ${delivery.attempts}): ${failure.message}`);
      }
    }
    outcome.durationMs = Math.round(performance.now() - started);
    await this.deliveries.finish(delivery._id, delivery.attempts, definedFields(outcome));
  }
}
