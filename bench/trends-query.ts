// As the service runs (Dockerfile, ServerProcess): graphql-js reads it once, when loaded, and
// is much slower in development mode. Set before the imports below load it.
process.env.NODE_ENV ??= 'production';
import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { sign } from 'jsonwebtoken';
import { createConnection } from 'mongoose';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Principal } from '../src/common/auth/principal';
import { ManualClock } from '../src/common/clock/clock';
import { loadConfig } from '../src/common/config/app-config';
import { listenInProcess } from '../test/support/in-process-app';
import { seededRandom } from '../test/support/seeded-random';
import { TrendsService } from '../src/dashboard/trends/trends.service';
import { IngestionService } from '../src/ingestion/ingestion.service';
import { RunningDatabase, startEmbeddedFerretDb } from '../src/storage/embedded/embedded-ferretdb';
import { RetentionService } from '../src/storage/retention.service';
import { PartStore } from '../src/storage/timeseries/part-store';
import { TierMaintenance } from '../src/storage/timeseries/tier-maintenance';
import { SeriesCatalog } from '../src/storage/timeseries/series-catalog';
import { TimeSeriesReader } from '../src/storage/timeseries/time-series-reader';
import { TimeSeriesStore } from '../src/storage/timeseries/time-series-store';
import { childPids, machineCpuSeconds, procCpuSeconds } from './support/proc-stats';
import { BENCH_SECRET, percentile } from './support/server-process';
import { envNumber } from './support/env';

/**
 * Query latency of `trends`, on data this benchmark loads itself.
 *
 * Targets: p95 < 50 ms for 100 agents x 24 h at a 1-minute step (query A), and
 * p95 < 100 ms for 100 agents x 30 days at a 1-hour step (query B), over HTTP GraphQL
 * with a viewer token, selecting `resolution series { agentId points { timestamp count
 * avg min max p50 p95 p99 } }`.
 *
 * The service runs in this process (as test/support/test-app.ts boots it) with a
 * ManualClock, on a fresh database: the embedded FerretDB started here, or the
 * server in MONGODB_URI (a new database on it, dropped at the end).
 *
 * Load, through IngestionService (the ingestBatch path without HTTP), as production
 * would have built it up:
 *   - BENCH_AGENTS agents, one metric, one sample per agent every
 *     BENCH_SAMPLE_INTERVAL_SECONDS (each agent at its own phase within the interval),
 *     from about BENCH_DAYS days + 1-2 h ago up to "now";
 *   - bulk: one simulated hour at a time (clock moved to the end of the hour, one batch of
 *     the hour's samples of every agent, checkpoint, rollUp), a retention sweep per day;
 *   - live tail: the last 2-3 hours at production cadence: a batch of every agent per
 *     sample interval, a checkpoint and a rollUp every simulated minute, so the open hour
 *     and today's 1-hour tier hold as many parts as they would in production;
 *   - head: the last 60 s are ingested but not checkpointed, so reads merge an unsaved
 *     head, as they always do in production (CHECKPOINT_INTERVAL_SECONDS is set to its
 *     maximum so that no timer checkpoint runs during the measurement).
 *
 * Measurement:
 *   - cold: the app is restarted (same database and database process, empty part cache,
 *     fresh JIT) and the query's first run is timed; once per query, each after its own
 *     restart, before the head is ingested;
 *   - warm: BENCH_WARMUP_RUNS untimed, then BENCH_RUNS timed sequential runs per query;
 *   - latency is from sending the request to having the whole response body (the JSON
 *     is parsed afterwards, untimed); the client shares this process with the service;
 *   - for diagnosis, the same queries are also timed in-process below HTTP: the storage
 *     read alone (TimeSeriesReader.read) and TrendsService.trends (read + points with
 *     quantiles), so the GraphQL/serialization share shows;
 *   - cpuDuringTimedRuns: CPU of this process, of the database and of everything else on
 *     the machine over the timed runs; otherProcessesCpuPercent above ~20 (percent of one
 *     core) means other work disturbed the figures.
 * NODE_ENV is production unless set (graphql-js runs slower checks otherwise).
 *
 * Parameters (environment variables, defaults in brackets):
 *   BENCH_AGENTS [100]  BENCH_DAYS [30]  BENCH_SAMPLE_INTERVAL_SECONDS [10] (must divide 60)
 *   BENCH_RUNS [50]  BENCH_WARMUP_RUNS [5]  BENCH_LAYER_RUNS [20]
 *   MONGODB_URI: use that server instead of an embedded FerretDB
 *
 * Progress goes to stderr; one JSON object with every figure goes to stdout.
 */

