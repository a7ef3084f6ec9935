import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BareParseProcess } from './support/bare-parse-process';
import { IngestBodies } from './support/ingest-bodies';
import { closedLoop, HttpSender, openLoop, stopLoad } from './support/load-driver';
import { childPids, machineCpuSeconds, procRssBytes } from './support/proc-stats';
import { ServerProcess } from './support/server-process';
import { envNumber } from './support/env';

/**
 * Ingest load: a load generator (this process) sends columnar batches over HTTP
 * to ingestBatch as a fleet of agents would, against the built service running
 * as a child process with its embedded database (or MONGODB_URI).
 *
 * The fleet is BENCH_AGENTS agents x BENCH_METRICS metrics, one sample per
 * series every BENCH_SAMPLE_INTERVAL_MS; it is split into relays of
 * BENCH_AGENTS_PER_BATCH agents, and each request is one relay's next batch:
 * BENCH_SAMPLES_PER_SERIES samples of each of its series (10,000 samples by
 * default), with a unique batchId. A relay has one batch in flight at a time and
 * its sample times only move forward. Values are realistic (gauges with noise
 * rounded to 1-2 decimals, monotonic counters, mostly-constant values) and come
 * from pre-formatted pools, so the generator stays cheap.
 *
 * Phases, on one Vitals process:
 *   1. warm-up:   closed loop, BENCH_WARMUP_SECONDS and until every relay (so every series) has sent once;
 *   2. full load: closed loop, BENCH_CONCURRENCY requests in flight, BENCH_SECONDS;
 *   3. half load: open loop at half the full-load rate for BENCH_SECONDS; latency counts
 *                 from each request's scheduled send time (no coordinated omission).
 * Then, in the same run, a baseline: a bare node HTTP server (support/bare-parse-server.ts)
 * that only reads and JSON.parse-s the same bodies and answers, under the same warm-up and
 * full-load closed loop. Vitals' full-load throughput is reported as a fraction of it.
 *
 * Targets (2-core machine, server and load generator together): >= 1,000,000 samples/s
 * sustained at full load; p99 acknowledgement < 100 ms at half load.
 *
 * Parameters (environment variables, defaults in brackets):
 *   BENCH_AGENTS [10000]             agents in the fleet
 *   BENCH_METRICS [10]               metrics per agent
 *   BENCH_AGENTS_PER_BATCH [100]     agents per request (one relay)
 *   BENCH_SAMPLES_PER_SERIES [10]    samples per series per request
 *   BENCH_SAMPLE_INTERVAL_MS [100]   sample interval of a series (the default fleet produces
 *                                    1,000,000 samples/s of sample time per second)
 *   BENCH_CONCURRENCY [8]            requests in flight in the closed loops
 *   BENCH_SECONDS [20]               length of the full-load and half-load phases
 *   BENCH_WARMUP_SECONDS [5]         minimum length of the warm-ups
 *   BENCH_TIMEOUT_MS [30000]         per-request deadline; a request past it is a failure
 *   BENCH_LABELS [0]                 labels per series (region, zone, ...)
 *   BENCH_RETRIES [0]                retries of a batch after a timeout, connection error, 5xx or
 *                                    UNAVAILABLE, with the same body and batchId (as an agent would)
 *   BENCH_SKIP_BASELINE [0]          1: skip the bare-server baseline
 *   BENCH_KEEP_DATA [0]              1: keep the service's temporary DATA_DIR
 *   BENCH_SERVER_LOG                 set: show the service's stdout
 *
 * Progress goes to stderr; one JSON object with every figure goes to stdout.
 * Failed requests are non-200 answers, GraphQL errors, timeouts, connection
 * errors, duplicates, and answers whose acceptedSamples differs from what was sent.
 */

const P = {
  agents: envNumber('BENCH_AGENTS', 10_000),
  metrics: envNumber('BENCH_METRICS', 10),
  agentsPerBatch: envNumber('BENCH_AGENTS_PER_BATCH', 100),
  samplesPerSeries: envNumber('BENCH_SAMPLES_PER_SERIES', 10),
  sampleIntervalMs: envNumber('BENCH_SAMPLE_INTERVAL_MS', 100),
  concurrency: envNumber('BENCH_CONCURRENCY', 8),
  seconds: envNumber('BENCH_SECONDS', 20),
  warmupSeconds: envNumber('BENCH_WARMUP_SECONDS', 5),
  timeoutMs: envNumber('BENCH_TIMEOUT_MS', 30_000),
  labels: envNumber('BENCH_LABELS', 0),
  retries: envNumber('BENCH_RETRIES', 0),
};
const SKIP_BASELINE = process.env.BENCH_SKIP_BASELINE === '1';
const KEEP_DATA = process.env.BENCH_KEEP_DATA === '1';
const ENVIRONMENT = 'bench-ingest';
const TARGET_SAMPLES_PER_SECOND = 1_000_000;
const TARGET_HALF_LOAD_P99_MS = 100;
/** The service's defaults; raised for this run only when the chosen batch shape needs it. */
const SERVICE_LIMITS = { bytes: 32 * 1024 * 1024, samples: 200_000, items: 20_000 };
/** Warm-ups go on until every relay has sent once, but not longer than this. */
const MAX_WARMUP_SECONDS = 180;

