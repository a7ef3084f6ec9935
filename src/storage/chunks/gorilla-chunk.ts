import { BitReader, BitWriter } from './bit-stream';
import { getUvarint, putUvarint, uvarintLength } from './varint';

/**
 * Gorilla chunks (Pelkonen et al., VLDB 2015, as adapted by Prometheus tsdb/chunkenc):
 * the samples of one series, timestamps as delta-of-delta and values as XOR-ed float64,
 * with a decimal path for the values agents actually send.
 *
 * Layout:
 *   header    uvarint sample count, whole bytes (so a decoder can preallocate)
 *   sample 0  timestamp as a sign bit and a varint in 8-bit groups; value mode (3 bits) and first value
 *   sample 1  delta (>= 0) as a varint in 8-bit groups; value
 *   sample n  delta-of-delta in a bucket below; value
 * then zero bits up to a whole byte.
 *
 * Delta-of-delta buckets, sized for epoch milliseconds at 1 s..60 s intervals:
 *   '0'                      dod = 0: a clock-aligned sender
 *   '10'   +  7 bits         [-64, 63] ms: scheduler jitter
 *   '110'  + 12 bits         [-2048, 2047] ms: a stalled or delayed send
 *   '1110' + 20 bits         about +-8.7 min: a changed interval, a few samples missed
 *   '1111' + 32 bits         about +-24.8 days: gaps of hours (two per gap: out and back)
 *   '1111' + 0x80000000 + 64 bits   anything larger (the 32-bit bucket's minimum is the escape)
 * Gorilla's widths (7/9/12/32 bits) were chosen for seconds: in ms its second and third buckets
 * cover only +-256 ms and +-2 s. Prometheus' ms widths (14/17/20) spend 16 bits on even 1 ms of
 * jitter, where these spend 9.
 *
 * Values have two modes; a chunk starts in one and may only move towards float.
 *
 * Decimal mode (scale d = 0..6): each value is exactly m / 10^d for a safe integer m
 * (agents send gauges rounded to 1-2 decimals, and counters as integers). XOR-ing such floats
 * costs ~50 bits a sample, since 0.1 has no short binary form; deltas of m cost ~8:
 *   '0'                      same m
 *   '10'    +  6 bits        delta of m in [-32, 31]
 *   '110'   + 13 bits        [-4096, 4095]
 *   '1110'  + 20 bits        [-524288, 524287]
 *   '11110' + 32 bits        [-2^31, 2^31 - 1]
 *   '11111' + 3 bits k       k <= 6: scale becomes k, m follows as a signed varint (a value that needs
 *                            more decimals, or a jump beyond 32 bits); k = 7: float mode from here on
 * The encoder checks that m / 10^d gives back the very same double, so decoding (the same
 * division) is bit-exact; -0, NaN, infinities and unsafe magnitudes never qualify.
 *
 * Float mode (k = 7), plain Gorilla against the previous value's bits:
 *   '0'                      identical bits
 *   '10'   + bits            the XOR fits the previous window of meaningful bits
 *   '11'   + 5 bits leading zeros + 6 bits length (64 stored as 0) + bits   a new window
 * Values are compared as bit patterns, so -0, infinities, denormals and NaN payloads survive.
 * The first value in float mode is its raw 64 bits.
 *
 * Grid timestamps (format 1, chosen per chunk by sealChunk when smaller): agents sample on a
 * regular grid plus jitter, and a delta-of-delta is the difference of two jitters (~10 bits at
 * 0-40 ms), where the offset from the grid is one jitter (~6 bits). Such a chunk starts with the
 * bytes 0x00 0x01 (a format-0 chunk starting with 0x00 is the empty chunk, a single byte), then
 * the sample count; sample 0 holds t0, the interval I (varint), the base B (sign bit and
 * varint) and a width W (6 bits, at most 32); sample i >= 1 is t0 + B + i * I plus W bits.
 * The appender always writes format 0 (it cannot know the grid of samples still to come).
 *
 * Packed (format 2, chosen by sealChunk when every value is decimal at one scale and the
 * timestamps are on a grid): the same fields in whole bytes, for pages stored compressed. Bit
 * fields hide the symbols from a byte-oriented entropy coder; as bytes, brotli codes an offset of
 * 0-40 ms and a tenths delta of a gauge in about their entropy (~5.3 bits each, against 6 and 8
 * here). Bytes 0x00 0x02, the sample count, then folded varints (2x for x >= 0, -2x - 1 below):
 * t0, the interval I (plain varint), the base B, the scale (one byte), the first m; then per
 * sample i >= 1 its offset from t0 + B + i * I (plain varint) and the delta of m (folded).
 *
 * Samples are sorted: timestamps never decrease (equal ones are kept), so a range read can stop
 * at the first sample past its end. A sample older than the chunk's last one is refused and the
 * caller keeps it elsewhere (an out-of-order chunk): a negative delta would make a chunk unsorted.
 */

