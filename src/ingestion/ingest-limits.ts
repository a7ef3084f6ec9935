import type { TelemetryBatchInput } from './dto/telemetry-batch.input';
import { isBatchId, isEnvironment, MAX_BATCH_ID } from './field-rules';
import { BATCH_PATH, BatchRejected } from './ingestion.errors';

export interface IngestLimits {
  maxItems: number;
  maxSamples: number;
  /** Oldest accepted timestamp, as an age in ms (samples older than raw retention would be deleted at once). */
  maxPastMs: number;
  maxFutureMs: number;
  maxErrors: number;
}

/** What the batch as a whole must satisfy before any item is looked at: its size, environment and batchId. Throws BatchRejected. */
export function checkWholeBatch(batch: TelemetryBatchInput, limits: IngestLimits): void {
  if (!isEnvironment(batch.environment)) {
    throw new BatchRejected('environment', 'environment must be 1-64 letters, digits, "_", "." or "-", starting with a letter or digit');
  }
  if (batch.batchId != null && !isBatchId(batch.batchId)) {
    throw new BatchRejected('batchId', `batchId must be 1-${MAX_BATCH_ID} characters`);
  }
  const items = (batch.heartbeats?.length ?? 0) + (batch.series?.length ?? 0) + (batch.samples?.length ?? 0);
  if (items > limits.maxItems) {
    throw new BatchRejected(BATCH_PATH, `batch has ${items} items; the limit is ${limits.maxItems}: split it`);
  }
  let samples = batch.samples?.length ?? 0;
  for (const s of batch.series ?? []) samples += s.values.length;
  if (samples > limits.maxSamples) {
    throw new BatchRejected(BATCH_PATH, `batch has ${samples} samples; the limit is ${limits.maxSamples}: split it`);
  }
}
