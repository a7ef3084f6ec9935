// As the service runs (Dockerfile, ServerProcess): graphql-js reads it once, when loaded, and
// is much slower in development mode. Set before the imports below load it.
process.env.NODE_ENV ??= 'production';
import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { sign } from 'jsonwebtoken';
import { createConnection } from 'mongoose';
import { Principal } from '../src/common/auth/principal';
import { ManualClock } from '../src/common/clock/clock';
import { loadConfig } from '../src/common/config/app-config';
import { listenInProcess } from '../test/support/in-process-app';
import { seededRandom } from '../test/support/seeded-random';
import { TopSeriesArgs, TrendsArgs } from '../src/dashboard/dto/dashboard.args';
import { TrendResult } from '../src/dashboard/models/trend.model';
import { TrendsService } from '../src/dashboard/trends/trends.service';
import { IngestionService } from '../src/ingestion/ingestion.service';
import { RetentionService } from '../src/storage/retention.service';
import { PartStore } from '../src/storage/timeseries/part-store';
import { TierMaintenance } from '../src/storage/timeseries/tier-maintenance';
import { TimeSeriesStore } from '../src/storage/timeseries/time-series-store';
import { HttpSender, Outcome } from './support/load-driver';
import { cpuProbe } from './support/proc-stats';
import { BENCH_SECRET, percentile } from './support/server-process';
import { envNumber } from './support/env';
import { benchDatabase } from './support/bench-database';

/**
 * Query latency of `trends` and `topSeries`, on data this benchmark loads itself: the query
 * set of the query-engine issue, each with its target (client-side p95 over HTTP GraphQL,
 * viewer token, sequential runs) and a `meetsTarget` flag.
 *
 * Environment `bench-trends` (BENCH_AGENTS agents x BENCH_DAYS days, metric cpu.usage):
 *   fleetAvgDay    aggregate AVG, 24 h at 60 s, `series { points { timestamp value } }`          p95 < 15 ms
 *   fleetP95Day    aggregate P95, the same                                                       p95 < 15 ms
 *   oneAgentDay    agentIds [first agent], 24 h at 60 s, `series { points { timestamp count avg min max p95 } }`  p95 < 5 ms
 *   allAgentsDay   every agent, 24 h at 60 s, `series { agentId points { timestamp avg } }`       p95 < 150 ms
 *                  (also: points per second at p50, the JSON.stringify time of the parsed answer
 *                  in this process as serializationLimitMs, and httpP50 / serializationLimitMs)
 *   monthAtHour    every agent, BENCH_DAYS at 3600 s, `series { agentId points { timestamp avg } }` p95 < 50 ms
 *   with BENCH_QUANTILE_QUERIES=1, also (no target): allAgentsDayQuantiles and monthAtHourQuantiles,
 *   the same ranges selecting `series { agentId points { timestamp count avg min max p50 p95 p99 } }`.
 * Environment `bench-fleet` (BENCH_FLEET_AGENTS agents x the last hour, metric cpu.usage, a
 * `region` label per series):
 *   fleetAvgHour10k  aggregate AVG, 1 h at 60 s, `series { points { timestamp value } }`          p95 < 100 ms
 *   fleetP95Hour10k  aggregate P95, the same                                                     p95 < 100 ms
 *   topSeries10k     topSeries(by: AVG, limit: 10) over 1 h, `{ agentId labels { name value } value }` p95 < 100 ms
 * Ingest under query load: ingestBatch mutations over HTTP with an agent token (BENCH_INGEST_AGENTS
 * agents x BENCH_INGEST_SAMPLES samples of metric memory.usage per request, BENCH_INGEST_RELAYS
 * relays of distinct agents, each with one request in flight so samples stay in order per
 * series), open loop at BENCH_INGEST_RATE requests/s for BENCH_INGEST_SECONDS, once alone and
 * once with a concurrent loop of allAgentsDay queries (one in flight at a time): ack p50/p99
 * (from the scheduled send time) of both, and how many queries ran.
 *
 * The service runs in this process (as test/support/test-app.ts boots it) with a
 * ManualClock, on a fresh database: the embedded FerretDB started here, or the
 * server in MONGODB_URI (a new database on it, dropped at the end).
 *
 * Load, through IngestionService (the ingestBatch path without HTTP), as production
 * would have built it up:
 *   - bench-trends: one sample per agent every BENCH_SAMPLE_INTERVAL_SECONDS (each agent at
 *     its own phase within the interval), from about BENCH_DAYS days + 1-2 h ago up to "now";
 *   - bulk: one simulated hour at a time (clock moved to the end of the hour, one batch of
 *     the hour's samples of every agent, checkpoint, rollUp), a retention sweep per day;
 *   - live tail: the last 2-3 hours at production cadence: a batch of every agent per
 *     sample interval, a checkpoint and a rollUp every simulated minute, so the open hour
 *     and today's 1-hour tier hold as many parts as they would in production;
 *   - bench-fleet: during the last hour of the live tail, at each simulated minute, the
 *     minute's samples of every fleet agent (same interval), in batches of
 *     BENCH_FLEET_BATCH_AGENTS agents, before that minute's checkpoint and rollUp;
 *   - head: the last 60 s (of both environments) are ingested but not checkpointed, so reads
 *     merge an unsaved head, as they always do in production (CHECKPOINT_INTERVAL_SECONDS is
 *     set to its maximum so that no timer checkpoint runs during the measurement).
 *
 * Measurement, per query:
 *   - cold (unless BENCH_COLD=0): the app is restarted (same database and database process,
 *     empty part cache, fresh JIT) and the query's first run is timed; once per query, each
 *     after its own restart, before the head is ingested;
 *   - warm: up to BENCH_WARMUP_RUNS untimed runs within BENCH_WARMUP_SECONDS, then up to
 *     BENCH_RUNS timed sequential runs within BENCH_QUERY_SECONDS (timedRuns and
 *     stoppedByTimeBudget say how many ran), so that slow queries still finish in bounded
 *     time: at least one run of each, and no further run once the next one (judged by the
 *     mean so far) would end past the budget;
 *   - latency is from sending the request to having the whole response body (the JSON
 *     is parsed afterwards, untimed); the client shares this process with the service;
 *     a request that fails with a network error (e.g. ECONNRESET on a keep-alive socket the
 *     server closed after a pause) is sent once more and the retry is timed; `httpRetries`
 *     counts them (HTTP errors are not retried);
 *   - for diagnosis, the same query in-process below HTTP: TrendsService.trends (or
 *     topSeries) with the GraphQL arguments, up to BENCH_LAYER_RUNS runs within
 *     BENCH_LAYER_SECONDS (none when the HTTP p50 alone is longer), so the
 *     GraphQL/serialization share shows; `resolution` comes from these runs;
 *   - cpuDuringTimedRuns: CPU of this process, of the database and of everything else on
 *     the machine over the timed runs; otherProcessesCpuPercent above ~20 (percent of one
 *     core) means other work disturbed the figures.
 * NODE_ENV is production unless set (graphql-js runs slower checks otherwise).
 *
 * Parameters (environment variables, defaults in brackets):
 *   BENCH_AGENTS [100]  BENCH_DAYS [30]  BENCH_SAMPLE_INTERVAL_SECONDS [10] (must divide 60)
 *   BENCH_FLEET_AGENTS [10000]  BENCH_FLEET_BATCH_AGENTS [500]
 *   BENCH_RUNS [30]  BENCH_QUERY_SECONDS [20]  BENCH_WARMUP_RUNS [3]  BENCH_WARMUP_SECONDS [3]
 *   BENCH_LAYER_RUNS [10]  BENCH_LAYER_SECONDS [5]  BENCH_COLD [1]  BENCH_QUANTILE_QUERIES [0]
 *   BENCH_INGEST_SECONDS [15]  BENCH_INGEST_RATE [20]  BENCH_INGEST_AGENTS [100]
 *   BENCH_INGEST_SAMPLES [10]  BENCH_INGEST_RELAYS [10]
 *   MONGODB_URI: use that server instead of an embedded FerretDB
 *
 * Progress goes to stderr; one JSON object with every figure goes to stdout.
 */

