import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { InhibitionRuleDoc, SilenceDoc } from '../schemas/silence.schema';

@Injectable()
export class SilenceRepository {
  constructor(
    @InjectModel(SilenceDoc.name) private readonly silences: Model<SilenceDoc>,
    @InjectModel(InhibitionRuleDoc.name) private readonly inhibitions: Model<InhibitionRuleDoc>,
  ) {}

  async insert(silence: SilenceDoc): Promise<void> {
    await this.silences.collection.insertOne({ ...silence } as never);
  }

  async update(environment: string, id: string, set: Partial<SilenceDoc>): Promise<void> {
    await this.silences.collection.updateOne({ _id: id, environment } as never, { $set: set });
  }

  find(environment: string, id: string): Promise<SilenceDoc | null> {
    return this.silences.collection.findOne({ _id: id, environment } as never) as Promise<SilenceDoc | null>;
  }

  /** Silences of an environment, all or only those ending after `endsAfter`; newest start first. */
  list(environment: string, endsAfter?: Date): Promise<SilenceDoc[]> {
    const query: Record<string, unknown> = { environment };
    if (endsAfter !== undefined) query.endsAt = { $gt: endsAfter };
    return this.silences.collection.find(query).sort({ startsAt: -1, _id: 1 }).toArray() as unknown as Promise<SilenceDoc[]>;
  }

  async deleteExpiredBefore(cutoff: Date): Promise<number> {
    return (await this.silences.collection.deleteMany({ endsAt: { $lt: cutoff } })).deletedCount;
  }

  async insertInhibition(rule: InhibitionRuleDoc): Promise<void> {
    await this.inhibitions.collection.insertOne({ ...rule } as never);
  }

  findInhibition(environment: string, id: string): Promise<InhibitionRuleDoc | null> {
    return this.inhibitions.collection.findOne({ _id: id, environment } as never) as Promise<InhibitionRuleDoc | null>;
  }

  async deleteInhibition(environment: string, id: string): Promise<boolean> {
    return (await this.inhibitions.collection.deleteOne({ _id: id, environment } as never)).deletedCount === 1;
  }

  listInhibitions(environment: string): Promise<InhibitionRuleDoc[]> {
    return this.inhibitions.collection.find({ environment }).sort({ createdAt: 1, _id: 1 }).toArray() as unknown as Promise<InhibitionRuleDoc[]>;
  }

  countInhibitions(environment: string): Promise<number> {
    return this.inhibitions.collection.countDocuments({ environment });
  }
}