const P = {
  agents: envNumber('BENCH_AGENTS', 100, { positive: true }),
  days: envNumber('BENCH_DAYS', 30, { positive: true }),
  sampleIntervalSeconds: envNumber('BENCH_SAMPLE_INTERVAL_SECONDS', 10, { positive: true }),
  runs: envNumber('BENCH_RUNS', 50, { positive: true }),
  warmupRuns: envNumber('BENCH_WARMUP_RUNS', 5, { positive: true }),
  layerRuns: envNumber('BENCH_LAYER_RUNS', 20, { positive: true }),
};
if (60 % P.sampleIntervalSeconds !== 0) throw new Error('BENCH_SAMPLE_INTERVAL_SECONDS must divide 60');

const ENVIRONMENT = 'bench-trends';
const METRIC = 'cpu.usage';
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const INTERVAL_MS = P.sampleIntervalSeconds * SECOND;
const LIVE_HOURS = 2;
const HEAD_MS = 60 * SECOND;
const TARGETS = { dayAtMinuteP95Ms: 50, monthAtHourP95Ms: 100 };

const log = (message: string) => process.stderr.write(`[trends-query] ${message}\n`);
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const AGENT_IDS = Array.from({ length: P.agents }, (_, i) => `agent-${String(i).padStart(4, '0')}`);

const TRENDS_QUERY = `query Trends($environment: String!, $metric: String!, $from: DateTime!, $to: DateTime!, $stepSeconds: Int) {
  trends(environment: $environment, metric: $metric, from: $from, to: $to, stepSeconds: $stepSeconds) {
    resolution series { agentId points { timestamp count avg min max p50 p95 p99 } }
  }
}`;

/** The service in this process on a free port, with the given clock, on `dbName` of `uri`. */
class BenchApp {
  private constructor(
    readonly app: INestApplication,
    readonly url: string,
  ) {}

  static async start(uri: string, dbName: string, clock: ManualClock, dataDir: string): Promise<BenchApp> {
    const config = loadConfig({
      NODE_ENV: 'production',
      MONGODB_URI: uri,
      MONGODB_DB: dbName,
      DATA_DIR: dataDir,
      JWT_SECRET: BENCH_SECRET,
      HEARTBEAT_SWEEP_INTERVAL_MS: '60000',
      // Checkpoints are run explicitly as the clock moves; the timer must not cut the head.
      CHECKPOINT_INTERVAL_SECONDS: '3600',
    });
    const { app, url } = await listenInProcess(config, clock, ['error', 'warn']);
    return new BenchApp(app, url);
  }

  get<T>(token: abstract new (...args: never[]) => T): T {
    return this.app.get(token as never);
  }

  stop(): Promise<void> {
    return this.app.close();
  }
}

/** Deterministic cpu-like values: a per-agent level, a daily wave and noise, to one decimal. */
function valueOf(agent: number, t: number, random: () => number): number {
  const level = 15 + ((agent * 37) % 50);
  const wave = 12 * Math.sin((2 * Math.PI * (t % DAY)) / DAY + agent);
  const v = level + wave + (random() - 0.5) * 10;
  return Math.round(Math.min(100, Math.max(0, v)) * 10) / 10;
}

/** Each agent samples at its own phase within the interval, as unsynchronized agents do. */
const phaseOf = (agent: number) => (agent * 7919) % INTERVAL_MS;

class Loader {
  private readonly random = seededRandom(20240611);
  private readonly principal = new Principal({ sub: 'bench', roles: ['agent'], environments: ['*'] });
  samples = 0;
  batches = 0;
  checkpoints = 0;
  rollUps = 0;
  rolledPeriods = 0;
  checkpointMs = 0;
  rollUpMs = 0;
  ingestMs = 0;

