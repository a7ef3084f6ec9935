import { compressBlob, decompressBlob } from './blob-compression';
import { LedgerEntry } from './ingest-records';

/**
 * A checkpoint's applied batchIds as one document's blob: JSON rows
 * `[environment, batchId, acceptedSamples, rejectedSamples, acceptedHeartbeats, rejectedHeartbeats, errors?]`,
 * the errors left out when there are none. An agent sending every 10 s writes one entry per ~10
 * samples, kept for IDEMPOTENCY_WINDOW_HOURS: as objects with their key names (the first format,
 * still read) an entry with a UUID batchId took 181 bytes (18 a sample), as a row 56; the rows
 * are stored compressed (blob-compression).
 */
type LedgerRow = [string, string, number, number, number, number, LedgerEntry['result']['errors']?];

export function encodeLedger(entries: LedgerEntry[]): Buffer {
  const rows = entries.map(({ environment, batchId, result: r }): LedgerRow => {
    const row: LedgerRow = [environment, batchId, r.acceptedSamples, r.rejectedSamples, r.acceptedHeartbeats, r.rejectedHeartbeats];
    if (r.errors.length > 0) row.push(r.errors);
    return row;
  });
  return compressBlob(Buffer.from(JSON.stringify(rows)));
}

export function decodeLedger(blob: Uint8Array): LedgerEntry[] {
  const stored = JSON.parse(Buffer.from(decompressBlob(blob, 'ledger')).toString('utf8')) as (LedgerRow | LedgerEntry)[];
  return stored.map((item) => {
    if (!Array.isArray(item)) return item;
    const [environment, batchId, acceptedSamples, rejectedSamples, acceptedHeartbeats, rejectedHeartbeats, errors = []] = item;
    return { environment, batchId, result: { acceptedSamples, rejectedSamples, acceptedHeartbeats, rejectedHeartbeats, errors } };
  });
}
