import { Inject, Injectable, Logger } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { Principal } from '../common/auth/principal';
import { Clock, CLOCK } from '../common/clock/clock';
import { AppConfig } from '../common/config/app-config';
import { DomainError } from '../common/errors/domain-error';
import { Metrics } from '../common/metrics/metrics';
import { LiveAggregatesService } from '../dashboard/live/live-aggregates.service';
import { AgentRegistry } from '../heartbeat/agent-registry';
import { DatabaseAvailability } from '../storage/database-availability';
import { TimeSeriesStore } from '../storage/timeseries/time-series-store';
import { WriteQueueFull } from '../storage/storage.errors';
import type { Label } from '../common/labels/label';
import { AdmitSeries, BatchValidator, ValidatedBatch } from './batch-validator';
import { TelemetryBatchInput } from './dto/telemetry-batch.input';
import { StorageUnavailable } from './ingestion.errors';
import { IngestResult } from './models/ingest-result.model';

/**
 * Batches remembered as half written (heartbeats logged, samples not): only batches whose
 * sample write failed, so few; a retry of one pushed out applies its heartbeats again.
 */
const MAX_HALF_WRITTEN = 10_000;

/**
 * The write pipeline of ingestBatch: validate, apply once per batchId, write
 * heartbeats durably (acknowledged, journaled), then samples to the write-ahead
 * log (group-committed) with the batchId that marks the batch applied, and only
 * then answer and feed the live windows.
 */
@Injectable()
export class IngestionService {
  private readonly logger = new Logger(IngestionService.name);
  private readonly validator: BatchValidator;
  /** Batches being applied now, so a concurrent retry waits for the first try instead of racing it. */
  private readonly inFlight = new Map<string, Promise<IngestResult>>();
  /** Batches whose heartbeats are durable but whose samples are not: a retry must not log and apply the heartbeats twice. */
  private readonly heartbeatsLogged = new LRUCache<string, true>({ max: MAX_HALF_WRITTEN });

  constructor(
    config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly store: TimeSeriesStore,
    private readonly registry: AgentRegistry,
    private readonly live: LiveAggregatesService,
    private readonly metrics: Metrics,
    private readonly database: DatabaseAvailability,
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
    const end = this.metrics.ingestDuration.startTimer();
    try {
      const result = await this.ingestOnce(batch, principal);
      this.metrics.ingestBatches.inc({ outcome: result.duplicate ? 'duplicate' : 'applied' });
      if (!result.duplicate) {
        this.metrics.ingestSamples.inc({ result: 'accepted' }, result.acceptedSamples);
        this.metrics.ingestSamples.inc({ result: 'rejected' }, result.rejectedSamples);
        this.metrics.ingestHeartbeats.inc(result.acceptedHeartbeats);
      }
      return result;
    } catch (error) {
      this.metrics.ingestBatches.inc({ outcome: error instanceof DomainError ? error.code : 'INTERNAL_SERVER_ERROR' });
      throw error;
    } finally {
      end();
    }
  }

  private async ingestOnce(batch: TelemetryBatchInput, principal: Principal): Promise<IngestResult> {
    const now = this.clock.now();
    const validated = this.validator.validate(
      batch,
      now,
      (agentId) => principal.canIngestFor(agentId),
      (agentId, metric, labels) => this.admit(batch.environment, agentId, metric, labels),
    );
    const batchId = batch.batchId ?? undefined;
    if (batchId === undefined) return { ...(await this.apply(batch.environment, undefined, validated, now)), batchId: null };

    // Registered before the first await, so a concurrent retry always finds it.
    const ledgerId = idempotencyKey(principal, batchId);
    const key = batchKey(batch.environment, ledgerId);
    const running = this.inFlight.get(key);
    if (running !== undefined) return { ...(await running), duplicate: true };
    const applying = this.applyOnce(batch.environment, batchId, ledgerId, validated, now);
    this.inFlight.set(key, applying);
    try {
      return await applying;
    } finally {
      this.inFlight.delete(key);
    }
  }

  private async applyOnce(environment: string, batchId: string, ledgerId: string, batch: ValidatedBatch, now: number): Promise<IngestResult> {
    const prior = this.store.appliedResult(environment, ledgerId);
    if (prior !== undefined) return { ...prior, batchId, duplicate: true };
    return { ...(await this.apply(environment, ledgerId, batch, now)), batchId };
  }

  /** Writes the batch, remembered by `ledgerId` (see idempotencyKey) when it has a batchId. */
  private async apply(environment: string, ledgerId: string | undefined, batch: ValidatedBatch, now: number): Promise<Omit<IngestResult, 'batchId'>> {
    const ledger = {
      acceptedSamples: batch.acceptedSamples,
      rejectedSamples: batch.rejectedSamples,
      acceptedHeartbeats: batch.heartbeats.length,
      rejectedHeartbeats: batch.rejectedHeartbeats,
      errors: batch.errors,
    };
    if (!this.database.up) throw new StorageUnavailable();
    const key = ledgerId === undefined ? undefined : batchKey(environment, ledgerId);
    // One after the other, samples last: the sample log entry carries the batchId that marks the batch applied, so a
    // failure of either write leaves the batch unapplied, and its retry is not answered `duplicate` with heartbeats lost.
    await this.storage(async () => {
      if (key === undefined || !this.heartbeatsLogged.has(key)) await this.registry.recordHeartbeats(environment, batch.heartbeats, now);
      try {
        await this.store.append({ environment, batchId: ledgerId, result: ledgerId === undefined ? undefined : ledger, series: batch.series });
      } catch (error) {
        if (key !== undefined) this.heartbeatsLogged.set(key, true);
        throw error;
      }
      if (key !== undefined) this.heartbeatsLogged.delete(key);
    });
    this.live.observe(environment, batch.series);
    return { ...ledger, duplicate: false };
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

/**
 * The key a batchId is remembered by, within its environment: scoped by the token's subject,
 * so one agent's token cannot use up another agent's batch ids (the other's batch would be
 * answered `duplicate` and dropped). A retry must come with a token of the same subject.
 */
export function idempotencyKey(principal: Principal, batchId: string): string {
  return `${principal.subject}\u0000${batchId}`;
}

const batchKey = (environment: string, ledgerId: string) => `${environment}\u0000${ledgerId}`;