  constructor(
    private app: BenchApp,
    private readonly clock: ManualClock,
  ) {}

  use(app: BenchApp): void {
    this.app = app;
  }

  /** Ingests every agent's samples on the grid in [from, to), as one batch. */
  async ingest(from: number, to: number): Promise<void> {
    const series = AGENT_IDS.map((agentId, a) => {
      const timestamps: number[] = [];
      const values: number[] = [];
      for (let t = from + phaseOf(a); t < to; t += INTERVAL_MS) {
        timestamps.push(t);
        values.push(valueOf(a, t, this.random));
      }
      return { agentId, metric: METRIC, timestamps, values };
    });
    const expected = series.reduce((n, s) => n + s.timestamps.length, 0);
    const started = performance.now();
    const result = await this.app.get(IngestionService).ingest({ environment: ENVIRONMENT, series }, this.principal);
    this.ingestMs += performance.now() - started;
    if (result.acceptedSamples !== expected || result.rejectedSamples !== 0) {
      throw new Error(
        `batch [${new Date(from).toISOString()}, ${new Date(to).toISOString()}) accepted ${result.acceptedSamples}/${expected}: ${JSON.stringify(result.errors.slice(0, 3))}`,
      );
    }
    this.samples += expected;
    this.batches++;
  }

  async checkpointAndRollUp(): Promise<void> {
    let started = performance.now();
    await this.app.get(TimeSeriesStore).checkpoint();
    this.checkpointMs += performance.now() - started;
    this.checkpoints++;
    started = performance.now();
    this.rolledPeriods += await this.app.get(TierMaintenance).rollUp();
    this.rollUpMs += performance.now() - started;
    this.rollUps++;
  }

  async sweep(): Promise<void> {
    await this.app.get(RetentionService).sweep();
  }

  /** Bulk: one hour per step, from `from` to `to` (hour-aligned). */
  async bulk(from: number, to: number): Promise<void> {
    const started = performance.now();
    for (let hour = from; hour < to; hour += HOUR) {
      this.clock.set(hour + HOUR);
      await this.ingest(hour, hour + HOUR);
      await this.checkpointAndRollUp();
      if ((hour + HOUR) % DAY === 0) {
        await this.sweep();
        const done = (hour + HOUR - from) / (to - from);
        const elapsed = (performance.now() - started) / 1000;
        log(
          `bulk: ${new Date(hour + HOUR).toISOString().slice(0, 10)} done, ${Math.round(done * 100)}%, ${this.samples.toLocaleString('en-US')} samples, ${Math.round(elapsed)} s (eta ${Math.round(elapsed / done - elapsed)} s)`,
        );
      }
    }
  }

  /** Production cadence: a batch per sample interval, a checkpoint and rollUp per simulated minute. */
  async live(from: number, to: number, checkpoint: boolean): Promise<void> {
    for (let t = from; t < to; t += INTERVAL_MS) {
      this.clock.set(t + INTERVAL_MS);
      await this.ingest(t, t + INTERVAL_MS);
      if (!checkpoint) continue;
      if ((t + INTERVAL_MS) % MINUTE === 0) await this.checkpointAndRollUp();
      if ((t + INTERVAL_MS) % HOUR === 0) await this.sweep();
    }
  }
}

interface Timed {
  ms: number;
  bytes: number;
  body: string;
}

async function timedQuery(url: string, token: string, variables: Record<string, unknown>): Promise<Timed> {
  const body = JSON.stringify({ query: TRENDS_QUERY, variables });
  const started = performance.now();
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
  });
  const text = await response.text();
  const ms = performance.now() - started;
  if (response.status !== 200) throw new Error(`trends answered HTTP ${response.status}: ${text.slice(0, 500)}`);
  return { ms, bytes: Buffer.byteLength(text), body: text };
}

interface TrendsAnswer {
  data?: { trends: { resolution: string; series: { agentId: string; points: { timestamp: string; count: number }[] }[] } };
  errors?: unknown[];
}