const P = {
  agents: envNumber('BENCH_AGENTS', 100, { positive: true }),
  days: envNumber('BENCH_DAYS', 30, { positive: true }),
  sampleIntervalSeconds: envNumber('BENCH_SAMPLE_INTERVAL_SECONDS', 10, { positive: true }),
  fleetAgents: envNumber('BENCH_FLEET_AGENTS', 10_000, { positive: true }),
  fleetBatchAgents: envNumber('BENCH_FLEET_BATCH_AGENTS', 500, { positive: true }),
  runs: envNumber('BENCH_RUNS', 30, { positive: true }),
  querySeconds: envNumber('BENCH_QUERY_SECONDS', 20, { positive: true }),
  warmupRuns: envNumber('BENCH_WARMUP_RUNS', 3, { positive: true }),
  warmupSeconds: envNumber('BENCH_WARMUP_SECONDS', 3, { positive: true }),
  layerRuns: envNumber('BENCH_LAYER_RUNS', 10),
  layerSeconds: envNumber('BENCH_LAYER_SECONDS', 5, { positive: true }),
  cold: envNumber('BENCH_COLD', 1) !== 0,
  quantileQueries: envNumber('BENCH_QUANTILE_QUERIES', 0) !== 0,
  ingestSeconds: envNumber('BENCH_INGEST_SECONDS', 15, { positive: true }),
  ingestRate: envNumber('BENCH_INGEST_RATE', 20, { positive: true }),
  ingestAgents: envNumber('BENCH_INGEST_AGENTS', 100, { positive: true }),
  ingestSamples: envNumber('BENCH_INGEST_SAMPLES', 10, { positive: true }),
  ingestRelays: envNumber('BENCH_INGEST_RELAYS', 10, { positive: true }),
};
if (60 % P.sampleIntervalSeconds !== 0) throw new Error('BENCH_SAMPLE_INTERVAL_SECONDS must divide 60');

