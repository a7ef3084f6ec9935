import type { Label } from '../common/labels/label';
import type { HeartbeatReport } from '../heartbeat/agent-state';
import type { HeartbeatInput, SampleInput, SeriesInput, TelemetryBatchInput } from './dto/telemetry-batch.input';

export interface IngestIssue {
  path: string;
  code: string;
  message: string;
}

/** A heartbeat that passed every check, as the registry takes it. */
export type ValidHeartbeat = HeartbeatReport;

/** The accepted samples of one series, in arrival order. */
export interface ValidSeries {
  agentId: string;
  metric: string;
  labels: Label[];
  timestamps: number[];
  values: number[];
}

export interface ValidatedBatch {
  heartbeats: ValidHeartbeat[];
  series: ValidSeries[];
  acceptedSamples: number;
  rejectedSamples: number;
  rejectedHeartbeats: number;
  errors: IngestIssue[];
}

export interface IngestLimits {
  maxItems: number;
  maxSamples: number;
  /** Oldest accepted timestamp, as an age in ms (samples older than raw retention would be deleted at once). */
  maxPastMs: number;
  maxFutureMs: number;
  maxErrors: number;
}

/** Thrown when the batch as a whole cannot be taken (too big, bad environment): nothing is applied. */
export class BatchRejected extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

export const AGENT_STATUSES = ['ok', 'degraded', 'error'] as const;
const ENVIRONMENT = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const METRIC = /^[A-Za-z_][A-Za-z0-9_.:/-]{0,199}$/;
const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
const MAX_AGENT_ID = 128;
const MAX_BATCH_ID = 128;
const MAX_LABELS = 32;
const MAX_LABEL_VALUE = 256;
const MAX_VERSION = 64;

/**
 * Checks every item of a telemetry batch and keeps what is valid. Whole-batch
 * problems throw BatchRejected; item problems become IngestIssues with a path
 * and a code, and only the bad sample (or the bad item, when its shape is wrong)
 * is dropped. Row samples are grouped into series here, so the write path only
 * ever sees columnar data.
 */
export class BatchValidator {
  constructor(private readonly limits: IngestLimits) {}

  validate(
    batch: TelemetryBatchInput,
    now: number,
    mayIngestFor: (agentId: string) => boolean = () => true,
  ): ValidatedBatch {
    this.checkWhole(batch);
    const run = new ValidationRun(this.limits, now, mayIngestFor);
    (batch.heartbeats ?? []).forEach((hb, i) => run.heartbeat(hb, `heartbeats[${i}]`));
    (batch.series ?? []).forEach((s, i) => run.series(s, `series[${i}]`));
    (batch.samples ?? []).forEach((s, i) => run.sample(s, `samples[${i}]`));
    return run.result();
  }

  private checkWhole(batch: TelemetryBatchInput): void {
    if (!ENVIRONMENT.test(batch.environment)) {
      throw new BatchRejected('environment', 'environment must be 1-64 letters, digits, "_", "." or "-", starting with a letter or digit');
    }
    if (batch.batchId != null && (batch.batchId.length === 0 || batch.batchId.length > MAX_BATCH_ID)) {
      throw new BatchRejected('batchId', `batchId must be 1-${MAX_BATCH_ID} characters`);
    }
    const items = (batch.heartbeats?.length ?? 0) + (batch.series?.length ?? 0) + (batch.samples?.length ?? 0);
    if (items > this.limits.maxItems) {
      throw new BatchRejected('batch', `batch has ${items} items; the limit is ${this.limits.maxItems}: split it`);
    }
    let samples = batch.samples?.length ?? 0;
    for (const s of batch.series ?? []) samples += s.values.length;
    if (samples > this.limits.maxSamples) {
      throw new BatchRejected('batch', `batch has ${samples} samples; the limit is ${this.limits.maxSamples}: split it`);
    }
  }
}

/** The state of validating one batch. */
class ValidationRun {
  private readonly heartbeats: ValidHeartbeat[] = [];
  private readonly seriesByKey = new Map<string, ValidSeries>();
  private readonly errors: IngestIssue[] = [];
  private errorCount = 0;
  private accepted = 0;
  private rejected = 0;
  private rejectedHeartbeats = 0;
  private readonly oldest: number;
  private readonly newest: number;

  constructor(
    private readonly limits: IngestLimits,
    private readonly now: number,
    private readonly mayIngestFor: (agentId: string) => boolean,
  ) {
    this.oldest = now - limits.maxPastMs;
    this.newest = now + limits.maxFutureMs;
  }