function describeAnswer(text: string) {
  const answer = JSON.parse(text) as TrendsAnswer;
  if (answer.errors !== undefined) throw new Error(`trends answered errors: ${JSON.stringify(answer.errors).slice(0, 1000)}`);
  const trends = answer.data!.trends;
  const points = trends.series.reduce((n, s) => n + s.points.length, 0);
  const samples = trends.series.reduce((n, s) => n + s.points.reduce((m, p) => m + p.count, 0), 0);
  const first = trends.series[0]?.points[0]?.timestamp;
  const last = trends.series[0]?.points.at(-1)?.timestamp;
  return { resolution: trends.resolution, series: trends.series.length, points, samplesCovered: samples, firstPoint: first, lastPoint: last };
}

function summary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  return {
    runs: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    max: round(sorted.at(-1) ?? NaN),
    min: round(sorted[0] ?? NaN),
    mean: round(mean),
  };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vitals-trends-bench-'));
  const dbName = `vitals_bench_trends_${Date.now().toString(36)}`;
  let database: RunningDatabase | undefined;
  let uri = process.env.MONGODB_URI;
  if (uri === undefined || uri === '') {
    log(`starting embedded FerretDB under ${dataDir}`);
    database = await startEmbeddedFerretDb(dataDir, log);
    uri = database.uri;
  }

  const finalNow = Math.floor(Date.now() / MINUTE) * MINUTE;
  const dataStart = Math.floor((finalNow - P.days * DAY - HOUR) / HOUR) * HOUR;
  const liveStart = Math.floor((finalNow - LIVE_HOURS * HOUR) / HOUR) * HOUR;
  const headStart = finalNow - HEAD_MS;
  const clock = new ManualClock(dataStart);
  log(
    `data from ${new Date(dataStart).toISOString()} to ${new Date(finalNow).toISOString()}: ${P.agents} agents, one sample each every ${P.sampleIntervalSeconds} s`,
  );

  let app = await BenchApp.start(uri, dbName, clock, dataDir);
  const viewer = sign({ sub: 'bench', roles: ['viewer'], environments: ['*'] }, BENCH_SECRET, { algorithm: 'HS256', expiresIn: '4h' });
  const loader = new Loader(app, clock);
  const stopAll = async () => {
    await app.stop().catch(() => undefined);
    if (database !== undefined) {
      await database.stop();
    } else {
      const connection = await createConnection(uri, { dbName }).asPromise();
      await connection.dropDatabase();
      await connection.close();
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    // ---- Load ----
    const loadStarted = performance.now();
    await loader.bulk(dataStart, liveStart);
    const bulkSeconds = (performance.now() - loadStarted) / 1000;
    log(`bulk done in ${round(bulkSeconds)} s; live tail from ${new Date(liveStart).toISOString()}`);
    await loader.live(liveStart, headStart, true);
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    log(
      `loaded ${loader.samples.toLocaleString('en-US')} samples in ${round(loadSeconds)} s (${loader.batches} batches, ${loader.checkpoints} checkpoints, ${loader.rolledPeriods} periods rolled up)`,
    );
    const storage = await storageFigures(app, uri, dbName);
    log(`stored: ${JSON.stringify(storage)}`);

    const queryA = {
      environment: ENVIRONMENT,
      metric: METRIC,
      from: new Date(finalNow - DAY).toISOString(),
      to: new Date(finalNow).toISOString(),
      stepSeconds: 60,
    };
    const queryB = {
      environment: ENVIRONMENT,
      metric: METRIC,
      from: new Date(finalNow - P.days * DAY).toISOString(),
      to: new Date(finalNow).toISOString(),
      stepSeconds: 3600,
    };
    const queries = [
      { name: 'dayAtMinute', variables: queryA, targetP95Ms: TARGETS.dayAtMinuteP95Ms },
      { name: 'monthAtHour', variables: queryB, targetP95Ms: TARGETS.monthAtHourP95Ms },
    ];

    // ---- Cold: each query's first run after its own restart ----
    const cold: Record<string, { ms: number; bytes: number }> = {};
    for (const q of queries) {
      await app.stop();
      const restartStarted = performance.now();
      app = await BenchApp.start(uri, dbName, clock, dataDir);
      loader.use(app);
      clock.set(headStart);
      const restartMs = performance.now() - restartStarted;
      const run = await timedQuery(app.url, viewer, q.variables);
      describeAnswer(run.body);
      cold[q.name] = { ms: round(run.ms), bytes: run.bytes };
      log(`${q.name} cold (first run after restart, app start ${Math.round(restartMs)} ms): ${round(run.ms)} ms, ${run.bytes} bytes`);
    }

    // ---- The head: the last minute, not checkpointed ----
    await loader.live(headStart, finalNow, false);
    log(
      `head: ${new Date(headStart).toISOString()} to ${new Date(finalNow).toISOString()} ingested, not checkpointed (${app
        .get(TimeSeriesStore)
        .unsavedHeads()
        .reduce((n, h) => n + h.samples, 0)} samples in unsaved heads)`,
    );

    // ---- Warm ----
    const results: Record<string, unknown> = {};
    for (const q of queries) {
      const warmups: number[] = [];
      let answer: ReturnType<typeof describeAnswer> | undefined;
      let bytes = 0;
      for (let i = 0; i < P.warmupRuns; i++) {
        const run = await timedQuery(app.url, viewer, q.variables);
        warmups.push(round(run.ms));
        if (i === 0) {
          answer = describeAnswer(run.body);
          bytes = run.bytes;
        }
      }
      const latencies: number[] = [];
      const cpu = cpuProbe();
      for (let i = 0; i < P.runs; i++) latencies.push((await timedQuery(app.url, viewer, q.variables)).ms);
      const http = summary(latencies);
      const cpuDuringRuns = cpu.stop();

      // Below HTTP, for diagnosis.
      const args = {
        environment: q.variables.environment,
        metric: q.variables.metric,
        from: new Date(q.variables.from),
        to: new Date(q.variables.to),
        stepSeconds: q.variables.stepSeconds,
      };
      const readMs: number[] = [];
      const serviceMs: number[] = [];
      for (let i = 0; i < P.layerRuns; i++) {
        let started = performance.now();
        const series = app.get(SeriesCatalog).seriesOf(args.environment, args.metric);
        await app.get(TimeSeriesReader).buckets({
          environment: args.environment,
          metric: args.metric,
          from: args.from.getTime(),
          to: args.to.getTime(),
          stepMs: args.stepSeconds * 1000,
          series,
        });
        readMs.push(performance.now() - started);
        started = performance.now();
        await app.get(TrendsService).trends(args);
        serviceMs.push(performance.now() - started);
      }

      results[q.name] = {
        query: { from: q.variables.from, to: q.variables.to, stepSeconds: q.variables.stepSeconds, agentIds: 'omitted (all agents)' },
        ...answer,
        responseBytes: bytes,
        coldFirstRunMs: cold[q.name].ms,
        warmupRunsMs: warmups,
        httpMs: http,
        targetP95Ms: q.targetP95Ms,
        meetsTarget: http.p95 < q.targetP95Ms,
        cpuDuringTimedRuns: cpuDuringRuns,
        inProcess: { storageReadMs: summary(readMs), trendsServiceMs: summary(serviceMs) },
      };
      if (cpuDuringRuns.otherProcessesCpuPercent > 20)
        log(`warning: other processes used ${cpuDuringRuns.otherProcessesCpuPercent}% CPU during the timed runs: the figures are disturbed`);
      log(
        `${q.name}: ${answer?.resolution}, ${answer?.points} points, ${bytes} bytes; HTTP p50 ${http.p50} ms p95 ${http.p95} ms max ${http.max} ms (target p95 < ${q.targetP95Ms}); storage read p50 ${summary(readMs).p50} ms, TrendsService p50 ${summary(serviceMs).p50} ms`,
      );
    }

    console.log(
      JSON.stringify({
        benchmark: 'trends-query',
        agents: P.agents,
        metric: METRIC,
        days: P.days,
        sampleIntervalSeconds: P.sampleIntervalSeconds,
        data: { from: new Date(dataStart).toISOString(), now: new Date(finalNow).toISOString() },
        load: {
          seconds: round(loadSeconds),
          bulkSeconds: round(bulkSeconds),
          samples: loader.samples,
          batches: loader.batches,
          checkpoints: loader.checkpoints,
          rollUpPasses: loader.rollUps,
          periodsRolledUp: loader.rolledPeriods,
          ingestSeconds: round(loader.ingestMs / 1000),
          checkpointSeconds: round(loader.checkpointMs / 1000),
          rollUpSeconds: round(loader.rollUpMs / 1000),
          unsavedHeadSamplesDuringWarmRuns: (P.agents * HEAD_MS) / INTERVAL_MS,
        },
        storage,
        database: database === undefined ? 'MONGODB_URI' : 'embedded FerretDB',
        nodeEnv: process.env.NODE_ENV,
        latencyDefinition: 'request sent to whole response body received, sequential, client in the same process as the service',
        coldDefinition:
          'first run of the query right after an in-process app restart (empty part cache, same database process), before the last minute was ingested',
        queries: results,
      }),
    );
  } finally {
    await stopAll();
  }
}