const ENVIRONMENT = 'bench-trends';
const FLEET_ENVIRONMENT = 'bench-fleet';
const METRIC = 'cpu.usage';
const INGEST_METRIC = 'memory.usage';
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const INTERVAL_MS = P.sampleIntervalSeconds * SECOND;
const LIVE_HOURS = 2;
const HEAD_MS = 60 * SECOND;
/** Ingest load: request i carries the samples of [base + i * INGEST_SLOT_MS, base + (i + 1) * INGEST_SLOT_MS). */
const INGEST_SLOT_MS = SECOND;
const INGEST_TIMEOUT_MS = 60 * SECOND;
const SERIALIZATION_RUNS = 5;
const REGIONS = ['eu-west', 'eu-north', 'us-east', 'us-west', 'ap-south'];

const log = (message: string) => process.stderr.write(`[trends-query] ${message}\n`);
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const AGENT_IDS = Array.from({ length: P.agents }, (_, i) => `agent-${String(i).padStart(4, '0')}`);
const FLEET_IDS = Array.from({ length: P.fleetAgents }, (_, i) => `fleet-${String(i).padStart(5, '0')}`);
const token = (roles: string[]) => sign({ sub: 'bench', roles, environments: ['*'] }, BENCH_SECRET, { algorithm: 'HS256', expiresIn: '4h' });

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

interface LoadStats {
  samples: number;
  batches: number;
  ingestMs: number;
}

class Loader {
  private readonly random = seededRandom(20240611);
  private readonly principal = new Principal({ sub: 'bench', roles: ['agent'], environments: ['*'] });
  readonly trends: LoadStats = { samples: 0, batches: 0, ingestMs: 0 };
  readonly fleet: LoadStats = { samples: 0, batches: 0, ingestMs: 0 };
  checkpoints = 0;
  rollUps = 0;
  rolledPeriods = 0;
  checkpointMs = 0;
  rollUpMs = 0;

  constructor(
    private app: BenchApp,
    private readonly clock: ManualClock,
    /** Fleet minutes ending after this are loaded (the last hour). */
    private readonly fleetStart: number,
  ) {}

  use(app: BenchApp): void {
    this.app = app;
  }

  /** Ingests the samples on the grid in [from, to) of agents[first, first + count), as one batch. */
  private async ingest(
    environment: string,
    agents: readonly string[],
    first: number,
    count: number,
    from: number,
    to: number,
    stats: LoadStats,
  ): Promise<void> {
    const series = agents.slice(first, first + count).map((agentId, k) => {
      const a = first + k;
      const timestamps: number[] = [];
      const values: number[] = [];
      for (let t = from + phaseOf(a); t < to; t += INTERVAL_MS) {
        timestamps.push(t);
        values.push(valueOf(a, t, this.random));
      }
      const labels = environment === FLEET_ENVIRONMENT ? [{ name: 'region', value: REGIONS[a % REGIONS.length] }] : undefined;
      return { agentId, metric: METRIC, labels, timestamps, values };
    });
    const expected = series.reduce((n, s) => n + s.timestamps.length, 0);
    const started = performance.now();
    const result = await this.app.get(IngestionService).ingest({ environment, series }, this.principal);
    stats.ingestMs += performance.now() - started;
    if (result.acceptedSamples !== expected || result.rejectedSamples !== 0) {
      throw new Error(
        `${environment} batch [${new Date(from).toISOString()}, ${new Date(to).toISOString()}) accepted ${result.acceptedSamples}/${expected}: ${JSON.stringify(result.errors.slice(0, 3))}`,
      );
    }
    stats.samples += expected;
    stats.batches++;
  }

  private ingestTrends(from: number, to: number): Promise<void> {
    return this.ingest(ENVIRONMENT, AGENT_IDS, 0, AGENT_IDS.length, from, to, this.trends);
  }

  /** The minute ending at `end` of every fleet agent, in batches of BENCH_FLEET_BATCH_AGENTS agents. */
  private async ingestFleetMinute(end: number): Promise<void> {
    for (let first = 0; first < FLEET_IDS.length; first += P.fleetBatchAgents) {
      await this.ingest(FLEET_ENVIRONMENT, FLEET_IDS, first, P.fleetBatchAgents, end - MINUTE, end, this.fleet);
    }
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
      await this.ingestTrends(hour, hour + HOUR);
      await this.checkpointAndRollUp();
      if ((hour + HOUR) % DAY === 0) {
        await this.sweep();
        const done = (hour + HOUR - from) / (to - from);
        const elapsed = (performance.now() - started) / 1000;
        log(
          `bulk: ${new Date(hour + HOUR).toISOString().slice(0, 10)} done, ${Math.round(done * 100)}%, ${this.trends.samples.toLocaleString('en-US')} samples, ${Math.round(elapsed)} s (eta ${Math.round(elapsed / done - elapsed)} s)`,
        );
      }
    }
  }

  /**
   * Production cadence: a batch per sample interval, a checkpoint and rollUp per simulated
   * minute; in the last hour, each minute's fleet samples just before its checkpoint.
   */
  async live(from: number, to: number, checkpoint: boolean): Promise<void> {
    for (let t = from; t < to; t += INTERVAL_MS) {
      const end = t + INTERVAL_MS;
      this.clock.set(end);
      await this.ingestTrends(t, end);
      if (end % MINUTE !== 0) continue;
      if (end > this.fleetStart) {
        await this.ingestFleetMinute(end);
        if (end % (10 * MINUTE) === 0)
          log(`live: fleet minute ${new Date(end).toISOString()} loaded (${this.fleet.samples.toLocaleString('en-US')} fleet samples)`);
      }
      if (!checkpoint) continue;
      await this.checkpointAndRollUp();
      if (end % HOUR === 0) await this.sweep();
    }
  }
}

