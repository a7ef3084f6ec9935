import { sign } from 'jsonwebtoken';
import { createConnection } from 'mongoose';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, ServiceProcess } from './support/service-process';

/**
 * Crash recovery of the built service (dist/src/main.js) run as a child process:
 * concurrent senders stream batches, the process is SIGKILLed with requests in
 * flight, restarted on the same database and DATA_DIR, SIGKILLed again right
 * after recovery, restarted again, and then
 *  - every acknowledged sample is returned by a raw (1 s step) trends read,
 *  - no sample is ever counted twice, and no batch is ever half stored in a series,
 *  - a batchId applied before a crash is still answered duplicate: true after it
 *    (and re-sending it adds nothing),
 *  - retrying the unacknowledged batches with their batchIds (what an agent does
 *    after a lost answer) stores each of them exactly once.
 *
 * How "exactly once" is made checkable: batch k (its "slot") puts all its samples
 * in the one-second window [base + k s, base + k s + 1 s), every series gets
 * SAMPLES samples at distinct timestamps, and every value is an integer derived
 * from (k, agent, metric, j). A 1 s-step trends read then gives one bucket per
 * (agent, metric, batch), which must be either absent (only allowed for an
 * unacknowledged batch) or hold exactly SAMPLES samples with exactly the
 * expected sum, min and max: a double count doubles the count, a torn write
 * lowers it, a stray or corrupted sample lands in a bucket no batch owns or
 * breaks the sum. Nothing else may be stored in the range.
 */

const SECRET = 'vitals-crash-test-secret-0123456789';
const ENVIRONMENT = 'crash-recovery';
const AGENTS = 4;
const METRICS = 3;
const SAMPLES = 5; // per series and batch, at base + slot s + j * 100 ms
const SAMPLES_PER_BATCH = AGENTS * METRICS * SAMPLES;
const SENDERS = 6;
/** Slots (seconds) each load phase may use; all slots together lie in the last ~30 minutes. */
const PHASE_SLOTS = 800;
const PHASES = 2;
/** A phase is killed after this much load (or after KILL_AFTER_ACKS acknowledged batches, whichever comes first)... */
const LOAD_MS = 1_500;
const KILL_AFTER_ACKS = PHASE_SLOTS - 4 * SENDERS;
/** ...but never before this many acknowledged batches. */
const MIN_ACKS = 20;

const INGEST = `mutation($b: TelemetryBatchInput!){ ingestBatch(batch:$b){ batchId acceptedSamples rejectedSamples duplicate } }`;
const TRENDS = `query($e:String!,$m:String!,$f:DateTime!,$t:DateTime!,$s:Int,$a:[ID!]){ trends(environment:$e, metric:$m, from:$f, to:$t, stepSeconds:$s, agentIds:$a){ resolution series{ agentId points{ timestamp count sum min max } } } }`;

interface IngestAnswer {
  batchId: string;
  acceptedSamples: number;
  rejectedSamples: number;
  duplicate: boolean;
}

interface TrendsAnswer {
  trends: {
    resolution: string;
    series: { agentId: string; points: { timestamp: string; count: number; sum: number | null; min: number | null; max: number | null }[] }[];
  };
}

interface Batch {
  slot: number;
  phase: number;
  batchId: string;
  /** acked: answered with every sample accepted. unknown: sent, answer lost (in flight at a kill). */
  state: 'acked' | 'unknown';
  ackOrder: number;
}

const agentId = (a: number) => `crash-agent-${a}`;
const metricName = (m: number) => `crash.metric${m}`;
const valueOf = (slot: number, a: number, m: number, j: number) => slot * 1000 + a * 100 + m * 10 + j;

