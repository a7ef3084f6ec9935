import { decodeChunk, encodeChunk } from '../chunks/gorilla-chunk';
import { LabelDoc } from '../schemas/label.schema';
import { SeriesSamples } from './series-head';

/** What a duplicate of an applied batch is answered with. */
export interface LedgerResult {
  acceptedSamples: number;
  rejectedSamples: number;
  acceptedHeartbeats: number;
  rejectedHeartbeats: number;
  errors: { path: string; code: string; message: string }[];
}

/** One accepted batch as the write-ahead log keeps it. */
export interface WalEntry {
  environment: string;
  batchId?: string;
  result?: LedgerResult;
  series: SeriesSamples[];
}

type SeriesHeader = [agentId: string, metric: string, labels: LabelDoc[], bytes: number];
type EntryHeader = { e: string; b?: string; r?: LedgerResult; s: SeriesHeader[] };

/**
 * The entries of one group commit as one blob: uint32 header length, a JSON header
 * (batch ids, results, series identities), then each series' samples as a Gorilla
 * chunk, which keeps the log at a few bytes a sample: the embedded server writes
 * about 13 MB/s, raw float64 pairs would cap ingestion near 800k samples/s.
 */
export function encodeWalGroup(entries: WalEntry[]): Buffer {
  const chunks: Uint8Array[] = [];
  const header: EntryHeader[] = entries.map((entry) => ({
    e: entry.environment,
    b: entry.batchId,
    r: entry.result,
    s: entry.series.map((s) => {
      const sorted = sortedByTime(s.timestamps, s.values);
      const chunk = encodeChunk(sorted.timestamps, sorted.values);
      chunks.push(chunk);
      return [s.agentId, s.metric, s.labels, chunk.length] satisfies SeriesHeader;
    }),
  }));
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const out = Buffer.allocUnsafe(4 + json.length + chunks.reduce((n, c) => n + c.length, 0));
  out.writeUInt32LE(json.length, 0);
  json.copy(out, 4);
  let at = 4 + json.length;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

export function decodeWalGroup(bytes: Uint8Array): WalEntry[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = buffer.readUInt32LE(0);
  const header = JSON.parse(buffer.toString('utf8', 4, 4 + headerLength)) as EntryHeader[];
  let at = 4 + headerLength;
  return header.map((entry) => ({
    environment: entry.e,
    batchId: entry.b,
    result: entry.r,
    series: entry.s.map(([agentId, metric, labels, length]) => {
      if (at + length > buffer.length) throw new Error('write-ahead log record is truncated');
      const { timestamps, values } = decodeChunk(buffer.subarray(at, at + length));
      at += length;
      return { agentId, metric, labels, timestamps, values };
    }),
  }));
}

/** The samples ordered by time (stable); the input itself when it already is. */
export function sortedByTime(timestamps: ArrayLike<number>, values: ArrayLike<number>): { timestamps: ArrayLike<number>; values: ArrayLike<number> } {
  let sorted = true;
  for (let i = 1; i < timestamps.length && sorted; i++) sorted = timestamps[i] >= timestamps[i - 1];
  if (sorted) return { timestamps, values };
  const order = Array.from({ length: timestamps.length }, (_, i) => i).sort((a, b) => timestamps[a] - timestamps[b] || a - b);
  return { timestamps: order.map((i) => timestamps[i]), values: order.map((i) => values[i]) };
}
