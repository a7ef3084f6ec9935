import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { AuditEntryDoc } from '../schemas/audit-entry.schema';

export interface AuditFilter {
  environment: string;
  actor?: string;
  /** Entries whose action starts with this, e.g. `alertRule.` */
  actionPrefix?: string;
  targetId?: string;
  from?: Date;
  to?: Date;
  /** Strictly older than this entry (at, id): the page after it. */
  before?: { at: Date; id: string };
}

@Injectable()
export class AuditRepository {
  constructor(@InjectModel(AuditEntryDoc.name) private readonly model: Model<AuditEntryDoc>) {}

  async insert(entry: AuditEntryDoc): Promise<void> {
    await this.model.collection.insertOne({ ...entry } as never);
  }

  /** Newest first. */
  list(filter: AuditFilter, limit: number): Promise<AuditEntryDoc[]> {
    const query: Record<string, unknown> = { environment: filter.environment };
    if (filter.actor !== undefined) query.actor = filter.actor;
    if (filter.targetId !== undefined) query.targetId = filter.targetId;
    if (filter.actionPrefix !== undefined) query.action = { $gte: filter.actionPrefix, $lt: `${filter.actionPrefix}\uffff` };
    const at: Record<string, Date> = {};
    if (filter.from !== undefined) at.$gte = filter.from;
    if (filter.to !== undefined) at.$lte = filter.to;
    if (Object.keys(at).length > 0) query.at = at;
    const page = filter.before === undefined ? query : { $and: [query, afterCursor(filter.before)] };
    return this.model.collection.find(page).sort({ at: -1, _id: -1 }).limit(limit).toArray() as unknown as Promise<AuditEntryDoc[]>;
  }

  async deleteOlderThan(cutoff: Date): Promise<number> {
    return (await this.model.collection.deleteMany({ at: { $lt: cutoff } })).deletedCount;
  }
}

/** Entries after a cursor in (at desc, id desc) order. */
const afterCursor = ({ at, id }: { at: Date; id: string }) => ({ $or: [{ at: { $lt: at } }, { at, _id: { $lt: id } }] });
