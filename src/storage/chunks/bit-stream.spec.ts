import { BitReader, BitWriter } from './bit-stream';
import { seededRandom } from '../../../test/support/seeded-random';

/** Reference encoding: the low `nbits` of `value` as a '0'/'1' string, via BigInt. */
function bitString(value: number, nbits: number): string {
  if (nbits <= 0) return '';
  return BigInt.asUintN(nbits, BigInt(value)).toString(2).padStart(nbits, '0');
}

function packBits(bits: string): Uint8Array {
  const out = new Uint8Array(Math.ceil(bits.length / 8));
  for (let i = 0; i < bits.length; i++) if (bits[i] === '1') out[i >> 3] |= 0x80 >> (i & 7);
  return out;
}

const equalBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

describe('BitWriter / BitReader', () => {
  it('packs bits most significant first and pads the last byte with zeros', () => {
    const w = new BitWriter();
    w.writeBit(1);
    w.writeBits(0b01, 2);
    w.writeBits(0b11111, 5);
    w.writeBits(0b101, 3);
    expect(w.bitLength).toBe(11);
    expect(w.byteLength).toBe(2);
    expect(Array.from(w.finish())).toEqual([0b10111111, 0b10100000]);
  });

  it('writes nothing for zero bits and keeps only the low bits of wider values', () => {
    const w = new BitWriter();
    w.writeBits(0xffffffff, 0);
    expect(w.finish()).toEqual(new Uint8Array(0));
    w.writeBits(0xfff5, 4);
    w.writeBits(-1, 4);
    expect(Array.from(w.finish())).toEqual([0x5f]);
  });

  it('crosses byte and 32-bit word boundaries at every offset', () => {
    const failures: string[] = [];
    for (let offset = 0; offset < 40; offset++) {
      for (const nbits of [1, 7, 8, 9, 31, 32, 33, 53, 63, 64]) {
        const w = new BitWriter(4);
        w.writeBits(0, offset);
        const value = nbits > 53 ? -0x5a5a5a5a5a5 : 2 ** Math.min(nbits, 53) - 1 - 0x2a;
        w.writeBits(value, nbits);
        w.writeBit(1);
        const expected = '0'.repeat(offset) + bitString(value, nbits) + '1';
        const bytes = w.finish();
        const r = new BitReader(bytes);
        const skipped = r.readBits(Math.min(offset, 32)) + r.readBits(offset - 32);
        const got = nbits > 32 ? bitString(r.readBits(nbits - 32), nbits - 32) + bitString(r.readBits(32), 32) : bitString(r.readBits(nbits), nbits);
        const last = r.readBit();
        if (!equalBytes(bytes, packBits(expected)) || skipped !== 0 || got !== bitString(value, nbits) || last !== 1) {
          failures.push(`offset ${offset}, ${nbits} bits`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('round-trips random writes of 0..64 bits against a reference encoding', () => {
    const random = seededRandom(7);
    for (let round = 0; round < 50; round++) {
      const w = new BitWriter(1);
      const writes: [number, number][] = [];
      let expected = '';
      for (let i = 0; i < 300; i++) {
        const nbits = Math.floor(random() * 65);
        // Wide writes take safe integers, negative ones in two's complement.
        const magnitude = Math.floor(random() * 2 ** Math.min(nbits, 52));
        const value = nbits > 32 && random() < 0.5 ? -magnitude : magnitude;
        w.writeBits(value, nbits);
        writes.push([value, nbits]);
        expected += bitString(value, nbits);
      }
      expect(w.bitLength).toBe(expected.length);
      const bytes = w.finish();
      expect(equalBytes(bytes, packBits(expected))).toBe(true);

      const r = new BitReader(bytes);
      const read = writes.map(([, nbits]) => {
        const hi = nbits > 32 ? r.readBits(nbits - 32) : 0;
        return bitString(hi, nbits - 32) + bitString(r.readBits(Math.min(nbits, 32)), Math.min(nbits, 32));
      });
      expect(read.join('')).toBe(expected);
      expect(r.remainingBits).toBe(bytes.length * 8 - expected.length);
    }
  });

  it("writes 64-bit two's complement values and reads them back as signed integers", () => {
    const values = [0, 1, -1, 2 ** 32, -(2 ** 32), 2 ** 32 + 5, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, -0x80000000, 0x7fffffff];
    const w = new BitWriter();
    w.writeBit(1); // misalign everything
    for (const v of values) w.writeBits(v, 64);
    const bytes = w.finish();
    expect(bytes.length).toBe(1 + values.length * 8);
    const r = new BitReader(bytes);
    expect(r.readBit()).toBe(1);
    for (const v of values) expect(r.readInt64()).toBe(v);

    const ones = new BitWriter();
    ones.writeBits(-1, 64);
    expect(Array.from(ones.finish())).toEqual(new Array(8).fill(0xff));
  });

  it("reads two's complement fields of 1..32 bits", () => {
    const w = new BitWriter();
    for (let n = 1; n <= 32; n++) {
      w.writeBits(-1, n);
      w.writeBits(n === 1 ? 0 : 2 ** (n - 1) - 1, n); // the largest positive value
    }
    const r = new BitReader(w.finish());
    for (let n = 1; n <= 32; n++) {
      expect(r.readSignedBits(n)).toBe(-1);
      expect(r.readSignedBits(n)).toBe(n === 1 ? 0 : 2 ** (n - 1) - 1);
    }
  });

  it('finish() is a snapshot: the writer keeps appending and copyTo places the same bytes', () => {
    const w = new BitWriter(1);
    w.writeBits(0xabc, 12);
    const first = w.finish();
    w.writeBits(0xdef, 12);
    w.writeBits(0x12345678, 32);
    expect(Array.from(first)).toEqual([0xab, 0xc0]);
    expect(Array.from(w.finish())).toEqual([0xab, 0xcd, 0xef, 0x12, 0x34, 0x56, 0x78]);

    const target = new Uint8Array(10).fill(0xee);
    expect(w.copyTo(target, 2)).toBe(7);
    expect(Array.from(target)).toEqual([0xee, 0xee, 0xab, 0xcd, 0xef, 0x12, 0x34, 0x56, 0x78, 0xee]);
  });

  it('grows past its initial capacity', () => {
    const w = new BitWriter(1);
    for (let i = 0; i < 1000; i++) w.writeBits(i, 32);
    const r = new BitReader(w.finish());
    const read = Array.from({ length: 1000 }, () => r.readBits(32));
    expect(read).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('throws a RangeError when reading past the end, including mid-word', () => {
    expect(() => new BitReader(new Uint8Array(0)).readBit()).toThrow(RangeError);
    const r = new BitReader(new Uint8Array([1, 2, 3, 4, 5]));
    expect(r.readBits(30)).toBe(0x01020304 >>> 2);
    expect(r.readBits(10)).toBe(0x05); // the low 2 bits of 0x04, then 0x05
    expect(r.remainingBits).toBe(0);
    expect(() => r.readBits(1)).toThrow(RangeError);

    const short = new BitReader(new Uint8Array([0xff, 0xff, 0xff]));
    expect(() => short.readBits(32)).toThrow(RangeError);
  });

  it('reads from a byte offset and can be reset to another input', () => {
    const r = new BitReader(new Uint8Array([0xff, 0x80]), 1);
    expect(r.remainingBits).toBe(8);
    expect(r.readBit()).toBe(1);
    r.reset(new Uint8Array([0x00, 0x01]));
    expect(r.readBits(16)).toBe(1);
  });
});