  heartbeat(hb: HeartbeatInput, path: string): void {
    const ok =
      this.checkAgent(hb.agentId, path) &&
      (hb.timestamp == null || this.checkTimestamp(hb.timestamp, `${path}.timestamp`)) &&
      (hb.intervalSeconds == null || this.check(hb.intervalSeconds >= 1 && hb.intervalSeconds <= 60, `${path}.intervalSeconds`, 'OUT_OF_RANGE', 'intervalSeconds must be 1..60')) &&
      (hb.status == null || this.check((AGENT_STATUSES as readonly string[]).includes(hb.status), `${path}.status`, 'INVALID_VALUE', `status must be one of ${AGENT_STATUSES.join(', ')}`)) &&
      this.checkPercent(hb.cpu, `${path}.cpu`) &&
      this.checkPercent(hb.memory, `${path}.memory`) &&
      this.checkPercent(hb.disk, `${path}.disk`) &&
      (hb.version == null || this.check(hb.version.length <= MAX_VERSION && !CONTROL_CHARS.test(hb.version), `${path}.version`, 'TOO_LONG', `version must be at most ${MAX_VERSION} printable characters`)) &&
      (hb.labels == null || this.checkLabels(hb.labels, `${path}.labels`) !== undefined);
    if (!ok) {
      this.rejectedHeartbeats++;
      return;
    }
    this.heartbeats.push({
      agentId: hb.agentId,
      intervalSeconds: hb.intervalSeconds ?? undefined,
      status: hb.status ?? undefined,
      labels: hb.labels == null ? undefined : sortLabels(hb.labels),
      cpu: hb.cpu ?? undefined,
      memory: hb.memory ?? undefined,
      disk: hb.disk ?? undefined,
      version: hb.version ?? undefined,
    });
  }

  series(input: SeriesInput, path: string): void {
    const count = input.values.length;
    const labels = this.checkSeriesIdentity(input, path);
    if (labels === undefined) {
      this.rejected += count;
      return;
    }
    if (input.timestamps.length !== count) {
      this.issue(path, 'LENGTH_MISMATCH', `timestamps has ${input.timestamps.length} entries but values has ${count}`);
      this.rejected += count;
      return;
    }
    const target = this.target(input.agentId, input.metric, labels);
    if (target.values.length === 0 && this.allValid(input.timestamps, input.values)) {
      // The common case: the series is taken as sent, without copying a sample.
      target.timestamps = input.timestamps;
      target.values = input.values;
      this.accepted += count;
      return;
    }
    // The hot loop: no string is built for a sample unless it is rejected.
    for (let i = 0; i < count; i++) {
      const t = input.timestamps[i];
      const v = input.values[i];
      if (!Number.isFinite(v)) {
        this.issue(`${path}.values[${i}]`, 'NOT_FINITE', 'value must be a finite number');
      } else if (this.timestampInRange(t)) {
        target.timestamps.push(Math.round(t));
        target.values.push(v);
        this.accepted++;
        continue;
      } else {
        this.rejectTimestamp(`${path}.timestamps[${i}]`);
      }
      this.rejected++;
    }
  }

  sample(input: SampleInput, path: string): void {
    const labels = this.checkSeriesIdentity(input, path);
    const t = input.timestamp ?? this.now;
    if (
      labels === undefined ||
      !this.check(Number.isFinite(input.value), `${path}.value`, 'NOT_FINITE', 'value must be a finite number') ||
      !this.checkTimestamp(t, `${path}.timestamp`)
    ) {
      this.rejected++;
      return;
    }
    const target = this.target(input.agentId, input.metric, labels);
    target.timestamps.push(Math.round(t));
    target.values.push(input.value);
    this.accepted++;
  }

  result(): ValidatedBatch {
    if (this.errorCount > this.errors.length) {
      this.errors.push({
        path: 'batch',
        code: 'TOO_MANY_ERRORS',
        message: `${this.errorCount - this.errors.length} more errors were not listed`,
      });
    }
    return {
      heartbeats: this.heartbeats,
      series: [...this.seriesByKey.values()].filter((s) => s.values.length > 0),
      acceptedSamples: this.accepted,
      rejectedSamples: this.rejected,
      rejectedHeartbeats: this.rejectedHeartbeats,
      errors: this.errors,
    };
  }

