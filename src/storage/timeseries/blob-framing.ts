/**
 * The layout of part and write-ahead log blobs: uint32 (little-endian) header length, the header
 * as UTF-8 JSON (which holds the payload lengths), then the payloads back to back. A reader
 * parses the small header and slices out only the payloads it wants.
 */
export function frame(header: unknown, payloads: readonly Uint8Array[]): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const out = Buffer.allocUnsafe(4 + json.length + payloads.reduce((n, p) => n + p.length, 0));
  out.writeUInt32LE(json.length, 0);
  json.copy(out, 4);
  let at = 4 + json.length;
  for (const payload of payloads) {
    out.set(payload, at);
    at += payload.length;
  }
  return out;
}

/** Reads a framed blob: its header, then its payloads in order. Throws "<what> is truncated: …" on a short blob. */
export class FrameReader<Header> {
  readonly header: Header;
  private readonly buffer: Buffer;
  private at: number;

  constructor(
    bytes: Uint8Array,
    private readonly what: string,
  ) {
    this.buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (this.buffer.length < 4) throw new Error(`${what} is truncated: no header length`);
    const headerLength = this.buffer.readUInt32LE(0);
    if (4 + headerLength > this.buffer.length) throw new Error(`${what} is truncated: header runs past the end`);
    this.header = JSON.parse(this.buffer.toString('utf8', 4, 4 + headerLength)) as Header;
    this.at = 4 + headerLength;
  }

  /** The next `length` bytes (a view into the blob); `name` says in an error which payload was cut off. */
  next(length: number, name: string): Buffer {
    if (this.at + length > this.buffer.length) throw new Error(`${this.what} is truncated: ${name} runs past the end`);
    const payload = this.buffer.subarray(this.at, this.at + length);
    this.at += length;
    return payload;
  }
}
