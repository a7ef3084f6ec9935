import type { Label } from '../../common/labels/label';
import { decodeChunk, encodeChunk } from '../chunks/gorilla-chunk';
import { frame, FrameReader } from './blob-framing';
import type { LedgerResult, SeriesSamples } from './ingest-records';

/** One accepted batch as the write-ahead log keeps it. */
export interface WalEntry {
  environment: string;
  batchId?: string;
  result?: LedgerResult;
  series: SeriesSamples[];
}

type SeriesHeader = [agentId: string, metric: string, labels: Label[], bytes: number];
type EntryHeader = { e: string; b?: string; r?: LedgerResult; s: SeriesHeader[] };

/**
 * The entries of one group commit as one framed blob: the header holds batch ids, results and
 * series identities, the payloads each series' samples as a Gorilla chunk, which keeps the log
 * at a few bytes a sample: the embedded server writes about 13 MB/s, raw float64 pairs would
 * cap ingestion near 800k samples/s.
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
  return frame(header, chunks);
}

export function decodeWalGroup(bytes: Uint8Array): WalEntry[] {
  const reader = new FrameReader<EntryHeader[]>(bytes, 'write-ahead log record');
  return reader.header.map((entry) => ({
    environment: entry.e,
    batchId: entry.b,
    result: entry.r,
    series: entry.s.map(([agentId, metric, labels, length]) => {
      const { timestamps, values } = decodeChunk(reader.next(length, `series ${agentId}`));
      return { agentId, metric, labels, timestamps, values };
    }),
  }));
}

/**
 * An entry too big for one log document as two, in order: its series halved (a lone series, its
 * samples), the batch id and result on the second, which a replay applies last. Undefined for
 * one sample, which cannot be split.
 */
export function splitWalEntry(entry: WalEntry): [WalEntry, WalEntry] | undefined {
  const { batchId, result, ...rest } = entry;
  if (entry.series.length > 1) {
    const half = entry.series.length >> 1;
    return [
      { ...rest, series: entry.series.slice(0, half) },
      { ...entry, series: entry.series.slice(half) },
    ];
  }
  const series = entry.series[0];
  if (series === undefined || series.timestamps.length < 2) return undefined;
  const half = series.timestamps.length >> 1;
  const slice = (from: number, to?: number) => ({
    ...series,
    timestamps: Array.prototype.slice.call(series.timestamps, from, to) as number[],
    values: Array.prototype.slice.call(series.values, from, to) as number[],
  });
  return [
    { ...rest, series: [slice(0, half)] },
    { ...rest, batchId, result, series: [slice(half)] },
  ];
}

/** An upper estimate of an entry's bytes in memory and in the log (16 bytes a sample, the labels, the errors), for the log's pending bound. */
export function walEntryBytes(entry: WalEntry): number {
  let bytes = 256 + (entry.result?.errors.length ?? 0) * 256;
  for (const s of entry.series) {
    bytes += 64 + s.agentId.length + s.metric.length + s.timestamps.length * 16;
    for (const label of s.labels) bytes += 8 + label.name.length + label.value.length;
  }
  return bytes;
}

/** The samples ordered by time (stable); the input itself when it already is. */
export function sortedByTime(timestamps: ArrayLike<number>, values: ArrayLike<number>): { timestamps: ArrayLike<number>; values: ArrayLike<number> } {
  let sorted = true;
  for (let i = 1; i < timestamps.length && sorted; i++) sorted = timestamps[i] >= timestamps[i - 1];
  if (sorted) return { timestamps, values };
  const order = Array.from({ length: timestamps.length }, (_, i) => i).sort((a, b) => timestamps[a] - timestamps[b] || a - b);
  return { timestamps: order.map((i) => timestamps[i]), values: order.map((i) => values[i]) };
}
