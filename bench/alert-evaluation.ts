// As the service runs (Dockerfile): graphql-js is much slower in development mode. Set before the imports below load it.
process.env.NODE_ENV ??= 'production';
import 'reflect-metadata';
import { SchedulerRegistry } from '@nestjs/schedule';
import { PubSub } from 'graphql-subscriptions';
import { sign } from 'jsonwebtoken';
import { AlertEvent } from '../src/alerting/models/alert.model';
import { AlertRuleInput } from '../src/alerting/dto/alert-rule.input';
import { alertTopic } from '../src/alerting/alerting.service';
import { AlertRuleKind, AnomalyMethod, ComparisonOperator } from '../src/alerting/models/alert-rule.enums';
import { RuleEvaluationService } from '../src/alerting/rule-evaluation.service';
import { AlertRulesService } from '../src/alerting/rules/alert-rules.service';
import { Principal } from '../src/common/auth/principal';
import { SystemClock } from '../src/common/clock/clock';
import { loadConfig } from '../src/common/config/app-config';
import { SeriesAggregate } from '../src/dashboard/models/series-query.enums';
import { IngestionService } from '../src/ingestion/ingestion.service';
import { listenInProcess } from '../test/support/in-process-app';
import { seededRandom } from '../test/support/seeded-random';
import { envNumber } from './support/env';
import { HttpSender } from './support/load-driver';
import { childPids, cpuProbe, procRssBytes } from './support/proc-stats';
import { BENCH_SECRET, percentile } from './support/server-process';
import { benchDatabase } from './support/bench-database';

/**
 * Live alert evaluation at scale, off the request path: BENCH_RULES rules over
 * BENCH_AGENTS x BENCH_METRICS series, evaluated every 10 s while the series keep arriving over HTTP.
 *
 * Fleet (environment `bench-alerts`): agent a (`agent-0000`...) sends metrics m0..m<BENCH_METRICS-1>, one sample
 * per series every 10 s, and heartbeats (intervalSeconds 10) with the label region = r<a % BENCH_REGIONS>.
 * Values: most series sit in [0, 80) with noise; BENCH_CROSSING_PERCENT of them oscillate around 90
 * (amplitude 10, period 300 s), so the THRESHOLD rules below keep firing and resolving.
 * Rules: rule i watches metric m<i % BENCH_METRICS> with the matcher region = r<floor(i / BENCH_METRICS) % BENCH_REGIONS>
 * (~agents / regions series each; every (metric, region) pair once with the defaults); by i % 10:
 *   0-7 THRESHOLD  AVG over 60 s GT 90
 *   8   TREND      slope per minute over 600 s GT 0.5
 *   9   ANOMALY    ROBUST_Z, trainingSeconds 3600 (window 60 s, default sensitivity)
 * all evaluateEverySeconds 10, forSeconds 0; the environment's built-in agent-health rules run too.
 *
 * Run: the service in this process (SystemClock: time is real), on the embedded FerretDB (or a new database on
 * MONGODB_URI, dropped at the end), with the default checkpoint and rollup timers.
 *   1. rules created through AlertRulesService; BENCH_HISTORY_MINUTES of history loaded through IngestionService
 *      (the ingestBatch path without HTTP), catching up to real time;
 *   2. one evaluation of every rule (firstCycleMs: it opens the alerts of the series above the threshold at once),
 *      then history caught up again;
 *   3. live ingest over HTTP: per 10 s round, requests of BENCH_BATCH_SAMPLES samples (floor(BENCH_BATCH_SAMPLES /
 *      metrics) agents each, with their heartbeats, agent token) at evenly spread times, each sample stamped with
 *      its request's scheduled time (open loop: ack latency counts from it). One round of warm-up, then
 *      phase A (BENCH_INGEST_ONLY_SECONDS): ingest only; phase B (BENCH_EVALUATION_SECONDS): the same ingest and an
 *      evaluation cycle at every 10 s boundary.
 * Cycles: the service's own evaluation timer (ALERT_EVALUATION_INTERVAL_SECONDS, unaligned setInterval) is removed
 * and the benchmark calls RuleEvaluationService.evaluateDue() at each boundary, timing it to its end (a cycle still
 * running at the next boundary makes that boundary wait: `overruns`). Transitions are the alertEvents published
 * during a cycle. ackMs of phase B is also given for the requests whose wait overlapped a cycle.
 *
 * Parameters (environment variables, defaults in brackets):
 *   BENCH_AGENTS [1000]  BENCH_METRICS [100]  BENCH_REGIONS [10]  BENCH_RULES [1000]  BENCH_HISTORY_MINUTES [10]
 *   BENCH_INGEST_ONLY_SECONDS [30]  BENCH_EVALUATION_SECONDS [60]  BENCH_BATCH_SAMPLES [5000]  BENCH_CROSSING_PERCENT [2]
 *   MONGODB_URI: use that server instead of an embedded FerretDB
 * Progress goes to stderr; one JSON object with the figures to stdout.
 */

