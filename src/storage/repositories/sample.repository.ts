import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { SampleBlockDoc } from '../schemas/sample-block.schema';

const DUPLICATE_KEY = 11000;

export interface SampleRangeQuery {
  environment: string;
  metric: string;
  from: Date;
  to: Date;
  agentIds?: string[];
}

@Injectable()
export class SampleRepository {
  constructor(@InjectModel(SampleBlockDoc.name) private readonly model: Model<SampleBlockDoc>) {}

  /** Inserts blocks in one unordered bulk; blocks already stored by an earlier try of the same batch are skipped. */
  async insertBlocks(blocks: SampleBlockDoc[]): Promise<void> {
    if (blocks.length === 0) return;
    try {
      await this.model.collection.insertMany(blocks as never[], { ordered: false });
    } catch (error) {
      const writeErrors = (error as { writeErrors?: { code: number }[] | { code: number } }).writeErrors;
      const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : undefined;
      if (list === undefined || list.some((e) => e.code !== DUPLICATE_KEY)) throw error;
    }
  }

  /** Blocks that may hold samples of [from, to). */
  findBlocks(query: SampleRangeQuery): Promise<Pick<SampleBlockDoc, 'agentId' | 't' | 'v'>[]> {
    const filter: Record<string, unknown> = {
      environment: query.environment,
      metric: query.metric,
      start: { $lt: query.to },
      end: { $gte: query.from },
    };
    if (query.agentIds !== undefined) filter.agentId = { $in: query.agentIds };
    return this.model.collection
      .find(filter, { projection: { _id: 0, agentId: 1, t: 1, v: 1 } })
      .toArray() as unknown as Promise<Pick<SampleBlockDoc, 'agentId' | 't' | 'v'>[]>;
  }

  async deleteOlderThan(cutoff: Date): Promise<number> {
    return (await this.model.collection.deleteMany({ end: { $lt: cutoff } })).deletedCount;
  }
}