// ---- HTTP ----

interface Timed {
  ms: number;
  status: number;
  bytes: number;
  body: string;
}

/** Requests sent again after a network error (not an HTTP error), with the errors' causes. */
const httpRetries = { count: 0, causes: {} as Record<string, number> };

function networkCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

/**
 * POSTs a GraphQL body and times it until the whole response body is in. A network error
 * (the request never got an answer, e.g. ECONNRESET on a keep-alive socket the server closed
 * after a pause) is retried once, and only the retry is timed.
 */
async function post(url: string, bearer: string, body: string): Promise<Timed> {
  for (let attempt = 0; ; attempt++) {
    const started = performance.now();
    try {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
        body,
      });
      const text = await response.text();
      return { ms: performance.now() - started, status: response.status, bytes: Buffer.byteLength(text), body: text };
    } catch (error) {
      if (attempt >= 1) throw error;
      const cause = networkCause(error);
      httpRetries.count++;
      httpRetries.causes[cause] = (httpRetries.causes[cause] ?? 0) + 1;
      log(`network error (${cause}); sending the request once more`);
    }
  }
}

// ---- Queries ----

const VARIABLE_TYPES: Record<string, string> = {
  environment: 'String!',
  metric: 'String!',
  from: 'DateTime!',
  to: 'DateTime!',
  stepSeconds: 'Int',
  agentIds: '[ID!]',
  aggregate: 'SeriesAggregate',
  by: 'SeriesAggregate!',
  limit: 'Int',
};

/** A query document passing exactly `variables` to `field`, selecting `selection`. */
function documentOf(field: string, variables: Record<string, unknown>, selection: string): string {
  const names = Object.keys(variables);
  const declared = names.map((n) => `$${n}: ${VARIABLE_TYPES[n]}`).join(', ');
  const passed = names.map((n) => `${n}: $${n}`).join(', ');
  return `query Bench(${declared}) { ${field}(${passed}) ${selection} }`;
}

interface QuerySpec {
  name: string;
  field: 'trends' | 'topSeries';
  variables: Record<string, unknown>;
  selection: string;
  targetP95Ms?: number;
  document: string;
}

function spec(name: string, field: QuerySpec['field'], variables: Record<string, unknown>, selection: string, targetP95Ms?: number): QuerySpec {
  return { name, field, variables, selection, targetP95Ms, document: documentOf(field, variables, selection) };
}

interface Answer {
  data?: Record<string, unknown>;
  errors?: unknown[];
}

interface TrendsData {
  series: { agentId?: string; points: { timestamp: string; count?: number }[] }[];
}

function parseAnswer(q: QuerySpec, text: string): Answer {
  const answer = JSON.parse(text) as Answer;
  if (answer.errors !== undefined) throw new Error(`${q.name} answered errors: ${JSON.stringify(answer.errors).slice(0, 1000)}`);
  return answer;
}

/** What an answer holds: series and points (trends) or rows (topSeries). */
function describeAnswer(q: QuerySpec, answer: Answer) {
  if (q.field === 'topSeries') {
    const rows = answer.data!.topSeries as { agentId: string; labels: unknown[]; value: number }[];
    return { rows: rows.length, first: rows[0], last: rows.at(-1) };
  }
  const trends = answer.data!.trends as TrendsData;
  const points = trends.series.reduce((n, s) => n + s.points.length, 0);
  const counted = trends.series[0]?.points[0]?.count !== undefined;
  const samples = counted ? trends.series.reduce((n, s) => n + s.points.reduce((m, p) => m + (p.count ?? 0), 0), 0) : undefined;
  const first = trends.series[0]?.points[0]?.timestamp;
  const last = trends.series[0]?.points.at(-1)?.timestamp;
  return { series: trends.series.length, points, ...(samples === undefined ? {} : { samplesCovered: samples }), firstPoint: first, lastPoint: last };
}

async function run(url: string, viewer: string, q: QuerySpec): Promise<Timed> {
  const timed = await post(url, viewer, JSON.stringify({ query: q.document, variables: q.variables }));
  if (timed.status !== 200) throw new Error(`${q.name} answered HTTP ${timed.status}: ${timed.body.slice(0, 500)}`);
  return timed;
}

/** The GraphQL arguments as the resolver hands them to TrendsService (DateTime parsed). */
function serviceCall(app: BenchApp, q: QuerySpec): () => Promise<unknown> {
  const v = q.variables;
  const args = { ...v, from: new Date(v.from as string), to: new Date(v.to as string) };
  const service = app.get(TrendsService);
  if (q.field === 'topSeries') {
    const top = { limit: 10, ascending: false, ...args } as unknown as TopSeriesArgs;
    return () => service.topSeries(top);
  }
  return () => service.trends(args as unknown as TrendsArgs);
}

