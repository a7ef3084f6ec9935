import { sign } from 'jsonwebtoken';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { procRssBytes } from '../../bench/support/proc-stats';
import { freePort } from '../../src/common/net/free-port';
import { RunningDatabase, startEmbeddedFerretDb } from '../../src/storage/embedded/embedded-ferretdb';
import { ServiceProcess } from './service-process';

/**
 * A database outage under load, shared by test/db-outage.e2e-spec.ts (a short one, with
 * assertions) and bench/db-outage.ts (30 s, figures): the built service as a child process on
 * an embedded FerretDB this driver owns; senders stream batches (samples and heartbeats, each
 * with a batchId, each in a second of its own); the database is SIGKILLed for `outageMs` and
 * started again on the same port and files; optionally the service is restarted while the
 * database is down. Then every acknowledged batch is read back.
 */
export interface OutageOptions {
  workDir: string;
  outageMs: number;
  /** Stop (SIGTERM, then SIGKILL after 15 s) and start the service a third into the outage. */
  restartService: boolean;
  senders?: number;
  loadBeforeMs?: number;
  /** Load kept up after the first acknowledgement that follows the database's return. */
  loadAfterMs?: number;
  log?: (message: string) => void;
}

export interface OutageFigures {
  outageMs: number;
  restartService: boolean;
  /** Among requests sent after the kill: how long the first refusal took, and the slowest answer. */
  msToFirstUnavailable: number | null;
  maxAnswerMsDuringOutage: number;
  /** Every answer by outcome: ok, an error code, or `no-answer` (connection refused or reset: no service listening). */
  answers: Record<string, number>;
  acked: number;
  ackedStored: number;
  ackedLost: number;
  /** Batches stored more (or other) samples than they were sent with: a double count. */
  corrupted: number;
  /** From the database's return to the first acknowledged batch. */
  recoveryMs: number | null;
  rssMb: { before: number; duringMax: number; after: number };
  serviceRunningAtEnd: boolean;
}

const SECRET = 'vitals-outage-test-secret-0123456789';
const ENVIRONMENT = 'outage';
const AGENTS = 2;
const METRICS = 2;
const SAMPLES = 5;
const INGEST = `mutation($b: TelemetryBatchInput!) { ingestBatch(batch: $b) { acceptedSamples duplicate } }`;
const TRENDS = `query($m: String!, $f: DateTime!, $t: DateTime!) {
  trends(environment: "${ENVIRONMENT}", metric: $m, from: $f, to: $t, stepSeconds: 1) { series { agentId points { timestamp count sum } } }
}`;

const valueOf = (slot: number, agent: number, metric: number, j: number) => slot * 1000 + agent * 100 + metric * 10 + j;

