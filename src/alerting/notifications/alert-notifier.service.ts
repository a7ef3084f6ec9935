import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Clock, CLOCK } from '../../common/clock/clock';
import { AppConfig } from '../../common/config/app-config';
import { NotificationChannelRepository } from '../../storage/repositories/notification-channel.repository';
import { NotificationGroupRepository } from '../../storage/repositories/notification-group.repository';
import { NotificationGroupDoc } from '../../storage/schemas/notification-group.schema';
import { SilencesService } from '../silences/silences.service';
import { AlertNotifier, AlertSnapshot } from './alert-snapshot';
import { DeliveryDispatcher } from './delivery-dispatcher';
import { labelsToRecord } from './routing/notification-message';
import { FlushContext, GroupAlert, GroupState, NotificationRouter } from './routing/notification-router';

/** Groups flushed per pass; the rest wait for the next pass. */
const GROUPS_PER_PASS = 500;
/** Optimistic writes retried this often when another instance writes the same group at the same time. */
const WRITE_RETRIES = 5;
const HOUR_MS = 3_600_000;

/**
 * The ALERT_NOTIFIER: after every alert change the lifecycle hands it a snapshot, which is stored in its
 * notification group (MongoDB) and nothing else; a timer (NOTIFY_DISPATCH_INTERVAL_MS) then flushes due groups
 * into the delivery queue and starts due deliveries. Writes to one group are serialized in this process and
 * optimistic across processes.
 */
