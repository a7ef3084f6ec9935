import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { AnyBulkWriteOperation, Model } from 'mongoose';
import { AgentDoc } from '../schemas/agent.schema';
import { LabelDoc } from '../schemas/label.schema';

export interface HeartbeatWrite {
  environment: string;
  agentId: string;
  at: Date;
  intervalSeconds: number;
  labels?: LabelDoc[];
  reportedStatus?: string;
  cpu?: number;
  memory?: number;
  disk?: number;
  version?: string;
}

export interface StatusWrite {
  environment: string;
  agentId: string;
  status: string;
  statusSince: Date;
  statusReason: string;
}

@Injectable()
export class AgentRepository {
  constructor(@InjectModel(AgentDoc.name) private readonly model: Model<AgentDoc>) {}

  /** One bulk upsert for a batch of heartbeats; the first heartbeat registers the agent as HEALTHY. */
  async recordHeartbeats(writes: HeartbeatWrite[]): Promise<void> {
    if (writes.length === 0) return;
    const ops: AnyBulkWriteOperation<AgentDoc>[] = writes.map((w) => {
      const set: Record<string, unknown> = { intervalSeconds: w.intervalSeconds };
      for (const key of ['labels', 'reportedStatus', 'cpu', 'memory', 'disk', 'version'] as const) {
        if (w[key] !== undefined) set[key] = w[key];
      }
      return {
        updateOne: {
          filter: { environment: w.environment, agentId: w.agentId },
          update: {
            $set: set,
            $max: { lastHeartbeatAt: w.at },
            $setOnInsert: {
              firstSeenAt: w.at,
              status: 'HEALTHY',
              statusSince: w.at,
              statusReason: 'first heartbeat',
              ...(w.labels === undefined ? { labels: [] } : {}),
            },
          },
          upsert: true,
        },
      };
    });
    await this.model.collection.bulkWrite(ops as never, { ordered: false });
  }

  async recordStatuses(writes: StatusWrite[]): Promise<void> {
    if (writes.length === 0) return;
    await this.model.collection.bulkWrite(
      writes.map((w) => ({
        updateOne: {
          filter: { environment: w.environment, agentId: w.agentId },
          update: { $set: { status: w.status, statusSince: w.statusSince, statusReason: w.statusReason } },
        },
      })),
      { ordered: false },
    );
  }

  /** A page of agents ordered by agentId, starting after the agent id `after`. */
  page(environment: string, statuses: string[] | undefined, after: string | undefined, limit: number): Promise<AgentDoc[]> {
    const filter: Record<string, unknown> = { environment, ...statusFilter(statuses) };
    if (after !== undefined) filter.agentId = { $gt: after };
    return this.model.collection.find(filter, { projection: { _id: 0 } }).sort({ agentId: 1 }).limit(limit).toArray() as unknown as Promise<AgentDoc[]>;
  }

  count(environment: string, statuses: string[] | undefined): Promise<number> {
    return this.model.collection.countDocuments({ environment, ...statusFilter(statuses) });
  }

  findOne(environment: string, agentId: string): Promise<AgentDoc | null> {
    return this.model.collection.findOne({ environment, agentId }, { projection: { _id: 0 } }) as Promise<AgentDoc | null>;
  }

  findAll(): Promise<AgentDoc[]> {
    return this.model.collection.find({}, { projection: { _id: 0 } }).toArray() as unknown as Promise<AgentDoc[]>;
  }
}

function statusFilter(statuses: string[] | undefined): Record<string, unknown> {
  return statuses === undefined || statuses.length === 0 ? {} : { status: { $in: statuses } };
}