const P = {
  agents: envNumber('BENCH_AGENTS', 1_000, { positive: true }),
  metrics: envNumber('BENCH_METRICS', 100, { positive: true }),
  regions: envNumber('BENCH_REGIONS', 10, { positive: true }),
  rules: envNumber('BENCH_RULES', 1_000, { positive: true }),
  historyMinutes: envNumber('BENCH_HISTORY_MINUTES', 10, { positive: true }),
  ingestOnlySeconds: envNumber('BENCH_INGEST_ONLY_SECONDS', 30, { positive: true }),
  evaluationSeconds: envNumber('BENCH_EVALUATION_SECONDS', 60, { positive: true }),
  batchSamples: envNumber('BENCH_BATCH_SAMPLES', 5_000, { positive: true }),
  crossingPercent: envNumber('BENCH_CROSSING_PERCENT', 2),
};

const ENVIRONMENT = 'bench-alerts';
const INTERVAL_SECONDS = 10;
const INTERVAL_MS = INTERVAL_SECONDS * 1000;
const THRESHOLD = 90;
const CROSS_AMPLITUDE = 10;
const CROSS_PERIOD_MS = 300_000;
/** Rounds of history per IngestionService batch while loading. */
const LOAD_CHUNK_ROUNDS = 6;
const ACK_TIMEOUT_MS = 60_000;
const INGEST_MUTATION = 'mutation Ingest($batch: TelemetryBatchInput!) { ingestBatch(batch: $batch) { acceptedSamples rejectedSamples duplicate } }';

const AGENTS_PER_REQUEST = Math.max(1, Math.floor(P.batchSamples / P.metrics));
const REQUESTS_PER_ROUND = Math.ceil(P.agents / AGENTS_PER_REQUEST);
const AGENT_IDS = Array.from({ length: P.agents }, (_, a) => `agent-${String(a).padStart(4, '0')}`);
const METRICS = Array.from({ length: P.metrics }, (_, m) => `m${m}`);
const regionOf = (a: number) => `r${a % P.regions}`;
/** Request k of a round (and its agents' samples) is due this long after the round's start. */
const offsetOf = (k: number) => Math.floor((k * INTERVAL_MS) / REQUESTS_PER_ROUND);

const log = (message: string) => process.stderr.write(`[alert-evaluation] ${message}\n`);
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const sleepUntil = (epochMs: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, epochMs - Date.now())));
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
/** CPU of this whole process (service and client) since `start`, in ms. */
const cpuMsSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return round((used.user + used.system) / 1000);
};

function summary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1) ?? NaN) };
}

