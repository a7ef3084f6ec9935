import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { NotificationDeliveryDoc } from '../schemas/notification-delivery.schema';

export interface DeliveryFilter {
  environment: string;
  channelId?: string;
  state?: string;
  /** Strictly older than this delivery (createdAt, id): the page after it. */
  before?: { at: Date; id: string };
}

/** The delivery queue. Claims are conditional updates, so two dispatchers (or instances) never send one delivery twice at once. */
@Injectable()
export class NotificationDeliveryRepository {
  constructor(@InjectModel(NotificationDeliveryDoc.name) private readonly model: Model<NotificationDeliveryDoc>) {}

  /** Inserts what is not there yet: ids are deterministic, so a repeated enqueue (a flush replayed after a crash) adds nothing. */
  async enqueue(deliveries: NotificationDeliveryDoc[]): Promise<void> {
    if (deliveries.length === 0) return;
    try {
      await this.model.collection.insertMany(
        deliveries.map((d) => ({ ...d }) as never),
        { ordered: false },
      );
    } catch (error) {
      const writeErrors = (error as { writeErrors?: { code?: number }[] }).writeErrors;
      const duplicatesOnly = (error as { code?: number }).code === 11000 || (writeErrors !== undefined && writeErrors.every((e) => e.code === 11000));
      if (!duplicatesOnly) throw error;
    }
  }

  /** Attempts that outlived their lease (the process died mid-send) are due again. */
  async releaseExpiredLeases(now: Date): Promise<number> {
    const result = await this.model.collection.updateMany({ state: 'sending', leaseUntil: { $lt: now } }, { $set: { state: 'pending', nextAttemptAt: now } });
    return result.modifiedCount;
  }

  due(now: Date, limit: number): Promise<NotificationDeliveryDoc[]> {
    return this.model.collection
      .find({ state: 'pending', nextAttemptAt: { $lte: now } })
      .sort({ nextAttemptAt: 1 })
      .limit(limit)
      .toArray() as unknown as Promise<NotificationDeliveryDoc[]>;
  }

  /** Takes a pending delivery for one attempt; null when another dispatcher took it first. */
  claim(id: string, now: Date, leaseUntil: Date): Promise<NotificationDeliveryDoc | null> {
    return this.model.collection.findOneAndUpdate(
      // Still due: a pass that listed it before an attempt returned it to pending (with a later retry time) takes nothing.
      { _id: id, state: 'pending', nextAttemptAt: { $lte: now } } as never,
      { $set: { state: 'sending', lastAttemptAt: now, leaseUntil }, $inc: { attempts: 1 } },
      { returnDocument: 'after' },
    ) as unknown as Promise<NotificationDeliveryDoc | null>;
  }

  /** Records an attempt's outcome; only while this attempt still holds the delivery. */
  async finish(id: string, attempts: number, outcome: Partial<NotificationDeliveryDoc>): Promise<void> {
    await this.model.collection.updateOne({ _id: id, state: 'sending', attempts } as never, { $set: outcome, $unset: { leaseUntil: '' } });
  }

  find(environment: string, id: string): Promise<NotificationDeliveryDoc | null> {
    return this.model.collection.findOne({ _id: id, environment } as never) as Promise<NotificationDeliveryDoc | null>;
  }

  /** Newest first. */
  list(filter: DeliveryFilter, limit: number): Promise<NotificationDeliveryDoc[]> {
    const query: Record<string, unknown> = { environment: filter.environment };
    if (filter.channelId !== undefined) query.channelId = filter.channelId;
    if (filter.state !== undefined) query.state = filter.state;
    const page = filter.before === undefined ? query : { $and: [query, afterCursor(filter.before)] };
    return this.model.collection.find(page).sort({ createdAt: -1, _id: -1 }).limit(limit).toArray() as unknown as Promise<NotificationDeliveryDoc[]>;
  }

  async deleteFinishedBefore(cutoff: Date): Promise<number> {
    return (await this.model.collection.deleteMany({ state: { $in: ['delivered', 'failed'] }, createdAt: { $lt: cutoff } })).deletedCount;
  }
}

const afterCursor = ({ at, id }: { at: Date; id: string }) => ({ $or: [{ createdAt: { $lt: at } }, { createdAt: at, _id: { $lt: id } }] });