  /** Samples of the same series (agent, metric, labels) within one batch share one target. */
  private target(agentId: string, metric: string, labels: Label[]): ValidSeries {
    const key = seriesKey(agentId, metric, labels);
    let series = this.seriesByKey.get(key);
    if (series === undefined) {
      series = { agentId, metric, labels, timestamps: [], values: [] };
      this.seriesByKey.set(key, series);
    }
    return series;
  }

  private checkSeriesIdentity(input: { agentId: string; metric: string; labels?: Label[] | null }, path: string): Label[] | undefined {
    if (!this.checkAgent(input.agentId, path)) return undefined;
    if (!this.check(METRIC.test(input.metric), `${path}.metric`, 'INVALID_NAME', 'metric must match [A-Za-z_][A-Za-z0-9_.:/-]{0,199}')) {
      return undefined;
    }
    return input.labels == null ? [] : this.checkLabels(input.labels, `${path}.labels`);
  }

  private checkAgent(agentId: string, path: string): boolean {
    return (
      this.check(
        agentId.length > 0 && agentId.length <= MAX_AGENT_ID && !CONTROL_CHARS.test(agentId),
        `${path}.agentId`,
        'INVALID_ID',
        `agentId must be 1-${MAX_AGENT_ID} printable characters`,
      ) && this.check(this.mayIngestFor(agentId), `${path}.agentId`, 'FORBIDDEN', `token may not ingest for agent "${agentId}"`)
    );
  }

  private checkLabels(labels: Label[], path: string): Label[] | undefined {
    if (!this.check(labels.length <= MAX_LABELS, path, 'TOO_MANY_LABELS', `at most ${MAX_LABELS} labels`)) return undefined;
    const seen = new Set<string>();
    for (let i = 0; i < labels.length; i++) {
      const { name, value } = labels[i];
      const ok =
        this.check(LABEL_NAME.test(name), `${path}[${i}].name`, 'INVALID_NAME', 'label name must match [A-Za-z_][A-Za-z0-9_.-]{0,63}') &&
        this.check(!seen.has(name), `${path}[${i}].name`, 'DUPLICATE_LABEL', `label "${name}" appears twice`) &&
        this.check(value.length <= MAX_LABEL_VALUE && !CONTROL_CHARS.test(value), `${path}[${i}].value`, 'TOO_LONG', `label value must be at most ${MAX_LABEL_VALUE} printable characters`);
      if (!ok) return undefined;
      seen.add(name);
    }
    return sortLabels(labels);
  }

  /** Every sample has a finite value and an in-range, whole-millisecond timestamp. */
  private allValid(timestamps: number[], values: number[]): boolean {
    for (let i = 0; i < values.length; i++) {
      const t = timestamps[i];
      if (!Number.isFinite(values[i]) || !this.timestampInRange(t) || !Number.isInteger(t)) return false;
    }
    return true;
  }

  private checkTimestamp(t: number, path: string): boolean {
    const ok = this.timestampInRange(t);
    if (!ok) this.rejectTimestamp(path);
    return ok;
  }

  private timestampInRange(t: number): boolean {
    return t >= this.oldest && t <= this.newest; // false for NaN too
  }

  private rejectTimestamp(path: string): void {
    const range = `[${new Date(this.oldest).toISOString()}, ${new Date(this.newest).toISOString()}]`;
    this.issue(path, 'TIMESTAMP_OUT_OF_RANGE', `timestamp must be epoch milliseconds within ${range}`);
  }

  private checkPercent(value: number | null | undefined, path: string): boolean {
    return value == null || this.check(Number.isFinite(value) && value >= 0 && value <= 100, path, 'OUT_OF_RANGE', 'must be a percentage 0..100');
  }

  private check(ok: boolean, path: string, code: string, message: string): boolean {
    if (!ok) this.issue(path, code, message);
    return ok;
  }

  private issue(path: string, code: string, message: string): void {
    this.errorCount++;
    if (this.errors.length < this.limits.maxErrors) this.errors.push({ path, code, message });
  }
}

function sortLabels(labels: Label[]): Label[] {
  return labels.map(({ name, value }) => ({ name, value })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Identity of a series; labels must already be sorted. */
export function seriesKey(agentId: string, metric: string, labels: Label[]): string {
  let key = `${agentId}\u0000${metric}`;
  for (const l of labels) key += `\u0000${l.name}\u0001${l.value}`;
  return key;
}