describe('crash recovery of the built service (SIGKILL mid-stream, restart)', () => {
  const runId = randomBytes(4).toString('hex');
  const database = `vitals_crash_${runId}`;
  const mongoUri = process.env.VITALS_TEST_MONGODB_URI ?? process.env.MONGODB_URI;
  const workDir = mkdtempSync(join(tmpdir(), 'vitals-crash-'));
  const dataDir = join(workDir, 'data');
  const env = {
    NODE_ENV: 'production',
    JWT_SECRET: SECRET,
    DATA_DIR: dataDir,
    MONGODB_URI: mongoUri ?? '',
    MONGODB_DB: database,
  };
  const token = sign({ sub: 'crash-test', roles: ['agent', 'viewer'], environments: ['*'] }, SECRET, { algorithm: 'HS256', expiresIn: '1h' });
  // Whole seconds, far enough back that every slot is in the past (the service checks timestamps against its real clock).
  const base = Math.floor(Date.now() / 1000) * 1000 - (PHASES * PHASE_SLOTS + 60) * 1000;
  const batches = new Map<number, Batch>(); // by slot
  let ackCounter = 0;
  let service: ServiceProcess | undefined;
  let starts = 0;

  const log = (message: string) => process.stdout.write(`[crash-recovery] ${message}\n`);

  beforeAll(() => {
    if (mongoUri === undefined) throw new Error('no database: the suite global setup sets VITALS_TEST_MONGODB_URI');
    const started = Date.now();
    if (ensureBuilt(log)) log(`built in ${Date.now() - started} ms`);
  }, 600_000);

  afterAll(async () => {
    await service?.kill('SIGKILL');
    if (mongoUri !== undefined) {
      const connection = await createConnection(mongoUri, { dbName: database }).asPromise();
      await connection.dropDatabase();
      await connection.close();
    }
    rmSync(workDir, { recursive: true, force: true });
  }, 60_000);

  // How fast a restart is ready is bench:restart's question (with a full log); here it only has to come up.
  const start = () => ServiceProcess.start(env, join(workDir, `service-${++starts}.log`), 60_000);

  function batchInput(slot: number, batchId: string) {
    const series = [];
    for (let a = 0; a < AGENTS; a++) {
      for (let m = 0; m < METRICS; m++) {
        const timestamps: number[] = [];
        const values: number[] = [];
        for (let j = 0; j < SAMPLES; j++) {
          timestamps.push(base + slot * 1000 + j * 100);
          values.push(valueOf(slot, a, m, j));
        }
        series.push({ agentId: agentId(a), metric: metricName(m), timestamps, values });
      }
    }
    return { batchId, environment: ENVIRONMENT, series };
  }

  async function graphql<T>(
    s: ServiceProcess,
    query: string,
    variables: Record<string, unknown>,
  ): Promise<{ status: number; data?: T; errors?: { message: string }[] }> {
    const response = await fetch(`${s.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(30_000),
    });
    return { status: response.status, ...((await response.json()) as object) };
  }

  const ingest = (s: ServiceProcess, batch: Batch) => graphql<{ ingestBatch: IngestAnswer }>(s, INGEST, { b: batchInput(batch.slot, batch.batchId) });

  const fullyAccepted = (answer: { status: number; data?: { ingestBatch: IngestAnswer }; errors?: unknown[] }, batch: Batch) =>
    answer.status === 200 &&
    answer.errors === undefined &&
    answer.data?.ingestBatch.batchId === batch.batchId &&
    answer.data.ingestBatch.acceptedSamples === SAMPLES_PER_BATCH &&
    answer.data.ingestBatch.rejectedSamples === 0;

  /**
   * Streams new batches with SENDERS concurrent senders until LOAD_MS have
   * passed (or KILL_AFTER_ACKS acks) and at least MIN_ACKS were acknowledged,
   * then SIGKILLs the service while requests are in flight.
   */
  async function loadAndCrash(s: ServiceProcess, phase: number): Promise<void> {
    const firstSlot = phase * PHASE_SLOTS;
    const endSlot = firstSlot + PHASE_SLOTS;
    let nextSlot = firstSlot;
    let stopped = false;
    let inFlight = 0;
    let acked = 0;
    const refused: string[] = [];
    const started = Date.now();

    const sender = async () => {
      while (!stopped && nextSlot < endSlot) {
        const batch: Batch = { slot: nextSlot++, phase, batchId: `crash-${runId}-${phase}-${nextSlot - 1}`, state: 'unknown', ackOrder: -1 };
        batches.set(batch.slot, batch);
        inFlight++;
        try {
          const answer = await ingest(s, batch);
          if (fullyAccepted(answer, batch) && answer.data?.ingestBatch.duplicate === false) {
            batch.state = 'acked';
            batch.ackOrder = ackCounter++;
            acked++;
          } else {
            // An answer came back, so the service was alive: anything but a full ack is unexpected here.
            refused.push(`${batch.batchId}: HTTP ${answer.status} ${JSON.stringify(answer.errors ?? answer.data)}`);
          }
        } catch {
          // No answer: the connection died with the process. The batch stays 'unknown'.
        } finally {
          inFlight--;
        }
      }
    };
    const senders = Array.from({ length: SENDERS }, sender);

    const deadline = started + 30_000;
    while (!((Date.now() - started >= LOAD_MS || acked >= KILL_AFTER_ACKS) && acked >= MIN_ACKS)) {
      if (Date.now() > deadline) break;
      if (nextSlot >= endSlot && inFlight === 0) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const inFlightAtKill = inFlight;
    s.child.kill('SIGKILL');
    stopped = true;
    const loadMs = Date.now() - started;
    await s.exited;
    await Promise.all(senders);

    const sent = nextSlot - firstSlot;
    log(
      `phase ${phase}: ${sent} batches sent in ${loadMs} ms, ` +
        `${acked} acknowledged, ${sent - acked} unacknowledged; ${inFlightAtKill} requests open at SIGKILL (answers already on the wire still count)`,
    );
    expect(refused.slice(0, 5)).toEqual([]);
    expect(acked).toBeGreaterThanOrEqual(MIN_ACKS);
    expect(inFlightAtKill).toBeGreaterThan(0);
  }

  /** Re-sends acknowledged batches (the last ones before each crash, the likeliest to be lost, and the first ones): each must be a duplicate. */
  async function resendAcknowledged(s: ServiceProcess): Promise<number> {
    const chosen: Batch[] = [];
    for (let phase = 0; phase < PHASES; phase++) {
      const acked = [...batches.values()].filter((b) => b.phase === phase && b.state === 'acked').sort((x, y) => x.ackOrder - y.ackOrder);
      chosen.push(...acked.slice(0, 5), ...acked.slice(Math.max(5, acked.length - 15)));
    }
    const problems: string[] = [];
    await Promise.all(
      chosen.map(async (batch) => {
        const answer = await ingest(s, batch);
        if (!fullyAccepted(answer, batch) || answer.data?.ingestBatch.duplicate !== true) {
          problems.push(`${batch.batchId} (acknowledged in phase ${batch.phase}): ${JSON.stringify(answer.errors ?? answer.data)}`);
        }
      }),
    );
    expect(problems.slice(0, 10)).toEqual([]);
    return chosen.length;
  }

  /**
   * Reads every metric at a 1 s step over all slots and checks each bucket
   * against the batch that owns it (see the comment at the top). With
   * `exact`, every batch sent must be there (no unknown batches remain).
   */
  async function verify(s: ServiceProcess, label: string, exact = false): Promise<void> {
    const failures: string[] = [];
    const from = new Date(base).toISOString();
    const to = new Date(base + PHASES * PHASE_SLOTS * 1000).toISOString();
    let stored = 0;
    const unknownStored = new Map<number, number>(); // slot -> series found
    for (let m = 0; m < METRICS; m++) {
      const answer = await graphql<TrendsAnswer>(s, TRENDS, { e: ENVIRONMENT, m: metricName(m), f: from, t: to, s: 1 });
      expect(answer.errors).toBeUndefined();
      const trends = (answer.data as TrendsAnswer).trends;
      expect(trends.resolution).toBe('raw');
      const found = new Map<string, { count: number; sum: number | null; min: number | null; max: number | null }>();
      for (const series of trends.series) {
        for (const point of series.points) {
          if (point.count === 0) continue;
          found.set(`${series.agentId}@${Date.parse(point.timestamp)}`, point);
        }
      }
      for (const batch of batches.values()) {
        for (let a = 0; a < AGENTS; a++) {
          const key = `${agentId(a)}@${base + batch.slot * 1000}`;
          const point = found.get(key);
          found.delete(key);
          const where = `${metricName(m)} ${agentId(a)} slot ${batch.slot} (${batch.state} batch ${batch.batchId})`;
          if (point === undefined) {
            if (batch.state === 'acked' || exact) failures.push(`${where}: acknowledged samples missing`);
            continue;
          }
          stored += point.count;
          if (batch.state === 'unknown') unknownStored.set(batch.slot, (unknownStored.get(batch.slot) ?? 0) + 1);
          const values = Array.from({ length: SAMPLES }, (_, j) => valueOf(batch.slot, a, m, j));
          const expected = { count: SAMPLES, sum: values.reduce((x, y) => x + y, 0), min: values[0], max: values[SAMPLES - 1] };
          const actual = { count: point.count, sum: point.sum, min: point.min, max: point.max };
          if (JSON.stringify(actual) !== JSON.stringify(expected)) {
            failures.push(
              `${where}: stored ${JSON.stringify(actual)}, sent ${JSON.stringify(expected)} (${point.count > SAMPLES ? 'counted twice' : 'torn or corrupted'})`,
            );
          }
        }
      }
      for (const [key, point] of found) failures.push(`${metricName(m)} ${key}: ${point.count} samples no batch put there`);
    }
    const acked = [...batches.values()].filter((b) => b.state === 'acked').length;
    const unknown = batches.size - acked;
    const partial = [...unknownStored.values()].filter((n) => n < AGENTS * METRICS).length;
    log(
      `${label}: ${acked} acknowledged batches all present exactly once: ${failures.length === 0}; ` +
        `${unknown} unacknowledged batches: ${unknownStored.size} stored (${partial} in some series only), ${unknown - unknownStored.size} not stored; ` +
        `${stored} samples read back`,
    );
    if (failures.length > 0)
      throw new Error(`${label}: ${failures.length} problems, e.g.:\n  ${failures.slice(0, 15).join('\n  ')}\nservice log: ${s.logFile}`);
  }

  it('keeps every acknowledged sample exactly once and remembers batchIds across SIGKILL and restart', async () => {
    // Phase 0: fresh database, stream, crash.
    service = await start();
    log(`first start (fresh database ${database}): ready`);
    await loadAndCrash(service, 0);

    // Restart, and crash again right after recovery, under load.
    service = await start();
    log('restart after crash 1: ready');
    await loadAndCrash(service, 1);

    // Restart and check.
    service = await start();
    log('restart after crash 2: ready');

    // Idempotency survived both crashes: acknowledged batchIds are duplicates, and re-sending them adds nothing (checked by verify).
    const resent = await resendAcknowledged(service);
    log(`re-sent ${resent} acknowledged batches: all answered duplicate: true`);
    await verify(service, 'after 2 crashes');

    // An agent retries the batches whose answers were lost, with the same batchIds: each is then stored exactly once.
    const unknown = [...batches.values()].filter((b) => b.state === 'unknown');
    const problems: string[] = [];
    let duplicates = 0;
    for (let i = 0; i < unknown.length; i += SENDERS) {
      await Promise.all(
        unknown.slice(i, i + SENDERS).map(async (batch) => {
          const answer = await ingest(service as ServiceProcess, batch);
          if (!fullyAccepted(answer, batch)) problems.push(`${batch.batchId}: ${JSON.stringify(answer.errors ?? answer.data)}`);
          else {
            if (answer.data?.ingestBatch.duplicate) duplicates++;
            batch.state = 'acked';
            batch.ackOrder = ackCounter++;
          }
        }),
      );
    }
    expect(problems.slice(0, 10)).toEqual([]);
    log(
      `retried ${unknown.length} unacknowledged batches: ${duplicates} answered duplicate (applied before the crash), ${unknown.length - duplicates} applied now`,
    );
    await verify(service, 'after retries', true);

    await service.stop();
  }, 180_000);
});
