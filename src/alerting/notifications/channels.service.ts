import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditService } from '../../audit/audit.service';
import { Clock, CLOCK } from '../../common/clock/clock';
import { AppConfig } from '../../common/config/app-config';
import { decodeCursor, encodeCursor } from '../../common/pagination/cursor';
import { NotificationChannelRepository } from '../../storage/repositories/notification-channel.repository';
import { NotificationDeliveryRepository } from '../../storage/repositories/notification-delivery.repository';
import { NotificationChannelDoc } from '../../storage/schemas/notification-channel.schema';
import { NotificationDeliveryDoc } from '../../storage/schemas/notification-delivery.schema';
import { DeliveryDispatcher } from './delivery-dispatcher';
import { MAX_DELIVERY_PAGE, NotificationChannelInput, NotificationDeliveriesArgs } from './dto/notification-channel.input';
import { ChannelKind, DeliveryState, NotificationChannel, NotificationDelivery, NotificationDeliveryConnection } from './models/notification-channel.model';
import { InvalidNotificationInput, NotificationObjectNotFound } from './notifications.errors';
import { CHANNEL_LIMITS, ChannelSettings, validateChannel } from './routing/channel-rules';
import { NotificationMessage } from './routing/notification-message';

/** Notification channels per environment (validated, audited, secrets kept in), their deliveries, and testChannel. */
@Injectable()
export class ChannelsService {
  constructor(
    private readonly channels: NotificationChannelRepository,
    private readonly deliveryStore: NotificationDeliveryRepository,
    private readonly dispatcher: DeliveryDispatcher,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async create(environment: string, input: NotificationChannelInput, actor: string): Promise<NotificationChannel> {
    const settings = validateChannel(input, { smtpConfigured: this.config.SMTP_URL !== undefined });
    if ((await this.channels.count(environment)) >= CHANNEL_LIMITS.perEnvironment) {
      throw new InvalidNotificationInput(`an environment has at most ${CHANNEL_LIMITS.perEnvironment} channels`, 'channel');
    }
    await this.refuseDuplicateName(environment, settings.name);
    const now = new Date(this.clock.now());
    const doc: NotificationChannelDoc = { _id: randomUUID(), environment, ...settings, createdAt: now, updatedAt: now };
    await this.channels.insert(doc);
    const channel = toChannel(doc);
    await this.audit.record({ environment, actor, action: 'notificationChannel.create', targetId: doc._id, after: channel });
    return channel;
  }

  async update(environment: string, id: string, input: NotificationChannelInput, actor: string): Promise<NotificationChannel> {
    const current = await this.get(environment, id);
    const settings = validateChannel(input, { smtpConfigured: this.config.SMTP_URL !== undefined, current: current as ChannelSettings });
    await this.refuseDuplicateName(environment, settings.name, id);
    const doc: NotificationChannelDoc = { _id: id, environment, ...settings, createdAt: current.createdAt, updatedAt: new Date(this.clock.now()) };
    if (!(await this.channels.replace(doc))) throw new NotificationObjectNotFound('notification channel', id);
    const channel = toChannel(doc);
    await this.audit.record({ environment, actor, action: 'notificationChannel.update', targetId: id, before: toChannel(current), after: channel });
    return channel;
  }

  /** Deliveries still queued for it fail ("the channel was deleted"); rules naming it simply lose it. */
  async delete(environment: string, id: string, actor: string): Promise<boolean> {
    const current = await this.get(environment, id);
    if (!(await this.channels.delete(environment, id))) throw new NotificationObjectNotFound('notification channel', id);
    await this.audit.record({ environment, actor, action: 'notificationChannel.delete', targetId: id, before: toChannel(current) });
    return true;
  }

  async list(environment: string): Promise<NotificationChannel[]> {
    return (await this.channels.list(environment)).map(toChannel);
  }

  async find(environment: string, id: string): Promise<NotificationChannel | null> {
    const doc = await this.channels.find(environment, id);
    return doc === null ? null : toChannel(doc);
  }

  /** Sends a test notification to the channel now, one attempt within NOTIFY_TIMEOUT_SECONDS, and returns its outcome. */
  async test(environment: string, id: string): Promise<NotificationDelivery> {
    await this.get(environment, id);
    const now = new Date(this.clock.now());
    const message: NotificationMessage = {
      environment,
      groupKey: `{environment=${JSON.stringify(environment)}}:{test}`,
      ruleId: 'test',
      ruleName: 'Vitals channel check',
      status: 'firing',
      groupLabels: [],
      alerts: [
        {
          id: 'test',
          status: 'firing',
          severity: 'INFO',
          subject: 'test',
          labels: [
            { name: 'alertname', value: 'VitalsChannelTest' },
            { name: 'environment', value: environment },
            { name: 'severity', value: 'INFO' },
          ],
          annotations: [{ name: 'summary', value: 'A test notification from Vitals: this channel works.' }],
          startsAt: now,
        },
      ],
      truncatedAlerts: 0,
      test: true,
    };
    const delivered = await this.dispatcher.sendNow(this.dispatcher.newDelivery(`test:${randomUUID()}`, environment, id, message, 1));
    return toDelivery(delivered);
  }

  async deliveries(args: NotificationDeliveriesArgs): Promise<NotificationDeliveryConnection> {
    const first = args.first ?? 50;
    if (!Number.isInteger(first) || first < 1 || first > MAX_DELIVERY_PAGE)
      throw new InvalidNotificationInput(`first must be 1..${MAX_DELIVERY_PAGE}`, 'first');
    const before = args.after == null ? undefined : decodeCursor(args.after);
    if (args.after != null && before === undefined) throw new InvalidNotificationInput('after is not a cursor from this API', 'after');
    const docs = await this.deliveryStore.list(
      { environment: args.environment, channelId: args.channelId ?? undefined, state: args.state?.toLowerCase(), before },
      first + 1,
    );
    const edges = docs.slice(0, first).map((doc) => ({ cursor: encodeCursor({ at: doc.createdAt, id: doc._id }), node: toDelivery(doc) }));
    return { edges, pageInfo: { hasNextPage: docs.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  async recentDeliveries(environment: string, channelId: string, first: number): Promise<NotificationDelivery[]> {
    if (!Number.isInteger(first) || first < 1 || first > 100) throw new InvalidNotificationInput('first must be 1..100', 'first');
    return (await this.deliveryStore.list({ environment, channelId }, first)).map(toDelivery);
  }

  private async get(environment: string, id: string): Promise<NotificationChannelDoc> {
    const doc = await this.channels.find(environment, id);
    if (doc === null) throw new NotificationObjectNotFound('notification channel', id);
    return doc;
  }

  private async refuseDuplicateName(environment: string, name: string, exceptId?: string): Promise<void> {
    const clash = (await this.channels.list(environment)).find((c) => c.name === name && c._id !== exceptId);
    if (clash !== undefined) throw new InvalidNotificationInput(`channel.name: a channel named ${JSON.stringify(name)} exists already`, 'channel.name');
  }
}

/** The API view: never the secret; a Slack URL only as its origin (its path is the credential). */
export function toChannel(doc: NotificationChannelDoc): NotificationChannel {
  const url = doc.url === undefined ? undefined : doc.kind === 'SLACK' ? new URL(doc.url).origin : doc.url;
  return {
    id: doc._id,
    environment: doc.environment,
    name: doc.name,
    kind: doc.kind as ChannelKind,
    ...(url !== undefined ? { url } : {}),
    signed: doc.secret !== undefined,
    ...(doc.to !== undefined ? { to: doc.to } : {}),
    sendResolved: doc.sendResolved,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

function toDelivery(doc: NotificationDeliveryDoc): NotificationDelivery {
  const message = doc.message as NotificationMessage;
  return {
    id: doc._id,
    environment: doc.environment,
    channelId: doc.channelId,
    groupKey: doc.groupKey,
    status: message.status,
    alertCount: message.alerts.length + message.truncatedAlerts,
    test: message.test === true,
    state: doc.state.toUpperCase() as DeliveryState,
    attempts: doc.attempts,
    createdAt: doc.createdAt,
    ...(doc.state === 'pending' ? { nextAttemptAt: doc.nextAttemptAt } : {}),
    lastAttemptAt: doc.lastAttemptAt,
    deliveredAt: doc.deliveredAt,
    lastError: doc.lastError,
    responseStatus: doc.responseStatus,
    durationMs: doc.durationMs,
  };
}