const log = (message: string) => process.stderr.write(`[ingest-load] ${message}\n`);
const mib = (bytes: number) => Math.round(bytes / 1024 / 1024);
const pct = (part: number, whole: number) => (whole > 0 ? Math.round((1000 * part) / whole) / 10 : 0);

/** Whatever must be stopped if the run ends early. */
const stoppers = new Set<() => Promise<void>>();

interface Probe {
  cpu(): { server: number; database: number };
  rss(): { server: number; database: number };
}

/** Runs a phase and adds the CPU use of server, database, generator and machine over it, and RSS at its end. */
async function measured<T extends object>(name: string, probe: Probe, run: () => Promise<T>) {
  const cpu0 = probe.cpu();
  const gen0 = process.cpuUsage();
  const machine0 = machineCpuSeconds();
  const t0 = performance.now();
  const result = await run();
  const wall = (performance.now() - t0) / 1000;
  const cpu1 = probe.cpu();
  const gen = process.cpuUsage(gen0);
  const machine1 = machineCpuSeconds();
  const rss = probe.rss();
  const figures = {
    ...result,
    serverCpuPercent: pct(cpu1.server - cpu0.server, wall),
    databaseCpuPercent: pct(cpu1.database - cpu0.database, wall),
    loadGeneratorCpuPercent: pct((gen.user + gen.system) / 1e6, wall),
    machineCpuBusyPercent: pct(machine1.busy - machine0.busy, machine1.total - machine0.total),
    /** CPU used by everything else on the machine (100 = one core); high values mean the figures are disturbed. */
    otherProcessesCpuPercent: Math.max(
      0,
      pct(machine1.busy - machine0.busy - (cpu1.server - cpu0.server) - (cpu1.database - cpu0.database) - (gen.user + gen.system) / 1e6, wall),
    ),
    serverRssMiB: mib(rss.server),
    databaseRssMiB: mib(rss.database),
  };
  const f = figures as unknown as Record<string, unknown> & {
    samplesPerSecond?: number;
    ackLatencyMs?: { p50: number; p99: number };
    failedRequests?: number;
    requests?: number;
  };
  log(
    `${name}: ${f.samplesPerSecond?.toLocaleString('en-US')} samples/s, ack p50 ${f.ackLatencyMs?.p50} ms p99 ${f.ackLatencyMs?.p99} ms, ` +
      `${f.failedRequests}/${f.requests} failed, server CPU ${figures.serverCpuPercent}% db CPU ${figures.databaseCpuPercent}% ` +
      `generator CPU ${figures.loadGeneratorCpuPercent}% other processes ${figures.otherProcessesCpuPercent}% (machine ${figures.machineCpuBusyPercent}% busy)`,
  );
  return figures;
}

function newBodies(tag: string): IngestBodies {
  return new IngestBodies({ ...P, environment: ENVIRONMENT, runId: `${tag}-${Date.now().toString(36)}` });
}

/** Sends one batch and stops the run with the answer when it is not accepted in full (a wrong request shape, a bad token...). */
async function probeOnce(bodies: IngestBodies, sender: HttpSender): Promise<void> {
  const relay = await bodies.acquire();
  const batch = bodies.build(relay);
  const outcome = await sender.send(batch.body, batch.samples);
  bodies.release(relay);
  if (!outcome.ok) throw new Error(`the first batch was not accepted (${outcome.reason}): ${outcome.answer ?? ''}`);
}

function directoryBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += directoryBytes(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

async function stopVitals(server: ServerProcess): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((done) => (timer = setTimeout(() => done('timeout'), 60_000)));
  if ((await Promise.race([server.stop().then(() => 'stopped' as const), timedOut])) === 'timeout') {
    log('the service did not stop within 60 s: killing it');
    const database = childPids(server.child.pid as number);
    server.child.kill('SIGKILL');
    for (const pid of database) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  clearTimeout(timer);
}

async function runVitals(bodies: IngestBodies) {
  const dataDir = mkdtempSync(join(tmpdir(), 'vitals-ingest-bench-'));
  const maxBody = bodies.maxBodyBytes();
  const env: Record<string, string> = { DATA_DIR: dataDir };
  if (maxBody > SERVICE_LIMITS.bytes * 0.9) env.MAX_REQUEST_BYTES = String(Math.min(512 * 1024 * 1024, Math.ceil(maxBody * 1.5)));
  if (bodies.samplesPerBatch > SERVICE_LIMITS.samples) env.INGEST_MAX_SAMPLES_PER_BATCH = String(bodies.samplesPerBatch);
  if (P.agentsPerBatch * P.metrics > SERVICE_LIMITS.items) env.INGEST_MAX_ITEMS_PER_BATCH = String(P.agentsPerBatch * P.metrics);
  const raised = Object.keys(env).filter((k) => k !== 'DATA_DIR');
  if (raised.length > 0) log(`raising service limits for this batch shape: ${raised.map((k) => `${k}=${env[k]}`).join(' ')}`);

  log(`starting the service (DATA_DIR ${dataDir})`);
  const server = await ServerProcess.start(env);
  const stop = async () => {
    await stopVitals(server);
    if (!KEEP_DATA) rmSync(dataDir, { recursive: true, force: true });
  };
  stoppers.add(stop);
  try {
    const probe: Probe = {
      cpu: () => {
        try {
          return server.cpuSeconds();
        } catch {
          return { server: 0, database: 0 };
        }
      },
      rss: () => ({
        server: procRssBytes(server.child.pid as number),
        database: childPids(server.child.pid as number).reduce((sum, pid) => sum + procRssBytes(pid), 0),
      }),
    };
    const token = server.token(['agent']);
    const closedSender = () => new HttpSender(server.url, token, P.concurrency, P.timeoutMs);

    const alive = () => {
      if (stopping !== undefined) throw new Error('stopped');
      if (server.child.exitCode !== null || server.child.signalCode !== null)
        throw new Error(`the service exited (${server.child.exitCode ?? server.child.signalCode}) during the run`);
    };
    let sender = closedSender();
    await probeOnce(bodies, sender);
    log(`warm-up: at least ${P.warmupSeconds} s and until all ${bodies.relays.length} relays have sent once`);
    const warmup = await measured('warm-up', probe, () =>
      closedLoop(bodies, sender, {
        concurrency: P.concurrency,
        seconds: P.warmupSeconds,
        retries: P.retries,
        coverAllRelays: true,
        maxSeconds: MAX_WARMUP_SECONDS,
      }),
    );
    sender.close();
    alive();
    await new Promise((r) => setTimeout(r, 1000));

    log(`full load: closed loop, ${P.concurrency} in flight, ${P.seconds} s`);
    sender = closedSender();
    const full = await measured('full load', probe, () => closedLoop(bodies, sender, { concurrency: P.concurrency, seconds: P.seconds, retries: P.retries }));
    sender.close();
    alive();
    await new Promise((r) => setTimeout(r, 1000));

    let half: object;
    const fullRequestsPerSecond = full.requestsPerSecond;
    if (fullRequestsPerSecond > 0) {
      const rate = fullRequestsPerSecond / 2;
      log(
        `half load: open loop, ${rate.toFixed(1)} requests/s (${Math.round(rate * bodies.samplesPerBatch).toLocaleString('en-US')} samples/s), ${P.seconds} s`,
      );
      // Up to one request in flight per relay: the schedule, not a connection pool, limits the load.
      sender = new HttpSender(server.url, token, bodies.relays.length, P.timeoutMs);
      const openSender = sender;
      half = await measured('half load', probe, () => openLoop(bodies, openSender, { requestsPerSecond: rate, seconds: P.seconds, retries: P.retries }));
      sender.close();
      alive();
    } else {
      half = { skipped: 'no request succeeded at full load' };
      log('half load skipped: no request succeeded at full load');
    }

    const dataDirBytes = process.env.MONGODB_URI ? undefined : directoryBytes(dataDir);
    const acceptedTotal = [warmup, full, half].reduce((sum, p) => sum + ('acceptedSamples' in p ? (p.acceptedSamples as number) : 0), 0);
    return {
      warmup,
      fullLoad: full,
      halfLoad: half,
      sampleTimeVsWallClockMs: bodies.sampleTimeOffsetMs(),
      relayWaitsForSampleTime: bodies.aheadWaits,
      ...(dataDirBytes === undefined
        ? {}
        : { dataDirMiB: mib(dataDirBytes), dataDirBytesPerAcceptedSample: acceptedTotal > 0 ? Math.round((100 * dataDirBytes) / acceptedTotal) / 100 : null }),
    };
  } finally {
    log('stopping the service');
    stoppers.delete(stop);
    await stop();
  }
}

async function runBaseline(server: BareParseProcess, bodies: IngestBodies) {
  const probe: Probe = { cpu: () => ({ server: server.cpuSeconds(), database: 0 }), rss: () => ({ server: server.rssBytes(), database: 0 }) };
  let sender = new HttpSender(server.url, undefined, P.concurrency, P.timeoutMs);
  await probeOnce(bodies, sender);
  const warmup = await measured('baseline warm-up', probe, () =>
    closedLoop(bodies, sender, {
      concurrency: P.concurrency,
      seconds: P.warmupSeconds,
      retries: P.retries,
      coverAllRelays: true,
      maxSeconds: MAX_WARMUP_SECONDS,
    }),
  );
  sender.close();
  await new Promise((r) => setTimeout(r, 1000));
  log(`baseline full load: closed loop, ${P.concurrency} in flight, ${P.seconds} s`);
  sender = new HttpSender(server.url, undefined, P.concurrency, P.timeoutMs);
  const full = await measured('baseline full load', probe, () =>
    closedLoop(bodies, sender, { concurrency: P.concurrency, seconds: P.seconds, retries: P.retries }),
  );
  sender.close();
  return { warmup: { seconds: warmup.seconds, samplesPerSecond: warmup.samplesPerSecond, failedRequests: warmup.failedRequests }, fullLoad: full };
}

async function main(): Promise<void> {
  for (const [key, value] of Object.entries(P)) {
    if (value < 1 && !['labels', 'warmupSeconds', 'retries'].includes(key)) throw new Error(`${key} must be at least 1`);
  }
  const vitalsBodies = newBodies('vitals');
  const maxBody = vitalsBodies.maxBodyBytes();
  log(
    `${P.agents} agents x ${P.metrics} metrics in ${vitalsBodies.relays.length} relays; ` +
      `${vitalsBodies.samplesPerBatch.toLocaleString('en-US')} samples (${P.agentsPerBatch * P.metrics} series) and ~${Math.round(maxBody / 1024)} KiB per request`,
  );
  // The baseline server starts first (it idles meanwhile), so a rebuild of dist/ during the run cannot take it away.
  let bare: BareParseProcess | undefined;
  if (!SKIP_BASELINE) {
    log('starting the bare parse server (idle until the baseline phase)');
    bare = await BareParseProcess.start({ MAX_REQUEST_BYTES: String(Math.max(SERVICE_LIMITS.bytes, Math.ceil(maxBody * 1.5))) });
    const server = bare;
    stoppers.add(() => server.stop());
  }
  const vitals = await runVitals(vitalsBodies);
  const baseline = bare === undefined ? undefined : await runBaseline(bare, newBodies('bare'));
  if (bare !== undefined) await bare.stop();

  const full = vitals.fullLoad;
  const half = vitals.halfLoad;
  const halfP99 = 'ackLatencyMs' in half ? (half.ackLatencyMs as { p99: number }).p99 : NaN;
  console.log(
    JSON.stringify({
      benchmark: 'ingest-load',
      parameters: { ...P, cores: cpus().length, node: process.version, database: process.env.MONGODB_URI ? 'MONGODB_URI' : 'embedded' },
      batch: {
        relays: vitalsBodies.relays.length,
        seriesPerRequest: P.agentsPerBatch * P.metrics,
        samplesPerRequest: vitalsBodies.samplesPerBatch,
        bodyBytes: maxBody,
      },
      vitals,
      baseline: baseline ?? 'skipped',
      vitalsFractionOfBaseline:
        baseline !== undefined && baseline.fullLoad.samplesPerSecond > 0
          ? Math.round((1000 * full.samplesPerSecond) / baseline.fullLoad.samplesPerSecond) / 1000
          : null,
      targets: {
        fullLoadSamplesPerSecond: {
          target: TARGET_SAMPLES_PER_SECOND,
          measured: full.samplesPerSecond,
          met: full.samplesPerSecond >= TARGET_SAMPLES_PER_SECOND && full.failedRequests === 0,
        },
        halfLoadAckP99Ms: {
          target: TARGET_HALF_LOAD_P99_MS,
          measured: halfP99,
          met: halfP99 < TARGET_HALF_LOAD_P99_MS && 'failedRequests' in half && half.failedRequests === 0,
        },
      },
    }),
  );
}

let stopping: Promise<unknown> | undefined;
async function stopAll(code: number): Promise<never> {
  if (stopping === undefined) {
    stopLoad();
    log('stopping');
    stopping = Promise.allSettled([...stoppers].map((stop) => stop()));
  }
  await stopping;
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(130));
process.on('SIGTERM', () => void stopAll(143));

main().then(
  () => process.exit(0),
  async (error) => {
    console.error(error);
    await stopAll(1);
  },
);