/** Samples per chunk: 120 is where Gorilla's compression stops improving (Prometheus' choice too). */
export const MAX_CHUNK_SAMPLES = 120;
/**
 * Encoded size at which a chunk is full, reached first only by incompressible values
 * (> 8.5 bytes a sample). A soft limit: the sample that crosses it is kept, so a chunk
 * may exceed it by one sample (under 24 bytes: a 100-bit timestamp escape and an 85-bit
 * switch to float mode with a full XOR window).
 */
export const MAX_CHUNK_BYTES = 1024;

export interface ChunkAppenderOptions {
  /** Default MAX_CHUNK_SAMPLES. */
  maxSamples?: number;
  /** Default MAX_CHUNK_BYTES. */
  maxBytes?: number;
  /** Try the decimal value mode (default true); false gives plain Gorilla XOR for every value. */
  decimal?: boolean;
}

export interface DecodedChunk {
  timestamps: Float64Array;
  values: Float64Array;
}

// One 8-byte scratch seen as a float64 and as two uint32 halves; which half is the high one
// depends on the platform's byte order.
const scratchF64 = new Float64Array(1);
const scratchU32 = new Uint32Array(scratchF64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

const ESCAPE_32 = -0x80000000;
const MAX_SCALE = 6;
const FLOAT = 7;
const POW10 = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
/** Second byte of a grid-timestamp chunk (the first is 0x00, which alone is an empty format-0 chunk). */
const GRID_FORMAT = 1;
const PACKED_FORMAT = 2;
const MAX_GRID_WIDTH = 32;
/** Packed chunks: offsets beyond this spread are not a grid (delta-of-delta does better); |m| and t0 fold into safe integers below these. */
const MAX_PACKED_SPREAD = 2 ** 16;
const MAX_PACKED_M = 2 ** 50;

/** Timestamps as offsets from t0 + B + i * I, in `width` bits each. */
interface Grid {
  interval: number;
  base: number;
  width: number;
}

/** Appends samples of one series to an open chunk. */
export class ChunkAppender {
  readonly maxSamples: number;
  readonly maxBytes: number;
  private readonly decimal: boolean;
  private readonly writer = new BitWriter(128);
  private n = 0;
  private firstT = Infinity;
  private lastT = -Infinity;
  private lastDelta = 0;
  private lastHi = 0;
  private lastLo = 0;
  /** Value mode: a decimal scale 0..MAX_SCALE, or FLOAT. */
  private scale = FLOAT;
  /** The last value as m / 10^scale, in decimal mode. */
  private lastM = 0;
  /** m found by scaleOf. */
  private foundM = 0;
  /** Current window of meaningful XOR bits, in float mode; leading < 0 means none yet. */
  private leading = -1;
  private trailing = 0;

  constructor(options: ChunkAppenderOptions = {}) {
    this.maxSamples = options.maxSamples ?? MAX_CHUNK_SAMPLES;
    this.maxBytes = options.maxBytes ?? MAX_CHUNK_BYTES;
    this.decimal = options.decimal ?? true;
  }

  get count(): number {
    return this.n;
  }

  /** First timestamp; +Infinity while empty, so an empty chunk overlaps no range. */
  get minTime(): number {
    return this.firstT;
  }

  /** Last (largest) timestamp; -Infinity while empty. */
  get maxTime(): number {
    return this.lastT;
  }

  get isFull(): boolean {
    return this.n >= this.maxSamples || this.byteLength >= this.maxBytes;
  }

  /** Encoded size in bytes, header included, without building the bytes. */
  get byteLength(): number {
    return uvarintLength(this.n) + this.writer.byteLength;
  }

  /**
   * Appends a sample. Returns false, storing nothing, when the chunk cannot take it:
   * `t` is older than `maxTime` (keep it in an out-of-order chunk) or the chunk is full
   * (cut a new one). Throws a RangeError for a timestamp that is not a safe integer
   * (callers validate first: this is a programming error, not bad input).
   */
  append(t: number, v: number): boolean {
    if (!Number.isSafeInteger(t)) throw new RangeError(`chunk timestamp must be an integer number of ms, got ${t}`);
    if (t < this.lastT || this.isFull) return false;
    scratchF64[0] = v;
    const hi = scratchU32[HI];
    const lo = scratchU32[LO];
    const w = this.writer;
    if (this.n === 0) {
      writeSignedVarint(w, t);
      this.firstT = t;
      this.writeFirstValue(w, v, hi, lo);
    } else {
      const delta = t - this.lastT;
      // Only for spans beyond 285,000 years, where the subtraction itself may round.
      if (delta > MAX_SAFE) throw new RangeError(`chunk spans more than 2^53 ms: ${this.lastT} to ${t}`);
      if (this.n === 1) writeVarint(w, delta);
      else writeDeltaOfDelta(w, delta - this.lastDelta);
      this.lastDelta = delta;
      if (this.scale === FLOAT) this.writeXor(w, hi, lo);
      else this.writeDecimal(w, v, hi, lo);
    }
    this.lastT = t;
    this.lastHi = hi;
    this.lastLo = lo;
    this.n++;
    return true;
  }

  /** The encoded chunk so far (a copy: the appender stays usable). */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.byteLength);
    const at = putUvarint(out, 0, this.n);
    this.writer.copyTo(out, at);
    return out;
  }

  /**
   * sealChunk's path, apart from append so that the head's appends stay as they were: appends
   * the next of timestamps that gridOf found on `grid` (sample 0 writes the grid). The bytes
   * then need the format-1 prefix.
   */
  appendOnGrid(t: number, v: number, grid: Grid): void {
    scratchF64[0] = v;
    const hi = scratchU32[HI];
    const lo = scratchU32[LO];
    const w = this.writer;
    if (this.n === 0) {
      writeSignedVarint(w, t);
      this.firstT = t;
      writeVarint(w, grid.interval);
      writeSignedVarint(w, grid.base);
      w.writeBits(grid.width, 6);
      this.writeFirstValue(w, v, hi, lo);
    } else {
      const offset = t - (this.firstT + grid.base + this.n * grid.interval);
      if (!(offset >= 0 && offset < 2 ** grid.width)) throw new RangeError(`timestamp ${t} is off the chunk's grid`);
      w.writeBits(offset, grid.width);
      if (this.scale === FLOAT) this.writeXor(w, hi, lo);
      else this.writeDecimal(w, v, hi, lo);
    }
    this.lastT = t;
    this.lastHi = hi;
    this.lastLo = lo;
    this.n++;
  }

  private writeFirstValue(w: BitWriter, v: number, hi: number, lo: number): void {
    this.scale = this.decimal ? this.scaleOf(v, 0) : FLOAT;
    w.writeBits(this.scale, 3);
    if (this.scale === FLOAT) {
      w.writeBits(hi, 32);
      w.writeBits(lo, 32);
    } else {
      this.lastM = this.foundM;
      writeSignedVarint(w, this.foundM);
    }
  }

  private writeDecimal(w: BitWriter, v: number, hi: number, lo: number): void {
    const p = POW10[this.scale];
    const m = Math.round(v * p);
    if (isExact(v, m, p)) {
      const delta = m - this.lastM;
      this.lastM = m;
      if (delta === 0) w.writeBit(0);
      else if (delta >= -32 && delta <= 31) w.writeBits((0b10 << 6) | (delta & 0x3f), 8);
      else if (delta >= -4096 && delta <= 4095) w.writeBits((0b110 << 13) | (delta & 0x1fff), 16);
      else if (delta >= -524288 && delta <= 524287) w.writeBits((0b1110 << 20) | (delta & 0xfffff), 24);
      else if (delta >= -0x80000000 && delta <= 0x7fffffff) {
        w.writeBits(0b11110, 5);
        w.writeBits(delta, 32);
      } else {
        w.writeBits((0b11111 << 3) | this.scale, 8);
        writeSignedVarint(w, m);
      }
      return;
    }
    this.scale = this.scaleOf(v, this.scale + 1);
    w.writeBits((0b11111 << 3) | this.scale, 8);
    if (this.scale === FLOAT) {
      this.writeXor(w, hi, lo);
    } else {
      this.lastM = this.foundM;
      writeSignedVarint(w, this.foundM);
    }
  }

  /** Smallest scale from `from` at which `v` is exactly m / 10^scale (m left in foundM); FLOAT if none. */
  private scaleOf(v: number, from: number): number {
    for (let scale = from; scale <= MAX_SCALE; scale++) {
      const p = POW10[scale];
      const m = Math.round(v * p);
      if (isExact(v, m, p)) {
        this.foundM = m;
        return scale;
      }
    }
    return FLOAT;
  }

  private writeXor(w: BitWriter, hi: number, lo: number): void {
    const xh = (hi ^ this.lastHi) >>> 0;
    const xl = (lo ^ this.lastLo) >>> 0;
    if ((xh | xl) === 0) {
      w.writeBit(0);
      return;
    }
    let leading = xh !== 0 ? Math.clz32(xh) : 32 + Math.clz32(xl);
    if (leading > 31) leading = 31; // 5 bits; the extra zeros go into the meaningful bits
    const trailing = xl !== 0 ? ctz32(xl) : 32 + ctz32(xh);
    if (this.leading >= 0 && leading >= this.leading && trailing >= this.trailing) {
      w.writeBits(0b10, 2);
      writeShifted(w, xh, xl, this.trailing, 64 - this.leading - this.trailing);
      return;
    }
    const length = 64 - leading - trailing;
    w.writeBits((0b11 << 11) | (leading << 6) | (length & 63), 13);
    writeShifted(w, xh, xl, trailing, length);
    this.leading = leading;
    this.trailing = trailing;
  }
}

