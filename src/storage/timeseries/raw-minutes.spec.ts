import { seededRandom } from '../../../test/support/seeded-random';
import { encodeChunk } from '../chunks/gorilla-chunk';
import { decodeBucketColumns, encodeBuckets } from '../rollups/rollup-codec';
import { encodeChunkList } from './part-codec';
import { minuteBucketsOf, minuteColumnsOf } from './raw-minutes';

const MINUTE = 60_000;
const T0 = 1_718_000_000_000;

/** What a query reads from raw (computed) and from the 1m part written when raw expires (stored) must be the same columns, bit for bit. */
function expectStoredEqualsComputed(payload: Uint8Array): void {
  const stored = decodeBucketColumns(encodeBuckets(minuteBucketsOf(payload)));
  expect(minuteColumnsOf(payload)).toEqual(stored);
}

describe('raw parts as 1-minute buckets', () => {
  it('groups samples by minute, in time order, across out-of-order chunks', () => {
    const payload = encodeChunkList([encodeChunk([T0 + 70_000, T0 + 130_000], [3, 4]), encodeChunk([T0 + 1_000, T0 + 61_000, T0 + 62_000], [1, 2, 5])]);
    const buckets = minuteBucketsOf(payload);
    expect(buckets.map((b) => [b.start, b.count, b.sum, b.min, b.max])).toEqual([
      [T0 - (T0 % MINUTE), 1, 1, 1, 1],
      [T0 - (T0 % MINUTE) + MINUTE, 3, 10, 2, 5],
      [T0 - (T0 % MINUTE) + 2 * MINUTE, 1, 4, 4, 4],
    ]);
    expectStoredEqualsComputed(payload);
  });

  it('reads the same from raw as from the stored buckets, for random series', () => {
    const random = seededRandom(1302);
    for (let round = 0; round < 200; round++) {
      const chunks: Uint8Array[] = [];
      for (let c = 0; c < 1 + Math.floor(random() * 3); c++) {
        const times: number[] = [];
        const values: number[] = [];
        let t = T0 + Math.floor(random() * 3_600_000);
        for (let i = 0; i < 1 + Math.floor(random() * 100); i++) {
          times.push((t += 1 + Math.floor(random() * 20_000)));
          const kind = round % 4;
          values.push(kind === 0 ? Math.round(random() * 1000) / 10 : kind === 1 ? (random() - 0.5) * 1e6 : kind === 2 ? 7 : random() < 0.5 ? 0 : -random());
        }
        chunks.push(encodeChunk(times, values));
      }
      expectStoredEqualsComputed(encodeChunkList(chunks));
    }
  });

  it('reads the same for adversarial values: zeros of both signs, denormals, extremes, equal timestamps', () => {
    const values = [0, -0, 5e-324, -5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, 1e-300, 0.1, 0.1, 0.30000000000000004];
    const times = values.map((_, i) => T0 + Math.floor(i / 3) * 30_000);
    expectStoredEqualsComputed(encodeChunkList([encodeChunk(times, values), encodeChunk([T0, T0], [2, -2])]));
  });
});
