import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { freePort } from '../src/common/net/free-port';
import { childPids, procRssBytes } from './support/proc-stats';
import { ServerProcess } from './support/server-process';
import { envNumber } from './support/env';

/**
 * Memory per active series. Target: resident memory <= 1 KB per active series at
 * 100,000 series.
 *
 * The built service runs as a child process (ServerProcess: production mode, fresh
 * embedded database unless MONGODB_URI is set) with CHECKPOINT_INTERVAL_SECONDS =
 * BENCH_CHECKPOINT_SECONDS. This process sends only series (no heartbeats, so no agents
 * are registered) over HTTP ingestBatch: BENCH_AGENTS agents x BENCH_METRICS metrics,
 * BENCH_AGENTS_PER_BATCH agents (all their metrics, one sample each) per request, without
 * labels or batchIds. Every BENCH_SAMPLE_INTERVAL_SECONDS a round sends every series its
 * next sample, stamped with the wall clock (the service's clock).
 *
 * Timeline, from the moment the service answers /health/ready:
 *   1. warm-up: a few batches of BENCH_WARMUP_SERIES series in another environment, so the
 *      ingest path is compiled and its buffers exist; then a pause; reading = baseline;
 *   2. head-full: BENCH_HEAD_SAMPLES rounds (6 samples per series over a minute by default);
 *      reading = head-full, just before the next round is due. It must come before the first
 *      checkpoint timer fires (the timer starts before the service is ready), which the
 *      run checks by time (readingBeforeFirstCheckpoint);
 *   3. steady: rounds go on (the series stay active) until BENCH_STEADY_CHECKPOINTS more
 *      checkpoint intervals have passed, with a reading just before each next round. The
 *      first reading 10 s or more after the first checkpoint is reported, and the min / max
 *      of every reading from then on: heads then hold only the samples since the last
 *      checkpoint.
 * Figures per series are (reading - baseline) / series, in bytes, from:
 *   - rss: the service's plain RSS from /proc (garbage and free heap included, as it is);
 *   - rssAfterGc, heapAfterGc: at the key readings (baseline, head-full, first after the
 *     checkpoint, end) a full GC is forced through the service's inspector (the service is
 *     started with --inspect on a free loopback port), then process.memoryUsage() is read:
 *     RSS, and heapUsed + external, i.e. what is really retained.
 * The embedded database's RSS is reported separately.
 *
 * Parameters (environment variables, defaults in brackets):
 *   BENCH_AGENTS [10000]  BENCH_METRICS [10]  BENCH_AGENTS_PER_BATCH [100]
 *   BENCH_SAMPLE_INTERVAL_SECONDS [10]  BENCH_HEAD_SAMPLES [6]
 *   BENCH_CHECKPOINT_SECONDS [90]  BENCH_STEADY_CHECKPOINTS [2]
 *   BENCH_CONCURRENCY [4]  BENCH_PAUSE_SECONDS [5]  BENCH_WARMUP_SERIES [100]
 *   BENCH_KEEP_DATA [0]: 1 keeps the service's temporary DATA_DIR
 *   BENCH_SERVER_LOG: set to show the service's stdout
 *
 * Progress goes to stderr; one JSON object with every figure goes to stdout.
 */

const P = {
  agents: envNumber('BENCH_AGENTS', 10_000),
  metrics: envNumber('BENCH_METRICS', 10),
  agentsPerBatch: envNumber('BENCH_AGENTS_PER_BATCH', 100),
  sampleIntervalSeconds: envNumber('BENCH_SAMPLE_INTERVAL_SECONDS', 10),
  headSamples: envNumber('BENCH_HEAD_SAMPLES', 6),
  checkpointSeconds: envNumber('BENCH_CHECKPOINT_SECONDS', 90),
  steadyCheckpoints: envNumber('BENCH_STEADY_CHECKPOINTS', 2),
  concurrency: envNumber('BENCH_CONCURRENCY', 4),
  pauseSeconds: envNumber('BENCH_PAUSE_SECONDS', 5),
  warmupSeries: envNumber('BENCH_WARMUP_SERIES', 100),
};
const SERIES = P.agents * P.metrics;
const ENVIRONMENT = 'bench-memory';
const TARGET_BYTES_PER_SERIES = 1024;
/** A checkpoint of 100,000 series takes a moment; readings this long after the timer are "after". */
const CHECKPOINT_MARGIN_SECONDS = 10;