/**
 * CPU used from now until stop(), in percent of one core: this process (service and client),
 * the database (the embedded server is a child of this process), everything else on the
 * machine (high values mean the figures are disturbed), and how busy the machine was.
 */
function cpuProbe() {
  const database = () => childPids(process.pid).reduce((sum, pid) => sum + procCpuSeconds(pid), 0);
  const started = performance.now();
  const own0 = process.cpuUsage();
  const db0 = database();
  const machine0 = machineCpuSeconds();
  return {
    stop() {
      const wall = (performance.now() - started) / 1000;
      const own = process.cpuUsage(own0);
      const ownSeconds = (own.user + own.system) / 1e6;
      const dbSeconds = database() - db0;
      const machine1 = machineCpuSeconds();
      const busy = machine1.busy - machine0.busy;
      const pct = (seconds: number) => Math.round((1000 * seconds) / wall) / 10;
      return {
        benchProcessCpuPercent: pct(ownSeconds),
        databaseCpuPercent: pct(dbSeconds),
        otherProcessesCpuPercent: Math.max(0, pct(busy - ownSeconds - dbSeconds)),
        machineBusyPercent: Math.round((1000 * busy) / (machine1.total - machine0.total)) / 10,
      };
    },
  };
}

/** Parts and manifests per tier (from the in-memory catalog) and the part documents in the database. */
async function storageFigures(app: BenchApp, uri: string, dbName: string) {
  const perTier: Record<string, { manifests: number; parts: number; pages: number; bytes: number }> = {};
  for (const manifest of app.get(PartStore).catalog.all()) {
    const t = (perTier[manifest.tier] ??= { manifests: 0, parts: 0, pages: 0, bytes: 0 });
    t.manifests++;
    for (const part of manifest.parts) {
      t.parts++;
      t.pages += part.pages;
      t.bytes += part.bytes;
    }
  }
  const connection = await createConnection(uri, { dbName }).asPromise();
  try {
    // Part pages live in `parts_<tier>` collections (or one `series_parts` in older layouts);
    // counted by listing _ids, which every server answers the same way.
    const collections = (await connection.listCollections()).map((c) => c.name).filter((name) => name.startsWith('parts_') || name === 'series_parts');
    const partDocumentsPerCollection: Record<string, number> = {};
    for (const name of collections.sort()) {
      partDocumentsPerCollection[name] = (
        await connection
          .collection(name)
          .find({}, { projection: { _id: 1 } })
          .toArray()
      ).length;
    }
    const partDocuments = Object.values(partDocumentsPerCollection).reduce((a, b) => a + b, 0);
    const manifestDocuments = (
      await connection
        .collection('series_manifests')
        .find({}, { projection: { _id: 1 } })
        .toArray()
    ).length;
    const pagesInCatalog = Object.values(perTier).reduce((n, t) => n + t.pages, 0);
    return { partDocuments, partDocumentsPerCollection, pagesInCatalog, manifestDocuments, perTier };
  } finally {
    await connection.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
