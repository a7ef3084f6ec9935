import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock, CLOCK } from '../../common/clock/clock';
import { AppConfig } from '../../common/config/app-config';
import { Metrics } from '../../common/metrics/metrics';
import { TimeSeriesRepository } from '../repositories/time-series.repository';
import { sealChunk } from '../chunks/gorilla-chunk';
import { GroupCommit } from '../wal/group-commit';
import { encodeChunkList, PartSeries } from './part-codec';
import { partId } from './part-id';
import { NewPart, PartStore } from './part-store';
import { JobLock } from './job-lock';
import { Head, SeriesHead } from './series-head';
import { Admission, SeriesCatalog } from './series-catalog';
import type { Label } from '../../common/labels/label';
import { periodStart, TIERS } from './tiers';
import { LedgerResult } from './ingest-records';
import { decodeWalGroup, encodeWalGroup, splitWalEntry, WalEntry, walEntryBytes } from './wal-record';
import { encodeInPieces, MAX_DOCUMENT_BYTES } from '../wal/document-size';

interface Generation {
  number: number;
  head: Head;
  wal: GroupCommit<WalEntry>;
  sequence: number;
  /** Bytes of its log documents written so far (CHECKPOINT_LOG_MB starts a checkpoint). */
  logBytes: number;
}

/**
 * The write side of the time-series engine.
 *
 * An accepted batch is appended to the write-ahead log of the current generation
 * (`sample_wal_<n>`); concurrent batches share one insert (group commit) and are answered
 * after it, once their samples are also in that generation's in-memory head. A checkpoint
 * starts a new generation, waits for the old one's last log write, turns its head into
 * raw parts (Gorilla chunks per series, one blob per metric and hour) and
 * drops its log. After a crash the logs left are replayed into heads before serving.
 */
