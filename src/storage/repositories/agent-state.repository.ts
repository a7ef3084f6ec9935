import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectConnection, InjectModel } from '@nestjs/mongoose';
import { Connection, Model, mongo } from 'mongoose';
import { AgentSnapshotDoc } from '../schemas/agent-snapshot.schema';
import { collectionGenerations, GroupCommit } from '../wal/group-commit';
import { updateBatches } from './update-batches';

export interface HeartbeatLogEntry {
  environment: string;
  receivedAt: number;
  heartbeats: object[];
}

export interface AgentSnapshotShard {
  environment: string;
  shard: number;
  takenAt: Date;
  agents: object[];
}

/** A stored snapshot shard as the driver returns it (the mongoose schema is AgentSnapshotDoc). */
interface AgentSnapshotRecord {
  _id: string;
  environment: string;
  shard: number;
  takenAt: Date;
  agents: mongo.Binary;
}

const LOG_PREFIX = 'heartbeat_log_';

/**
 * Durable agent registry state: a heartbeat log plus sharded snapshots.
 *
 * The log is a series of generations, one collection each
 * (`heartbeat_log_<n>`, documents `{ receivedAt, entries: <JSON blob> }`): a
 * snapshot starts a new generation, and once it is saved the generations
 * before the one it overlaps are dropped whole. Dropping a collection is
 * instant where deleting its documents one by one would hold the embedded
 * server's single writer for seconds.
 */
@Injectable()
export class AgentStateRepository implements OnModuleInit {
  private readonly groupCommit = new GroupCommit<HeartbeatLogEntry>((entries) => this.writeLog(entries));
  private generation = 0;

  constructor(
    @InjectConnection() private readonly connection: Connection,
    @InjectModel(AgentSnapshotDoc.name) private readonly snapshots: Model<AgentSnapshotDoc>,
  ) {}

  async onModuleInit(): Promise<void> {
    const existing = await this.logGenerations();
    this.generation = existing.length === 0 ? 1 : existing[existing.length - 1] + 1;
  }

  /** Resolves once the entry is durable; concurrent appends share one insert. */
  appendHeartbeats(entry: HeartbeatLogEntry): Promise<void> {
    return this.groupCommit.append(entry);
  }

  /** Every logged entry, oldest generation first. */
  async *loggedHeartbeats(): AsyncIterable<HeartbeatLogEntry> {
    for (const generation of await this.logGenerations()) {
      const cursor = this.connection
        .collection(LOG_PREFIX + generation)
        .find<{ entries: mongo.Binary }>({}, { projection: { _id: 0, entries: 1 } })
        .sort({ receivedAt: 1 });
      for await (const doc of cursor) yield* fromBlob(doc.entries) as HeartbeatLogEntry[];
    }
  }

  /** Starts a new log generation; returns the one that was current. */
  rotateLog(): number {
    return this.generation++;
  }

  /** Drops the generations before `generation` (their entries are in a saved snapshot). */
  async dropLogBefore(generation: number): Promise<void> {
    for (const old of await this.logGenerations()) {
      if (old < generation) await this.connection.dropCollection(LOG_PREFIX + old);
    }
  }

  /** Replaces the shards given, in unordered bulks keyed by _id (see updateBatches). */
  async saveSnapshots(shards: AgentSnapshotShard[]): Promise<void> {
    for (const batch of updateBatches(shards)) {
      await this.snapshots.collection.bulkWrite(
        batch.map((s) => ({
          replaceOne: { filter: { _id: `${s.shard}:${s.environment}` } as never, replacement: { ...s, agents: toBlob(s.agents) }, upsert: true },
        })),
        { ordered: false },
      );
    }
  }

  async loadSnapshots(): Promise<AgentSnapshotShard[]> {
    const docs = await this.snapshots.collection.find<AgentSnapshotRecord>({}).toArray();
    return docs.map((doc) => ({ environment: doc.environment, shard: doc.shard, takenAt: doc.takenAt, agents: fromBlob(doc.agents) }));
  }

  /** One document per group, its entries as one JSON blob: the embedded server's cost grows with fields, not bytes. */
  private async writeLog(entries: HeartbeatLogEntry[]): Promise<void> {
    const receivedAt = new Date(Math.min(...entries.map((e) => e.receivedAt)));
    await this.connection.collection(LOG_PREFIX + this.generation).insertOne({ receivedAt, entries: toBlob(entries) });
  }

  private logGenerations(): Promise<number[]> {
    return collectionGenerations(this.connection, LOG_PREFIX);
  }
}

const toBlob = (value: object[]) => new mongo.Binary(Buffer.from(JSON.stringify(value)));
const fromBlob = (blob: mongo.Binary) => JSON.parse(Buffer.from(blob.buffer).toString('utf8')) as object[];