const log = (message: string) => process.stderr.write(`[series-memory] ${message}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const METRIC_NAMES = [
  'cpu.usage',
  'mem.used',
  'disk.used',
  'disk.io',
  'net.rx',
  'net.tx',
  'load.1m',
  'proc.count',
  'gc.pause',
  'req.rate',
  'req.errors',
  'latency.p99',
];
const metricName = (m: number) => METRIC_NAMES[m] ?? `metric.${m}`;

/** POSTs ingestBatch bodies over keep-alive connections and checks every sample was accepted. */
class Sender {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 16 });
  private readonly target: URL;
  failures = 0;
  firstFailure?: string;
  requests = 0;
  samples = 0;

  constructor(
    url: string,
    private readonly token: string,
  ) {
    this.target = new URL(`${url}/graphql`);
  }

  send(body: string, expected: number): Promise<void> {
    return new Promise((resolve) => {
      const req = request(
        {
          agent: this.agent,
          host: this.target.hostname,
          port: this.target.port,
          path: this.target.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}`, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            this.requests++;
            const accepted = /"acceptedSamples":(\d+)/.exec(text);
            if (res.statusCode !== 200 || accepted === null || Number(accepted[1]) !== expected) this.fail(`HTTP ${res.statusCode}: ${text.slice(0, 500)}`);
            else this.samples += expected;
            resolve();
          });
        },
      );
      req.on('error', (error) => {
        this.fail(error.message);
        resolve();
      });
      req.end(body);
    });
  }

  private fail(why: string): void {
    this.failures++;
    this.firstFailure ??= why;
  }

  close(): void {
    this.agent.destroy();
  }
}

const INGEST = 'mutation($b: TelemetryBatchInput!) { ingestBatch(batch: $b) { acceptedSamples rejectedSamples } }';

/** The request bodies of one round: every series of agents [from, to) gets one sample at `t`. */
function batchBody(environment: string, agentFrom: number, agentTo: number, metrics: number, t: number, round: number): { body: string; samples: number } {
  const series = [];
  for (let a = agentFrom; a < agentTo; a++) {
    for (let m = 0; m < metrics; m++) {
      const value = Math.round((((a * 31 + m * 17 + round * 7) % 1000) / 10) * 10) / 10;
      series.push({ agentId: `agent-${a}`, metric: metricName(m), timestamps: [t + ((a * 13 + m) % 1000)], values: [value] });
    }
  }
  return { body: JSON.stringify({ query: INGEST, variables: { b: { environment, series } } }), samples: series.length };
}

/** Sends one sample of every series, agentsPerBatch agents per request, `concurrency` requests in flight. */
async function sendRound(sender: Sender, environment: string, agents: number, metrics: number, round: number): Promise<number> {
  const started = performance.now();
  const t = Date.now() - 1000;
  let next = 0;
  const worker = async () => {
    while (next < agents) {
      const from = next;
      next = Math.min(agents, next + P.agentsPerBatch);
      const { body, samples } = batchBody(environment, from, next, metrics, t, round);
      await sender.send(body, samples);
    }
  };
  await Promise.all(Array.from({ length: P.concurrency }, worker));
  return performance.now() - started;
}

/**
 * The service's inspector, opened with --inspect on a port of our choosing: it can force a
 * full garbage collection and read process.memoryUsage() in the service, so that besides
 * the plain RSS the figures include memory that is really retained.
 */
class Inspector {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  private constructor(private readonly socket: WebSocket) {
    // Text frames with the default binaryType arrive as one Buffer.
    socket.on('message', (data) => {
      const message = JSON.parse((data as Buffer).toString('utf8')) as { id?: number; result?: unknown; error?: { message: string } };
      const waiter = message.id === undefined ? undefined : this.pending.get(message.id);
      if (waiter === undefined) return;
      this.pending.delete(message.id as number);
      if (message.error !== undefined) waiter.reject(new Error(message.error.message));
      else waiter.resolve(message.result);
    });
  }

  static async connect(port: number): Promise<Inspector> {
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
    const socket = new WebSocket(targets[0].webSocketDebuggerUrl);
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    return new Inspector(socket);
  }

  call(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Forces a full collection, then returns the service's process.memoryUsage(). */
  async collectAndMeasure(): Promise<NodeJS.MemoryUsage> {
    await this.call('HeapProfiler.collectGarbage');
    const answer = (await this.call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true })) as {
      result: { value: string };
    };
    return JSON.parse(answer.result.value) as NodeJS.MemoryUsage;
  }

  close(): void {
    this.socket.close();
  }
}

