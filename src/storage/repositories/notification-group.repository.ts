import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { NotificationGroupDoc } from '../schemas/notification-group.schema';

/** Notification groups, written with optimistic concurrency on `version`. */
@Injectable()
export class NotificationGroupRepository {
  constructor(@InjectModel(NotificationGroupDoc.name) private readonly model: Model<NotificationGroupDoc>) {}

  find(id: string): Promise<NotificationGroupDoc | null> {
    return this.model.collection.findOne({ _id: id } as never) as Promise<NotificationGroupDoc | null>;
  }

  due(now: Date, limit: number): Promise<NotificationGroupDoc[]> {
    return this.model.collection
      .find({ nextFlushAt: { $lte: now } })
      .sort({ nextFlushAt: 1 })
      .limit(limit)
      .toArray() as unknown as Promise<NotificationGroupDoc[]>;
  }

  listStates(environment: string): Promise<NotificationGroupDoc[]> {
    return this.model.collection.find({ environment }).toArray() as unknown as Promise<NotificationGroupDoc[]>;
  }

  /**
   * Writes the group if it is still at `expectedVersion` (0: it must not exist yet); false when another writer got there
   * first (the caller reloads and retries).
   */
  async save(doc: Omit<NotificationGroupDoc, 'version'>, expectedVersion: number): Promise<boolean> {
    const next = { ...doc, version: expectedVersion + 1 };
    if (expectedVersion === 0) {
      try {
        await this.model.collection.insertOne(next as never);
        return true;
      } catch (error) {
        if ((error as { code?: number }).code === 11000) return false;
        throw error;
      }
    }
    return (await this.model.collection.replaceOne({ _id: doc._id, version: expectedVersion } as never, next)).matchedCount === 1;
  }

  async delete(id: string, expectedVersion: number): Promise<boolean> {
    return (await this.model.collection.deleteOne({ _id: id, version: expectedVersion } as never)).deletedCount === 1;
  }
}
