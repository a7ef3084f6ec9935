import { Agent, request } from 'node:http';
import { childPids, procRssBytes } from './support/proc-stats';
import { ServerProcess } from './support/server-process';

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
 *      ingest path is compiled and its buffers exist; then a pause; RSS = baseline;
 *   2. head-full: BENCH_HEAD_SAMPLES rounds (6 samples per series over a minute by default);
 *      a pause; RSS = head-full. This must end before the first checkpoint timer fires
 *      (the timer starts before the service is ready), which the run checks by time;
 *   3. steady: rounds go on (the series stay active) until BENCH_STEADY_CHECKPOINTS
 *      checkpoints later; RSS is read after every round. The first reading after the first
 *      checkpoint (plus a margin) is reported, and min / max / last of every reading after
 *      it: heads then hold only the samples since the last checkpoint.
 * Figures per series are (RSS - baseline) / series, in bytes. The child cannot be made to
 * collect garbage, so RSS includes whatever garbage and free heap V8 keeps; the pauses give
 * it time for idle collection. The embedded database's RSS is reported separately.
 *
 * Parameters (environment variables, defaults in brackets):
 *   BENCH_AGENTS [10000]  BENCH_METRICS [10]  BENCH_AGENTS_PER_BATCH [100]
 *   BENCH_SAMPLE_INTERVAL_SECONDS [10]  BENCH_HEAD_SAMPLES [6]
 *   BENCH_CHECKPOINT_SECONDS [90]  BENCH_STEADY_CHECKPOINTS [2]
 *   BENCH_CONCURRENCY [4]  BENCH_PAUSE_SECONDS [5]  BENCH_WARMUP_SERIES [100]
 *   BENCH_SERVER_LOG: set to show the service's stdout
 *
 * Progress goes to stderr; one JSON object with every figure goes to stdout.
 */
