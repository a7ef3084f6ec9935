import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { AgentEventDoc } from '../schemas/agent-event.schema';

@Injectable()
export class AgentEventRepository {
  constructor(@InjectModel(AgentEventDoc.name) private readonly model: Model<AgentEventDoc>) {}

  async insertMany(events: AgentEventDoc[]): Promise<void> {
    if (events.length === 0) return;
    await this.model.collection.insertMany(
      events.map((e) => ({ ...e })),
      { ordered: false },
    );
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
