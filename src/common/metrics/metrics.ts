import { Global, Injectable, Module } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Latency buckets in seconds, from a group commit (milliseconds) to a slow query (the 10 s limit). */
const LATENCY = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Background jobs (checkpoints, sweeps over many agents) take longer. */
const JOB = [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const COUNTS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000];
const BYTES = [1024, 16_384, 65_536, 262_144, 1_048_576, 4_194_304, 16_777_216];

/**
 * The service's Prometheus metrics (prom-client), one registry per application. Cheap on the hot
 * path: observed once per batch, group write or job, with labels from small fixed sets (never a
 * metric name, agent id or environment). Gauges that describe state are read when scraped.
 * The list and meaning of every metric: docs/operations.md.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly ingestBatches = new Counter({
    name: 'vitals_ingest_batches_total',
    help: 'ingestBatch calls by outcome: applied, duplicate, or the error code the batch was refused with',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly ingestSamples = new Counter({
    name: 'vitals_ingest_samples_total',
    help: 'samples of applied batches, accepted or rejected',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly ingestHeartbeats = new Counter({ name: 'vitals_ingest_heartbeats_total', help: 'heartbeats of applied batches', registers: [this.registry] });
  readonly ingestDuration = new Histogram({
    name: 'vitals_ingest_duration_seconds',
    help: 'time to validate, log durably and apply one batch (until its answer)',
    buckets: LATENCY,
    registers: [this.registry],
  });
  readonly walGroupEntries = new Histogram({
    name: 'vitals_wal_group_entries',
    help: 'batches written together by one group commit, by log (samples, heartbeats)',
    labelNames: ['log'] as const,
    buckets: COUNTS,
    registers: [this.registry],
  });
  readonly walGroupBytes = new Histogram({
    name: 'vitals_wal_group_bytes',
    help: 'size of one group commit document, by log',
    labelNames: ['log'] as const,
    buckets: BYTES,
    registers: [this.registry],
  });
  readonly walWriteDuration = new Histogram({
    name: 'vitals_wal_write_duration_seconds',
    help: 'time of one group commit insert (journaled), by log and result',
    labelNames: ['log', 'result'] as const,
    buckets: LATENCY,
    registers: [this.registry],
  });
  readonly checkpointDuration = new Histogram({
    name: 'vitals_checkpoint_duration_seconds',
    help: 'time of one checkpoint (heads saved as parts), by result',
    labelNames: ['result'] as const,
    buckets: JOB,
    registers: [this.registry],
  });
  readonly queryDuration = new Histogram({
    name: 'vitals_query_duration_seconds',
    help: 'time of one series query by field (trends, topSeries) and result',
    labelNames: ['query', 'result'] as const,
    buckets: LATENCY,
    registers: [this.registry],
  });
  readonly subscriptions = new Gauge({
    name: 'vitals_subscriptions_active',
    help: 'open GraphQL subscriptions (graphql-ws) by field',
    labelNames: ['field'] as const,
    registers: [this.registry],
  });
  readonly sweepDuration = new Histogram({
    name: 'vitals_detector_sweep_duration_seconds',
    help: 'time of one failure-detector sweep over every agent (until its status changes are stored), by result',
    labelNames: ['result'] as const,
    buckets: JOB,
    registers: [this.registry],
  });
  readonly databaseErrors = new Counter({
    name: 'vitals_database_errors_total',
    help: 'database commands that failed (driver command monitoring), by command',
    labelNames: ['command'] as const,
    registers: [this.registry],
  });
  readonly auditDropped = new Counter({
    name: 'vitals_audit_dropped_total',
    help: 'access audit entries not written: the database refused them or too many were waiting',
    registers: [this.registry],
  });

  constructor() {
    // process_*, nodejs_* (event loop lag nodejs_eventloop_lag_seconds, heap, GC), sampled when scraped.
    collectDefaultMetrics({ register: this.registry });
  }

  /** A gauge whose value is read at scrape time (`read` must be cheap: no scan of all series or agents). */
  gauge(name: string, help: string, read: () => number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }

  /** Runs `work`, observing its duration in `histogram` with `result` ok or error added to the labels. */
  async timed<T, L extends string>(histogram: Histogram<L | 'result'>, labels: Partial<Record<L, string>>, work: () => Promise<T>): Promise<T> {
    const end = histogram.startTimer(labels as Partial<Record<L | 'result', string>>);
    try {
      const value = await work();
      end({ result: 'ok' } as Partial<Record<L | 'result', string>>);
      return value;
    } catch (error) {
      end({ result: 'error' } as Partial<Record<L | 'result', string>>);
      throw error;
    }
  }
}

/** Provides Metrics to every module. */
@Global()
@Module({ providers: [Metrics], exports: [Metrics] })
export class MetricsModule {}
