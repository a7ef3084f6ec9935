import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, mongo } from 'mongoose';
import { AgentEventDoc } from '../schemas/agent-event.schema';

const DUPLICATE_KEY = 11000;

@Injectable()
export class AgentEventRepository {
  constructor(@InjectModel(AgentEventDoc.name) private readonly model: Model<AgentEventDoc>) {}

  /**
   * Inserts the events in order; safe to call again with the same events after a failure: an
   * event whose `_id` is already stored (its insert applied though its answer was lost, or an
   * earlier try stored it) is skipped. The embedded server's duplicate-key error does not name
   * the index, so the `_id` is looked up to tell such an event from a real conflict.
   */
  async insertNew(events: (AgentEventDoc & { _id: string })[]): Promise<void> {
    let rest = events;
    while (rest.length > 0) {
      try {
        await this.model.collection.insertMany(
          rest.map((e) => ({ ...e }) as never),
          { ordered: true },
        );
        return;
      } catch (error) {
        const stored = error instanceof mongo.MongoBulkWriteError ? error.insertedCount : 0;
        const failed = rest[stored];
        const alreadyStored =
          (error as { code?: number }).code === DUPLICATE_KEY && (await this.model.collection.countDocuments({ _id: failed._id as never }, { limit: 1 })) > 0;
        if (!alreadyStored) throw error;
        rest = rest.slice(stored + 1);
      }
    }
  }

  /** The events of one agent within [from, to], preceded by the last one before `from` (the status at `from`). */
  async findHistory(environment: string, agentId: string, from: Date, to: Date): Promise<AgentEventDoc[]> {
    const projection = { _id: 0 };
    const [before, within] = await Promise.all([
      this.model.collection
        .find({ environment, agentId, at: { $lt: from } }, { projection })
        .sort({ at: -1 })
        .limit(1)
        .toArray(),
      this.model.collection
        .find({ environment, agentId, at: { $gte: from, $lte: to } }, { projection })
        .sort({ at: 1 })
        .toArray(),
    ]);
    return [...before, ...within] as unknown as AgentEventDoc[];
  }

  /** Every status change in one environment within [from, to], by agent and time. */
  findInWindow(environment: string, from: Date, to: Date): Promise<AgentEventDoc[]> {
    return this.model.collection
      .find({ environment, at: { $gte: from, $lte: to } }, { projection: { _id: 0 } })
      .sort({ agentId: 1, at: 1 })
      .toArray() as unknown as Promise<AgentEventDoc[]>;
  }

  async deleteOlderThan(cutoff: Date): Promise<number> {
    return (await this.model.collection.deleteMany({ at: { $lt: cutoff } })).deletedCount;
  }
}
