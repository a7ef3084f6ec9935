import type { Label } from '../../common/labels/label';

/**
 * What ingestion hands the engine, shared by the head, the write-ahead log codec and the
 * repository: a leaf, so that none of them depends on another for its types.
 */

/** Samples of one series as ingestion hands them over (columnar, validated). */
export interface SeriesSamples {
  agentId: string;
  metric: string;
  /** Sorted by name: with environment, metric and agent, the series' identity. */
  labels: Label[];
  /** The catalog id, when ingestion admitted the series; the log replay resolves it by identity. */
  seriesId?: number;
  timestamps: ArrayLike<number>;
  values: ArrayLike<number>;
}

/** What a duplicate of an applied batch is answered with. */
export interface LedgerResult {
  acceptedSamples: number;
  rejectedSamples: number;
  acceptedHeartbeats: number;
  rejectedHeartbeats: number;
  errors: { path: string; code: string; message: string }[];
}

/** One applied batchId, as a checkpoint saves it to the ledger. */
export interface LedgerEntry {
  environment: string;
  batchId: string;
  result: LedgerResult;
}