export async function runDbOutage(options: OutageOptions): Promise<OutageFigures> {
  const log = options.log ?? (() => undefined);
  const senders = options.senders ?? 4;
  const dbDir = join(options.workDir, 'db');
  mkdirSync(dbDir, { recursive: true });
  const port = await freePort();
  let db: RunningDatabase = await startEmbeddedFerretDb(dbDir, log, port);
  const env = {
    JWT_SECRET: SECRET,
    DATA_DIR: join(options.workDir, 'data'),
    MONGODB_URI: db.uri,
    MONGODB_DB: 'vitals_outage',
    // Refusals during the outage come back in microseconds and the senders retry at once: no rate limit, so every
    // answer says what the outage did.
    RATE_LIMIT_AGENT_PER_SECOND: '0',
  };
  let starts = 0;
  const start = () => ServiceProcess.start(env, join(options.workDir, `service-${++starts}.log`), 120_000);
  let service: ServiceProcess | undefined = await start();
  const token = sign({ sub: 'outage-test', roles: ['agent', 'viewer'], environments: ['*'] }, SECRET, { algorithm: 'HS256', expiresIn: '1h' });
  // Whole seconds in the recent past: one per batch, so a read at a 1 s step tells each batch's samples apart.
  // One slot a second from 12 h ago: however fast the load runs, its timestamps stay within retention and never
  // reach the 10 minutes ahead that ingestion accepts.
  const base = Math.floor(Date.now() / 1000) * 1000 - 12 * 3_600_000;

  const post = async (url: string, query: string, variables: Record<string, unknown>) => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(120_000),
    });
    return (await response.json()) as { data?: Record<string, unknown>; errors?: { extensions?: { code?: string } }[] };
  };
  const batch = (slot: number) => {
    const series = [];
    for (let a = 0; a < AGENTS; a++) {
      for (let m = 0; m < METRICS; m++) {
        const timestamps = Array.from({ length: SAMPLES }, (_, j) => base + slot * 1000 + j * 100);
        series.push({ agentId: `agent-${a}`, metric: `m${m}`, timestamps, values: timestamps.map((_, j) => valueOf(slot, a, m, j)) });
      }
    }
    const heartbeats = Array.from({ length: AGENTS }, (_, a) => ({ agentId: `agent-${a}`, intervalSeconds: 10 }));
    return { batchId: `slot-${slot}`, environment: ENVIRONMENT, series, heartbeats };
  };

  const answers: Record<string, number> = {};
  const acked: number[] = [];
  let nextSlot = 0;
  let stopped = false;
  let killedAt: number | undefined;
  let restartedAt: number | undefined;
  let firstUnavailableMs: number | null = null;
  let maxAnswerMsDuringOutage = 0;
  let recoveryMs: number | null = null;
  let firstAckAfterRecovery: (() => void) | undefined;
  const recovered = new Promise<void>((resolve) => (firstAckAfterRecovery = resolve));

  const sender = async () => {
    while (!stopped) {
      const current = service;
      if (current === undefined || !current.running) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      const slot = nextSlot++;
      const sentAt = Date.now();
      let outcome: string;
      try {
        const answer = await post(current.url, INGEST, { b: batch(slot) });
        const accepted = (answer.data?.ingestBatch as { acceptedSamples?: number } | undefined)?.acceptedSamples;
        // An answer without errors whose samples were not all accepted is no acknowledgement of them.
        outcome = answer.errors !== undefined ? (answer.errors[0].extensions?.code ?? 'unknown') : accepted === AGENTS * METRICS * SAMPLES ? 'ok' : 'rejected';
      } catch {
        outcome = 'no-answer';
      }
      const answeredAt = Date.now();
      answers[outcome] = (answers[outcome] ?? 0) + 1;
      if (outcome === 'ok') {
        acked.push(slot);
        if (restartedAt !== undefined && sentAt >= restartedAt && recoveryMs === null) {
          recoveryMs = answeredAt - restartedAt;
          firstAckAfterRecovery!();
        }
      } else if (outcome === 'no-answer') {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      if (killedAt !== undefined && sentAt >= killedAt && restartedAt === undefined) {
        maxAnswerMsDuringOutage = Math.max(maxAnswerMsDuringOutage, answeredAt - sentAt);
        if (outcome === 'UNAVAILABLE' && firstUnavailableMs === null) firstUnavailableMs = answeredAt - sentAt;
      }
    }
  };

  const rss = { before: 0, duringMax: 0, after: 0 };
  const sampleRss = () => {
    const bytes = service?.child.pid === undefined ? 0 : procRssBytes(service.child.pid);
    if (killedAt !== undefined && restartedAt === undefined) rss.duringMax = Math.max(rss.duringMax, bytes);
    return bytes;
  };
  const rssTimer = setInterval(sampleRss, 200);
  const running = Array.from({ length: senders }, sender);
  let restarting: Promise<ServiceProcess> | undefined;
  try {
    await new Promise((resolve) => setTimeout(resolve, options.loadBeforeMs ?? 2_000));
    rss.before = sampleRss();
    log(`killing the database after ${acked.length} acknowledged batches`);
    const killed = (killedAt = Date.now());
    await db.kill();
    if (options.restartService) {
      await new Promise((resolve) => setTimeout(resolve, options.outageMs / 3));
      log('restarting the service while the database is down');
      const old = service;
      service = undefined;
      await old.stop();
      // Ready only once the database is back: started now, awaited after the restart below.
      restarting = start();
    }
    await new Promise((resolve) => setTimeout(resolve, killed + options.outageMs - Date.now()));
    log('starting the database again');
    db = await startEmbeddedFerretDb(dbDir, log, port);
    restartedAt = Date.now();
    if (restarting !== undefined) service = await restarting;
    await Promise.race([recovered, new Promise((resolve) => setTimeout(resolve, 120_000))]);
    await new Promise((resolve) => setTimeout(resolve, options.loadAfterMs ?? 1_000));
    rss.after = sampleRss();
  } finally {
    stopped = true;
    clearInterval(rssTimer);
    await Promise.all(running);
  }

  // Every acknowledged batch, exactly: SAMPLES samples a series with their known sum.
  /** By slot: how many of its series hold exactly their samples (a wrong one counts -1000). */
  const stored = new Map<number, number>();
  if (service?.running) {
    const range = { f: new Date(base).toISOString(), t: new Date(base + nextSlot * 1000 + 1000).toISOString() };
    for (let m = 0; m < METRICS; m++) {
      const answer = await post(service.url, TRENDS, { m: `m${m}`, ...range });
      const series = (answer.data?.trends as { series: { agentId: string; points: { timestamp: string; count: number; sum: number }[] }[] }).series;
      for (const s of series) {
        const a = Number(s.agentId.slice('agent-'.length));
        for (const p of s.points) {
          const slot = (Date.parse(p.timestamp) - base) / 1000;
          const expected = Array.from({ length: SAMPLES }, (_, j) => valueOf(slot, a, m, j)).reduce((x, y) => x + y, 0);
          stored.set(slot, (stored.get(slot) ?? 0) + (p.count === SAMPLES && p.sum === expected ? 1 : -1000));
        }
      }
    }
  }
  const whole = (slot: number) => stored.get(slot) === AGENTS * METRICS;
  const figures: OutageFigures = {
    outageMs: options.outageMs,
    restartService: options.restartService,
    msToFirstUnavailable: firstUnavailableMs,
    maxAnswerMsDuringOutage,
    answers,
    acked: acked.length,
    ackedStored: acked.filter(whole).length,
    ackedLost: acked.filter((slot) => !stored.has(slot)).length,
    corrupted: [...stored.keys()].filter((slot) => !whole(slot)).length,
    recoveryMs,
    rssMb: { before: mb(rss.before), duringMax: mb(rss.duringMax), after: mb(rss.after) },
    serviceRunningAtEnd: service?.running ?? false,
  };
  await service?.stop();
  await db.stop();
  return figures;
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 102.4) / 10;
