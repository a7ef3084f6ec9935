import { Inject, Injectable, Logger } from '@nestjs/common';
import { Principal } from '../common/auth/principal';
import { Clock, CLOCK } from '../common/clock/clock';
import { AppConfig } from '../common/config/app-config';
import { LiveAggregatesService } from '../dashboard/live/live-aggregates.service';
import { AgentRegistry } from '../heartbeat/agent-registry';
import { TimeSeriesStore } from '../storage/timeseries/time-series-store';
import { WriteQueueFull } from '../storage/storage.errors';
import type { Label } from '../common/labels/label';
import { AdmitSeries, BatchValidator, ValidatedBatch } from './batch-validator';
import { TelemetryBatchInput } from './dto/telemetry-batch.input';
import { StorageUnavailable } from './ingestion.errors';
import { IngestResult } from './models/ingest-result.model';

/**
 * The write pipeline of ingestBatch: validate, apply once per batchId, write
 * samples (to the write-ahead log, group-committed) and heartbeats durably
 * (acknowledged, journaled), and only then answer and feed the live windows.
 */
@Injectable()
export class IngestionService {
  private readonly logger = new Logger(IngestionService.name);
  private readonly validator: BatchValidator;
  /** Batches being applied now, so a concurrent retry waits for the first try instead of racing it. */
  private readonly inFlight = new Map<string, Promise<IngestResult>>();

  constructor(
    config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly store: TimeSeriesStore,
    private readonly registry: AgentRegistry,
    private readonly live: LiveAggregatesService,
  ) {
    this.validator = new BatchValidator({
      maxItems: config.INGEST_MAX_ITEMS_PER_BATCH,
      maxSamples: config.INGEST_MAX_SAMPLES_PER_BATCH,
      maxPastMs: config.RETENTION_RAW_HOURS * 3_600_000,
      maxFutureMs: 10 * 60_000,
      maxErrors: 1_000,
    });
  }

  async ingest(batch: TelemetryBatchInput, principal: Principal): Promise<IngestResult> {
    const now = this.clock.now();
    const validated = this.validator.validate(
      batch,
      now,
      (agentId) => principal.canIngestFor(agentId),
      (agentId, metric, labels) => this.admit(batch.environment, agentId, metric, labels),
    );
    const batchId = batch.batchId ?? undefined;
    if (batchId === undefined) return this.apply(batch.environment, undefined, validated, now);

    // Registered before the first await, so a concurrent retry always finds it.
    const key = `${batch.environment}\u0000${batchId}`;
    const running = this.inFlight.get(key);
    if (running !== undefined) return { ...(await running), duplicate: true };
    const applying = this.applyOnce(batch.environment, batchId, validated, now);
    this.inFlight.set(key, applying);
    try {
      return await applying;
    } finally {
      this.inFlight.delete(key);
    }
  }

  private async applyOnce(environment: string, batchId: string, batch: ValidatedBatch, now: number): Promise<IngestResult> {
    const prior = this.store.appliedResult(environment, batchId);
    if (prior !== undefined) return { ...prior, batchId, duplicate: true };
    return this.apply(environment, batchId, batch, now);
  }

  private async apply(environment: string, batchId: string | undefined, batch: ValidatedBatch, now: number): Promise<IngestResult> {
    const ledger = {
      acceptedSamples: batch.acceptedSamples,
      rejectedSamples: batch.rejectedSamples,
      acceptedHeartbeats: batch.heartbeats.length,
      rejectedHeartbeats: batch.rejectedHeartbeats,
      errors: batch.errors,
    };
    await this.storage(() =>
      Promise.all([
        this.store.append({ environment, batchId, result: batchId === undefined ? undefined : ledger, series: batch.series }),
        this.registry.recordHeartbeats(environment, batch.heartbeats, now),
      ]),
    );
    this.live.observe(environment, batch.series);
    return { ...ledger, batchId: batchId ?? null, duplicate: false };
  }

  private admit(environment: string, agentId: string, metric: string, labels: Label[]): ReturnType<AdmitSeries> {
    const admission = this.store.admit(environment, metric, agentId, labels);
    return admission.ok ? { ok: true, seriesId: admission.entry.id } : admission;
  }

  /** Storage failures become UNAVAILABLE: nothing was acknowledged, and a retry with the same batchId is safe. A full log says so itself, with its retry hint. */
  private async storage<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (error instanceof WriteQueueFull) throw error;
      this.logger.warn(`Storage write failed: ${(error as Error).message}`);
      throw new StorageUnavailable();
    }
  }
}
