import { Agent, request } from 'node:http';
import { percentile } from './server-process';
import { IngestBodies } from './ingest-bodies';

/** What one request came to. */
export interface Outcome {
  ok: boolean;
  /** Why it failed: http-<status>, graphql-<code>, timeout, network-<code>, accepted-mismatch, duplicate, bad-response. */
  reason?: string;
  /** acceptedSamples from the answer (0 when there was no answer). */
  accepted: number;
  /** The raw answer, kept for failures so the first one can be shown. */
  answer?: string;
}

/**
 * POSTs request bodies to {url}/graphql over keep-alive connections with a
 * per-request deadline, and checks the ingestBatch answer.
 */
export class HttpSender {
  private readonly agent: Agent;
  private readonly host: string;
  private readonly port: number;
  private readonly headers: Record<string, string>;

  constructor(
    url: string,
    token: string | undefined,
    maxSockets: number,
    private readonly timeoutMs: number,
  ) {
    const parsed = new URL(url);
    this.host = parsed.hostname;
    this.port = Number(parsed.port);
    this.agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'fifo' });
    this.headers = { 'content-type': 'application/json' };
    if (token !== undefined) this.headers.authorization = `Bearer ${token}`;
  }

  send(body: Buffer, expectedSamples: number): Promise<Outcome> {
    return new Promise((resolve) => {
      let settled = false;
      const finish = (outcome: Outcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      const req = request(
        {
          agent: this.agent,
          host: this.host,
          port: this.port,
          path: '/graphql',
          method: 'POST',
          headers: { ...this.headers, 'content-length': String(body.length) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => finish(checkAnswer(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'), expectedSamples)));
          res.on('error', (error: NodeJS.ErrnoException) => finish({ ok: false, reason: `network-${error.code ?? error.message}`, accepted: 0 }));
        },
      );
      const timer = setTimeout(() => {
        finish({ ok: false, reason: 'timeout', accepted: 0 });
        req.destroy(new Error('timeout'));
      }, this.timeoutMs);
      req.on('error', (error: NodeJS.ErrnoException) => finish({ ok: false, reason: `network-${error.code ?? error.message}`, accepted: 0 }));
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function checkAnswer(status: number, text: string, expectedSamples: number): Outcome {
  let answer: {
    data?: { ingestBatch?: { acceptedSamples?: number; rejectedSamples?: number; duplicate?: boolean } | null } | null;
    errors?: { extensions?: { code?: string } }[];
  };
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    return { ok: false, reason: `http-${status}`, accepted: 0, answer: text.slice(0, 2000) };
  }
  if (answer.errors !== undefined && answer.errors.length > 0) {
    return { ok: false, reason: `graphql-${answer.errors[0].extensions?.code ?? 'error'}`, accepted: 0, answer: text.slice(0, 2000) };
  }
  if (status !== 200) return { ok: false, reason: `http-${status}`, accepted: 0, answer: text.slice(0, 2000) };
  const result = answer.data?.ingestBatch;
  if (result == null || typeof result.acceptedSamples !== 'number') return { ok: false, reason: 'bad-response', accepted: 0, answer: text.slice(0, 2000) };
  if (result.duplicate === true) return { ok: false, reason: 'duplicate', accepted: 0, answer: text.slice(0, 2000) };
  if (result.acceptedSamples !== expectedSamples || (result.rejectedSamples ?? 0) !== 0) {
    return { ok: false, reason: 'accepted-mismatch', accepted: result.acceptedSamples, answer: text.slice(0, 2000) };
  }
  return { ok: true, accepted: result.acceptedSamples };
}

/** The figures of one phase. */
export interface PhaseResult {
  seconds: number;
  requests: number;
  failedRequests: number;
  failureReasons: Record<string, number>;
  /** Tries sent again after a retryable failure (BENCH_RETRIES). */
  retries: number;
  /** The first failed answer, to say why. */
  firstFailure?: string;
  sentSamples: number;
  acceptedSamples: number;
  samplesPerSecond: number;
  requestsPerSecond: number;
  /** Accepted samples per wall-clock second, over the whole seconds of the phase. */
  perSecondSamples: { min: number; p50: number; max: number };
  ackLatencyMs: { p50: number; p90: number; p99: number; max: number };
}

class PhaseRecorder {
  private readonly latencies: number[] = [];
  private readonly serviceLatencies: number[] = [];
  private readonly reasons = new Map<string, number>();
  private readonly buckets: number[] = [];
  private firstFailure?: string;
  requests = 0;
  failed = 0;
  retries = 0;
  sent = 0;
  accepted = 0;
  lastDone: number;

  constructor(readonly start: number) {
    this.lastDone = start;
  }

  record(latencyMs: number, serviceMs: number, outcome: Outcome, sentSamples: number, done: number): void {
    this.requests++;
    this.sent += sentSamples;
    this.accepted += outcome.accepted;
    if (done > this.lastDone) this.lastDone = done;
    const bucket = Math.floor((done - this.start) / 1000);
    this.buckets[bucket] = (this.buckets[bucket] ?? 0) + outcome.accepted;
    if (outcome.ok) {
      this.latencies.push(latencyMs);
      this.serviceLatencies.push(serviceMs);
    } else {
      this.failed++;
      const reason = outcome.reason ?? 'unknown';
      this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
      if (this.firstFailure === undefined) this.firstFailure = `${reason}: ${outcome.answer ?? ''}`.slice(0, 1000);
    }
  }

  result(): PhaseResult {
    const seconds = (this.lastDone - this.start) / 1000;
    // Whole seconds only: the last, partial second (the drain) is left out.
    const whole = Array.from({ length: Math.floor(seconds) }, (_, i) => this.buckets[i] ?? 0).sort((a, b) => a - b);
    return {
      seconds: round(seconds, 2),
      requests: this.requests,
      failedRequests: this.failed,
      failureReasons: Object.fromEntries(this.reasons),
      retries: this.retries,
      ...(this.firstFailure === undefined ? {} : { firstFailure: this.firstFailure }),
      sentSamples: this.sent,
      acceptedSamples: this.accepted,
      samplesPerSecond: seconds > 0 ? Math.round(this.accepted / seconds) : 0,
      requestsPerSecond: seconds > 0 ? round((this.requests - this.failed) / seconds, 1) : 0,
      perSecondSamples: { min: whole[0] ?? 0, p50: percentile(whole, 50) || 0, max: whole.at(-1) ?? 0 },
      ackLatencyMs: latencySummary(this.latencies),
    };
  }

  /** Latency from the actual send (differs from ackLatencyMs when sends were late, in the open loop). */
  serviceLatency(): PhaseResult['ackLatencyMs'] {
    return latencySummary(this.serviceLatencies);
  }
}

function latencySummary(values: number[]): PhaseResult['ackLatencyMs'] {
  values.sort((a, b) => a - b);
  const at = (p: number) => (values.length === 0 ? NaN : round(percentile(values, p), 1));
  return { p50: at(50), p90: at(90), p99: at(99), max: values.length === 0 ? NaN : round(values[values.length - 1], 1) };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Set when the run is being stopped: the loops send nothing more. */
let stopped = false;
export function stopLoad(): void {
  stopped = true;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Failures an agent would retry with the same batchId: nothing says the batch was refused. */
const RETRYABLE = /^(timeout|network-|http-5|graphql-UNAVAILABLE)/;

/**
 * Sends the next batch of an idle relay and records it. A retryable failure is
 * retried (same body, same batchId) up to `retries` times; each failed try counts
 * as a failed request, and a retry answered `duplicate` (the earlier try was
 * applied after all) counts as accepted.
 */
async function sendOne(bodies: IngestBodies, sender: HttpSender, recorder: PhaseRecorder, retries: number, scheduled?: number): Promise<void> {
  const relay = await bodies.acquire();
  try {
    const batch = bodies.build(relay);
    const firstSentAt = performance.now();
    for (let attempt = 0; ; attempt++) {
      const sentAt = performance.now();
      let outcome = await sender.send(batch.body, batch.samples);
      const done = performance.now();
      if (attempt > 0 && outcome.reason === 'duplicate') outcome = { ok: true, accepted: batch.samples };
      const retry = !outcome.ok && attempt < retries && RETRYABLE.test(outcome.reason ?? '');
      recorder.record(done - (scheduled ?? firstSentAt), done - sentAt, outcome, attempt === 0 ? batch.samples : 0, done);
      if (retry && !stopped) recorder.retries++;
      else return;
    }
  } finally {
    bodies.release(relay);
  }
}

/**
 * Closed loop: `concurrency` senders, each sending its next batch as soon as
 * the previous one is answered, for `seconds` (then in-flight requests finish).
 * With `coverAllRelays`, it goes on (up to `maxSeconds`) until every relay has
 * sent at least once, so every series exists before the measured phases.
 */
export async function closedLoop(
  bodies: IngestBodies,
  sender: HttpSender,
  options: { concurrency: number; seconds: number; retries: number; coverAllRelays?: boolean; maxSeconds?: number },
): Promise<PhaseResult> {
  const start = performance.now();
  const recorder = new PhaseRecorder(start);
  const end = start + options.seconds * 1000;
  const hardEnd = start + (options.maxSeconds ?? options.seconds) * 1000;
  const covered = () => !options.coverAllRelays || bodies.relays.every((r) => r.seq > 0);
  const worker = async () => {
    for (;;) {
      const now = performance.now();
      if (stopped || now >= hardEnd || (now >= end && covered())) return;
      await sendOne(bodies, sender, recorder, options.retries);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return recorder.result();
}

/**
 * Open loop: requests on a fixed schedule of `requestsPerSecond` for `seconds`,
 * whatever the answers; latency counts from the scheduled send time, so a slow
 * answer that delays later sends shows in their latency (no coordinated omission).
 */
export async function openLoop(
  bodies: IngestBodies,
  sender: HttpSender,
  options: { requestsPerSecond: number; seconds: number; retries: number },
): Promise<PhaseResult & { serviceLatencyMs: PhaseResult['ackLatencyMs']; scheduledRequestsPerSecond: number; maxInFlight: number }> {
  const start = performance.now();
  const recorder = new PhaseRecorder(start);
  const gapMs = 1000 / options.requestsPerSecond;
  const total = Math.max(1, Math.floor(options.seconds * options.requestsPerSecond));
  const inFlight = new Set<Promise<void>>();
  let maxInFlight = 0;
  for (let i = 0; i < total && !stopped;) {
    const now = performance.now();
    while (i < total && start + i * gapMs <= now) {
      const p: Promise<void> = sendOne(bodies, sender, recorder, options.retries, start + i * gapMs).finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size > maxInFlight) maxInFlight = inFlight.size;
      i++;
    }
    if (i < total) await sleep(Math.max(0, start + i * gapMs - performance.now()));
  }
  await Promise.all(inFlight);
  return { ...recorder.result(), serviceLatencyMs: recorder.serviceLatency(), scheduledRequestsPerSecond: round(options.requestsPerSecond, 2), maxInFlight };
}