/**
 * Walks a chunk's samples without allocating per sample:
 * `while (it.next()) use(it.t, it.v)`. `reset` reuses one iterator across chunks.
 */
export class ChunkIterator {
  /** Timestamp of the current sample (epoch ms); NaN before the first `next()`. */
  t = NaN;
  /** Value of the current sample. */
  v = NaN;
  private readonly reader = new BitReader();
  private total = 0;
  private index = 0;
  private delta = 0;
  private scale = FLOAT;
  private m = 0;
  /** Bits of the current value, in float mode. */
  private hi = 0;
  private lo = 0;
  private leading = 0;
  private trailing = 0;
  /** Formats 1 and 2: timestamps on a grid from t0 (t0 + base, then + interval per sample). */
  private gridded = false;
  /** Format 2: the grid and decimal values in whole bytes, read from `bytes` at `at` (not through the bit reader). */
  private packed = false;
  private bytes: Uint8Array = new Uint8Array(0);
  private at = 0;
  private t0 = 0;
  private interval = 0;
  private base = 0;
  private width = 0;

  constructor(bytes?: Uint8Array) {
    if (bytes !== undefined) this.reset(bytes);
  }

  /** Starts over on `bytes`; throws a RangeError if the header is corrupt. */
  reset(bytes: Uint8Array): void {
    let count = 0;
    let at = 0;
    this.gridded = bytes.length > 1 && bytes[0] === 0;
    this.packed = this.gridded && bytes[1] === PACKED_FORMAT;
    if (this.gridded) {
      if (bytes[1] !== GRID_FORMAT && !this.packed) throw new RangeError(`chunk format ${bytes[1]} is unknown`);
      at = 2;
    }
    for (let weight = 1; ; weight *= 128) {
      if (at >= bytes.length || weight > 2 ** 28) throw new RangeError('chunk header is truncated or corrupt');
      const b = bytes[at++];
      count += (b & 127) * weight;
      if (b < 128) break;
    }
    // Every sample after the first takes at least two bits (one on a grid): cheap protection against a bogus count.
    if (count > 1 + (bytes.length - at) * (this.gridded ? 8 : 4)) throw new RangeError(`chunk header claims ${count} samples in ${bytes.length} bytes`);
    this.reader.reset(bytes, at);
    this.bytes = bytes;
    this.at = at;
    this.total = count;
    this.index = 0;
    this.t = NaN;
    this.v = NaN;
  }

