// As the service runs (Dockerfile, ServerProcess): set before the imports below load graphql-js.
process.env.NODE_ENV ??= 'production';
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BSON, MongoClient } from 'mongodb';
import { Principal } from '../src/common/auth/principal';
import { ManualClock } from '../src/common/clock/clock';
import { loadConfig } from '../src/common/config/app-config';
import { IngestionService } from '../src/ingestion/ingestion.service';
import { startEmbeddedFerretDb } from '../src/storage/embedded/embedded-ferretdb';
import { RetentionService } from '../src/storage/retention.service';
import { TierMaintenance } from '../src/storage/timeseries/tier-maintenance';
import { TimeSeriesStore } from '../src/storage/timeseries/time-series-store';
import { listenInProcess } from '../test/support/in-process-app';
import { seededRandom } from '../test/support/seeded-random';
import { envNumber } from './support/env';
import { BENCH_SECRET, ServerProcess } from './support/server-process';

/**
 * All-in bytes per sample on disk, per tier, on the embedded database (FerretDB 1.24, SQLite):
 * AGENTS agents x 10 gauge metrics (1-decimal values, a random walk with noise), one sample every
 * 10 s with 0-40 ms of scheduler jitter, every batch with a batchId (so the idempotency ledger
 * counts). After each scenario the service and the database are stopped and the SQLite file is
 * read with the sqlite3 CLI: `dbstat` per table (a collection's table and its indexes), and
 * page_count / freelist_count for the whole file, so free pages count too.
 *
 * Scenarios (SCENARIOS, comma-separated):
 * - hour: one hour of samples ingested over HTTP into the built service (a child process, real
 *   clock, default CHECKPOINT_INTERVAL_SECONDS), one request per agent; then two checkpoint
 *   intervals of waiting (CHECKPOINT_INTERVAL_SECONDS each) before stopping it. The hour is the
 *   last closed clock hour, as every hour but the current one is at steady state (sealed and
 *   compressed); hour-open: the 60 minutes up to a minute ago instead, so the part of them in the
 *   current hour stays in the checkpoint's uncompressed parts (a bulk load's worst case: at 10 s
 *   and a checkpoint every 30 s, the open hour's parts are compacted, so sealed, as they gather).
 * - day: DAY_HOURS hours of DAY_AGENTS agents on a ManualClock, the service in this process: a
 *   batch per simulated 10 s (all agents), a checkpoint and a rollup every simulated
 *   DAY_CHECKPOINT_SECONDS (default 300: at the service's 30 s a simulated day takes too long
 *   here, and fewer checkpoints make fewer, larger parts before compaction), a retention sweep
 *   every simulated hour; then two more checkpoint intervals.
 * MongoDB is not measured (none here): bsonEstimateForMongoDB is every document's BSON size (binary
 * fields as bytes, no base64), before WiredTiger's compression and its page and index overhead.
 * The one-document-per-sample baseline: BASELINE_DOCS samples as documents {environment,
 * metric, agentId, timestamp, value} with a compound index, in a database of their own.
 */
const AGENTS = envNumber('AGENTS', 1_000, { positive: true });
const SCENARIOS = (process.env.SCENARIOS ?? 'hour,hour-open,day').split(',').filter(Boolean);
const CHECKPOINT_SECONDS = envNumber('CHECKPOINT_INTERVAL_SECONDS', 30, { positive: true });
const DAY_HOURS = envNumber('DAY_HOURS', 24, { positive: true });
const DAY_AGENTS = envNumber('DAY_AGENTS', AGENTS, { positive: true });
const DAY_CHECKPOINT_SECONDS = envNumber('DAY_CHECKPOINT_SECONDS', 300, { positive: true });
const BASELINE_DOCS = envNumber('BASELINE_DOCS', 50_000, { positive: true });
const INTERVAL_MS = 10_000;
const HOUR = 3_600_000;
const METRICS = [
  'cpu.user',
  'cpu.system',
  'load.1m',
  'load.5m',
  'memory.used_percent',
  'disk.used_percent',
  'net.rx_mbps',
  'net.tx_mbps',
  'temperature.c',
  'queue.depth',
];