const num = (name: string, fallback: number) => {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number`);
  return value;
};

const P = {
  agents: num('BENCH_AGENTS', 10_000),
  metrics: num('BENCH_METRICS', 10),
  agentsPerBatch: num('BENCH_AGENTS_PER_BATCH', 100),
  sampleIntervalSeconds: num('BENCH_SAMPLE_INTERVAL_SECONDS', 10),
  headSamples: num('BENCH_HEAD_SAMPLES', 6),
  checkpointSeconds: num('BENCH_CHECKPOINT_SECONDS', 90),
  steadyCheckpoints: num('BENCH_STEADY_CHECKPOINTS', 2),
  concurrency: num('BENCH_CONCURRENCY', 4),
  pauseSeconds: num('BENCH_PAUSE_SECONDS', 5),
  warmupSeries: num('BENCH_WARMUP_SERIES', 100),
};
const SERIES = P.agents * P.metrics;
const ENVIRONMENT = 'bench-memory';
const TARGET_BYTES_PER_SERIES = 1024;
/** A checkpoint of 100,000 series takes a moment; readings this long after the timer are "after". */
const CHECKPOINT_MARGIN_SECONDS = 10;

const log = (message: string) => process.stderr.write(`[series-memory] ${message}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const METRIC_NAMES = ['cpu.usage', 'mem.used', 'disk.used', 'disk.io', 'net.rx', 'net.tx', 'load.1m', 'proc.count', 'gc.pause', 'req.rate', 'req.errors', 'latency.p99'];
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

async function main(): Promise<void> {
  log(`starting the service (CHECKPOINT_INTERVAL_SECONDS=${P.checkpointSeconds})`);
  const server = await ServerProcess.start({ CHECKPOINT_INTERVAL_SECONDS: String(P.checkpointSeconds) });
  const readyAt = performance.now();
  const since = () => (performance.now() - readyAt) / 1000;
  const sender = new Sender(server.url, server.token(['agent']));
  const pid = server.child.pid as number;
  const dbRss = () => childPids(pid).reduce((sum, child) => sum + procRssBytes(child), 0);
  const reading = (label: string) => {
    const figures = { at: Math.round(since() * 10) / 10, label, rssBytes: server.rssBytes(), databaseRssBytes: dbRss() };
    log(`${label} at ${figures.at} s: service RSS ${mib(figures.rssBytes)} MiB, database RSS ${mib(figures.databaseRssBytes)} MiB`);
    return figures;
  };

  try {
    // 1. Warm-up and baseline.
    const rssAtReady = reading('ready');
    for (let round = 0; round < 3; round++) {
      await sendRound(sender, 'bench-memory-warmup', Math.max(1, Math.ceil(P.warmupSeries / P.metrics)), Math.min(P.metrics, P.warmupSeries), round);
    }
    await sleep(P.pauseSeconds * 1000);
    const baseline = reading('baseline (after warm-up)');

    // 2. Head-full: headSamples rounds, one per sample interval.
    const roundMs: number[] = [];
    let round = 0;
    const roundsStart = performance.now();
    const runRound = async () => {
      const nextAt = roundsStart + round * P.sampleIntervalSeconds * 1000;
      await sleep(Math.max(0, nextAt - performance.now()));
      roundMs.push(await sendRound(sender, ENVIRONMENT, P.agents, P.metrics, round));
      round++;
    };
    while (round < P.headSamples) {
      await runRound();
      log(`round ${round}: ${SERIES.toLocaleString('en-US')} samples in ${Math.round(roundMs.at(-1) as number)} ms`);
    }
    await sleep(P.pauseSeconds * 1000);
    const headFull = reading('head-full');
    const headFullBeforeCheckpoint = headFull.at < P.checkpointSeconds;
    if (!headFullBeforeCheckpoint) log(`warning: the head-full reading came ${headFull.at} s after ready, past the checkpoint interval; it may include a checkpoint`);

    // 3. Steady: keep the series active through the checkpoints.
    const steadyUntil = P.checkpointSeconds * (1 + P.steadyCheckpoints) + CHECKPOINT_MARGIN_SECONDS;
    const readings = [];
    while (since() < steadyUntil) {
      await runRound();
      readings.push(reading(`round ${round}`));
    }
    const afterFirstCheckpoint = readings.filter((r) => r.at >= P.checkpointSeconds + CHECKPOINT_MARGIN_SECONDS);
    const perSeries = (rss: number) => Math.round((rss - baseline.rssBytes) / SERIES);
    const steadyRss = afterFirstCheckpoint.map((r) => r.rssBytes);
    const firstAfter = afterFirstCheckpoint[0];

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
      rssMiB: {
        atReady: mib(rssAtReady.rssBytes),
        baseline: mib(baseline.rssBytes),
        headFull: mib(headFull.rssBytes),
        firstAfterCheckpoint: firstAfter === undefined ? null : mib(firstAfter.rssBytes),
        steadyMin: steadyRss.length === 0 ? null : mib(Math.min(...steadyRss)),
        steadyMax: steadyRss.length === 0 ? null : mib(Math.max(...steadyRss)),
        steadyLast: steadyRss.length === 0 ? null : mib(steadyRss.at(-1) as number),
      },
      bytesPerSeries: {
        headFull: perSeries(headFull.rssBytes),
        headFullReadingTakenBeforeFirstCheckpoint: headFullBeforeCheckpoint,
        firstAfterCheckpoint: firstAfter === undefined ? null : perSeries(firstAfter.rssBytes),
        steadyMin: steadyRss.length === 0 ? null : perSeries(Math.min(...steadyRss)),
        steadyMax: steadyRss.length === 0 ? null : perSeries(Math.max(...steadyRss)),
        steadyLast: steadyRss.length === 0 ? null : perSeries(steadyRss.at(-1) as number),
      },
      targetBytesPerSeries: TARGET_BYTES_PER_SERIES,
      meetsTarget: {
        headFull: perSeries(headFull.rssBytes) <= TARGET_BYTES_PER_SERIES,
        steadyMax: steadyRss.length > 0 && perSeries(Math.max(...steadyRss)) <= TARGET_BYTES_PER_SERIES,
      },
      databaseRssMiB: { baseline: mib(baseline.databaseRssBytes), headFull: mib(headFull.databaseRssBytes), last: mib(readings.at(-1)?.databaseRssBytes ?? 0) },
      readings: [rssAtReady, baseline, headFull, ...readings].map((r) => ({ at: r.at, label: r.label, rssMiB: mib(r.rssBytes), databaseRssMiB: mib(r.databaseRssBytes) })),
    };
    console.log(JSON.stringify(result));
  } finally {
    sender.close();
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