@Injectable()
export class TimeSeriesStore implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(TimeSeriesStore.name);
  private current!: Generation;
  /** Generations whose heads are not yet saved as parts, oldest first (the current one last). */
  private generations: Generation[] = [];
  /** Applied batchIds within the idempotency window: key → when and with what result. */
  private readonly ledger = new Map<string, { at: number; result: LedgerResult }>();
  private checkpointing: Promise<void> | undefined;

  constructor(
    private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly repository: TimeSeriesRepository,
    private readonly parts: PartStore,
    private readonly catalog: SeriesCatalog,
    private readonly jobs: JobLock,
    private readonly scheduler: SchedulerRegistry,
    private readonly metrics: Metrics,
  ) {
    const heads = (count: (head: Head) => number) => () => this.generations.reduce((n, g) => n + count(g.head), 0);
    metrics.gauge(
      'vitals_head_series',
      'series with samples not yet checkpointed (summed over unsaved generations)',
      heads((h) => h.series.size),
    );
    metrics.gauge(
      'vitals_head_samples',
      'samples not yet checkpointed',
      heads((h) => h.samples),
    );
    metrics.gauge(
      'vitals_head_bytes',
      'encoded bytes of the unsaved heads (HEAD_MAX_MB triggers a checkpoint)',
      heads((h) => h.bytes),
    );
  }

  async onModuleInit(): Promise<void> {
    const started = performance.now();
    await this.parts.loadCatalog();
    this.catalog.load(await this.repository.loadSeries());
    await this.loadLedger();
    const logged = await this.repository.walGenerations();
    for (const number of logged) this.generations.push(await this.replay(number));
    // After the newest generation anywhere: a clean stop leaves no log, and a number used again
    // would give new parts the ids of stored ones (kept as duplicates) and hide them from reads.
    this.current = this.newGeneration(Math.max(logged[logged.length - 1] ?? 0, this.parts.catalog.newestGeneration()) + 1);
    if (logged.length > 0) {
      const samples = this.generations.reduce((n, g) => n + g.head.samples, 0);
      this.logger.log(`Replayed ${logged.length} log generation(s), ${samples} samples, in ${Math.round(performance.now() - started)} ms`);
      // Saved in the background: the replayed heads answer reads meanwhile.
      void this.checkpoint().catch((error: Error) => this.logger.warn(`Checkpoint after replay failed, will retry: ${error.message}`));
    }
    this.scheduler.addInterval(
      'time-series-checkpoint',
      setInterval(
        () => void this.checkpoint().catch((error: Error) => this.logger.warn(`Checkpoint failed, will retry: ${error.message}`)),
        this.config.CHECKPOINT_INTERVAL_SECONDS * 1000,
      ),
    );
  }

  /** A clean stop saves the heads, so the next start has nothing to replay; without a database the log is replayed instead. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.current === undefined) return;
    await this.checkpoint().catch((error: Error) => this.logger.warn(`Checkpoint at shutdown failed; the log will be replayed at start: ${error.message}`));
  }

  /** The result a batch was applied with, if it was, within the idempotency window. */
  appliedResult(environment: string, batchId: string): LedgerResult | undefined {
    return this.ledger.get(ledgerKey(environment, batchId))?.result;
  }

  /** Resolves once the entry is in the log on disk and its samples are readable. */
  append(entry: WalEntry): Promise<void> {
    return this.current.wal.append(entry);
  }

  /** The heads not yet saved as parts: reads merge them with the stored parts. */
  unsavedHeads(): Head[] {
    return this.generations.map((g) => g.head);
  }

  /** Starts a new generation and saves the older ones; concurrent calls share one run. */
  checkpoint(): Promise<void> {
    this.checkpointing ??= this.jobs
      .run(() => this.metrics.timed(this.metrics.checkpointDuration, {}, () => this.saveGenerations()))
      .finally(() => (this.checkpointing = undefined));
    return this.checkpointing;
  }

  private async saveGenerations(): Promise<void> {
    if (this.current.head.samples > 0 || this.current.sequence > 0) this.current = this.newGeneration(this.current.number + 1);
    for (const generation of this.generations.slice(0, -1)) {
      await generation.wal.idle();
      await this.save(generation);
      // Only now may reads stop merging the head: its parts are listed.
      this.generations = this.generations.filter((g) => g !== generation);
      await this.repository.dropWal(generation.number);
    }
  }

  private newGeneration(number: number): Generation {
    const generation: Generation = {
      number,
      head: new Head(number, this.catalog),
      sequence: 0,
      logBytes: 0,
      wal: new GroupCommit<WalEntry>((entries) => this.writeLog(generation, entries), {
        log: 'sample',
        maxBytes: this.config.WAL_MAX_PENDING_BYTES,
        size: walEntryBytes,
      }),
    };
    this.generations.push(generation);
    return generation;
  }

  /** One group as one log document, or as consecutive ones when it would be over the document size limit. */
  private async writeLog(generation: Generation, entries: WalEntry[]): Promise<void> {
    const blobs = encodeInPieces(entries, encodeWalGroup, MAX_DOCUMENT_BYTES, splitWalEntry).map((piece) => piece.blob);
    const bytes = blobs.reduce((sum, blob) => sum + blob.length, 0);
    this.metrics.walGroupEntries.observe({ log: 'samples' }, entries.length);
    this.metrics.walGroupBytes.observe({ log: 'samples' }, bytes);
    const first = generation.sequence;
    generation.sequence += blobs.length;
    await this.metrics.timed(this.metrics.walWriteDuration, { log: 'samples' }, () => this.repository.appendWal(generation.number, first, blobs));
    generation.logBytes += bytes;
    this.apply(generation.head, entries, this.clock.now());
    // A run in progress is joined; the next write after it starts another if this one is still over.
    if (generation.head.bytes > this.config.HEAD_MAX_MB * MB || generation.logBytes > this.config.CHECKPOINT_LOG_MB * MB) {
      void this.checkpoint().catch(() => undefined);
    }
  }

  private apply(head: Head, entries: WalEntry[], at: number): void {
    for (const entry of entries) {
      for (const series of entry.series) head.append(entry.environment, series);
      if (entry.batchId !== undefined && entry.result !== undefined) {
        this.ledger.set(ledgerKey(entry.environment, entry.batchId), { at, result: entry.result });
        head.batches.push({ environment: entry.environment, batchId: entry.batchId, result: entry.result });
      }
    }
  }

  private async replay(number: number): Promise<Generation> {
    const generation: Generation = {
      number,
      head: new Head(number, this.catalog),
      sequence: 0,
      logBytes: 0,
      wal: new GroupCommit<WalEntry>(() => Promise.reject(new Error('replayed generations take no appends'))),
    };
    const blobs = await this.repository.readWal(number);
    for (const blob of blobs) this.apply(generation.head, decodeWalGroup(blob), this.clock.now());
    generation.sequence = blobs.length;
    return generation;
  }

  /** Writes a generation's head as raw parts, and its batchIds to the ledger. */
  private async save(generation: Generation): Promise<void> {
    const parts: NewPart[] = [];
    const backfillSpanMs = BACKFILL_INTERVALS * this.config.CHECKPOINT_INTERVAL_SECONDS * 1000;
    for (const series of generation.head.metrics()) {
      parts.push(...partsOf(generation.number, series, this.clock.now(), backfillSpanMs));
      // One metric at a time, letting requests in between: a big head takes a while to encode.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await this.saveNewSeries();
    await this.parts.write(parts);
    await this.repository.saveLedger(generation.number, new Date(this.clock.now()), generation.head.batches);
  }

  /** Saves the catalog entries admitted since the last save: before the parts that name them. */
  private async saveNewSeries(): Promise<void> {
    const entries = this.catalog.takeUnsaved();
    try {
      await this.repository.saveSeries(entries);
    } catch (error) {
      this.catalog.unsave(entries);
      throw error;
    }
  }

  /** Admits a series for ingestion within the catalog's per-environment bounds. */
  admit(environment: string, metric: string, agentId: string, labels: readonly Label[]): Admission {
    return this.catalog.admit(environment, metric, agentId, labels);
  }

  private async loadLedger(): Promise<void> {
    const since = this.clock.now() - this.config.IDEMPOTENCY_WINDOW_HOURS * 3_600_000;
    for (const { at, entries } of await this.repository.loadLedger(new Date(since))) {
      for (const e of entries) this.ledger.set(ledgerKey(e.environment, e.batchId), { at: at.getTime(), result: e.result });
    }
  }

  /** Forgets batchIds applied before `cutoff`; returns how many ledger documents were deleted. */
  forgetBatchesBefore(cutoff: Date): Promise<number> {
    for (const [key, { at }] of this.ledger) if (at < cutoff.getTime()) this.ledger.delete(key);
    return this.repository.deleteLedgerBefore(cutoff);
  }
}

