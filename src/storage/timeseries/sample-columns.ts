import { ChunkAppender, ChunkIterator, sealChunk } from '../chunks/gorilla-chunk';
import { lowerBound } from '../rollups/bucket-columns';
import { decodeChunkList, encodeChunkList } from './part-codec';
import { CHUNK_MAX_BYTES, CHUNK_MAX_SAMPLES } from './series-head';
import { sortedByTime } from './wal-record';

/** Raw samples of one series as two columns, ordered by time. */
export interface SampleColumns {
  readonly times: Float64Array;
  readonly values: Float64Array;
}

/** A raw part's payload for one series (a chunk list) as columns, ordered by time (chunks may overlap after out-of-order samples). */
export function decodeSampleColumns(payload: Uint8Array): SampleColumns {
  return samplesOfChunks(decodeChunkList(payload));
}

/**
 * Chunks of one series (e.g. of every part a compaction joins) as one chunk list of as few chunks
 * as the head would cut, the samples in time order (stable): a checkpoint every 30 s leaves chunks
 * of 3 samples at 10 s, each paying for its first timestamp and value in full.
 */
export function rechunk(chunks: readonly Uint8Array[]): Uint8Array {
  const { times, values } = samplesOfChunks(chunks);
  const out: Uint8Array[] = [];
  let open = new ChunkAppender({ maxSamples: CHUNK_MAX_SAMPLES, maxBytes: CHUNK_MAX_BYTES });
  for (let i = 0; i < times.length; i++) {
    if (open.append(times[i], values[i])) continue;
    out.push(sealChunk(open.bytes()));
    open = new ChunkAppender({ maxSamples: CHUNK_MAX_SAMPLES, maxBytes: CHUNK_MAX_BYTES });
    open.append(times[i], values[i]);
  }
  if (open.count > 0) out.push(sealChunk(open.bytes()));
  return encodeChunkList(out);
}

function samplesOfChunks(chunks: readonly Uint8Array[]): SampleColumns {
  const times: number[] = [];
  const values: number[] = [];
  const it = new ChunkIterator();
  for (const chunk of chunks) {
    it.reset(chunk);
    while (it.next()) {
      times.push(it.t);
      values.push(it.v);
    }
  }
  return sortedColumns(times, values);
}

/** Samples in any order as time-ordered columns (stable for equal times). */
export function sortedColumns(times: ArrayLike<number>, values: ArrayLike<number>): SampleColumns {
  const sorted = sortedByTime(times, values);
  const asColumn = (a: ArrayLike<number>) => (a instanceof Float64Array ? a : Float64Array.from(a));
  return { times: asColumn(sorted.timestamps), values: asColumn(sorted.values) };
}

/** The samples in [from, to), as views. */
export function sliceSampleColumns(c: SampleColumns, from: number, to: number): SampleColumns {
  const lo = lowerBound(c.times, from);
  const hi = Math.max(lo, lowerBound(c.times, to));
  return lo === 0 && hi === c.times.length ? c : { times: c.times.subarray(lo, hi), values: c.values.subarray(lo, hi) };
}

/** Fragments of one series (parts, heads) as one time-ordered pair of columns: concatenated when they follow each other, else sorted. */
export function mergeSampleColumns(fragments: readonly SampleColumns[]): SampleColumns {
  const nonEmpty = fragments.filter((f) => f.times.length > 0).sort((a, b) => a.times[0] - b.times[0]);
  if (nonEmpty.length === 1) return nonEmpty[0];
  const n = nonEmpty.reduce((sum, f) => sum + f.times.length, 0);
  const times = new Float64Array(n);
  const values = new Float64Array(n);
  let at = 0;
  for (const f of nonEmpty) {
    times.set(f.times, at);
    values.set(f.values, at);
    at += f.times.length;
  }
  return sortedColumns(times, values);
}

export const sampleColumnsBytes = (c: SampleColumns): number => 16 * c.times.length + 64;
