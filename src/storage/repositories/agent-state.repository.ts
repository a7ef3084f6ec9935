import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectConnection, InjectModel } from '@nestjs/mongoose';
import { Connection, Model, mongo } from 'mongoose';
import { AppConfig } from '../../common/config/app-config';
import { Metrics } from '../../common/metrics/metrics';
import { AgentSnapshotDoc } from '../schemas/agent-snapshot.schema';
import { encodeInPieces, MAX_DOCUMENT_BYTES } from '../wal/document-size';
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
  /** Which document of the shard this is: a shard too big for one document is saved as several. */
  piece?: number;
}

/** A log entry with its JSON, made once when it is appended: its size for the log's bound, and its part of the group's blob. */
interface LoggedEntry {
  entry: HeartbeatLogEntry;
  json: string;
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
  private readonly groupCommit: GroupCommit<LoggedEntry>;
  private generation = 0;
  /** Documents each snapshot shard was last saved as, by _id of its first: the pieces past a new count are deleted. */
  private readonly shardPieces = new Map<string, number>();

  constructor(
    @InjectConnection() private readonly connection: Connection,
    @InjectModel(AgentSnapshotDoc.name) private readonly snapshots: Model<AgentSnapshotDoc>,
    private readonly metrics: Metrics,
    config: AppConfig,
  ) {
    this.groupCommit = new GroupCommit<LoggedEntry>((entries) => this.writeLog(entries), {
      log: 'heartbeat',
      maxBytes: config.WAL_MAX_PENDING_BYTES,
      size: (logged) => logged.json.length,
    });
  }

  async onModuleInit(): Promise<void> {
    const existing = await this.logGenerations();
    this.generation = existing.length === 0 ? 1 : existing[existing.length - 1] + 1;
  }

  /** Resolves once the entry is durable; concurrent appends share one insert. */
  appendHeartbeats(entry: HeartbeatLogEntry): Promise<void> {
    return this.groupCommit.append(logged(entry));
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

  /**
   * Replaces the shards given, in unordered bulks keyed by _id (see updateBatches): a shard as one
   * document (`<shard>:<environment>`), or as several (`…:<piece>` after the first) when its agents
   * would be over the document size limit; then deletes the pieces a shard no longer has.
   */
  async saveSnapshots(shards: AgentSnapshotShard[]): Promise<void> {
    if (shards.length === 0) return;
    const writes: { id: string; shard: AgentSnapshotShard; piece: number; blob: Buffer }[] = [];
    const stale: string[] = [];
    const counts = new Map<string, number>();
    for (const shard of shards) {
      const id = `${shard.shard}:${shard.environment}`;
      const pieces = encodeInPieces(shard.agents, toJson);
      pieces.forEach(({ blob }, piece) => writes.push({ id: piece === 0 ? id : `${id}:${piece}`, shard, piece, blob }));
      for (let piece = pieces.length; piece < (this.shardPieces.get(id) ?? 1); piece++) stale.push(`${id}:${piece}`);
      counts.set(id, pieces.length);
    }
    const operations = [
      ...writes.map(({ id, shard, piece, blob }) => ({
        replaceOne: { filter: { _id: id } as never, replacement: { ...shard, piece, agents: new mongo.Binary(blob) }, upsert: true },
      })),
      ...stale.map((id) => ({ deleteOne: { filter: { _id: id } as never } })),
    ];
    for (const batch of updateBatches(operations)) await this.snapshots.collection.bulkWrite(batch, { ordered: false });
    for (const [id, count] of counts) this.shardPieces.set(id, count);
  }

  /** The saved shards; of a shard saved in pieces, only the pieces of its latest save (a piece left by an interrupted save is older). */
  async loadSnapshots(): Promise<AgentSnapshotShard[]> {
    const docs = await this.snapshots.collection.find<AgentSnapshotRecord>({}).toArray();
    const latest = new Map<string, number>();
    for (const doc of docs) {
      const key = `${doc.shard}:${doc.environment}`;
      latest.set(key, Math.max(latest.get(key) ?? 0, doc.takenAt.getTime()));
      this.shardPieces.set(key, Math.max(this.shardPieces.get(key) ?? 1, (doc.piece ?? 0) + 1));
    }
    return docs
      .filter((doc) => doc.takenAt.getTime() === latest.get(`${doc.shard}:${doc.environment}`))
      .map((doc) => ({ environment: doc.environment, shard: doc.shard, takenAt: doc.takenAt, agents: fromBlob(doc.agents) }));
  }

  /**
   * One document per group, its entries as one JSON blob (the embedded server's cost grows with
   * fields, not bytes); several in order when the group would be over the document size limit.
   */
  private async writeLog(entries: LoggedEntry[]): Promise<void> {
    const pieces = encodeInPieces(entries, (group) => Buffer.from(`[${group.map((e) => e.json).join(',')}]`), MAX_DOCUMENT_BYTES, splitLogged);
    this.metrics.walGroupEntries.observe({ log: 'heartbeats' }, entries.length);
    this.metrics.walGroupBytes.observe(
      { log: 'heartbeats' },
      pieces.reduce((bytes, piece) => bytes + piece.blob.length, 0),
    );
    const log = this.connection.collection(LOG_PREFIX + this.generation);
    await this.metrics.timed(this.metrics.walWriteDuration, { log: 'heartbeats' }, () =>
      log.insertMany(
        pieces.map(({ items, blob }) => ({ receivedAt: new Date(Math.min(...items.map((e) => e.entry.receivedAt))), entries: new mongo.Binary(blob) })),
        { ordered: true },
      ),
    );
  }

  private logGenerations(): Promise<number[]> {
    return collectionGenerations(this.connection, LOG_PREFIX);
  }
}

const toJson = (value: object[]) => Buffer.from(JSON.stringify(value));
const logged = (entry: HeartbeatLogEntry): LoggedEntry => ({ entry, json: JSON.stringify(entry) });

/** An entry too big for one document as two, its heartbeats halved (undefined for a single heartbeat). */
function splitLogged({ entry }: LoggedEntry): [LoggedEntry, LoggedEntry] | undefined {
  if (entry.heartbeats.length < 2) return undefined;
  const half = entry.heartbeats.length >> 1;
  return [logged({ ...entry, heartbeats: entry.heartbeats.slice(0, half) }), logged({ ...entry, heartbeats: entry.heartbeats.slice(half) })];
}
const fromBlob = (blob: mongo.Binary) => JSON.parse(Buffer.from(blob.buffer).toString('utf8')) as object[];