@Injectable()
export class AlertNotifierService implements AlertNotifier, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AlertNotifierService.name);
  private readonly router = new NotificationRouter();
  private readonly groupQueues = new Map<string, Promise<unknown>>();
  private pass: Promise<void> = Promise.resolve();
  private passRunning = false;
  private timer?: NodeJS.Timeout;
  private lastCleanup = 0;

  constructor(
    private readonly groups: NotificationGroupRepository,
    private readonly channels: NotificationChannelRepository,
    private readonly dispatcher: DeliveryDispatcher,
    private readonly silences: SilencesService,
    private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (!this.passRunning) void this.dispatchDue();
    }, this.config.NOTIFY_DISPATCH_INTERVAL_MS);
  }

  /** Stops the timer and lets a pass under way finish (attempts in flight are the dispatcher's to abort). */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.pass;
  }

  /** Stores the change in its group; never throws (a storage failure is logged: evaluation must go on). */
  async alertChanged(snapshot: AlertSnapshot): Promise<void> {
    if (snapshot.state === 'PENDING') return; // notifies nobody, and joins no group until it fires
    try {
      const { groupKey } = NotificationRouter.groupOf(snapshot);
      await this.inGroupQueue(groupId(groupKey), (doc) => this.router.apply(doc?.state as GroupState | undefined, snapshot, this.clock.now()) ?? null);
    } catch (error) {
      this.logger.error(`Could not store the notification state of alert ${snapshot.id}: ${(error as Error).message}`);
    }
  }

  /** One pass: flush due groups into the queue, start due deliveries (without waiting for them). Passes never overlap. */
  dispatchDue(): Promise<void> {
    this.pass = this.pass.then(async () => {
      this.passRunning = true;
      try {
        await this.flushGroups();
        await this.dispatcher.dispatchDue();
        await this.cleanup();
      } catch (error) {
        this.logger.warn(`Notification pass failed, will retry: ${(error as Error).message}`);
      } finally {
        this.passRunning = false;
      }
    });
    return this.pass;
  }

  /** A pass, then waits for every attempt in flight to be recorded: what tests call after moving the clock. */
  async flush(): Promise<void> {
    await this.dispatchDue();
    await this.dispatcher.settle();
  }

  private async flushGroups(): Promise<void> {
    const now = this.clock.now();
    const contexts = new Map<string, Promise<FlushContext>>();
    for (const due of await this.groups.due(new Date(now), GROUPS_PER_PASS)) {
      if (!contexts.has(due.environment)) contexts.set(due.environment, this.flushContext(due.environment, now));
      const context = await contexts.get(due.environment)!;
      await this.inGroupQueue(due._id, async (doc) => {
        if (doc === null || doc.nextFlushAt.getTime() > now) return undefined;
        const { group, messages } = this.router.flush(doc.state as GroupState, now, context);
        // Ids from the group's version: a flush repeated after a crash between these two writes enqueues nothing twice.
        await this.dispatcher.enqueue(
          messages.map((m) => this.dispatcher.newDelivery(`${doc._id}:${doc.version}:${m.channelId}`, doc.environment, m.channelId, m.message)),
        );
        return group ?? null;
      });
    }
  }

  /** What a flush in `environment` needs: its channels, and whether an alert is silenced or inhibited now. */
  private async flushContext(environment: string, now: number): Promise<FlushContext> {
    const [channels, silenced, groups] = await Promise.all([
      this.channels.list(environment),
      this.silences.silencedAt(environment, now),
      this.groups.listStates(environment),
    ]);
    const firing = groups.flatMap((doc) =>
      (doc.state as GroupState).alerts.filter((a) => a.status === 'firing').map((a) => matchable(doc.state as GroupState, a)),
    );
    const inhibitor = await this.silences.inhibitor(environment, firing);
    const settings = new Map(channels.map((c) => [c._id, { sendResolved: c.sendResolved }]));
    return {
      channel: (id) => settings.get(id),
      muted: (alert, ruleId) => {
        const target = matchable({ ruleId }, alert);
        return silenced(target) || inhibitor.inhibits(target);
      },
    };
  }

  /**
   * Runs `change` on a group's current document, one at a time per group in this process, and writes what it returns
   * (a state, null to delete, undefined to leave it) if nobody else wrote the group meanwhile; otherwise runs it again.
   */
  private inGroupQueue(
    id: string,
    change: (doc: NotificationGroupDoc | null) => Promise<GroupState | null | undefined> | GroupState | null | undefined,
  ): Promise<void> {
    const run = async () => {
      for (let attempt = 0; attempt < WRITE_RETRIES; attempt++) {
        const doc = await this.groups.find(id);
        const next = await change(doc);
        if (next === undefined) return;
        if (next === null) {
          if (doc === null || (await this.groups.delete(id, doc.version))) return;
        } else if (await this.groups.save({ _id: id, environment: next.environment, nextFlushAt: next.nextFlushAt, state: next }, doc?.version ?? 0)) {
          return;
        }
      }
      throw new Error(`notification group ${id} kept changing under ${WRITE_RETRIES} attempts`);
    };
    const queued = (this.groupQueues.get(id) ?? Promise.resolve()).catch(() => undefined).then(run);
    this.groupQueues.set(id, queued);
    void queued
      .finally(() => {
        if (this.groupQueues.get(id) === queued) this.groupQueues.delete(id);
      })
      .catch(() => undefined);
    return queued;
  }

  /** Hourly: finished deliveries past NOTIFY_DELIVERY_RETENTION_DAYS, and silences expired for RETENTION_EVENTS_DAYS, are deleted. */
  private async cleanup(): Promise<void> {
    const now = this.clock.now();
    if (now - this.lastCleanup < HOUR_MS) return;
    this.lastCleanup = now;
    await this.dispatcher.deleteFinishedBefore(new Date(now - this.config.NOTIFY_DELIVERY_RETENTION_DAYS * 24 * HOUR_MS));
    await this.silences.deleteExpiredBefore(new Date(now - this.config.RETENTION_EVENTS_DAYS * 24 * HOUR_MS));
  }
}

const groupId = (groupKey: string) => createHash('sha256').update(groupKey).digest('base64url');

const matchable = (group: Pick<GroupState, 'ruleId'>, alert: GroupAlert) => ({ id: alert.id, ruleId: group.ruleId, labels: labelsToRecord(alert.labels) });
