import type { Label } from '../common/labels/label';
import type { HeartbeatReport } from '../heartbeat/agent-state';
import type { HeartbeatInput, SampleInput, SeriesInput, TelemetryBatchInput } from './dto/telemetry-batch.input';
import {
  AGENT_STATUSES,
  isAgentId,
  isAgentStatus,
  isInterval,
  isLabelName,
  isLabelValue,
  isMetric,
  isPercent,
  isVersion,
  MAX_AGENT_ID,
  MAX_LABEL_VALUE,
  MAX_LABELS,
  MAX_VERSION,
} from './field-rules';
import { checkWholeBatch, IngestLimits } from './ingest-limits';
import { BATCH_PATH } from './ingestion.errors';
import { SeriesGrouping, sortLabels, ValidSeries } from './row-sample-grouping';

export interface IngestIssue {
  path: string;
  code: string;
  message: string;
}

/** A heartbeat that passed every check, as the registry takes it. */
export type ValidHeartbeat = HeartbeatReport;

export interface ValidatedBatch {
  heartbeats: ValidHeartbeat[];
  series: ValidSeries[];
  acceptedSamples: number;
  rejectedSamples: number;
  rejectedHeartbeats: number;
  errors: IngestIssue[];
}

/**
 * Checks every item of a telemetry batch and keeps what is valid. Whole-batch
 * problems throw BatchRejected (ingest-limits); item problems (field-rules) become
 * IngestIssues with a path and a code, and only the bad sample (or the bad item,
 * when its shape is wrong) is dropped. Accepted samples are grouped into series
 * (row-sample-grouping), so the write path only ever sees columnar data.
 */
export class BatchValidator {
  constructor(private readonly limits: IngestLimits) {}

  validate(batch: TelemetryBatchInput, now: number, mayIngestFor: (agentId: string) => boolean = () => true): ValidatedBatch {
    checkWholeBatch(batch, this.limits);
    const run = new ValidationRun(this.limits, now, mayIngestFor);
    (batch.heartbeats ?? []).forEach((hb, i) => run.heartbeat(hb, `heartbeats[${i}]`));
    (batch.series ?? []).forEach((s, i) => run.series(s, `series[${i}]`));
    (batch.samples ?? []).forEach((s, i) => run.sample(s, `samples[${i}]`));
    return run.result();
  }
}

/** The state of validating one batch. */
class ValidationRun {
  private readonly heartbeats: ValidHeartbeat[] = [];
  private readonly grouping = new SeriesGrouping();
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
      (hb.intervalSeconds == null || this.check(isInterval(hb.intervalSeconds), `${path}.intervalSeconds`, 'OUT_OF_RANGE', 'intervalSeconds must be 1..60')) &&
      (hb.status == null || this.check(isAgentStatus(hb.status), `${path}.status`, 'INVALID_VALUE', `status must be one of ${AGENT_STATUSES.join(', ')}`)) &&
      this.checkPercent(hb.cpu, `${path}.cpu`) &&
      this.checkPercent(hb.memory, `${path}.memory`) &&
      this.checkPercent(hb.disk, `${path}.disk`) &&
      (hb.version == null || this.check(isVersion(hb.version), `${path}.version`, 'TOO_LONG', `version must be at most ${MAX_VERSION} printable characters`)) &&
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
    const target = this.grouping.target(input.agentId, input.metric, labels);
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
    const target = this.grouping.target(input.agentId, input.metric, labels);
    target.timestamps.push(Math.round(t));
    target.values.push(input.value);
    this.accepted++;
  }

  result(): ValidatedBatch {
    if (this.errorCount > this.errors.length) {
      this.errors.push({
        path: BATCH_PATH,
        code: 'TOO_MANY_ERRORS',
        message: `${this.errorCount - this.errors.length} more errors were not listed`,
      });
    }
    return {
      heartbeats: this.heartbeats,
      series: this.grouping.series(),
      acceptedSamples: this.accepted,
      rejectedSamples: this.rejected,
      rejectedHeartbeats: this.rejectedHeartbeats,
      errors: this.errors,
    };
  }

  private checkSeriesIdentity(input: { agentId: string; metric: string; labels?: Label[] | null }, path: string): Label[] | undefined {
    if (!this.checkAgent(input.agentId, path)) return undefined;
    if (!this.check(isMetric(input.metric), `${path}.metric`, 'INVALID_NAME', 'metric must match [A-Za-z_][A-Za-z0-9_.:/-]{0,199}')) {
      return undefined;
    }
    return input.labels == null ? [] : this.checkLabels(input.labels, `${path}.labels`);
  }

  private checkAgent(agentId: string, path: string): boolean {
    return (
      this.check(isAgentId(agentId), `${path}.agentId`, 'INVALID_ID', `agentId must be 1-${MAX_AGENT_ID} printable characters`) &&
      this.check(this.mayIngestFor(agentId), `${path}.agentId`, 'FORBIDDEN', `token may not ingest for agent "${agentId}"`)
    );
  }

  private checkLabels(labels: Label[], path: string): Label[] | undefined {
    if (!this.check(labels.length <= MAX_LABELS, path, 'TOO_MANY_LABELS', `at most ${MAX_LABELS} labels`)) return undefined;
    const seen = new Set<string>();
    for (let i = 0; i < labels.length; i++) {
      const { name, value } = labels[i];
      const ok =
        this.check(isLabelName(name), `${path}[${i}].name`, 'INVALID_NAME', 'label name must match [A-Za-z_][A-Za-z0-9_.-]{0,63}') &&
        this.check(!seen.has(name), `${path}[${i}].name`, 'DUPLICATE_LABEL', `label "${name}" appears twice`) &&
        this.check(isLabelValue(value), `${path}[${i}].value`, 'TOO_LONG', `label value must be at most ${MAX_LABEL_VALUE} printable characters`);
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
    return value == null || this.check(isPercent(value), path, 'OUT_OF_RANGE', 'must be a percentage 0..100');
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