const round1 = (v: number) => Math.round(v * 10) / 10;
const log = (message: string) => process.stderr.write(`${message}\n`);

/** The gauges of the fleet: per series a level that walks, plus noise, to one decimal. */
class Fleet {
  readonly agentIds: string[];
  private readonly random = seededRandom(20261202);
  private readonly levels: number[][];
  /** Per agent a fixed phase in the interval, as unsynchronized agents sample. */
  private readonly phases: number[];

  constructor(private readonly agents = AGENTS) {
    this.agentIds = Array.from({ length: agents }, (_, a) => `host-${String(a).padStart(5, '0')}`);
    this.levels = this.agentIds.map(() => METRICS.map(() => 5 + this.random() * 80));
    this.phases = this.agentIds.map(() => Math.floor(this.random() * INTERVAL_MS));
  }

  /** The series of agents [first, first + count) with their samples on the grid in [from, to). */
  series(first: number, count: number, from: number, to: number) {
    const out = [];
    for (let a = first; a < Math.min(this.agents, first + count); a++) {
      for (let m = 0; m < METRICS.length; m++) {
        const timestamps: number[] = [];
        const values: number[] = [];
        for (let t = from - (from % INTERVAL_MS) + this.phases[a]; t < to; t += INTERVAL_MS) {
          if (t < from) continue;
          timestamps.push(t + Math.floor(this.random() * 40)); // scheduler jitter
          const level = (this.levels[a][m] = Math.min(99, Math.max(1, this.levels[a][m] + (this.random() - 0.5))));
          values.push(round1(level + (this.random() - 0.5) * 2));
        }
        out.push({ agentId: this.agentIds[a], metric: METRICS[m], timestamps, values });
      }
    }
    return out;
  }
}

interface Figures {
  bytes: number;
  bytesPerSample: number;
}

/** Bytes per collection (table + indexes), free pages and the whole file of one SQLite database. */
function sqliteFootprint(file: string, samples: number) {
  const sql = (query: string) => execFileSync('sqlite3', ['-readonly', '-separator', '\t', file, query], { encoding: 'utf8' }).trim();
  const tables = new Map(
    sql('SELECT table_name, name FROM _ferretdb_collections')
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('\t') as [string, string]),
  );
  const byCollection = new Map<string, number>();
  for (const line of sql('SELECT name, SUM(pgsize) FROM dbstat GROUP BY name').split('\n').filter(Boolean)) {
    const [name, size] = line.split('\t');
    const table = [...tables.keys()].find((t) => name === t || name.startsWith(`${t}_`));
    const collection = table === undefined ? '(sqlite and FerretDB metadata)' : tables.get(table)!;
    const group = /^sample_wal_|^heartbeat_log_/.test(collection) ? collection.replace(/\d+$/, '<n>') : collection;
    byCollection.set(group, (byCollection.get(group) ?? 0) + Number(size));
  }
  const pageSize = Number(sql('PRAGMA page_size'));
  const pages = Number(sql('PRAGMA page_count'));
  const free = Number(sql('PRAGMA freelist_count'));
  const figures = (bytes: number): Figures => ({ bytes, bytesPerSample: Math.round((bytes / samples) * 1000) / 1000 });
  const collections = Object.fromEntries([...byCollection.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, bytes]) => [name, figures(bytes)]));
  return {
    collections,
    freePages: figures(free * pageSize),
    allIn: figures(pages * pageSize),
    fileBytes: statSync(file).size,
    autoVacuum: ['none', 'full', 'incremental'][Number(sql('PRAGMA auto_vacuum'))],
  };
}