  /** Samples in the chunk. */
  get count(): number {
    return this.total;
  }

  /** Moves to the next sample; false at the end. Throws a RangeError on corrupt input. */
  next(): boolean {
    if (this.index >= this.total) return false;
    this.step();
    if (this.scale === FLOAT) {
      scratchU32[HI] = this.hi;
      scratchU32[LO] = this.lo;
      this.v = scratchF64[0];
    }
    return true;
  }

  /** Moves to the first sample at or after `t`; false if there is none. */
  seek(t: number): boolean {
    if (this.index > 0 && this.t >= t) return true;
    while (this.next()) if (this.t >= t) return true;
    return false;
  }

  /**
   * Decodes the remaining samples into `timestamps`/`values` from `offset` (e.g. to merge
   * several chunks into one column). Float-mode values are copied as bits, so NaN payloads
   * survive exactly. Returns the number of samples written.
   */
  readInto(timestamps: Float64Array, values: Float64Array, offset = 0): number {
    const n = this.total - this.index;
    if (offset < 0 || offset + n > timestamps.length || offset + n > values.length) {
      throw new RangeError(`readInto: ${n} samples do not fit at offset ${offset}`);
    }
    const bits = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
    for (let i = offset; i < offset + n; i++) {
      this.step();
      timestamps[i] = this.t;
      if (this.scale === FLOAT) {
        bits[2 * i + HI] = this.hi;
        bits[2 * i + LO] = this.lo;
      } else {
        values[i] = this.v;
      }
    }
    if (n > 0 && this.scale === FLOAT) {
      scratchU32[HI] = this.hi;
      scratchU32[LO] = this.lo;
      this.v = scratchF64[0];
    }
    return n;
  }