const pick = (r: TrendResult) => ({ resolution: r.resolution, stepSeconds: r.stepSeconds, warnings: r.warnings });

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

/**
 * Runs `once` up to `runs` times, at least `min` times, and otherwise only while the next run is
 * expected (by the mean of the runs so far, or `estimateMs` before the first) to end within
 * `seconds`; the durations in ms.
 */
async function repeat(runs: number, seconds: number, once: () => Promise<number>, { min = 1, estimateMs = 0 } = {}): Promise<number[]> {
  const out: number[] = [];
  const started = performance.now();
  const next = () => (out.length === 0 ? estimateMs : out.reduce((a, b) => a + b, 0) / out.length);
  while (out.length < runs && (out.length < min || performance.now() - started + next() <= seconds * SECOND)) out.push(await once());
  return out;
}

async function timeIt(call: () => Promise<unknown>, then?: (result: unknown) => void): Promise<number> {
  const started = performance.now();
  const result = await call();
  const ms = performance.now() - started;
  then?.(result);
  return ms;
}

/** Warm-up, timed runs over HTTP and the in-process service time of one query. */
async function measure(app: BenchApp, viewer: string, q: QuerySpec, coldMs: number | undefined) {
  let first: Timed | undefined;
  const warmups = await repeat(
    P.warmupRuns,
    P.warmupSeconds,
    async () => {
      const timed = await run(app.url, viewer, q);
      first ??= timed;
      return timed.ms;
    },
    { estimateMs: coldMs },
  );
  const answer = parseAnswer(q, first!.body);
  const cpu = cpuProbe();
  const latencies = await repeat(P.runs, P.querySeconds, async () => (await run(app.url, viewer, q)).ms, { estimateMs: warmups.at(-1) });
  const cpuDuringRuns = cpu.stop();
  const http = summary(latencies);
  // In-process: skipped when even one run would overrun BENCH_LAYER_SECONDS (judged by the HTTP p50).
  const call = serviceCall(app, q);
  let meta: { resolution?: string; stepSeconds?: number; warnings?: string[] } = {};
  const serviceRuns = await repeat(P.layerRuns, P.layerSeconds, () => timeIt(call, (r) => (meta = q.field === 'trends' ? pick(r as TrendResult) : {})), {
    min: 0,
    estimateMs: http.p50,
  });
  const service = serviceRuns.length === 0 ? undefined : summary(serviceRuns);
  const result = {
    field: q.field,
    variables: q.variables,
    selection: q.selection,
    ...meta,
    ...describeAnswer(q, answer),
    responseBytes: first!.bytes,
    ...(coldMs === undefined ? {} : { coldFirstRunMs: round(coldMs) }),
    warmupRunsMs: warmups.map((ms) => round(ms)),
    httpMs: http,
    timedRuns: latencies.length,
    stoppedByTimeBudget: latencies.length < P.runs,
    ...(q.targetP95Ms === undefined ? {} : { targetP95Ms: q.targetP95Ms, meetsTarget: http.p95 < q.targetP95Ms }),
    cpuDuringTimedRuns: cpuDuringRuns,
    inProcess:
      service === undefined
        ? { skipped: `a run would take longer than BENCH_LAYER_SECONDS (${P.layerSeconds})` }
        : { [q.field === 'trends' ? 'trendsServiceMs' : 'topSeriesServiceMs']: service },
  };
  if (cpuDuringRuns.otherProcessesCpuPercent > 20)
    log(`warning: other processes used ${cpuDuringRuns.otherProcessesCpuPercent}% CPU during the timed runs: the figures are disturbed`);
  const shape = 'points' in result ? `${result.series} series, ${result.points} points` : `${result.rows} rows`;
  log(
    `${q.name}: ${shape}, ${first!.bytes} bytes; HTTP p50 ${http.p50} ms p95 ${http.p95} ms max ${http.max} ms over ${latencies.length} runs${q.targetP95Ms === undefined ? '' : ` (target p95 < ${q.targetP95Ms}: ${result.meetsTarget ? 'met' : 'NOT met'})`}; in-process p50 ${service?.p50 ?? '-'} ms`,
  );
  return { result, answer };
}

// ---- Ingest under query load ----

const INGEST_MUTATION = 'mutation Ingest($batch: TelemetryBatchInput!) { ingestBatch(batch: $batch) { acceptedSamples rejectedSamples duplicate } }';

/**
 * ingestBatch bodies: relay r carries the samples of its own BENCH_INGEST_AGENTS agents; request
 * i (numbered over both phases) holds BENCH_INGEST_SAMPLES samples per series spread over
 * [base + i * INGEST_SLOT_MS, base + (i + 1) * INGEST_SLOT_MS). Relays are handed out first
 * come first served and each has one request in flight, so per series the requests (and
 * samples) arrive in time order.
 */
class IngestRelays {
  private readonly idle: number[];
  private readonly waiters: ((relay: number) => void)[] = [];
  private readonly agents: string[][];
  private readonly random = seededRandom(777);

