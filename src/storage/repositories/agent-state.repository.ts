import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { AgentSnapshotDoc } from '../schemas/agent-snapshot.schema';
import { HeartbeatLogDoc } from '../schemas/heartbeat-log.schema';

/** Durable agent registry state: an append-only heartbeat log plus sharded snapshots. */
@Injectable()
export class AgentStateRepository {
  constructor(
    @InjectModel(HeartbeatLogDoc.name) private readonly log: Model<HeartbeatLogDoc>,
    @InjectModel(AgentSnapshotDoc.name) private readonly snapshots: Model<AgentSnapshotDoc>,
  ) {}

  async appendHeartbeats(environment: string, receivedAt: Date, heartbeats: object[]): Promise<void> {
    await this.log.collection.insertOne({ environment, receivedAt, heartbeats });
  }

  /** Log entries received at or after `since`, oldest first. */
  heartbeatsSince(since: Date): AsyncIterable<HeartbeatLogDoc> {
    return this.log.collection.find({ receivedAt: { $gte: since } }, { projection: { _id: 0 } }).sort({ receivedAt: 1 }) as unknown as AsyncIterable<HeartbeatLogDoc>;
  }

  async trimHeartbeatsBefore(cutoff: Date): Promise<void> {
    await this.log.collection.deleteMany({ receivedAt: { $lt: cutoff } });
  }

  /** Replaces the shards given, in one unordered bulk keyed by _id. */
  async saveSnapshots(shards: { environment: string; shard: number; takenAt: Date; agents: object[] }[]): Promise<void> {
    if (shards.length === 0) return;
    await this.snapshots.collection.bulkWrite(
      shards.map((s) => ({
        replaceOne: { filter: { _id: `${s.shard}:${s.environment}` } as never, replacement: { ...s }, upsert: true },
      })),
      { ordered: false },
    );
  }

  loadSnapshots(): Promise<AgentSnapshotDoc[]> {
    return this.snapshots.collection.find({}).toArray() as unknown as Promise<AgentSnapshotDoc[]>;
  }
}