  /** Decodes the next sample: t, and v (decimal mode) or hi/lo (float mode). */
  private step(): void {
    const r = this.reader;
    const i = this.index++;
    if (this.packed) return this.stepPacked(i);
    if (i === 0) {
      this.t = readSignedVarint(r);
      if (this.gridded) {
        this.t0 = this.t;
        this.interval = readVarint(r);
        this.base = readSignedVarint(r);
        this.width = r.readBits(6);
        if (this.width > MAX_GRID_WIDTH) throw new RangeError('chunk is corrupt: grid width over 32 bits');
      }
      this.scale = r.readBits(3);
      if (this.scale === FLOAT) {
        this.hi = r.readBits(32);
        this.lo = r.readBits(32);
      } else {
        this.setM(readSignedVarint(r));
      }
      return;
    }
    if (this.gridded) {
      const t = this.t0 + this.base + i * this.interval + r.readBits(this.width);
      if (!(t >= this.t) || !Number.isSafeInteger(t)) throw new RangeError('chunk is corrupt: timestamps go backwards');
      this.t = t;
    } else {
      if (i === 1) {
        this.delta = readVarint(r);
      } else {
        this.delta += readDeltaOfDelta(r);
        if (this.delta < 0) throw new RangeError('chunk is corrupt: timestamps go backwards');
      }
      this.t += this.delta;
    }
    if (this.scale === FLOAT) this.readXor(r);
    else this.readDecimal(r);
  }

  private stepPacked(i: number): void {
    if (i === 0) {
      this.t0 = this.t = unfold(this.byteVarint());
      this.interval = this.byteVarint();
      this.base = unfold(this.byteVarint());
      if (this.at >= this.bytes.length || (this.scale = this.bytes[this.at++]) > MAX_SCALE) throw new RangeError('chunk is corrupt: no scale or over 6');
      return this.setM(unfold(this.byteVarint()));
    }
    const t = this.t0 + this.base + i * this.interval + this.byteVarint();
    if (!(t >= this.t) || !Number.isSafeInteger(t)) throw new RangeError('chunk is corrupt: timestamps go backwards');
    this.t = t;
    this.setM(this.m + unfold(this.byteVarint()));
  }

  /** A varint of format 2, one byte in the common case. */
  private byteVarint(): number {
    const bytes = this.bytes;
    if (this.at < bytes.length && bytes[this.at] < 128) return bytes[this.at++];
    const [x, at] = getUvarint(bytes, this.at);
    this.at = at;
    return x;
  }

