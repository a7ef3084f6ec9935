import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { IngestBatchDoc } from '../schemas/ingest-batch.schema';

@Injectable()
export class IngestBatchRepository {
  constructor(@InjectModel(IngestBatchDoc.name) private readonly model: Model<IngestBatchDoc>) {}

  async findResult(environment: string, batchId: string): Promise<Record<string, unknown> | undefined> {
    const doc = await this.model.collection.findOne({ environment, batchId }, { projection: { result: 1 } });
    return (doc?.result as Record<string, unknown> | undefined) ?? undefined;
  }

  /** Records a batch as applied; a concurrent record of the same batchId keeps the first. */
  async record(environment: string, batchId: string, appliedAt: Date, result: Record<string, unknown>): Promise<void> {
    await this.model.collection.updateOne(
      { environment, batchId },
      { $setOnInsert: { environment, batchId, appliedAt, result } },
      { upsert: true },
    );
  }

  async deleteOlderThan(cutoff: Date): Promise<number> {
    return (await this.model.collection.deleteMany({ appliedAt: { $lt: cutoff } })).deletedCount;
  }
}
