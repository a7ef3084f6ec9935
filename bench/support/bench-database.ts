import { createConnection } from 'mongoose';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunningDatabase, startEmbeddedFerretDb } from '../../src/storage/embedded/embedded-ferretdb';

export interface BenchDatabase {
  uri: string;
  dbName: string;
  /** A temporary directory of the bench's own (the embedded server's files, DATA_DIR). */
  dataDir: string;
  /** The embedded server started here, rather than MONGODB_URI's. */
  embedded: boolean;
  /** Stops the embedded server (or drops the database on MONGODB_URI's server) and removes dataDir. */
  close(): Promise<void>;
}

/** Where an in-process bench keeps its data: an embedded FerretDB started here, or a new database on the server in MONGODB_URI. */
export async function benchDatabase(name: string, log: (line: string) => void): Promise<BenchDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), `vitals-${name}-bench-`));
  const dbName = `vitals_bench_${name}_${Date.now().toString(36)}`;
  let database: RunningDatabase | undefined;
  let uri = process.env.MONGODB_URI;
  if (uri === undefined || uri === '') {
    log(`starting embedded FerretDB under ${dataDir}`);
    database = await startEmbeddedFerretDb(dataDir, log);
    uri = database.uri;
  }
  const serverUri = uri;
  return {
    uri,
    dbName,
    dataDir,
    embedded: database !== undefined,
    close: async () => {
      if (database !== undefined) {
        await database.stop();
      } else {
        const connection = await createConnection(serverUri, { dbName }).asPromise();
        await connection.dropDatabase();
        await connection.close();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
