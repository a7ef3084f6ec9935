import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection, mongo } from 'mongoose';
import { Manifest, PartEntry } from '../timeseries/part-catalog';
import type { SeriesEntry } from '../timeseries/series-catalog';
import { tierOfId } from '../timeseries/part-id';
import { encodeInPieces, MAX_DOCUMENT_BYTES } from '../wal/document-size';
import { collectionGenerations } from '../wal/group-commit';
import { LedgerEntry } from '../timeseries/ingest-records';
import { decodeLedger, encodeLedger } from '../timeseries/ledger-codec';
import { compressBlob, decompressBlob } from '../timeseries/blob-compression';
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
/** Series per catalog document, at most: fewer when their labels would be over the document size limit. */
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
  /** Compressed JSON; a JSON string in documents written before manifests were compressed. */
  parts: mongo.Binary | string;
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
 *   the tier read back from the id (ids: timeseries/part-id); a page over the document size limit
 *   also has `continued: <documents>` and continuations `{ _id: <page id>~<n>, data }`;
 * - `series_catalog`: `{ _id: "s<first id>", entries: <JSON [id, environment, metric, agentId, [name, value, …]][]>, compressed }`, saved by checkpoints before the parts that name the series;
 * - `series_manifests`: `{ _id: <manifest id>, …, parts: <compressed JSON> }`;
 * - `ingest_ledger`: `{ _id: "g<generation>", at, entries: <JSON rows> }`, the batchIds a checkpoint saved (timeseries/ledger-codec).
 */
@Injectable()
export class TimeSeriesRepository {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  walGenerations(): Promise<number[]> {
    return collectionGenerations(this.connection, WAL_PREFIX);
  }

