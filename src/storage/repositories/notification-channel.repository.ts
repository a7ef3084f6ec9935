import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { NotificationChannelDoc } from '../schemas/notification-channel.schema';

@Injectable()
export class NotificationChannelRepository {
  constructor(@InjectModel(NotificationChannelDoc.name) private readonly model: Model<NotificationChannelDoc>) {}

  async insert(channel: NotificationChannelDoc): Promise<void> {
    await this.model.collection.insertOne({ ...channel } as never);
  }

  /** Replaces the channel; false when it does not exist in that environment. */
  async replace(channel: NotificationChannelDoc): Promise<boolean> {
    const { _id, environment } = channel;
    return (await this.model.collection.replaceOne({ _id, environment } as never, { ...channel })).matchedCount === 1;
  }

  async delete(environment: string, id: string): Promise<boolean> {
    return (await this.model.collection.deleteOne({ _id: id, environment } as never)).deletedCount === 1;
  }

  find(environment: string, id: string): Promise<NotificationChannelDoc | null> {
    return this.model.collection.findOne({ _id: id, environment } as never) as Promise<NotificationChannelDoc | null>;
  }

  list(environment: string): Promise<NotificationChannelDoc[]> {
    return this.model.collection.find({ environment }).sort({ name: 1, _id: 1 }).toArray() as unknown as Promise<NotificationChannelDoc[]>;
  }

  count(environment: string): Promise<number> {
    return this.model.collection.countDocuments({ environment });
  }
}
