import { fnv1a32 } from '../../common/hash/string-hash';
import { getUvarint, putUvarint, uvarintLength } from '../chunks/varint';
import { frame, FrameReader } from './blob-framing';
import { compressBlob, decompressBlob } from './blob-compression';

/** One series in a part: its catalog id (the catalog holds its agent and labels) and its encoded data (chunks, or rollup buckets). */
export interface PartSeries {
  seriesId: number;
  payload: Uint8Array;
}

/**
 * A part: the data of many series of one metric, stored as one framed blob (header: a flat
 * list of series id, payload length, ...) so the database sees one field however many series it
 * holds; `compressed`, as a brotli stream when that is smaller (blob-compression; parts that are kept: sealed
 * chunks, rollup buckets; not the checkpoint's parts of the open hour, compacted within it).
 */
export function encodePart(series: PartSeries[], compressed = false): Buffer {
  const framed = frame(
    series.flatMap((s) => [s.seriesId, s.payload.length]),
    series.map((s) => s.payload),
  );
  return compressed ? compressBlob(framed) : framed;
}

/** The series of a part, or only those of `seriesIds`; throws on a truncated or corrupt blob. */
export function decodePart(bytes: Uint8Array, seriesIds?: ReadonlySet<number>): PartSeries[] {
  const reader = new FrameReader<number[]>(decompressBlob(bytes, 'part'), 'part');
  const out: PartSeries[] = [];
  const header = reader.header;
  for (let i = 0; i < header.length; i += 2) {
    const seriesId = header[i];
    const payload = reader.next(header[i + 1], `series ${seriesId}`);
    if (seriesIds === undefined || seriesIds.has(seriesId)) out.push({ seriesId, payload });
  }
  return out;
}

/** Chunks of one series as one payload: uvarint count, then per chunk uvarint length and bytes. */
export function encodeChunkList(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(uvarintLength(chunks.length) + chunks.reduce((n, c) => n + uvarintLength(c.length) + c.length, 0));
  let at = putUvarint(out, 0, chunks.length);
  for (const chunk of chunks) {
    at = putUvarint(out, at, chunk.length);
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

export function decodeChunkList(payload: Uint8Array): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let [count, at] = getUvarint(payload, 0);
  while (count-- > 0) {
    const [length, next] = getUvarint(payload, at);
    if (next + length > payload.length) throw new Error('chunk list is truncated');
    chunks.push(payload.subarray(next, next + length));
    at = next + length;
  }
  return chunks;
}

/** Which page of a part holds an agent's series: parts of many series are split into pages by agent. */
export function pageOf(agentId: string, pages: number): number {
  return pages <= 1 ? 0 : fnv1a32(agentId) % pages;
}
