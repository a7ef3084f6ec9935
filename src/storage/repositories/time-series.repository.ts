import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection, mongo } from 'mongoose';
import { Manifest, PartEntry } from '../timeseries/part-catalog';
import type { SeriesEntry } from '../timeseries/series-catalog';
import { tierOfId } from '../timeseries/part-id';
import { collectionGenerations } from '../wal/group-commit';
import { LedgerEntry } from '../timeseries/ingest-records';
import { updateBatches } from './update-batches';

const WAL_PREFIX = 'sample_wal_';
const MANIFESTS = 'series_manifests';
const LEDGER = 'ingest_ledger';
const DUPLICATE_KEY = 11000;

export interface PartDoc {
  _id: string;
  environment: string;
  metric: string;
  tier: string;
  from: Date;
  to: Date;
  data: Buffer;
}

const SERIES = 'series_catalog';
/** Series per catalog document: 1,000 entries stay below the 16 MB limit even at 32 labels of 64 + 256 characters each (10 MB). */
const SERIES_PER_DOCUMENT = 1_000;

/** [id, environment, metric, agentId, [name, value, name, value, ...]] */
type StoredSeries = [number, string, string, string, string[]];

interface SeriesDoc {
  _id: string;
  entries: mongo.Binary;
}

interface ManifestDoc {
  _id: string;
  tier: Manifest['tier'];
  environment: string;
  metric: string;
  periodStart: Date;
  parts: string;
}

interface LedgerDoc {
  _id: string;
  at: Date;
  entries: mongo.Binary;
}

/**
 * The time-series engine's collections, all read and written by _id or dropped whole
 * (the embedded server answers only _id lookups from an index, and deletes slowly):
 * - `sample_wal_<generation>`: `{ _id: sequence, data: <group blob> }`, one per group commit,
 *   dropped once a checkpoint has saved the generation;
 * - `parts_<tier>` (raw, 1m, 1h, 1d): `{ _id: <page id>, environment, metric, tier, from, to, data: <part blob> }`,
 *   the tier read back from the id (ids: timeseries/part-id);
 * - `series_catalog`: `{ _id: "s<first id>", entries: <JSON [id, environment, metric, agentId, [name, value, …]][]> }`, saved by checkpoints before the parts that name the series;
 * - `series_manifests`: `{ _id: <manifest id>, …, parts: <JSON> }`;
 * - `ingest_ledger`: `{ _id: "g<generation>", at, entries: <JSON> }`, the batchIds a checkpoint saved.
 */
@Injectable()
export class TimeSeriesRepository {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  walGenerations(): Promise<number[]> {
    return collectionGenerations(this.connection, WAL_PREFIX);
  }

  async appendWal(generation: number, sequence: number, data: Buffer): Promise<void> {
    await this.connection.collection(WAL_PREFIX + generation).insertOne({ _id: sequence as never, data: new mongo.Binary(data) });
  }

  /** The generation's group blobs in the order they were written. */
  async readWal(generation: number): Promise<Buffer[]> {
    const docs = await this.connection
      .collection(WAL_PREFIX + generation)
      .find({})
      .sort({ _id: 1 })
      .toArray();
    return docs.map((doc) => Buffer.from((doc.data as mongo.Binary).buffer));
  }

  async dropWal(generation: number): Promise<void> {
    await this.connection.dropCollection(WAL_PREFIX + generation).catch((error: { codeName?: string }) => {
      if (error.codeName !== 'NamespaceNotFound') throw error;
    });
  }

  /**
   * Inserts one page at a time; a part already stored (a checkpoint replayed after a crash) is
   * kept as it is. Page by page, because the embedded server has a single writer: one bulk of
   * tens of megabytes would hold every write-ahead-log insert, so every ingest answer, for seconds.
   */
  async insertParts(docs: PartDoc[]): Promise<void> {
    for (const doc of docs) {
      try {
        await this.connection.collection(partsCollection(doc.tier)).insertOne({ ...doc, data: new mongo.Binary(doc.data) } as never);
      } catch (error) {
        if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
      }
    }
  }

  async findPart(id: string): Promise<Buffer | undefined> {
    const doc = await this.connection.collection(partsCollection(tierOfId(id))).findOne({ _id: id as never }, { projection: { data: 1 } });
    return doc === null ? undefined : Buffer.from((doc.data as mongo.Binary).buffer);
  }