  constructor(
    private readonly base: number,
    private readonly runId: string,
  ) {
    this.idle = Array.from({ length: P.ingestRelays }, (_, r) => r);
    this.agents = this.idle.map((r) => Array.from({ length: P.ingestAgents }, (_, a) => `ingest-${String(r).padStart(3, '0')}-${String(a).padStart(4, '0')}`));
  }

  acquire(): Promise<number> {
    const relay = this.idle.shift();
    return relay !== undefined ? Promise.resolve(relay) : new Promise((resolve) => this.waiters.push(resolve));
  }

  release(relay: number): void {
    const waiter = this.waiters.shift();
    if (waiter !== undefined) waiter(relay);
    else this.idle.push(relay);
  }

  body(relay: number, i: number): { body: Buffer; samples: number } {
    const t0 = this.base + i * INGEST_SLOT_MS;
    const timestamps = Array.from({ length: P.ingestSamples }, (_, j) => t0 + Math.floor((j * INGEST_SLOT_MS) / P.ingestSamples));
    const series = this.agents[relay].map((agentId, a) => ({
      agentId,
      metric: INGEST_METRIC,
      timestamps,
      values: timestamps.map((t) => valueOf(a, t, this.random)),
    }));
    const batch = { environment: ENVIRONMENT, batchId: `${this.runId}-${i}`, series };
    return { body: Buffer.from(JSON.stringify({ query: INGEST_MUTATION, variables: { batch } })), samples: P.ingestAgents * P.ingestSamples };
  }
}

/**
 * Open loop: P.ingestRate requests per second for P.ingestSeconds, request numbers from
 * `firstIndex`; ack latency from each request's scheduled send time (a request waiting for a
 * relay or a socket counts it). With `query`, a loop runs it (one in flight) meanwhile.
 */
async function ingestPhase(url: string, agentToken: string, relays: IngestRelays, firstIndex: number, query?: () => Promise<number>) {
  const sender = new HttpSender(url, agentToken, P.ingestRelays, INGEST_TIMEOUT_MS);
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  let firstFailure: string | undefined;
  let retries = 0;
  let accepted = 0;
  const total = Math.max(1, Math.floor(P.ingestSeconds * P.ingestRate));
  const gapMs = SECOND / P.ingestRate;

  let loopDone = false;
  const queryMs: number[] = [];
  const loop = (async () => {
    while (query !== undefined && !loopDone) queryMs.push(await query());
  })();

  const cpu = cpuProbe();
  const start = performance.now();
  const sendOne = async (i: number) => {
    const scheduled = start + i * gapMs;
    const relay = await relays.acquire();
    try {
      const { body, samples } = relays.body(relay, firstIndex + i);
      for (let attempt = 0; ; attempt++) {
        let outcome: Outcome = await sender.send(body, samples);
        // A retried batch that the first try did apply comes back as a duplicate (same batchId).
        if (attempt > 0 && outcome.reason === 'duplicate') outcome = { ok: true, accepted: samples };
        if (!outcome.ok && attempt === 0 && (outcome.reason ?? '').startsWith('network-')) {
          retries++;
          continue;
        }
        if (outcome.ok) {
          latencies.push(performance.now() - scheduled);
          accepted += outcome.accepted;
        } else {
          const reason = outcome.reason ?? 'unknown';
          failures[reason] = (failures[reason] ?? 0) + 1;
          firstFailure ??= `${reason}: ${outcome.answer ?? ''}`.slice(0, 1000);
        }
        return;
      }
    } finally {
      relays.release(relay);
    }
  };
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = start + i * gapMs - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(sendOne(i));
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - start) / SECOND;
  loopDone = true;
  await loop;
  const cpuDuring = cpu.stop();
  sender.close();

  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (p: number) => round(percentile(sorted, p));
  return {
    result: {
      seconds: round(seconds, 2),
      requests: total,
      okRequests: latencies.length,
      failedRequests: total - latencies.length,
      ...(firstFailure === undefined ? {} : { failureReasons: failures, firstFailure }),
      networkRetries: retries,
      acceptedSamples: accepted,
      achievedRequestsPerSecond: round(latencies.length / seconds),
      ackMs: { p50: at(50), p90: at(90), p99: at(99), max: round(sorted.at(-1) ?? NaN) },
      ...(query === undefined ? {} : { concurrentQueries: { name: 'allAgentsDay', ran: queryMs.length, httpMs: summary(queryMs) } }),
      cpu: cpuDuring,
    },
    requests: total,
  };
}

// ---- Main ----

