import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { AlertDoc, AlertTransitionDoc } from '../schemas/alert.schema';

export interface AlertFilter {
  environment: string;
  states?: string[];
  severities?: string[];
  ruleId?: string;
  subject?: string;
  /** Alerts whose labels carry this agent. */
  agentId?: string;
  /** Strictly after this alert in (startedAt desc, id desc) order: the next page. */
  before?: { at: Date; id: string };
}

const OPEN = ['PENDING', 'FIRING'];

@Injectable()
export class AlertRepository {
  constructor(@InjectModel(AlertDoc.name) private readonly model: Model<AlertDoc>) {}

  findAllOpen(): Promise<AlertDoc[]> {
    return this.model.collection.find({ state: { $in: OPEN } }).toArray() as unknown as Promise<AlertDoc[]>;
  }

  async insert(alert: AlertDoc): Promise<void> {
    await this.model.collection.insertOne({ ...alert } as never);
  }

  /** Moves an alert to a state, appending the transition to its history. */
  async transition(id: string, fields: Partial<AlertDoc>, entry: AlertTransitionDoc): Promise<void> {
    await this.model.collection.updateOne({ _id: id } as never, { $set: { ...fields, updatedAt: entry.at }, $push: { history: entry } } as never);
  }

  async update(id: string, set: Partial<AlertDoc>, unset: (keyof AlertDoc)[] = []): Promise<void> {
    const update: Record<string, unknown> = { $set: set };
    if (unset.length > 0) update.$unset = Object.fromEntries(unset.map((key) => [key, '']));
    await this.model.collection.updateOne({ _id: id } as never, update);
  }

  async get(environment: string, id: string): Promise<AlertDoc | undefined> {
    return ((await this.model.collection.findOne({ _id: id, environment } as never)) ?? undefined) as AlertDoc | undefined;
  }

  /** Newest first. */
  list(filter: AlertFilter, limit: number): Promise<AlertDoc[]> {
    const query: Record<string, unknown> = { environment: filter.environment };
    if (filter.states !== undefined) query.state = { $in: filter.states };
    if (filter.severities !== undefined) query.severity = { $in: filter.severities };
    if (filter.ruleId !== undefined) query.ruleId = filter.ruleId;
    if (filter.subject !== undefined) query.subject = filter.subject;
    if (filter.agentId !== undefined) query['labels.agent'] = filter.agentId;
    const { before } = filter;
    const page =
      before === undefined ? query : { $and: [query, { $or: [{ startedAt: { $lt: before.at } }, { startedAt: before.at, _id: { $lt: before.id } }] }] };
    return this.model.collection.find(page).sort({ startedAt: -1, _id: -1 }).limit(limit).toArray() as unknown as Promise<AlertDoc[]>;
  }

  async deleteResolvedBefore(cutoff: Date): Promise<number> {
    return (await this.model.collection.deleteMany({ state: 'RESOLVED', resolvedAt: { $lt: cutoff } })).deletedCount;
  }
}
