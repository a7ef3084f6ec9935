import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { mongo, Model } from 'mongoose';
import { AgentSnapshotDoc } from '../schemas/agent-snapshot.schema';
import { HeartbeatLogDoc } from '../schemas/heartbeat-log.schema';
import { GroupCommit } from '../wal/group-commit';

export interface HeartbeatLogEntry {
  environment: string;
  receivedAt: number;
  heartbeats: object[];
}

/** Durable agent registry state: an append-only heartbeat log plus sharded snapshots. */
@Injectable()
export class AgentStateRepository {
  private readonly groupCommit = new GroupCommit<HeartbeatLogEntry>((entries) => this.writeLog(entries));

  constructor(
    @InjectModel(HeartbeatLogDoc.name) private readonly log: Model<HeartbeatLogDoc>,
    @InjectModel(AgentSnapshotDoc.name) private readonly snapshots: Model<AgentSnapshotDoc>,
  ) {}

  /** Resolves once the entry is durable; concurrent appends share one insert. */
  appendHeartbeats(entry: HeartbeatLogEntry): Promise<void> {
    return this.groupCommit.append(entry);
  }

  /** Log entries received at or after `since`, oldest first. */
  async *heartbeatsSince(since: Date): AsyncIterable<HeartbeatLogEntry> {
    const cursor = this.log.collection.find({ receivedAt: { $gte: since } }, { projection: { _id: 0, entries: 1 } }).sort({ receivedAt: 1 });
    for await (const doc of cursor) yield* fromBlob(doc.entries) as HeartbeatLogEntry[];
  }

  /** One document per group, its entries as one JSON blob: the embedded server's cost grows with fields, not bytes. */
  private async writeLog(entries: HeartbeatLogEntry[]): Promise<void> {
    const receivedAt = new Date(Math.min(...entries.map((e) => e.receivedAt)));
    await this.log.collection.insertOne({ receivedAt, entries: toBlob(entries) });
  }

  async trimHeartbeatsBefore(cutoff: Date): Promise<void> {
    await this.log.collection.deleteMany({ receivedAt: { $lt: cutoff } });
  }

  /** Replaces the shards given, in one unordered bulk keyed by _id. */
  async saveSnapshots(shards: { environment: string; shard: number; takenAt: Date; agents: object[] }[]): Promise<void> {
    if (shards.length === 0) return;
    await this.snapshots.collection.bulkWrite(
      shards.map((s) => ({
        replaceOne: { filter: { _id: `${s.shard}:${s.environment}` } as never, replacement: { ...s, agents: toBlob(s.agents) }, upsert: true },
      })),
      { ordered: false },
    );
  }

  async loadSnapshots(): Promise<{ environment: string; shard: number; takenAt: Date; agents: object[] }[]> {
    const docs = await this.snapshots.collection.find({}).toArray();
    return docs.map((doc) => ({ environment: doc.environment, shard: doc.shard, takenAt: doc.takenAt, agents: fromBlob(doc.agents) }));
  }
}

const toBlob = (value: object[]) => new mongo.Binary(Buffer.from(JSON.stringify(value)));
const fromBlob = (blob: mongo.Binary) => JSON.parse(Buffer.from(blob.buffer).toString('utf8')) as object[];
