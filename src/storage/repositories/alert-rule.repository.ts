import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { AlertRuleDoc } from '../schemas/alert-rule.schema';

@Injectable()
export class AlertRuleRepository {
  constructor(@InjectModel(AlertRuleDoc.name) private readonly model: Model<AlertRuleDoc>) {}

  all(): Promise<AlertRuleDoc[]> {
    return this.model.collection.find({}).toArray() as unknown as Promise<AlertRuleDoc[]>;
  }

  inEnvironment(environment: string): Promise<AlertRuleDoc[]> {
    return this.model.collection.find({ environment }).sort({ createdAt: 1 }).toArray() as unknown as Promise<AlertRuleDoc[]>;
  }

  async get(environment: string, ruleId: string): Promise<AlertRuleDoc | undefined> {
    return ((await this.model.collection.findOne({ _id: `${environment}/${ruleId}` } as never)) ?? undefined) as AlertRuleDoc | undefined;
  }

  async insert(doc: AlertRuleDoc): Promise<void> {
    await this.model.collection.insertOne({ ...doc } as never);
  }

  /** Inserts the ones not stored yet (built-in rules of an environment, once). */
  async insertMissing(docs: AlertRuleDoc[]): Promise<void> {
    if (docs.length === 0) return;
    await this.model.collection.bulkWrite(
      docs.map((doc) => ({ updateOne: { filter: { _id: doc._id } as never, update: { $setOnInsert: { ...doc } }, upsert: true } })),
      { ordered: false },
    );
  }

  async replace(doc: AlertRuleDoc): Promise<void> {
    await this.model.collection.replaceOne({ _id: doc._id } as never, { ...doc });
  }

  async delete(environment: string, ruleId: string): Promise<boolean> {
    return (await this.model.collection.deleteOne({ _id: `${environment}/${ruleId}` } as never)).deletedCount === 1;
  }
}