interface Reading {
  at: number;
  label: string;
  rssBytes: number;
  databaseRssBytes: number;
  /** After a forced full GC (key readings only). */
  afterGc?: NodeJS.MemoryUsage;
}

async function main(): Promise<void> {
  const inspectPort = await freePort();
  log(`starting the service (CHECKPOINT_INTERVAL_SECONDS=${P.checkpointSeconds}, inspector on 127.0.0.1:${inspectPort})`);
  const dataDir = mkdtempSync(join(tmpdir(), 'vitals-memory-bench-'));
  const server = await ServerProcess.start({
    DATA_DIR: dataDir,
    CHECKPOINT_INTERVAL_SECONDS: String(P.checkpointSeconds),
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --inspect=127.0.0.1:${inspectPort}`.trim(),
  });
  const readyAt = performance.now();
  const since = () => (performance.now() - readyAt) / 1000;
  const sender = new Sender(server.url, server.token(['agent']));
  const inspector = await Inspector.connect(inspectPort);
  const pid = server.child.pid as number;
  const dbRss = () => childPids(pid).reduce((sum, child) => sum + procRssBytes(child), 0);
  const reading = async (label: string, gc: boolean): Promise<Reading> => {
    const figures: Reading = { at: Math.round(since() * 10) / 10, label, rssBytes: server.rssBytes(), databaseRssBytes: dbRss() };
    if (gc) figures.afterGc = await inspector.collectAndMeasure();
    log(
      `${label} at ${figures.at} s: service RSS ${mib(figures.rssBytes)} MiB` +
        (figures.afterGc === undefined
          ? ''
          : ` (after forced GC: RSS ${mib(figures.afterGc.rss)} MiB, heap used ${mib(figures.afterGc.heapUsed)} MiB, external ${mib(figures.afterGc.external)} MiB)`) +
        `, database RSS ${mib(figures.databaseRssBytes)} MiB`,
    );
    return figures;
  };

  try {
    // 1. Warm-up and baseline.
    const atReady = await reading('ready', false);
    for (let round = 0; round < 3; round++) {
      await sendRound(sender, 'bench-memory-warmup', Math.max(1, Math.ceil(P.warmupSeries / P.metrics)), Math.min(P.metrics, P.warmupSeries), round);
    }
    await sleep(P.pauseSeconds * 1000);
    const baseline = await reading('baseline (after warm-up)', true);

    // Rounds on a fixed schedule; a reading is taken just before the next round is due.
    const roundMs: number[] = [];
    let round = 0;
    const roundsStart = performance.now();
    const dueAt = (r: number) => roundsStart + r * P.sampleIntervalSeconds * 1000;
    const runRound = async () => {
      await sleep(Math.max(0, dueAt(round) - performance.now()));
      roundMs.push(await sendRound(sender, ENVIRONMENT, P.agents, P.metrics, round));
      round++;
    };
    const untilNextRound = () => sleep(Math.max(0, dueAt(round) - 500 - performance.now()));

    // 2. Head-full: headSamples rounds, one per sample interval.
    while (round < P.headSamples) {
      await runRound();
      log(`round ${round}: ${SERIES.toLocaleString('en-US')} samples in ${Math.round(roundMs.at(-1) as number)} ms`);
    }
    await untilNextRound();
    const headFull = await reading('head-full', true);
    const headFullBeforeCheckpoint = headFull.at < P.checkpointSeconds;
    if (!headFullBeforeCheckpoint)
      log(`warning: the head-full reading came ${headFull.at} s after ready, past the checkpoint interval; it may include a checkpoint`);

    // 3. Steady: keep the series active through the checkpoints.
    const afterFrom = P.checkpointSeconds + CHECKPOINT_MARGIN_SECONDS;
    const steadyUntil = P.checkpointSeconds * (1 + P.steadyCheckpoints) + CHECKPOINT_MARGIN_SECONDS;
    const readings: Reading[] = [];
    let firstAfter: Reading | undefined;
    while (since() < steadyUntil) {
      await runRound();
      await untilNextRound();
      const gc = firstAfter === undefined && since() >= afterFrom;
      const r = await reading(`after round ${round}`, gc);
      if (gc) firstAfter = r;
      readings.push(r);
    }
    const last = await reading('end', true);

    const perSeries = (bytes: number, base: number) => Math.round((bytes - base) / SERIES);
    const plain = (r: Reading | undefined) => (r === undefined ? null : perSeries(r.rssBytes, baseline.rssBytes));
    const gcRss = (r: Reading | undefined) => (r?.afterGc === undefined ? null : perSeries(r.afterGc.rss, baseline.afterGc!.rss));
    const gcHeap = (r: Reading | undefined) =>
      r?.afterGc === undefined ? null : perSeries(r.afterGc.heapUsed + r.afterGc.external, baseline.afterGc!.heapUsed + baseline.afterGc!.external);
    const steady = readings.filter((r) => r.at >= afterFrom).map((r) => r.rssBytes);
    const memory = (r: Reading) => ({
      rssMiB: mib(r.rssBytes),
      ...(r.afterGc === undefined
        ? {}
        : {
            afterForcedGc: {
              rssMiB: mib(r.afterGc.rss),
              heapUsedMiB: mib(r.afterGc.heapUsed),
              externalMiB: mib(r.afterGc.external),
              arrayBuffersMiB: mib(r.afterGc.arrayBuffers),
            },
          }),
    });

    const result = {
      benchmark: 'series-memory',
      series: SERIES,
      agents: P.agents,
      metricsPerAgent: P.metrics,
      agentsPerRequest: P.agentsPerBatch,
      sampleIntervalSeconds: P.sampleIntervalSeconds,
      checkpointIntervalSeconds: P.checkpointSeconds,
      samplesPerSeriesInHeadFull: P.headSamples,
      warmupSeries: P.warmupSeries,
      requests: sender.requests,
      failedRequests: sender.failures,
      ...(sender.firstFailure === undefined ? {} : { firstFailure: sender.firstFailure }),
      acceptedSamples: sender.samples,
      roundMs: { min: Math.round(Math.min(...roundMs)), max: Math.round(Math.max(...roundMs)) },
      memory: {
        atReady: memory(atReady),
        baseline: { at: baseline.at, ...memory(baseline) },
        headFull: { at: headFull.at, ...memory(headFull) },
        firstAfterCheckpoint: firstAfter === undefined ? null : { at: firstAfter.at, ...memory(firstAfter) },
        end: { at: last.at, ...memory(last) },
        steadyRssMiB: steady.length === 0 ? null : { min: mib(Math.min(...steady)), max: mib(Math.max(...steady)) },
      },
      bytesPerSeries: {
        definition:
          '(reading - baseline) / series; rss: plain /proc RSS; rssAfterGc and heapAfterGc (heapUsed + external): after a forced full GC through the inspector',
        headFull: { rss: plain(headFull), rssAfterGc: gcRss(headFull), heapAfterGc: gcHeap(headFull), readingBeforeFirstCheckpoint: headFullBeforeCheckpoint },
        firstAfterCheckpoint: { rss: plain(firstAfter), rssAfterGc: gcRss(firstAfter), heapAfterGc: gcHeap(firstAfter) },
        end: { rss: plain(last), rssAfterGc: gcRss(last), heapAfterGc: gcHeap(last) },
        steadyRss:
          steady.length === 0 ? null : { min: perSeries(Math.min(...steady), baseline.rssBytes), max: perSeries(Math.max(...steady), baseline.rssBytes) },
      },
      targetBytesPerSeries: TARGET_BYTES_PER_SERIES,
      meetsTarget: {
        headFullRss: (plain(headFull) ?? Infinity) <= TARGET_BYTES_PER_SERIES,
        steadyMaxRss: steady.length > 0 && perSeries(Math.max(...steady), baseline.rssBytes) <= TARGET_BYTES_PER_SERIES,
      },
      databaseRssMiB: { baseline: mib(baseline.databaseRssBytes), headFull: mib(headFull.databaseRssBytes), end: mib(last.databaseRssBytes) },
      readings: [atReady, baseline, headFull, ...readings, last].map((r) => ({
        at: r.at,
        label: r.label,
        rssMiB: mib(r.rssBytes),
        ...(r.afterGc === undefined ? {} : { rssAfterGcMiB: mib(r.afterGc.rss), heapUsedAfterGcMiB: mib(r.afterGc.heapUsed) }),
        databaseRssMiB: mib(r.databaseRssBytes),
      })),
    };
    console.log(JSON.stringify(result));
  } finally {
    inspector.close();
    sender.close();
    await server.stop();
    if (process.env.BENCH_KEEP_DATA !== '1') rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
