/**
 * Bit-granular streams for chunk encodings. Bits are packed most significant
 * first, so a stream read back byte by byte keeps the order it was written in.
 *
 * Both sides work on 32-bit words with integer bit operations: numbers wider than
 * 32 bits are split into two halves with exact float arithmetic instead of BigInt,
 * which would allocate on every call.
 */

const TWO_32 = 4294967296;

/** Appends bits to a growable buffer. */
export class BitWriter {
  private buf: Uint8Array;
  /** Whole bytes written to `buf`. */
  private pos = 0;
  /** Pending bits, right-aligned; fewer than 32 of them. */
  private acc = 0;
  private accBits = 0;

  constructor(initialBytes = 64) {
    this.buf = new Uint8Array(Math.max(4, initialBytes));
  }

  get bitLength(): number {
    return this.pos * 8 + this.accBits;
  }

  /** Bytes `finish()` would return: the bit length rounded up. */
  get byteLength(): number {
    return this.pos + ((this.accBits + 7) >>> 3);
  }

  writeBit(bit: number): void {
    this.acc = (this.acc << 1) | (bit & 1);
    if (++this.accBits === 32) this.flushWord();
  }

  /**
   * Writes the low `nbits` (0..64) bits of `value`. Up to 32 bits any number
   * works (it is taken modulo 2^32); wider writes need a safe integer, and a
   * negative one is written in two's complement.
   */
  writeBits(value: number, nbits: number): void {
    if (nbits > 32) return this.writeWide(value, nbits);
    if (nbits <= 0) return;
    const v = (value & (0xffffffff >>> (32 - nbits))) >>> 0;
    const free = 32 - this.accBits;
    if (nbits < free) {
      this.acc = (this.acc << nbits) | v;
      this.accBits += nbits;
      return;
    }
    // Fill the pending word with the top `free` bits, keep the rest pending.
    // free is 1..32 and rest 0..31, so no shift below reaches 32 (which JS would take modulo 32)
    // except acc << 32 when nothing is pending, and then acc is 0 anyway.
    const rest = nbits - free;
    this.acc = (this.acc << free) | (v >>> rest);
    this.flushWord();
    this.acc = v & ((1 << rest) - 1);
    this.accBits = rest;
  }

  /** Kept out of writeBits so that the common narrow write stays small enough to inline. */
  private writeWide(value: number, nbits: number): void {
    this.writeBits(Math.floor(value / TWO_32), nbits - 32);
    this.writeBits(value >>> 0, 32);
  }

  /** A copy of the bytes written so far, the last one zero-padded; the writer stays usable. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.byteLength);
    this.copyTo(out, 0);
    return out;
  }

  /** Copies what `finish()` would return into `target` at `offset`; returns the number of bytes copied. */
  copyTo(target: Uint8Array, offset: number): number {
    target.set(this.buf.subarray(0, this.pos), offset);
    let at = offset + this.pos;
    // Left-align the pending bits and emit the bytes they touch.
    let bits = this.accBits;
    const word = bits === 0 ? 0 : (this.acc << (32 - bits)) >>> 0;
    for (let shift = 24; bits > 0; shift -= 8, bits -= 8) target[at++] = (word >>> shift) & 0xff;
    return at - offset;
  }

  private flushWord(): void {
    if (this.pos + 4 > this.buf.length) {
      const grown = new Uint8Array(this.buf.length * 2);
      grown.set(this.buf);
      this.buf = grown;
    }
    const word = this.acc;
    const buf = this.buf;
    buf[this.pos] = word >>> 24;
    buf[this.pos + 1] = word >>> 16;
    buf[this.pos + 2] = word >>> 8;
    buf[this.pos + 3] = word;
    this.pos += 4;
    this.acc = 0;
    this.accBits = 0;
  }
}

/**
 * Reads bits written by `BitWriter`. Reading past the end throws a RangeError:
 * chunks come from storage, and a truncated one must not decode as zeros.
 */
export class BitReader {
  private bytes: Uint8Array = new Uint8Array(0);
  /** Next byte to load into `cur`. */
  private pos = 0;
  /** Unread bits, right-aligned in the low `avail` bits. */
  private cur = 0;
  private avail = 0;

  constructor(bytes?: Uint8Array, byteOffset = 0) {
    if (bytes !== undefined) this.reset(bytes, byteOffset);
  }

  /** Starts reading `bytes` from `byteOffset`, so one reader can serve many chunks. */
  reset(bytes: Uint8Array, byteOffset = 0): void {
    this.bytes = bytes;
    this.pos = byteOffset;
    this.cur = 0;
    this.avail = 0;
  }

  /** Bits left before the end of the input. */
  get remainingBits(): number {
    return this.avail + (this.bytes.length - this.pos) * 8;
  }

  readBit(): number {
    if (this.avail === 0) this.load();
    return (this.cur >>> --this.avail) & 1;
  }

  /** Reads `nbits` (0..32) bits as an unsigned integer. */
  readBits(nbits: number): number {
    if (nbits <= 0) return 0;
    if (nbits <= this.avail) {
      this.avail -= nbits;
      return ((this.cur >>> this.avail) & (0xffffffff >>> (32 - nbits))) >>> 0;
    }
    // Take what is left of this word (fewer than nbits, so fewer than 32), then the rest from the next.
    const head = this.cur & ((1 << this.avail) - 1);
    const need = nbits - this.avail;
    this.avail = 0;
    this.load();
    if (this.avail < need) throw new RangeError('BitReader: read past the end of the input');
    this.avail -= need;
    const tail = (this.cur >>> this.avail) & (0xffffffff >>> (32 - need));
    return need === 32 ? tail >>> 0 : ((head << need) | tail) >>> 0;
  }

  /** Reads `nbits` (1..32) bits as a two's complement integer. */
  readSignedBits(nbits: number): number {
    const shift = 32 - nbits;
    return (this.readBits(nbits) << shift) >> shift;
  }

  /** Reads 64 bits as a two's complement integer; exact when the value is a safe integer. */
  readInt64(): number {
    const hi = this.readBits(32) | 0;
    return hi * TWO_32 + this.readBits(32);
  }

  /** Loads the next (up to) four bytes; only called with no bits pending. */
  private load(): void {
    const bytes = this.bytes;
    const pos = this.pos;
    if (pos + 4 <= bytes.length) {
      this.cur = (bytes[pos] << 24) | (bytes[pos + 1] << 16) | (bytes[pos + 2] << 8) | bytes[pos + 3];
      this.avail = 32;
      this.pos = pos + 4;
      return;
    }
    if (pos >= bytes.length) throw new RangeError('BitReader: read past the end of the input');
    let cur = 0;
    let n = 0;
    for (let i = pos; i < bytes.length; i++, n += 8) cur = (cur << 8) | bytes[i];
    this.cur = cur;
    this.avail = n;
    this.pos = bytes.length;
  }
}