/** murmur3's finalizer: a well-spread unit value per integer. */
function unit(n: number): number {
  let h = n >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

const random = seededRandom(20261202);

/** Series (agent a, metric m) at t: a steady level in [0, 80), or (the crossing share) a wave around THRESHOLD; noise, one decimal. */
function valueOf(a: number, m: number, t: number): number {
  const s = a * P.metrics + m;
  const noise = (random() - 0.5) * 2;
  const v =
    unit(s) < P.crossingPercent / 100
      ? THRESHOLD + CROSS_AMPLITUDE * Math.sin((2 * Math.PI * t) / CROSS_PERIOD_MS + 2 * Math.PI * unit(s + 0x9e3779b9))
      : 80 * unit(s ^ 0x5bd1e995);
  return Math.round((v + noise) * 10) / 10;
}

/** The agents of request k: their series (samples at the given times) and heartbeats. */
function batchOf(k: number, times: (agent: number) => number[]) {
  const first = k * AGENTS_PER_REQUEST;
  const agents = Array.from({ length: Math.min(AGENTS_PER_REQUEST, P.agents - first) }, (_, i) => first + i);
  const heartbeats = agents.map((a) => ({ agentId: AGENT_IDS[a], intervalSeconds: INTERVAL_SECONDS, labels: [{ name: 'region', value: regionOf(a) }] }));
  const series = agents.flatMap((a) => {
    const timestamps = times(a);
    return METRICS.map((metric, m) => ({ agentId: AGENT_IDS[a], metric, timestamps, values: timestamps.map((t) => valueOf(a, m, t)) }));
  });
  return { heartbeats, series, samples: series.length * (series[0]?.timestamps.length ?? 0) };
}

function ruleInput(i: number): AlertRuleInput {
  const metric = METRICS[i % P.metrics];
  const region = `r${Math.floor(i / P.metrics) % P.regions}`;
  const base = { metric, matchers: [{ name: 'region', value: region }], evaluateEverySeconds: INTERVAL_SECONDS, aggregate: SeriesAggregate.AVG };
  switch (i % 10) {
    case 8:
      return { ...base, name: `trend ${metric} ${region}`, kind: AlertRuleKind.TREND, windowSeconds: 600, operator: ComparisonOperator.GT, threshold: 0.5 };
    case 9:
      return {
        ...base,
        name: `anomaly ${metric} ${region}`,
        kind: AlertRuleKind.ANOMALY,
        windowSeconds: 60,
        anomaly: { method: AnomalyMethod.ROBUST_Z, trainingSeconds: 3600 },
      };
    default:
      return {
        ...base,
        name: `high ${metric} ${region}`,
        kind: AlertRuleKind.THRESHOLD,
        windowSeconds: 60,
        operator: ComparisonOperator.GT,
        threshold: THRESHOLD,
      };
  }
}

/** Loads whole past rounds through IngestionService from `next` while they are over (all their samples are in the past); returns the next round. */
async function catchUp(ingestion: IngestionService, next: number): Promise<number> {
  const principal = new Principal({ sub: 'bench', roles: ['agent'], environments: ['*'] });
  for (;;) {
    const rounds = Math.min(LOAD_CHUNK_ROUNDS, Math.floor((Date.now() - next) / INTERVAL_MS));
    if (rounds <= 0) return next;
    for (let k = 0; k < REQUESTS_PER_ROUND; k++) {
      const { heartbeats, series, samples } = batchOf(k, () => Array.from({ length: rounds }, (_, r) => next + r * INTERVAL_MS + offsetOf(k)));
      const result = await ingestion.ingest({ environment: ENVIRONMENT, heartbeats, series }, principal);
      if (result.acceptedSamples !== samples)
        throw new Error(`history batch accepted ${result.acceptedSamples}/${samples}: ${JSON.stringify(result.errors.slice(0, 3))}`);
    }
    next += rounds * INTERVAL_MS;
  }
}

interface Ack {
  phase: 'warmup' | 'A' | 'B';
  scheduled: number;
  done: number;
}

async function main(): Promise<void> {
  const { uri, dbName, dataDir, close } = await benchDatabase('alerts', log);
  const config = loadConfig({
    NODE_ENV: 'production',
    MONGODB_URI: uri,
    MONGODB_DB: dbName,
    DATA_DIR: dataDir,
    JWT_SECRET: BENCH_SECRET,
    ALERT_EVALUATION_INTERVAL_SECONDS: String(INTERVAL_SECONDS),
  });
  const pubSub = new PubSub();
  const events = { total: 0, byState: {} as Record<string, number>, byRuleKind: {} as Record<string, number> };
  /** Rule id -> kind of the rules created here (the rest are the built-in agent-health rules). */
  const kindOf = new Map<string, string>();
  await pubSub.subscribe(alertTopic(ENVIRONMENT), ({ alertEvents }: { alertEvents: AlertEvent }) => {
    events.total++;
    events.byState[alertEvents.state] = (events.byState[alertEvents.state] ?? 0) + 1;
    const kind = kindOf.get(alertEvents.ruleId) ?? 'builtin';
    events.byRuleKind[kind] = (events.byRuleKind[kind] ?? 0) + 1;
  });
  const { app, url } = await listenInProcess(config, new SystemClock(), ['error', 'warn'], pubSub);
  try {
    // The benchmark runs the cycles itself, at the boundaries (see above).
    app.get(SchedulerRegistry).deleteInterval('alert-evaluation');
    const evaluation = app.get(RuleEvaluationService);
    const ingestion = app.get(IngestionService);

    let started = performance.now();
    const rules = app.get(AlertRulesService);
    for (let i = 0; i < P.rules; i++) {
      const rule = await rules.create(ENVIRONMENT, ruleInput(i), 'bench');
      kindOf.set(rule.id, rule.definition.kind);
    }
    const ruleCreateSeconds = round((performance.now() - started) / 1000, 2);
    log(`${P.rules} rules created in ${ruleCreateSeconds} s`);

    started = performance.now();
    const historyStart = Math.floor(Date.now() / INTERVAL_MS) * INTERVAL_MS - P.historyMinutes * 60_000;
    let next = await catchUp(ingestion, historyStart);
    const historyLoadSeconds = round((performance.now() - started) / 1000, 2);
    const historySamples = ((next - historyStart) / INTERVAL_MS) * P.agents * P.metrics;
    log(`history: ${historySamples.toLocaleString('en-US')} samples in ${historyLoadSeconds} s`);

    started = performance.now();
    const cpu0 = process.cpuUsage();
    await evaluation.evaluateDue();
    const firstCycle = { ms: round(performance.now() - started), cpuMs: cpuMsSince(cpu0), transitions: events.total };
    log(`first cycle: ${firstCycle.ms} ms, ${firstCycle.transitions} transitions`);
    next = await catchUp(ingestion, next);

    // ---- live: HTTP ingest from round `next`; one round of warm-up, then A, then B ----
    const aStart = next + INTERVAL_MS;
    const bStart = aStart + Math.ceil(P.ingestOnlySeconds / INTERVAL_SECONDS) * INTERVAL_MS;
    const end = bStart + Math.ceil(P.evaluationSeconds / INTERVAL_SECONDS) * INTERVAL_MS;
    const perfOf = (epochMs: number) => epochMs - Date.now() + performance.now();
    const sender = new HttpSender(
      url,
      sign({ sub: 'bench', roles: ['agent'], environments: ['*'] }, BENCH_SECRET, { expiresIn: '4h' }),
      REQUESTS_PER_ROUND,
      ACK_TIMEOUT_MS,
    );
    const acks: Ack[] = [];
    const failures: Record<string, number> = {};
    let firstFailure: string | undefined;
    const inFlight: Promise<void>[] = [];
    const cycles: { at: number; ms: number; cpuMs: number; transitions: number; startedLateMs: number; perf: [number, number] }[] = [];
    let overruns = 0;
    const rss = { maxMb: 0, databaseMaxMb: 0 };
    const rssTimer = setInterval(() => {
      rss.maxMb = Math.max(rss.maxMb, mb(process.memoryUsage().rss));
      rss.databaseMaxMb = Math.max(rss.databaseMaxMb, mb(childPids(process.pid).reduce((sum, pid) => sum + procRssBytes(pid), 0)));
    }, 1000);

    const ingestLoop = async () => {
      for (let r = next; r < end; r += INTERVAL_MS) {
        for (let k = 0; k < REQUESTS_PER_ROUND; k++) {
          const scheduled = r + offsetOf(k);
          await sleepUntil(scheduled);
          const phase: Ack['phase'] = r < aStart ? 'warmup' : r < bStart ? 'A' : 'B';
          const scheduledPerf = perfOf(scheduled);
          const { heartbeats, series, samples } = batchOf(k, () => [scheduled]);
          const body = Buffer.from(
            JSON.stringify({ query: INGEST_MUTATION, variables: { batch: { environment: ENVIRONMENT, batchId: `live-${r}-${k}`, heartbeats, series } } }),
          );
          inFlight.push(
            sender.send(body, samples).then((outcome) => {
              if (outcome.ok) acks.push({ phase, scheduled: scheduledPerf, done: performance.now() });
              else {
                failures[outcome.reason ?? 'unknown'] = (failures[outcome.reason ?? 'unknown'] ?? 0) + 1;
                firstFailure ??= `${outcome.reason}: ${outcome.answer ?? ''}`.slice(0, 1000);
              }
            }),
          );
        }
      }
      await Promise.all(inFlight);
    };
    const cycleLoop = async () => {
      for (let at = bStart; at < end; at += INTERVAL_MS) {
        if (Date.now() >= at + INTERVAL_MS) {
          overruns++;
          continue;
        }
        await sleepUntil(at);
        const before = events.total;
        const t0 = performance.now();
        const cpu = process.cpuUsage();
        await evaluation.evaluateDue();
        const t1 = performance.now();
        cycles.push({
          at,
          ms: round(t1 - t0),
          cpuMs: cpuMsSince(cpu),
          transitions: events.total - before,
          startedLateMs: round(Date.now() - (t1 - t0) - at),
          perf: [t0, t1],
        });
        log(`cycle ${new Date(at).toISOString()}: ${round(t1 - t0)} ms, ${events.total - before} transitions`);
      }
    };
    log(
      `live ingest from ${new Date(next).toISOString()}: ${REQUESTS_PER_ROUND} requests of ${AGENTS_PER_REQUEST * P.metrics} samples per ${INTERVAL_SECONDS} s`,
    );
    let cpuA: ReturnType<ReturnType<typeof cpuProbe>['stop']> | undefined;
    const cpuLoop = async () => {
      await sleepUntil(aStart);
      const a = cpuProbe();
      await sleepUntil(bStart);
      cpuA = a.stop();
      const b = cpuProbe();
      await sleepUntil(end);
      return b.stop();
    };
    const [cpuB] = await Promise.all([cpuLoop(), ingestLoop(), cycleLoop()]);
    clearInterval(rssTimer);
    sender.close();

    const latencies = (phase: Ack['phase'], overlapsCycle?: boolean) =>
      acks
        .filter(
          (a) => a.phase === phase && (overlapsCycle === undefined || cycles.some((c) => a.scheduled < c.perf[1] && a.done > c.perf[0]) === overlapsCycle),
        )
        .map((a) => a.done - a.scheduled);
    const cycleMs = summary(cycles.map((c) => c.ms));
    const result = {
      benchmark: 'alert-evaluation',
      parameters: P,
      rules: P.rules,
      series: P.agents * P.metrics,
      ruleCreateSeconds,
      history: { samples: historySamples, loadSeconds: historyLoadSeconds },
      firstCycle,
      cycles: cycles.length,
      overruns,
      cycleMs: { p50: cycleMs.p50, p99: cycleMs.p99, max: cycleMs.max },
      meetsTarget: cycleMs.p99 < 1000,
      cycleDetail: cycles.map(({ at, ms, cpuMs, transitions, startedLateMs }) => ({ at: new Date(at).toISOString(), ms, cpuMs, transitions, startedLateMs })),
      transitionsPerCycle: summary(cycles.map((c) => c.transitions)),
      alertEvents: events,
      ingest: {
        request: `ingestBatch of ${AGENTS_PER_REQUEST} agents x ${P.metrics} metrics x 1 sample, with heartbeats, agent token; ${REQUESTS_PER_ROUND} per ${INTERVAL_SECONDS} s, open loop`,
        failures,
        ...(firstFailure === undefined ? {} : { firstFailure }),
        ingestOnly: { ackMs: summary(latencies('A')), cpu: cpuA },
        withEvaluation: { ackMs: summary(latencies('B')), overlappingACycleAckMs: summary(latencies('B', true)), cpu: cpuB },
      },
      rssMb: { end: mb(process.memoryUsage().rss), max: rss.maxMb, database: rss.databaseMaxMb, heapUsed: mb(process.memoryUsage().heapUsed) },
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await app.close().catch(() => undefined);
    await close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