const MB = 1024 * 1024;
/**
 * A checkpoint seals (packed or grid timestamps) the chunks of 32+ samples of closed hours,
 * and of the current hour when a chunk spans BACKFILL_INTERVALS checkpoint intervals or more
 * (samples sent at 4x the pace they were taken or faster: a backfill or a bulk load of the hour
 * so far), and stores the parts holding sealed chunks, and all of closed hours, compressed: a
 * backfill's hour may get no second part, so no compaction, while the current hour is compacted
 * when it closes, which seals the chunks it makes. Sealing costs about an encode: at full ingest
 * load, sealing every checkpoint's chunks took ~15% of a core (and then again at compaction); a
 * head saved every 30 s holds chunks of 3 samples at 10 s, where a grid never pays, and of ~12 s
 * of samples at full load.
 */
const SEAL_MIN_SAMPLES = 32;
const BACKFILL_INTERVALS = 4;

const ledgerKey = (environment: string, batchId: string) => `${environment}\u0000${batchId}`;

/** The raw parts of one metric's series, one per hour the samples fall in (their 1-minute buckets are computed from them). */
function partsOf(generation: number, series: SeriesHead[], now: number, backfillSpanMs: number): NewPart[] {
  const current = periodStart(now, TIERS.raw);
  const { environment, metric } = series[0].entry;
  const byPeriod = new Map<number, { raw: PartSeries[]; from: number; to: number; samples: number; sealed: boolean }>();
  for (const s of series) {
    const chunksByPeriod = new Map<number, Uint8Array[]>();
    for (const chunk of s.chunks) {
      const period = periodStart(chunk.minTime, TIERS.raw);
      const chunks = chunksByPeriod.get(period) ?? [];
      const seal = chunk.count >= SEAL_MIN_SAMPLES && (period < current || chunk.maxTime - chunk.minTime >= backfillSpanMs);
      chunks.push(seal ? sealChunk(chunk.bytes()) : chunk.bytes());
      chunksByPeriod.set(period, chunks);
      const group = byPeriod.get(period) ?? { raw: [], from: Infinity, to: -Infinity, samples: 0, sealed: false };
      group.sealed ||= seal;
      group.from = Math.min(group.from, chunk.minTime);
      group.to = Math.max(group.to, chunk.maxTime);
      group.samples += chunk.count;
      byPeriod.set(period, group);
    }
    for (const [period, chunks] of chunksByPeriod) byPeriod.get(period)!.raw.push({ seriesId: s.entry.id, payload: encodeChunkList(chunks) });
  }
  return [...byPeriod.entries()].map(([period, group]) => ({
    generation,
    environment,
    metric,
    periodStart: period,
    from: group.from,
    to: group.to,
    samples: group.samples,
    id: partId('raw', environment, metric, period, { checkpoint: generation }),
    tier: TIERS.raw,
    series: group.raw,
    compressed: period < current || group.sealed,
  }));
}
