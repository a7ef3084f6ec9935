import { seededRandom } from '../../../test/support/seeded-random';
import { decodeChunk, encodeChunk } from '../chunks/gorilla-chunk';
import { decodeChunkList, decodePart, encodeChunkList, encodePart, pageOf, PartSeries } from './part-codec';
import { rechunk } from './sample-columns';

const bytesOf = (random: () => number, n: number): Uint8Array => Uint8Array.from({ length: n }, () => Math.floor(random() * 256));

/** Plain values for comparison: series id and the payload as a number array. */
const plain = (series: PartSeries[]) => series.map((s) => ({ seriesId: s.seriesId, payload: Array.from(s.payload) }));

function randomSeries(random: () => number, n: number): PartSeries[] {
  return Array.from({ length: n }, (_, i) => ({
    seriesId: i * 1000 + Math.floor(random() * 1000),
    payload: bytesOf(random, Math.floor(random() * 300)),
  }));
}

/** A copy of `bytes` inside a larger buffer, at a non-zero offset. */
function atOffset(bytes: Uint8Array, offset: number): Uint8Array {
  const big = new Uint8Array(offset + bytes.length + 13).fill(0xee);
  big.set(bytes, offset);
  return big.subarray(offset, offset + bytes.length);
}

describe('encodePart / decodePart', () => {
  it('gives back every series, in order, with ids and payloads', () => {
    const series: PartSeries[] = [
      { seriesId: 1, payload: Uint8Array.from([1, 2, 3]) },
      { seriesId: 2, payload: new Uint8Array(0) },
      { seriesId: 2 ** 40, payload: Uint8Array.from([255, 0, 128]) },
    ];
    expect(plain(decodePart(encodePart(series)))).toEqual(plain(series));
  });

  it('round-trips random parts, also from a view at an offset in a larger buffer', () => {
    const random = seededRandom(42);
    for (let round = 0; round < 30; round++) {
      const series = randomSeries(random, Math.floor(random() * 20));
      const encoded = encodePart(series);
      expect(plain(decodePart(encoded))).toEqual(plain(series));
      expect(plain(decodePart(atOffset(encoded, 1 + Math.floor(random() * 50))))).toEqual(plain(series));
    }
  });

  it('encodes an empty part and decodes it to no series', () => {
    expect(decodePart(encodePart([]))).toEqual([]);
  });

  it('gives back only the requested series', () => {
    const random = seededRandom(5);
    const series = randomSeries(random, 12);
    const encoded = encodePart(series);
    const wanted = new Set([series[0].seriesId, series[5].seriesId, series[11].seriesId, -1]);
    expect(plain(decodePart(encoded, wanted))).toEqual(plain(series.filter((s) => wanted.has(s.seriesId))));
    expect(decodePart(encoded, new Set())).toEqual([]);
    expect(decodePart(encoded, new Set([-1]))).toEqual([]);
  });

  it('carries real chunk lists as payloads', () => {
    const chunk = encodeChunk([1_000, 2_000, 3_000], [0.5, 1.5, 2.5]);
    const [s] = decodePart(encodePart([{ seriesId: 7, payload: encodeChunkList([chunk, chunk]) }]));
    const chunks = decodeChunkList(s.payload);
    expect(chunks).toHaveLength(2);
    for (const c of chunks) expect(Array.from(decodeChunk(c).values)).toEqual([0.5, 1.5, 2.5]);
  });

  it('throws on every truncation of a part', () => {
    const random = seededRandom(11);
    const series = randomSeries(random, 4).map((s, i) => ({ ...s, payload: bytesOf(random, 5 + i) }));
    const encoded = encodePart(series);
    for (let length = 0; length < encoded.length; length++) {
      expect(() => decodePart(encoded.subarray(0, length))).toThrow(/truncated/);
    }
  });

  it('throws on a truncated part even when the series cut off is not one requested', () => {
    const series: PartSeries[] = [
      { seriesId: 1, payload: Uint8Array.from([1, 2]) },
      { seriesId: 2, payload: Uint8Array.from([3, 4, 5]) },
    ];
    const encoded = encodePart(series);
    expect(() => decodePart(encoded.subarray(0, encoded.length - 1), new Set([1]))).toThrow(/truncated/);
  });

  it('throws when there is not even a header length', () => {
    expect(() => decodePart(new Uint8Array(0))).toThrow(/truncated/);
    expect(() => decodePart(Uint8Array.from([1, 0, 0]))).toThrow(/truncated/);
  });
});

