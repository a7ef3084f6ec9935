import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mongo } from 'mongoose';
import { RunningDatabase, startEmbeddedFerretDb } from '../src/storage/embedded/embedded-ferretdb';

/**
 * The embedded FerretDB build's own behaviour (src/storage/embedded): the pages of a dropped
 * collection (Vitals drops a write-ahead-log generation per checkpoint) and of deleted documents
 * (compacted parts) go back to the file system, and writes beside that vacuum still succeed.
 */
describe('embedded database', () => {
  let dataDir: string;
  let server: RunningDatabase;
  let client: mongo.MongoClient;
  let db: mongo.Db;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'vitals-embedded-'));
    server = await startEmbeddedFerretDb(dataDir);
    client = await mongo.MongoClient.connect(server.uri);
    db = client.db('embedded');
  }, 600_000);

  afterAll(async () => {
    await client?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const insertLarge = async (collection: mongo.Collection, n: number) => {
    for (let i = 0; i < n; i++) await collection.insertOne({ _id: i as never, data: new mongo.Binary(randomBytes(100_000)) });
  };
  /** The vacuum runs beside the answer that freed the pages: wait for it (the test's timeout bounds the wait). */
  const freedBelow = async (bytes: number) => {
    while ((await freeBytes()) >= bytes) await new Promise((resolve) => setImmediate(resolve));
  };
  const freeBytes = async () => ((await db.command({ dbStats: 1, freeStorage: 1 })) as { totalFreeStorageSize: number }).totalFreeStorageSize;

  it('returns the pages of a dropped collection to the file system while other writes go on', async () => {
    const log = db.collection('log_1');
    await insertLarge(log, 100);
    const kept = db.collection('kept');
    await kept.insertOne({ _id: -1 as never });
    expect(await freeBytes()).toBeLessThan(1 << 20);

    await log.drop();
    // Writes beside the vacuum that follows the drop: none may fail (SQLITE_BUSY) or be lost.
    const writes = Array.from({ length: 200 }, (_, i) => kept.insertOne({ _id: i as never, data: new mongo.Binary(randomBytes(1000)) }));
    await Promise.all(writes);

    await freedBelow(1 << 20);
    expect(await kept.countDocuments()).toBe(201);
  });

  it('returns the pages of deleted documents', async () => {
    const parts = db.collection('parts');
    await insertLarge(parts, 50);
    for (let i = 0; i < 50; i += 2) await parts.deleteOne({ _id: i as never });
    await freedBelow(1 << 20);
    expect(await parts.countDocuments()).toBe(25);
  });
});