async function main(): Promise<void> {
  const benchStarted = performance.now();
  const { uri, dbName, dataDir, embedded, close } = await benchDatabase('trends', log);

  const finalNow = Math.floor(Date.now() / MINUTE) * MINUTE;
  const dataStart = Math.floor((finalNow - P.days * DAY - HOUR) / HOUR) * HOUR;
  const liveStart = Math.floor((finalNow - LIVE_HOURS * HOUR) / HOUR) * HOUR;
  const headStart = finalNow - HEAD_MS;
  const fleetStart = finalNow - HOUR;
  const clock = new ManualClock(dataStart);
  log(
    `data from ${new Date(dataStart).toISOString()} to ${new Date(finalNow).toISOString()}: ${P.agents} agents, one sample each every ${P.sampleIntervalSeconds} s; ${FLEET_ENVIRONMENT}: ${P.fleetAgents} agents over the last hour`,
  );

  let app = await BenchApp.start(uri, dbName, clock, dataDir);
  const viewer = token(['viewer']);
  const agent = token(['agent']);
  const loader = new Loader(app, clock, fleetStart);
  const stopAll = async () => {
    await app.stop().catch(() => undefined);
    await close();
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
      `loaded ${loader.trends.samples.toLocaleString('en-US')} + ${loader.fleet.samples.toLocaleString('en-US')} (fleet) samples in ${round(loadSeconds)} s (${loader.checkpoints} checkpoints, ${loader.rolledPeriods} periods rolled up)`,
    );
    const storage = await storageFigures(app, uri, dbName);
    log(`stored: ${JSON.stringify(storage)}`);

    // ---- The queries ----
    const iso = (t: number) => new Date(t).toISOString();
    const day = { metric: METRIC, from: iso(finalNow - DAY), to: iso(finalNow), stepSeconds: 60 };
    const month = { metric: METRIC, from: iso(finalNow - P.days * DAY), to: iso(finalNow), stepSeconds: 3600 };
    const hour = { environment: FLEET_ENVIRONMENT, metric: METRIC, from: iso(finalNow - HOUR), to: iso(finalNow) };
    const aggregated = '{ series { points { timestamp value } } }';
    const perAgent = '{ series { agentId points { timestamp avg } } }';
    const quantiles = '{ series { agentId points { timestamp count avg min max p50 p95 p99 } } }';
    const env = { environment: ENVIRONMENT };
    const allAgentsDay = spec('allAgentsDay', 'trends', { ...env, ...day }, perAgent, 150);
    const queries: QuerySpec[] = [
      spec('fleetAvgDay', 'trends', { ...env, ...day, aggregate: 'AVG' }, aggregated, 15),
      spec('fleetP95Day', 'trends', { ...env, ...day, aggregate: 'P95' }, aggregated, 15),
      spec('oneAgentDay', 'trends', { ...env, ...day, agentIds: [AGENT_IDS[0]] }, '{ series { points { timestamp count avg min max p95 } } }', 5),
      allAgentsDay,
      spec('monthAtHour', 'trends', { ...env, ...month }, perAgent, 50),
      ...(P.quantileQueries
        ? [spec('allAgentsDayQuantiles', 'trends', { ...env, ...day }, quantiles), spec('monthAtHourQuantiles', 'trends', { ...env, ...month }, quantiles)]
        : []),
      spec('fleetAvgHour10k', 'trends', { ...hour, stepSeconds: 60, aggregate: 'AVG' }, aggregated, 100),
      spec('fleetP95Hour10k', 'trends', { ...hour, stepSeconds: 60, aggregate: 'P95' }, aggregated, 100),
      spec('topSeries10k', 'topSeries', { ...hour, by: 'AVG', limit: 10 }, '{ agentId labels { name value } value }', 100),
    ];

    // ---- Cold: each query's first run after its own restart ----
    const cold: Record<string, number> = {};
    for (const q of P.cold ? queries : []) {
      await app.stop();
      const restartStarted = performance.now();
      app = await BenchApp.start(uri, dbName, clock, dataDir);
      loader.use(app);
      clock.set(headStart);
      const restartMs = performance.now() - restartStarted;
      const timed = await run(app.url, viewer, q);
      parseAnswer(q, timed.body);
      cold[q.name] = timed.ms;
      log(`${q.name} cold (first run after restart, app start ${Math.round(restartMs)} ms): ${round(timed.ms)} ms, ${timed.bytes} bytes`);
    }

    // ---- The head: the last minute, not checkpointed ----
    await loader.live(headStart, finalNow, false);
    log(
      `head: ${iso(headStart)} to ${iso(finalNow)} ingested, not checkpointed (${app
        .get(TimeSeriesStore)
        .unsavedHeads()
        .reduce((n, h) => n + h.samples, 0)} samples in unsaved heads)`,
    );

    // ---- Warm ----
    const results: Record<string, Awaited<ReturnType<typeof measure>>['result'] & Record<string, unknown>> = {};
    let allAgentsAnswer: Answer | undefined;
    for (const q of queries) {
      const { result, answer } = await measure(app, viewer, q, cold[q.name]);
      results[q.name] = result;
      if (q === allAgentsDay) allAgentsAnswer = answer;
    }

    // allAgentsDay: points per second, and what serializing the answer alone costs here.
    const all = results.allAgentsDay as Record<string, unknown> & { points: number; httpMs: { p50: number } };
    const stringifyMs: number[] = [];
    for (let i = 0; i < SERIALIZATION_RUNS; i++) stringifyMs.push(await timeIt(() => Promise.resolve(JSON.stringify(allAgentsAnswer))));
    const serializationLimitMs = round(
      percentile(
        [...stringifyMs].sort((a, b) => a - b),
        50,
      ),
      2,
    );
    Object.assign(all, {
      pointsPerSecond: Math.round(all.points / (all.httpMs.p50 / SECOND)),
      serializationLimitMs,
      serializationRunsMs: stringifyMs.map((ms) => round(ms, 2)),
      httpP50OverSerializationLimit: round(all.httpMs.p50 / serializationLimitMs, 2),
    });
    log(
      `allAgentsDay: ${all.pointsPerSecond as number} points/s at p50; JSON.stringify of the answer ${serializationLimitMs} ms (HTTP p50 is ${all.httpP50OverSerializationLimit as number}x that)`,
    );

    // ---- Ingest acks, without and with a concurrent allAgentsDay loop ----
    const perPhase = Math.max(1, Math.floor(P.ingestSeconds * P.ingestRate));
    if (2 * perPhase * INGEST_SLOT_MS > 20 * HOUR) throw new Error('BENCH_INGEST_SECONDS x BENCH_INGEST_RATE too large: samples would leave the last 24 h');
    const relays = new IngestRelays(finalNow - 2 * perPhase * INGEST_SLOT_MS - MINUTE, `bench-ingest-${Date.now().toString(36)}`);
    log(`ingest: ${P.ingestRate} requests/s of ${P.ingestAgents} agents x ${P.ingestSamples} samples for ${P.ingestSeconds} s, without queries`);
    const without = await ingestPhase(app.url, agent, relays, 0);
    log(`ingest without queries: ack p50 ${without.result.ackMs.p50} ms p99 ${without.result.ackMs.p99} ms, ${without.result.failedRequests} failed`);
    log(`ingest with an allAgentsDay loop`);
    const withQueries = await ingestPhase(app.url, agent, relays, without.requests, async () => (await run(app.url, viewer, allAgentsDay)).ms);
    log(
      `ingest with queries: ack p50 ${withQueries.result.ackMs.p50} ms p99 ${withQueries.result.ackMs.p99} ms, ${withQueries.result.failedRequests} failed; ${withQueries.result.concurrentQueries?.ran} queries ran`,
    );

    const targets = Object.fromEntries(
      Object.entries(results)
        .filter(([, r]) => r.targetP95Ms !== undefined)
        .map(([name, r]) => [name, { p95Ms: r.httpMs.p95, targetP95Ms: r.targetP95Ms, meetsTarget: r.meetsTarget }]),
    );
    console.log(
      JSON.stringify({
        benchmark: 'trends-query',
        parameters: P,
        environments: {
          [ENVIRONMENT]: { agents: P.agents, metric: METRIC, days: P.days, sampleIntervalSeconds: P.sampleIntervalSeconds },
          [FLEET_ENVIRONMENT]: { agents: P.fleetAgents, metric: METRIC, hours: 1, sampleIntervalSeconds: P.sampleIntervalSeconds, labels: ['region'] },
        },
        data: { from: iso(dataStart), fleetFrom: iso(fleetStart), now: iso(finalNow) },
        load: {
          seconds: round(loadSeconds),
          bulkSeconds: round(bulkSeconds),
          samples: loader.trends.samples,
          batches: loader.trends.batches,
          ingestSeconds: round(loader.trends.ingestMs / 1000),
          fleetSamples: loader.fleet.samples,
          fleetBatches: loader.fleet.batches,
          fleetIngestSeconds: round(loader.fleet.ingestMs / 1000),
          checkpoints: loader.checkpoints,
          rollUpPasses: loader.rollUps,
          periodsRolledUp: loader.rolledPeriods,
          checkpointSeconds: round(loader.checkpointMs / 1000),
          rollUpSeconds: round(loader.rollUpMs / 1000),
          unsavedHeadSamplesDuringWarmRuns: ((P.agents + P.fleetAgents) * HEAD_MS) / INTERVAL_MS,
        },
        storage,
        database: embedded ? 'embedded FerretDB' : 'MONGODB_URI',
        nodeEnv: process.env.NODE_ENV,
        latencyDefinition:
          'request sent to whole response body received, sequential, client in the same process as the service; p50/p95 over the timed runs (at most BENCH_RUNS, stopped after BENCH_QUERY_SECONDS)',
        coldDefinition: P.cold
          ? 'first run of the query right after an in-process app restart (empty part cache, same database process), before the last minute was ingested'
          : 'not measured (BENCH_COLD=0)',
        targets,
        queries: results,
        ingestUnderQueryLoad: {
          request: `ingestBatch of ${P.ingestAgents} agents x ${P.ingestSamples} samples of ${INGEST_METRIC} (${P.ingestAgents * P.ingestSamples} samples), agent token`,
          requestsPerSecond: P.ingestRate,
          seconds: P.ingestSeconds,
          relays: P.ingestRelays,
          latencyDefinition: 'scheduled send time (open loop) to whole answer received; a relay has one request in flight',
          withoutQueries: without.result,
          withAllAgentsDayLoop: withQueries.result,
        },
        httpRetries,
        benchSeconds: round((performance.now() - benchStarted) / 1000),
      }),
    );
  } finally {
    await stopAll();
  }
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
