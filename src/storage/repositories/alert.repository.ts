import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { AlertDoc } from '../schemas/alert.schema';

@Injectable()
export class AlertRepository {
  constructor(@InjectModel(AlertDoc.name) private readonly model: Model<AlertDoc>) {}

  findAllOpen(): Promise<AlertDoc[]> {
    return this.model.collection.find({ state: 'FIRING' }).toArray() as unknown as Promise<AlertDoc[]>;
  }

  async insert(alert: AlertDoc): Promise<void> {
    await this.model.create(alert);
  }

  async resolve(id: string, at: Date): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { state: 'RESOLVED', resolvedAt: at, updatedAt: at } });
  }

  list(environment: string, states: string[] | undefined, limit: number): Promise<AlertDoc[]> {
    const filter: Record<string, unknown> = { environment };
    if (states !== undefined) filter.state = { $in: states };
    return this.model.collection.find(filter).sort({ startedAt: -1 }).limit(limit).toArray() as unknown as Promise<AlertDoc[]>;
  }

  async deleteResolvedBefore(cutoff: Date): Promise<number> {
    return (await this.model.collection.deleteMany({ state: 'RESOLVED', resolvedAt: { $lt: cutoff } })).deletedCount;
  }
}