describe('compressed parts', () => {
  /** 100 gauges as the storage bench sends them: 1 decimal, a walk plus noise, 10 s with 0-40 ms of jitter; an hour of each, as a compaction seals it. */
  function gauges(random: () => number): PartSeries[] {
    return Array.from({ length: 100 }, (_, id) => {
      let level = 5 + random() * 80;
      const t0 = 1_718_000_000_000 + Math.floor(random() * 10_000);
      const times = Array.from({ length: 360 }, (_, i) => t0 + i * 10_000 + Math.floor(random() * 40));
      const values = times.map(() => Math.round((level = Math.min(99, Math.max(1, level + random() - 0.5))) * 10 + (random() - 0.5) * 20) / 10);
      return { seriesId: id, payload: rechunk([encodeChunk(times, values)]) };
    });
  }

  it('gives back every series as the uncompressed part does', () => {
    const random = seededRandom(21);
    for (const series of [gauges(random), randomSeries(random, 30), []]) {
      expect(plain(decodePart(encodePart(series, true)))).toEqual(plain(decodePart(encodePart(series))));
      expect(plain(decodePart(atOffset(encodePart(series, true), 3), new Set([series[1]?.seriesId])))).toEqual(plain(series.slice(1, 2)));
    }
  });

  it('codes sealed gauges in about their entropy (~1.31 bytes a sample), and is never larger than the plain part', () => {
    const random = seededRandom(22);
    const series = gauges(random);
    const compressed = encodePart(series, true);
    expect(compressed.length / (100 * 360)).toBeLessThan(1.45);
    expect(compressed.length).toBeLessThan(0.75 * encodePart(series).length);
    const noise = randomSeries(random, 30);
    expect(encodePart(noise, true).length).toBeLessThanOrEqual(encodePart(noise).length);
  });

  it('throws "part is corrupt" on a damaged stream, and "truncated" on a cut one', () => {
    const encoded = encodePart(gauges(seededRandom(23)), true);
    const damaged = Buffer.from(encoded);
    damaged.fill(0x55, 4, 40);
    expect(() => decodePart(damaged)).toThrow(/part is corrupt/);
    expect(() => decodePart(encoded.subarray(0, encoded.length - 10))).toThrow(/part is corrupt|truncated/);
  });
});

describe('encodeChunkList / decodeChunkList', () => {
  it('round-trips lists of chunks, empty ones included', () => {
    const random = seededRandom(3);
    const lists: Uint8Array[][] = [
      [],
      [new Uint8Array(0)],
      [Uint8Array.from([7])],
      [new Uint8Array(0), bytesOf(random, 200), new Uint8Array(0)],
      // Lengths past 127 and past 16383 need longer varints.
      [bytesOf(random, 127), bytesOf(random, 128), bytesOf(random, 16_384)],
      Array.from({ length: 300 }, () => bytesOf(random, Math.floor(random() * 40))),
    ];
    for (const chunks of lists) {
      const decoded = decodeChunkList(encodeChunkList(chunks));
      expect(decoded.map((c) => Array.from(c))).toEqual(chunks.map((c) => Array.from(c)));
    }
  });

  it('decodes from a view at an offset in a larger buffer', () => {
    const chunks = [Uint8Array.from([1, 2, 3]), Uint8Array.from([4])];
    const decoded = decodeChunkList(atOffset(encodeChunkList(chunks), 9));
    expect(decoded.map((c) => Array.from(c))).toEqual([[1, 2, 3], [4]]);
  });

  it('throws on every truncation of a list', () => {
    const random = seededRandom(8);
    const encoded = encodeChunkList([bytesOf(random, 3), bytesOf(random, 150), new Uint8Array(0), bytesOf(random, 2)]);
    for (let length = 0; length < encoded.length; length++) {
      expect(() => decodeChunkList(encoded.subarray(0, length))).toThrow();
    }
  });

  it('throws when a chunk runs past the end', () => {
    // Count 1, a chunk of 5 bytes, only 2 present.
    expect(() => decodeChunkList(Uint8Array.from([1, 5, 9, 9]))).toThrow('chunk list is truncated');
  });
});

describe('pageOf', () => {
  it('puts every agent on page 0 when there is at most one page', () => {
    for (const agentId of ['', 'a', 'agent-1', '☃']) {
      expect(pageOf(agentId, 1)).toBe(0);
      expect(pageOf(agentId, 0)).toBe(0);
    }
  });

  it('is a 32-bit FNV-1a hash of the agent id: stable across processes and versions', () => {
    // Published FNV-1a test vectors: "" -> 0x811c9dc5, "a" -> 0xe40c292c, "foobar" -> 0xbf9cf968.
    expect(pageOf('', 2 ** 32)).toBe(0x811c9dc5);
    expect(pageOf('a', 2 ** 32)).toBe(0xe40c292c);
    expect(pageOf('foobar', 2 ** 32)).toBe(0xbf9cf968);
    expect(pageOf('a', 16)).toBe(0xe40c292c % 16);
    expect(pageOf('foobar', 7)).toBe(0xbf9cf968 % 7);
    expect(pageOf('agent-1', 16)).toBe(0);
    expect(pageOf('agent-2', 16)).toBe(9);
  });

  it('gives the same page for the same agent every time, within [0, pages)', () => {
    const random = seededRandom(1234);
    for (let i = 0; i < 500; i++) {
      const agentId = `agent-${Math.floor(random() * 1e9).toString(36)}`;
      const pages = 2 + Math.floor(random() * 30);
      const page = pageOf(agentId, pages);
      expect(Number.isInteger(page)).toBe(true);
      expect(page).toBeGreaterThanOrEqual(0);
      expect(page).toBeLessThan(pages);
      expect(pageOf(agentId, pages)).toBe(page);
    }
  });

  it('spreads agents over every page', () => {
    const random = seededRandom(77);
    const pages = 8;
    const counts = new Array<number>(pages).fill(0);
    for (let i = 0; i < 800; i++) counts[pageOf(`agent-${Math.floor(random() * 1e9)}`, pages)]++;
    for (const count of counts) expect(count).toBeGreaterThan(50);
  });
});