/**
 * What MongoDB would store before WiredTiger's compression and its own page and index overhead:
 * the BSON size of every document (binary fields as bytes, not base64), per collection.
 */
async function bsonFootprint(uri: string, dbName: string, samples: number) {
  const client = await MongoClient.connect(uri);
  try {
    const db = client.db(dbName);
    const out: Record<string, number> = {};
    let total = 0;
    for (const { name } of await db.listCollections().toArray()) {
      let bytes = 0;
      for await (const doc of db.collection(name).find({})) bytes += BSON.calculateObjectSize(doc);
      out[name] = Math.round((bytes / samples) * 1000) / 1000;
      total += bytes;
    }
    return { bytesPerSample: out, allInBytesPerSample: Math.round((total / samples) * 1000) / 1000 };
  } finally {
    await client.close();
  }
}

async function hourScenario(dataDir: string, open = false) {
  const database = await startEmbeddedFerretDb(dataDir);
  const fleet = new Fleet();
  let samples = 0;
  let bson: Awaited<ReturnType<typeof bsonFootprint>> | undefined;
  try {
    const server = await ServerProcess.start({ MONGODB_URI: database.uri, MONGODB_DB: 'hour', CHECKPOINT_INTERVAL_SECONDS: String(CHECKPOINT_SECONDS) });
    const token = server.token(['agent']);
    const end = open ? Math.floor(Date.now() / INTERVAL_MS) * INTERVAL_MS - 60_000 : Math.floor(Date.now() / HOUR) * HOUR;
    try {
      for (let a = 0; a < AGENTS; a++) {
        const res = await fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({
            query: 'mutation($b: TelemetryBatchInput!){ ingestBatch(batch: $b){ acceptedSamples } }',
            variables: { b: { environment: 'prod', batchId: `hour-${a}`, series: fleet.series(a, 1, end - HOUR, end) } },
          }),
        });
        const body = (await res.json()) as { data?: { ingestBatch: { acceptedSamples: number } } };
        samples += body.data?.ingestBatch.acceptedSamples ?? 0;
      }
      log(`hour: ingested ${samples} samples; waiting two checkpoint intervals (${2 * CHECKPOINT_SECONDS} s)`);
      await new Promise((resolve) => setTimeout(resolve, 2 * CHECKPOINT_SECONDS * 1000));
    } finally {
      await server.stop();
    }
    bson = await bsonFootprint(database.uri, 'hour', samples);
  } finally {
    await database.stop();
  }
  return { samples, ...sqliteFootprint(join(dataDir, 'ferretdb', 'hour.sqlite'), samples), bsonEstimateForMongoDB: bson };
}