  /** Inserts the blobs of one group commit, in order, as the documents `first`, `first + 1`, ... */
  async appendWal(generation: number, first: number, blobs: Buffer[]): Promise<void> {
    await this.connection.collection(WAL_PREFIX + generation).insertMany(
      blobs.map((data, i) => ({ _id: (first + i) as never, data: new mongo.Binary(data) })),
      { ordered: true },
    );
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
   * A page over the document size limit is stored as its head document (`continued`: how many
   * documents hold its bytes) and continuations `<page id>~<n>`, inserted first, so a head is
   * never found without them.
   */
  async insertParts(docs: PartDoc[]): Promise<void> {
    for (const doc of docs) {
      const slices: Buffer[] = [];
      for (let at = 0; at < doc.data.length || slices.length === 0; at += MAX_DOCUMENT_BYTES) slices.push(doc.data.subarray(at, at + MAX_DOCUMENT_BYTES));
      const collection = this.connection.collection(partsCollection(doc.tier));
      for (let n = 1; n < slices.length; n++) await insertOnce(collection, { _id: continuation(doc._id, n), data: new mongo.Binary(slices[n]) });
      await insertOnce(collection, { ...doc, data: new mongo.Binary(slices[0]), ...(slices.length > 1 ? { continued: slices.length } : {}) });
    }
  }

  async findPart(id: string): Promise<Buffer | undefined> {
    const collection = this.connection.collection(partsCollection(tierOfId(id)));
    const doc = await collection.findOne({ _id: id as never }, { projection: { data: 1, continued: 1 } });
    if (doc === null) return undefined;
    const head = Buffer.from((doc.data as mongo.Binary).buffer);
    const continued = (doc.continued as number | undefined) ?? 1;
    if (continued === 1) return head;
    const ids = Array.from({ length: continued - 1 }, (_, i) => continuation(id, i + 1));
    const rest = new Map((await collection.find({ _id: { $in: ids as never[] } }).toArray()).map((d) => [String(d._id), (d.data as mongo.Binary).buffer]));
    return Buffer.concat([head, ...ids.map((c) => rest.get(c) ?? Buffer.alloc(0))]);
  }

  /** One delete by _id per part: a filter on anything else would scan the collection on the embedded server. */
  async deleteParts(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await Promise.all(
      [...groupBy(ids, tierOfId)].map(async ([tier, group]) => {
        const collection = this.connection.collection(partsCollection(tier));
        const continued = await collection.find({ _id: { $in: group as never[] }, continued: { $gt: 1 } }, { projection: { continued: 1 } }).toArray();
        const continuations = continued.flatMap((d) => Array.from({ length: (d.continued as number) - 1 }, (_, i) => continuation(String(d._id), i + 1)));
        // Continuations after their heads: a head is never left without its bytes.
        for (const batch of [group, continuations].filter((b) => b.length > 0)) {
          await collection.bulkWrite(
            batch.map((id) => ({ deleteOne: { filter: { _id: id as never } } })),
            { ordered: false },
          );
        }
      }),
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
      parts: (typeof doc.parts === 'string' ? JSON.parse(doc.parts) : parseCompressedJson(doc.parts, 'series manifest')) as PartEntry[],
    }));
  }

  async saveManifests(manifests: Manifest[]): Promise<void> {
    for (const batch of updateBatches(manifests)) {
      await this.connection.collection(MANIFESTS).bulkWrite(
        batch.map((m) => ({
          replaceOne: {
            filter: { _id: m.id as never },
            replacement: {
              tier: m.tier,
              environment: m.environment,
              metric: m.metric,
              periodStart: new Date(m.periodStart),
              parts: new mongo.Binary(compressedJson(m.parts)),
            },
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
      (parseCompressedJson(doc.entries, 'series catalog') as StoredSeries[]).map(([id, environment, metric, agentId, flat]) => ({
        id,
        environment,
        metric,
        agentId,
        labels: Array.from({ length: flat.length / 2 }, (_, i) => ({ name: flat[2 * i], value: flat[2 * i + 1] })),
      })),
    );
  }

  /** Appends catalog entries, in documents of at most SERIES_PER_DOCUMENT and the document size limit (ids make them idempotent). */
  async saveSeries(entries: readonly SeriesEntry[]): Promise<void> {
    for (let i = 0; i < entries.length; i += SERIES_PER_DOCUMENT) {
      const slice = entries.slice(i, i + SERIES_PER_DOCUMENT);
      const stored = slice.map((e): StoredSeries => [e.id, e.environment, e.metric, e.agentId, e.labels.flatMap((l) => [l.name, l.value])]);
      for (const { items, blob } of encodeInPieces(stored, compressedJson)) {
        await this.connection.collection(SERIES).replaceOne({ _id: `s${items[0][0]}` as never }, { entries: new mongo.Binary(blob) }, { upsert: true });
      }
    }
  }

  /** A checkpoint's batchIds: one document `g<generation>`, or more (`g<generation>.<n>`) when over the document size limit. */
  async saveLedger(generation: number, at: Date, entries: LedgerEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.connection.collection(LEDGER).bulkWrite(
      encodeInPieces(entries, encodeLedger).map(({ blob }, n) => ({
        replaceOne: {
          filter: { _id: (n === 0 ? `g${generation}` : `g${generation}.${n}`) as never },
          replacement: { at, entries: new mongo.Binary(blob) },
          upsert: true,
        },
      })),
      { ordered: false },
    );
  }

  async loadLedger(since: Date): Promise<{ at: Date; entries: LedgerEntry[] }[]> {
    const docs = await this.connection
      .collection(LEDGER)
      .find<LedgerDoc>({ at: { $gte: since } })
      .toArray();
    return docs.map((doc) => ({ at: doc.at, entries: decodeLedger(doc.entries.buffer) }));
  }

  async deleteLedgerBefore(cutoff: Date): Promise<number> {
    return (await this.connection.collection(LEDGER).deleteMany({ at: { $lt: cutoff } })).deletedCount;
  }
}

const continuation = (pageId: string, n: number) => `${pageId}~${n}`;

/** Inserts a document unless one with its _id is stored already (a write repeated after a crash). */
async function insertOnce(collection: mongo.Collection, doc: object): Promise<void> {
  try {
    await collection.insertOne(doc);
  } catch (error) {
    if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
  }
}

/**
 * The catalog's names and labels repeat from series to series: compressed, an entry of 10,000
 * series took ~10 bytes instead of ~60 (base64 JSON). Manifests repeat part ids and field names.
 */
const compressedJson = (value: unknown[]) => compressBlob(Buffer.from(JSON.stringify(value)));
const parseCompressedJson = (blob: mongo.Binary, what: string): unknown => JSON.parse(Buffer.from(decompressBlob(blob.buffer, what)).toString('utf8'));

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
