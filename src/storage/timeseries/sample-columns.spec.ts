import { brotliCompressSync } from 'node:zlib';
import { seededRandom } from '../../../test/support/seeded-random';
import { encodeChunk } from '../chunks/gorilla-chunk';
import { decodeChunkList, encodeChunkList } from './part-codec';
import { decodeSampleColumns, rechunk } from './sample-columns';

const T0 = 1_718_000_000_000;

describe('rechunk', () => {
  it('keeps every sample, bit for bit and in the order reads see, for random and adversarial chunk lists', () => {
    const random = seededRandom(1313);
    const adversarial = [0, -0, NaN, Infinity, -Infinity, 5e-324, Number.MAX_VALUE, 0.1, 1e21, -7.25];
    for (let round = 0; round < 100; round++) {
      const chunks: Uint8Array[] = [];
      for (let c = 0; c < 1 + Math.floor(random() * 12); c++) {
        const times: number[] = [];
        const values: number[] = [];
        // Chunks overlap in time, as out-of-order samples and several checkpoints leave them; some share timestamps.
        let t = T0 + Math.floor(random() * 600_000);
        for (let i = 0; i < 1 + Math.floor(random() * 300); i++) {
          times.push((t += random() < 0.1 ? 0 : Math.floor(random() * 20_000)));
          values.push(round % 3 === 0 ? adversarial[Math.floor(random() * adversarial.length)] : Math.round(random() * 1000) / 10);
        }
        chunks.push(encodeChunk(times, values));
      }
      const before = decodeSampleColumns(encodeChunkList(chunks));
      const payload = rechunk(chunks);
      const after = decodeSampleColumns(payload);
      expect(after.times).toEqual(before.times);
      // Compared as bits: -0, NaN and denormals must survive.
      expect(Buffer.from(after.values.buffer)).toEqual(Buffer.from(before.values.buffer));
      expect(decodeChunkList(payload).length).toBeLessThanOrEqual(chunks.length);
    }
  });

  it('joins the small chunks of many checkpoints into few', () => {
    const chunks = Array.from({ length: 120 }, (_, c) => encodeChunk([T0 + c * 30_000, T0 + c * 30_000 + 10_000, T0 + c * 30_000 + 20_000], [1.5, 1.6, 1.4]));
    const payload = rechunk(chunks);
    expect(decodeChunkList(payload)).toHaveLength(1);
    // Packed, as pages that are kept are stored: compare compressed.
    const compressed = (bytes: Uint8Array) => brotliCompressSync(bytes).length;
    expect(compressed(payload)).toBeLessThan(compressed(encodeChunkList(chunks)) / 4);
  });
});