async function dayScenario(dataDir: string) {
  const database = await startEmbeddedFerretDb(dataDir);
  const fleet = new Fleet(DAY_AGENTS);
  const clock = new ManualClock(Math.floor(Date.now() / HOUR) * HOUR - DAY_HOURS * HOUR);
  const config = loadConfig({
    NODE_ENV: 'production',
    MONGODB_URI: database.uri,
    MONGODB_DB: 'day',
    DATA_DIR: dataDir,
    JWT_SECRET: BENCH_SECRET,
    HEARTBEAT_SWEEP_INTERVAL_MS: '60000',
    // Checkpoints run explicitly as the clock moves; the timer must not cut the head.
    CHECKPOINT_INTERVAL_SECONDS: '3600',
  });
  const principal = new Principal({ sub: 'bench', roles: ['agent'], environments: ['*'] });
  let samples = 0;
  let bson: Awaited<ReturnType<typeof bsonFootprint>> | undefined;
  try {
    const { app } = await listenInProcess(config, clock, ['error', 'warn']);
    try {
      const started = clock.now();
      const end = started + DAY_HOURS * HOUR + 2 * DAY_CHECKPOINT_SECONDS * 1000;
      for (let t = started; t < end; t += INTERVAL_MS) {
        clock.set(t + INTERVAL_MS);
        if (t < started + DAY_HOURS * HOUR) {
          const batch = { environment: 'prod', batchId: `day-${t}`, series: fleet.series(0, DAY_AGENTS, t, t + INTERVAL_MS) };
          samples += (await app.get(IngestionService).ingest(batch, principal)).acceptedSamples;
        }
        if ((t + INTERVAL_MS - started) % (DAY_CHECKPOINT_SECONDS * 1000) !== 0) continue;
        await app.get(TimeSeriesStore).checkpoint();
        await app.get(TierMaintenance).rollUp();
        if ((t + INTERVAL_MS) % HOUR === 0) {
          await app.get(RetentionService).sweep();
          log(`day: ${(t + INTERVAL_MS - started) / HOUR} h simulated, ${samples} samples`);
        }
      }
    } finally {
      await app.close();
    }
    bson = await bsonFootprint(database.uri, 'day', samples);
  } finally {
    await database.stop();
  }
  return {
    samples,
    simulated: `${DAY_HOURS} h of ${DAY_AGENTS * METRICS.length} series on a ManualClock, a checkpoint every ${DAY_CHECKPOINT_SECONDS} s`,
    ...sqliteFootprint(join(dataDir, 'ferretdb', 'day.sqlite'), samples),
    bsonEstimateForMongoDB: bson,
  };
}

/** One document per sample, on the same server: bytes per document (the cost per document is flat, so a subset tells). */
async function baseline(dataDir: string) {
  const database = await startEmbeddedFerretDb(dataDir);
  const fleet = new Fleet();
  const docs: object[] = [];
  const start = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
  for (let a = 0; docs.length < BASELINE_DOCS; a = (a + 1) % AGENTS) {
    for (const s of fleet.series(a, 1, start, start + HOUR)) {
      s.timestamps.forEach((t, i) => docs.push({ environment: 'prod', metric: s.metric, agentId: s.agentId, timestamp: new Date(t), value: s.values[i] }));
    }
  }
  const client = await MongoClient.connect(database.uri);
  try {
    const collection = client.db('baseline').collection('samples');
    await collection.createIndex({ environment: 1, metric: 1, agentId: 1, timestamp: 1 });
    for (let i = 0; i < BASELINE_DOCS; i += 5000) await collection.insertMany(docs.slice(i, Math.min(BASELINE_DOCS, i + 5000)));
  } finally {
    await client.close();
    await database.stop();
  }
  const footprint = sqliteFootprint(join(dataDir, 'ferretdb', 'baseline.sqlite'), BASELINE_DOCS);
  return { documents: BASELINE_DOCS, samples: footprint.collections.samples, allIn: footprint.allIn };
}

async function main(): Promise<void> {
  const result: Record<string, unknown> = {
    benchmark: 'storage-size',
    parameters: {
      agents: AGENTS,
      metricsPerAgent: METRICS.length,
      series: AGENTS * METRICS.length,
      intervalMs: INTERVAL_MS,
      jitterMs: 40,
      checkpointSeconds: CHECKPOINT_SECONDS,
    },
    database: 'embedded FerretDB 1.24 (SQLite); bytes from the sqlite3 CLI after a clean stop (dbstat, page_count, freelist_count)',
  };
  const scenarios: Record<string, (dataDir: string) => Promise<object>> = {
    hour: (dir) => hourScenario(dir),
    'hour-open': (dir) => hourScenario(dir, true),
    day: dayScenario,
  };
  for (const [name, run] of [...SCENARIOS.map((s) => [s, scenarios[s]] as const), ['oneDocumentPerSample', baseline] as const]) {
    if (run === undefined) throw new Error(`SCENARIOS: ${name} is none of ${Object.keys(scenarios).join(', ')}`);
    const dataDir = mkdtempSync(join(tmpdir(), `vitals-storage-${name}-`));
    try {
      result[name] = await run(dataDir);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