  private readDecimal(r: BitReader): void {
    if (r.readBit() === 0) return;
    if (r.readBit() === 0) return this.setM(this.m + r.readSignedBits(6));
    if (r.readBit() === 0) return this.setM(this.m + r.readSignedBits(13));
    if (r.readBit() === 0) return this.setM(this.m + r.readSignedBits(20));
    if (r.readBit() === 0) return this.setM(this.m + r.readSignedBits(32));
    const scale = r.readBits(3);
    if (scale !== FLOAT) {
      this.scale = scale;
      return this.setM(readSignedVarint(r));
    }
    // Float mode from here: XOR against the bits of the last decimal value.
    scratchF64[0] = this.v;
    this.hi = scratchU32[HI];
    this.lo = scratchU32[LO];
    this.scale = FLOAT;
    this.readXor(r);
  }

  private setM(m: number): void {
    this.m = m;
    this.v = m / POW10[this.scale];
  }

  private readXor(r: BitReader): void {
    if (r.readBit() === 0) return;
    if (r.readBit() === 1) {
      const header = r.readBits(11);
      const leading = header >>> 6;
      const length = header & 63 || 64;
      if (leading + length > 64) throw new RangeError('chunk is corrupt: XOR window exceeds 64 bits');
      this.leading = leading;
      this.trailing = 64 - leading - length;
    }
    const length = 64 - this.leading - this.trailing;
    let vh = 0;
    let vl: number;
    if (length > 32) {
      vh = r.readBits(length - 32);
      vl = r.readBits(32);
    } else {
      vl = r.readBits(length);
    }
    const shift = this.trailing;
    if (shift === 0) {
      this.hi = (this.hi ^ vh) >>> 0;
      this.lo = (this.lo ^ vl) >>> 0;
    } else if (shift < 32) {
      this.hi = (this.hi ^ ((vh << shift) | (vl >>> (32 - shift)))) >>> 0;
      this.lo = (this.lo ^ (vl << shift)) >>> 0;
    } else {
      this.hi = (this.hi ^ (vl << (shift - 32))) >>> 0;
    }
  }
}

/** Encodes a whole series into one chunk (no size limits); throws if timestamps go backwards. */
export function encodeChunk(timestamps: ArrayLike<number>, values: ArrayLike<number>, options: { decimal?: boolean } = {}): Uint8Array {
  if (timestamps.length !== values.length) throw new RangeError('encodeChunk: timestamps and values differ in length');
  const appender = new ChunkAppender({ maxSamples: Infinity, maxBytes: Infinity, decimal: options.decimal });
  for (let i = 0; i < timestamps.length; i++) {
    if (!appender.append(timestamps[i], values[i])) throw new RangeError(`encodeChunk: timestamp ${i} goes backwards`);
  }
  return appender.bytes();
}

export function decodeChunk(bytes: Uint8Array): DecodedChunk {
  const it = new ChunkIterator(bytes);
  // One allocation for both columns.
  const buffer = new ArrayBuffer(16 * it.count);
  const timestamps = new Float64Array(buffer, 0, it.count);
  const values = new Float64Array(buffer, 8 * it.count, it.count);
  it.readInto(timestamps, values);
  return { timestamps, values };
}

/**
 * The chunk to store in a compressed page: a format-0 chunk re-encoded packed (format 2) when its
 * samples qualify, else with grid timestamps when that is smaller (values by the same rules),
 * else the same bytes. For chunks that are complete (a checkpoint, a compaction): the appender
 * writes delta-of-delta, not knowing the samples to come.
 */
export function sealChunk(bytes: Uint8Array): Uint8Array {
  // Already sealed, or too few samples for a grid (a one-byte count below 3).
  if (bytes[0] < 3) return bytes;
  const { timestamps, values } = decodeChunk(bytes);
  return packedChunk(timestamps, values) ?? gridChunk(bytes, timestamps, values);
}

function gridChunk(bytes: Uint8Array, timestamps: Float64Array, values: Float64Array): Uint8Array {
  const grid = gridOf(timestamps);
  if (grid === undefined) return bytes;
  const appender = new ChunkAppender({ maxSamples: Infinity, maxBytes: Infinity });
  for (let i = 0; i < timestamps.length; i++) appender.appendOnGrid(timestamps[i], values[i], grid);
  if (2 + appender.byteLength >= bytes.length) return bytes;
  const out = new Uint8Array(2 + appender.byteLength);
  out[1] = GRID_FORMAT;
  out.set(appender.bytes(), 2);
  return out;
}