  /** One delete by _id per part: a filter on anything else would scan the collection on the embedded server. */
  async deleteParts(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await Promise.all(
      [...groupBy(ids, tierOfId)].map(([tier, group]) =>
        this.connection.collection(partsCollection(tier)).bulkWrite(
          group.map((id) => ({ deleteOne: { filter: { _id: id as never } } })),
          { ordered: false },
        ),
      ),
    );
  }

  async loadManifests(): Promise<Manifest[]> {
    const docs = await this.connection.collection(MANIFESTS).find<ManifestDoc>({}).toArray();
    return docs.map((doc) => ({
      id: String(doc._id),
      tier: doc.tier,
      environment: doc.environment,
      metric: doc.metric,
      periodStart: doc.periodStart.getTime(),
      parts: JSON.parse(doc.parts) as PartEntry[],
    }));
  }

  async saveManifests(manifests: Manifest[]): Promise<void> {
    for (const batch of updateBatches(manifests)) {
      await this.connection.collection(MANIFESTS).bulkWrite(
        batch.map((m) => ({
          replaceOne: {
            filter: { _id: m.id as never },
            replacement: { tier: m.tier, environment: m.environment, metric: m.metric, periodStart: new Date(m.periodStart), parts: JSON.stringify(m.parts) },
            upsert: true,
          },
        })),
        { ordered: false },
      );
    }
  }

  async deleteManifests(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.connection.collection(MANIFESTS).bulkWrite(
      ids.map((id) => ({ deleteOne: { filter: { _id: id as never } } })),
      { ordered: false },
    );
  }

  /** The series catalog, as saved by checkpoints. */
  async loadSeries(): Promise<SeriesEntry[]> {
    const docs = await this.connection.collection(SERIES).find<SeriesDoc>({}).toArray();
    return docs.flatMap((doc) =>
      (JSON.parse(Buffer.from(doc.entries.buffer).toString('utf8')) as StoredSeries[]).map(([id, environment, metric, agentId, flat]) => ({
        id,
        environment,
        metric,
        agentId,
        labels: Array.from({ length: flat.length / 2 }, (_, i) => ({ name: flat[2 * i], value: flat[2 * i + 1] })),
      })),
    );
  }

  /** Appends catalog entries, in documents of at most SERIES_PER_DOCUMENT (ids make them idempotent). */
  async saveSeries(entries: readonly SeriesEntry[]): Promise<void> {
    for (let i = 0; i < entries.length; i += SERIES_PER_DOCUMENT) {
      const slice = entries.slice(i, i + SERIES_PER_DOCUMENT);
      const stored = slice.map((e): StoredSeries => [e.id, e.environment, e.metric, e.agentId, e.labels.flatMap((l) => [l.name, l.value])]);
      await this.connection
        .collection(SERIES)
        .replaceOne({ _id: `s${slice[0].id}` as never }, { entries: new mongo.Binary(Buffer.from(JSON.stringify(stored))) }, { upsert: true });
    }
  }

  async saveLedger(generation: number, at: Date, entries: LedgerEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.connection
      .collection(LEDGER)
      .replaceOne({ _id: `g${generation}` as never }, { at, entries: new mongo.Binary(Buffer.from(JSON.stringify(entries))) }, { upsert: true });
  }

  async loadLedger(since: Date): Promise<{ at: Date; entries: LedgerEntry[] }[]> {
    const docs = await this.connection
      .collection(LEDGER)
      .find<LedgerDoc>({ at: { $gte: since } })
      .toArray();
    return docs.map((doc) => ({ at: doc.at, entries: JSON.parse(Buffer.from(doc.entries.buffer).toString('utf8')) as LedgerEntry[] }));
  }

  async deleteLedgerBefore(cutoff: Date): Promise<number> {
    return (await this.connection.collection(LEDGER).deleteMany({ at: { $lt: cutoff } })).deletedCount;
  }
}

/** Parts live in one collection per tier, so each tier's size on disk can be read apart. */
export const partsCollection = (tier: string) => `parts_${tier}`;

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group === undefined) groups.set(key(item), [item]);
    else group.push(item);
  }
  return groups;
}
