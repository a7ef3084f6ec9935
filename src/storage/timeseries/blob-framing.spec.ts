import { seededRandom } from '../../../test/support/seeded-random';
import { frame, FrameReader } from './blob-framing';

const bytesOf = (random: () => number, n: number): Uint8Array => Uint8Array.from({ length: n }, () => Math.floor(random() * 256));

/** Reads back a blob framed with a header of payload lengths. */
function unframe(bytes: Uint8Array): { header: unknown; payloads: number[][] } {
  const reader = new FrameReader<{ lengths: number[]; note?: string }>(bytes, 'blob');
  return { header: reader.header, payloads: reader.header.lengths.map((length, i) => Array.from(reader.next(length, `payload ${i}`))) };
}

describe('frame / FrameReader', () => {
  it('lays out a uint32 LE header length, the JSON header, then the payloads back to back', () => {
    const blob = frame({ a: 1 }, [Uint8Array.from([7, 8]), Uint8Array.from([9])]);
    expect(blob.readUInt32LE(0)).toBe(7);
    expect(blob.toString('utf8', 4, 11)).toBe('{"a":1}');
    expect(Array.from(blob.subarray(11))).toEqual([7, 8, 9]);
  });

  it('round-trips random headers and payloads, also from a view at an offset in a larger buffer', () => {
    const random = seededRandom(21);
    for (let round = 0; round < 30; round++) {
      const payloads = Array.from({ length: Math.floor(random() * 10) }, () => bytesOf(random, Math.floor(random() * 200)));
      const header = { lengths: payloads.map((p) => p.length), note: `ä ☃ "${round}" \\` };
      const blob = frame(header, payloads);
      const expected = { header, payloads: payloads.map((p) => Array.from(p)) };
      expect(unframe(blob)).toEqual(expected);
      const big = new Uint8Array(blob.length + 40).fill(0xee);
      big.set(blob, 13);
      expect(unframe(big.subarray(13, 13 + blob.length))).toEqual(expected);
    }
  });

  it('frames no payloads', () => {
    expect(unframe(frame({ lengths: [] }, []))).toEqual({ header: { lengths: [] }, payloads: [] });
  });

  it('gives each payload as a view into the blob, not a copy', () => {
    const blob = frame({ lengths: [2] }, [Uint8Array.from([1, 2])]);
    const payload = new FrameReader<unknown>(blob, 'blob').next(2, 'it');
    expect(payload.buffer).toBe(blob.buffer);
  });

  it('throws on every truncation, naming what was cut off', () => {
    const random = seededRandom(4);
    const payloads = [bytesOf(random, 3), bytesOf(random, 1), bytesOf(random, 5)];
    const blob = frame({ lengths: payloads.map((p) => p.length) }, payloads);
    for (let length = 0; length < blob.length; length++) expect(() => unframe(blob.subarray(0, length))).toThrow(/^blob is truncated/);
    expect(() => unframe(new Uint8Array(0))).toThrow('blob is truncated: no header length');
    expect(() => unframe(Uint8Array.from([9, 0, 0, 0, 123]))).toThrow('blob is truncated: header runs past the end');
    expect(() => unframe(blob.subarray(0, blob.length - 1))).toThrow('blob is truncated: payload 2 runs past the end');
  });
});
