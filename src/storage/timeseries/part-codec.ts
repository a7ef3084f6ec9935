import { getUvarint, putUvarint, uvarintLength } from '../chunks/varint';
import { LabelDoc } from '../schemas/label.schema';

/** One series in a part: who it is and its encoded data (chunks, or rollup buckets). */
export interface PartSeries {
  agentId: string;
  labels: LabelDoc[];
  payload: Uint8Array;
}

/**
 * A part: the data of many series of one metric, stored as one binary blob so the
 * database sees one field however many series it holds.
 *
 * Layout: uint32 header length, header (UTF-8 JSON: [agentId, labels, payload length][]),
 * then the payloads back to back. A reader parses the small header and slices out only
 * the series it wants.
 */
export function encodePart(series: PartSeries[]): Buffer {
  const header = Buffer.from(JSON.stringify(series.map((s) => [s.agentId, s.labels, s.payload.length])), 'utf8');
  const out = Buffer.allocUnsafe(4 + header.length + series.reduce((n, s) => n + s.payload.length, 0));
  out.writeUInt32LE(header.length, 0);
  header.copy(out, 4);
  let at = 4 + header.length;
  for (const s of series) {
    out.set(s.payload, at);
    at += s.payload.length;
  }
  return out;
}

/** The series of a part, or only those of `agentIds`; throws on a truncated or corrupt blob. */
export function decodePart(bytes: Uint8Array, agentIds?: ReadonlySet<string>): PartSeries[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < 4) throw new Error('part is truncated: no header length');
  const headerLength = buffer.readUInt32LE(0);
  if (4 + headerLength > buffer.length) throw new Error('part is truncated: header runs past the end');
  const header = JSON.parse(buffer.toString('utf8', 4, 4 + headerLength)) as [string, LabelDoc[], number][];
  const out: PartSeries[] = [];
  let at = 4 + headerLength;
  for (const [agentId, labels, length] of header) {
    if (at + length > buffer.length) throw new Error(`part is truncated: series ${agentId} runs past the end`);
    if (agentIds === undefined || agentIds.has(agentId)) out.push({ agentId, labels, payload: buffer.subarray(at, at + length) });
    at += length;
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
  if (pages <= 1) return 0;
  // FNV-1a: stable across processes and versions, unlike any built-in hash.
  let hash = 0x811c9dc5;
  for (let i = 0; i < agentId.length; i++) hash = Math.imul(hash ^ agentId.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % pages;
}