/** Format 2 of the samples, if every value is m / 10^d at one scale d with |m| < MAX_PACKED_M and the offsets from a grid spread less than MAX_PACKED_SPREAD. */
function packedChunk(t: Float64Array, v: Float64Array): Uint8Array | undefined {
  const n = t.length;
  const { interval, low, high } = gridSpread(t);
  if (high - low >= MAX_PACKED_SPREAD || Math.abs(t[0]) + Math.abs(low) + (n - 1) * interval + MAX_PACKED_SPREAD > MAX_PACKED_M) return undefined;
  const scale = commonScale(v);
  if (scale === FLOAT) return undefined;
  const p = POW10[scale];
  const w = new BitWriter(2 * n + 16);
  writeFolded(w, t[0]);
  writeVarint(w, interval);
  writeFolded(w, low);
  w.writeBits(scale, 8);
  let last = Math.round(v[0] * p);
  writeFolded(w, last);
  for (let i = 1; i < n; i++) {
    writeVarint(w, t[i] - t[0] - low - i * interval);
    const m = Math.round(v[i] * p);
    writeFolded(w, m - last);
    last = m;
  }
  const out = new Uint8Array(2 + uvarintLength(n) + w.byteLength);
  out[1] = PACKED_FORMAT;
  w.copyTo(out, putUvarint(out, 2, n));
  return out;
}

/** The smallest decimal scale at which every value is exactly m / 10^scale with |m| < MAX_PACKED_M; FLOAT if there is none. */
function commonScale(v: Float64Array): number {
  let scale = 0;
  for (let i = 0; i < v.length; i++) {
    while (scale <= MAX_SCALE && !isPackable(v[i], POW10[scale])) scale++;
    if (scale > MAX_SCALE) return FLOAT;
  }
  // A value found exact at a smaller scale is one at this scale too (the same rational), but check its m.
  for (let i = 0; i < v.length; i++) if (!isPackable(v[i], POW10[scale])) return FLOAT;
  return scale;
}

function isPackable(v: number, p: number): boolean {
  const m = Math.round(v * p);
  return Math.abs(m) < MAX_PACKED_M && isExact(v, m, p);
}

/**
 * The grid of the chunk's timestamps (I: the mean interval; B: the smallest offset), if its
 * timestamps cost fewer bits on it than as delta-of-delta and every sum on it is exact.
 */
function gridOf(t: Float64Array): Grid | undefined {
  const n = t.length;
  if (n < 3) return undefined;
  const { interval, low, high } = gridSpread(t);
  if (high - low >= 2 ** MAX_GRID_WIDTH) return undefined;
  let deltaBits = 8 * uvarintLength(t[1] - t[0]);
  for (let i = 2; i < n; i++) deltaBits += deltaOfDeltaBits(t[i] - 2 * t[i - 1] + t[i - 2]);
  const width = 32 - Math.clz32(high - low);
  if (Math.abs(t[0]) + Math.abs(low) + (n - 1) * interval + 2 ** width > MAX_SAFE) return undefined;
  const gridBits = 16 + 8 * uvarintLength(interval) + 1 + 8 * uvarintLength(Math.abs(low)) + 6 + (n - 1) * width;
  return gridBits < deltaBits ? { interval, base: low, width } : undefined;
}

/** The mean interval I of (at least two) timestamps, and their smallest and largest offset from t0 + i * I. */
function gridSpread(t: Float64Array): { interval: number; low: number; high: number } {
  const n = t.length;
  const interval = Math.round((t[n - 1] - t[0]) / (n - 1));
  let low = Infinity;
  let high = -Infinity;
  for (let i = 1; i < n; i++) {
    const offset = t[i] - t[0] - i * interval;
    low = Math.min(low, offset);
    high = Math.max(high, offset);
  }
  return { interval, low, high };
}

