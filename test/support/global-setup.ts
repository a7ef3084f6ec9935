import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedFerretDb } from '../../src/storage/embedded/embedded-ferretdb';

/**
 * The suite's database: the server in MONGODB_URI when set (so the same suite
 * runs against real MongoDB), else an embedded FerretDB on its own port and in a
 * temporary directory. Each test file then uses a database of its own.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.MONGODB_URI) {
    process.env.VITALS_TEST_MONGODB_URI = process.env.MONGODB_URI;
    return;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'vitals-test-'));
  const db = await startEmbeddedFerretDb(dataDir, (message) => console.log(message));
  (globalThis as { __VITALS_DB__?: typeof db }).__VITALS_DB__ = db;
  process.env.VITALS_TEST_MONGODB_URI = db.uri;
}