/** Bits writeDeltaOfDelta spends on `dod`. */
function deltaOfDeltaBits(dod: number): number {
  if (dod === 0) return 1;
  if (dod >= -64 && dod <= 63) return 9;
  if (dod >= -2048 && dod <= 2047) return 15;
  if (dod >= -524288 && dod <= 524287) return 24;
  return dod > ESCAPE_32 && dod <= 0x7fffffff ? 36 : 100;
}

/** v is exactly m / p, survives the round trip as the same bits, and m is a safe integer. */
function isExact(v: number, m: number, p: number): boolean {
  // m / p === v fails for NaN; -0 compares equal to 0 but would come back as +0.
  return m / p === v && m <= MAX_SAFE && m >= -MAX_SAFE && (v !== 0 || 1 / v > 0);
}

function writeDeltaOfDelta(w: BitWriter, dod: number): void {
  if (dod === 0) {
    w.writeBit(0);
  } else if (dod >= -64 && dod <= 63) {
    w.writeBits((0b10 << 7) | (dod & 0x7f), 9);
  } else if (dod >= -2048 && dod <= 2047) {
    w.writeBits((0b110 << 12) | (dod & 0xfff), 15);
  } else if (dod >= -524288 && dod <= 524287) {
    w.writeBits((0b1110 << 20) | (dod & 0xfffff), 24);
  } else if (dod > ESCAPE_32 && dod <= 0x7fffffff) {
    w.writeBits(0b1111, 4);
    w.writeBits(dod, 32);
  } else {
    w.writeBits(0b1111, 4);
    w.writeBits(ESCAPE_32, 32);
    w.writeBits(dod, 64);
  }
}

function readDeltaOfDelta(r: BitReader): number {
  if (r.readBit() === 0) return 0;
  if (r.readBit() === 0) return r.readSignedBits(7);
  if (r.readBit() === 0) return r.readSignedBits(12);
  if (r.readBit() === 0) return r.readSignedBits(20);
  const dod = r.readSignedBits(32);
  return dod === ESCAPE_32 ? r.readInt64() : dod;
}

/**
 * A safe integer as a sign bit and a varint of its magnitude. Zigzag would need 54 bits of
 * precision: -(2^53 - 1) maps to the odd 2^54 - 3, which a double cannot hold.
 */
function writeSignedVarint(w: BitWriter, x: number): void {
  w.writeBit(x < 0 ? 1 : 0);
  writeVarint(w, Math.abs(x));
}

function readSignedVarint(r: BitReader): number {
  const negative = r.readBit() === 1;
  const x = readVarint(r);
  return negative ? -x : x;
}

/** An integer of magnitude below 2^52 as a varint of 2x (x >= 0) or -2x - 1, in whole bytes (zigzag without bit operations, which stop at 32 bits). */
function writeFolded(w: BitWriter, x: number): void {
  writeVarint(w, x >= 0 ? 2 * x : -2 * x - 1);
}

function unfold(f: number): number {
  return f % 2 === 0 ? f / 2 : -(f + 1) / 2;
}

/** Writes a non-negative safe integer as 7-bit groups, least significant first, high bit = more follows. */
function writeVarint(w: BitWriter, x: number): void {
  while (x >= 128) {
    w.writeBits((x % 128) | 128, 8);
    x = Math.floor(x / 128);
  }
  w.writeBits(x, 8);
}

function readVarint(r: BitReader): number {
  let x = 0;
  for (let weight = 1; weight <= 2 ** 49; weight *= 128) {
    const b = r.readBits(8);
    x += (b & 127) * weight;
    if (b < 128) return x;
  }
  throw new RangeError('chunk is corrupt: varint longer than 8 bytes');
}

/** Writes the `length` low bits of the 64-bit (xh:xl) shifted right by `shift`. */
function writeShifted(w: BitWriter, xh: number, xl: number, shift: number, length: number): void {
  let hi: number;
  let lo: number;
  if (shift === 0) {
    hi = xh;
    lo = xl;
  } else if (shift < 32) {
    hi = xh >>> shift;
    lo = (xl >>> shift) | (xh << (32 - shift));
  } else {
    hi = 0;
    lo = xh >>> (shift - 32);
  }
  if (length > 32) {
    w.writeBits(hi, length - 32);
    w.writeBits(lo, 32);
  } else {
    w.writeBits(lo, length);
  }
}

/** Trailing zeros of a non-zero 32-bit integer. */
function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}
