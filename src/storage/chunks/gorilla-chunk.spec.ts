import { seededRandom } from '../../../test/support/seeded-random';
import { ChunkAppender, ChunkAppenderOptions, ChunkIterator, decodeChunk, encodeChunk, MAX_CHUNK_BYTES, MAX_CHUNK_SAMPLES, sealChunk } from './gorilla-chunk';

const UNLIMITED: ChunkAppenderOptions = { maxSamples: Infinity, maxBytes: Infinity };
const HOUR = 3_600_000;
const NOW = 1_718_000_000_000;

/** The float64 with these raw halves: reaches NaN payloads, denormals and every other pattern. */
function fromBits(hi: number, lo: number): number {
  const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  const u32 = littleEndian ? [lo, hi] : [hi, lo];
  return new Float64Array(Uint32Array.from(u32).buffer)[0];
}

const bitsOf = (values: Float64Array): Uint32Array => new Uint32Array(values.buffer, values.byteOffset, values.length * 2);

function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  const x = bitsOf(a);
  const y = bitsOf(b);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

function append(appender: ChunkAppender, timestamps: ArrayLike<number>, values: ArrayLike<number>): void {
  for (let i = 0; i < timestamps.length; i++) {
    if (!appender.append(timestamps[i], values[i])) throw new Error(`sample ${i} refused`);
  }
}

/** Format 2 (packed): larger as it is, smaller once compressed. */
const isPacked = (bytes: Uint8Array) => bytes.length > 1 && bytes[0] === 0 && bytes[1] === 2;

/**
 * Encodes, then decodes with decodeChunk and with the iterator, as written and as sealed (packed,
 * or grid timestamps where smaller); returns the bytes as written, or throws naming the first
 * sample that differs. Values must come back with identical bits.
 */
function roundTrip(timestamps: ArrayLike<number>, values: ArrayLike<number>, options: ChunkAppenderOptions = {}): Uint8Array {
  const appender = new ChunkAppender({ ...UNLIMITED, ...options });
  append(appender, timestamps, values);
  const bytes = appender.bytes();
  const sealed = sealChunk(bytes);
  if (!isPacked(sealed) && sealed.length > bytes.length) throw new Error(`sealed: ${sealed.length} bytes, written: ${bytes.length}`);
  if (sealChunk(sealed) !== sealed) throw new Error('sealing a sealed chunk changed it');
  expectDecodes(bytes, timestamps, values);
  expectDecodes(sealed, timestamps, values);
  return bytes;
}

function expectDecodes(bytes: Uint8Array, timestamps: ArrayLike<number>, values: ArrayLike<number>): void {
  const expectedT = Float64Array.from(timestamps);
  const expectedV = Float64Array.from(values);

  const decoded = decodeChunk(bytes);
  const it = new ChunkIterator(bytes);
  const iteratedT = new Float64Array(it.count);
  const iteratedV = new Float64Array(it.count);
  for (let i = 0; it.next(); i++) {
    iteratedT[i] = it.t;
    iteratedV[i] = it.v;
  }
  for (const [how, t, v] of [
    ['decodeChunk', decoded.timestamps, decoded.values],
    ['ChunkIterator', iteratedT, iteratedV],
  ] as const) {
    if (!sameBits(t, expectedT) || !sameBits(v, expectedV)) {
      const differs = (k: number) =>
        !sameBits(t.subarray(k, k + 1), expectedT.subarray(k, k + 1)) || !sameBits(v.subarray(k, k + 1), expectedV.subarray(k, k + 1));
      const i = expectedT.findIndex((_, k) => differs(k));
      throw new Error(
        `${how}: ${t.length} of ${expectedT.length} samples, first difference at ${i}: (${t[i]}, ${v[i]}) instead of (${expectedT[i]}, ${expectedV[i]})`,
      );
    }
  }
}

/** Timestamps from `start` every `interval` ms plus jitter, never decreasing. */
function regular(n: number, interval: number, jitter = 0, random = seededRandom(1), start = NOW): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = start + i * interval + Math.round((random() * 2 - 1) * jitter);
    out.push(i === 0 ? t : Math.max(t, out[i - 1]));
  }
  return out;
}

const ADVERSARIAL = [
  0,
  -0,
  Infinity,
  -Infinity,
  Number.MIN_VALUE,
  -Number.MIN_VALUE,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  1e-300,
  -1e-300,
  1e308,
  2.2250738585072014e-308, // smallest normal
  2.225073858507201e-308, // largest denormal
  Number.EPSILON,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
  2 ** 53,
  2 ** 60,
  Number.MAX_SAFE_INTEGER / 1000, // 9007199254740.991: m = MAX_SAFE_INTEGER at 3 decimals
  0.1 + 0.2,
  1 / 3,
  Math.PI,
  0.1,
  1,
  -1,
  123456.789,
  NaN,
];

describe('ChunkAppender / ChunkIterator', () => {
  it('round-trips many random series bit for bit', () => {
    const random = seededRandom(20240611);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
    const valueKinds = ['gauge1', 'gauge2', 'counter', 'constant', 'anyBits', 'mathRandom', 'special', 'mixed', 'finerAndFiner'] as const;
    let samples = 0;
    for (let s = 0; s < 400; s++) {
      const n = 1 + Math.floor(random() * 500);
      const kind = pick(valueKinds);
      const interval = pick([1_000, 10_000, 15_000, 60_000]);
      const jitter = pick([0, 5, 50, 500]);
      const start = Math.round((random() * 3 - 1) * NOW);
      const timestamps = regular(n, interval, jitter, random, start);
      // Irregularities: duplicates, gaps of hours to years, and a jump far beyond 32 bits.
      let shift = 0;
      for (let i = 1; i < n; i++) {
        const r = random();
        if (r < 0.03) shift += Math.round(random() * 48 * HOUR);
        else if (r < 0.035) shift += Math.round(random() * 20 * 365 * 24 * HOUR);
        else if (r < 0.04) shift += 2 ** 45;
        timestamps[i] += shift;
        if (r > 0.97) timestamps[i] = timestamps[i - 1];
      }

      const values: number[] = [];
      let v = Math.round(random() * 1000) / 10;
      for (let i = 0; i < n; i++) {
        switch (kind) {
          case 'gauge1':
            v = Math.round((v + random() * 4 - 2) * 10) / 10;
            break;
          case 'gauge2':
            v = Math.round((v + random() - 0.5) * 100) / 100;
            break;
          case 'counter':
            v = i === 0 ? Math.floor(random() * 2 ** 40) : v + Math.floor(random() * (random() < 0.1 ? 2 ** 36 : 1000));
            break;
          case 'constant':
            break;
          case 'anyBits':
            v = fromBits((random() * 2 ** 32) >>> 0, (random() * 2 ** 32) >>> 0);
            break;
          case 'mathRandom':
            v = random() * 10 ** Math.floor(random() * 20 - 10);
            break;
          case 'special':
            v = pick(ADVERSARIAL);
            break;
          case 'mixed':
            v = random() < 0.9 ? Math.round(v * 10 + random() * 20 - 10) / 10 : pick(ADVERSARIAL);
            if (Number.isNaN(v) || !Number.isFinite(v)) v = random() < 0.5 ? v : 0;
            break;
          case 'finerAndFiner':
            v = Math.round(random() * 100) / 10 ** Math.min(8, Math.floor(i / 20));
            break;
        }
        values.push(v);
      }
      const decimal = random() < 0.8;
      expect(() => roundTrip(timestamps, values, { decimal })).not.toThrow();
      samples += n;
    }
    expect(samples).toBeGreaterThan(50_000);
  });

  it('keeps adversarial values: -0, infinities, denormals, extremes, repeated and alternating', () => {
    const timestamps = (n: number) => regular(n, 10_000);
    for (const decimal of [true, false]) {
      roundTrip(timestamps(ADVERSARIAL.length), ADVERSARIAL, { decimal });
      roundTrip(timestamps(ADVERSARIAL.length), [...ADVERSARIAL].reverse(), { decimal });
      for (const a of ADVERSARIAL) {
        roundTrip(timestamps(5), [a, a, a, a, a], { decimal });
        for (const b of ADVERSARIAL) roundTrip(timestamps(6), [a, b, a, b, b, a], { decimal });
      }
    }

    const { values } = decodeChunk(encodeChunk(regular(4, 10_000), [-0, 0, -0, 0]));
    expect(Array.from(values, (x) => Object.is(x, -0))).toEqual([true, false, true, false]);
    const it = new ChunkIterator(encodeChunk(regular(2, 10_000), [0, -0]));
    expect(it.next() && Object.is(it.v, 0)).toBe(true);
    expect(it.next() && Object.is(it.v, -0)).toBe(true);
  });

  it('keeps the bit pattern of NaNs, payload included', () => {
    const nans = [
      fromBits(0x7ff80000, 0),
      fromBits(0xfff80000, 0),
      fromBits(0x7ff00000, 1),
      fromBits(0x7fffffff, 0xffffffff),
      fromBits(0x7ff12345, 0x6789abcd),
    ];
    expect(nans.every(Number.isNaN)).toBe(true);
    roundTrip(regular(nans.length, 10_000), nans);
    roundTrip(regular(nans.length + 2, 10_000), [1.5, ...nans, 1.5]);
  });

  it('encodes every delta-of-delta bucket at the documented width', () => {
    // Deltas alternate D + x, D: 8 dods of +x and 8 of -x, each followed by a one-bit repeated
    // value, so the size difference to x = 0 is a whole number of bytes.
    const dodBits = (d: number) =>
      d === 0 ? 1 : d >= -64 && d <= 63 ? 9 : d >= -2048 && d <= 2047 ? 15 : d >= -524288 && d <= 524287 ? 24 : d > -(2 ** 31) && d < 2 ** 31 ? 36 : 100;
    const chunk = (x: number) => {
      const timestamps = [NOW, NOW + 10_000];
      for (let i = 0; i < 16; i++) timestamps.push(timestamps[timestamps.length - 1] + 10_000 + (i % 2 === 0 ? x : 0));
      return roundTrip(timestamps, new Array(timestamps.length).fill(42));
    };
    const baseline = chunk(0).length;
    const cases = [1, 63, 64, 65, 2047, 2048, 2049, 524287, 524288, 524289, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, 2 ** 40, 2 ** 48];
    const sizes = cases.map((x) => chunk(x).length - baseline);
    expect(sizes).toEqual(cases.map((x) => dodBits(x) + dodBits(-x) - 2));
  });

  it('handles irregular timestamps: jitter, hours of silence, duplicates, negative epochs, huge spans', () => {
    const random = seededRandom(3);
    const jittered = regular(300, 10_000, 2_000, random);
    roundTrip(
      jittered,
      jittered.map((_, i) => i % 7),
    );

    const gaps = [
      NOW,
      NOW + 10_000,
      NOW + 20_000,
      NOW + 20_000 + 6 * HOUR,
      NOW + 30_000 + 6 * HOUR,
      NOW + 30_000 + 60 * 24 * HOUR,
      NOW + 40_000 + 60 * 24 * HOUR,
    ];
    roundTrip(
      gaps,
      gaps.map((_, i) => i * 1.5),
    );

    roundTrip([NOW, NOW, NOW, NOW + 1, NOW + 1, NOW + 10_000, NOW + 10_000], [1, 2, 3, 4, 5, 6, 7]);
    roundTrip([-NOW, -NOW + 10_000, -1, 0, 1, NOW], [1, 2, 3, 4, 5, 6]);
    roundTrip([-Number.MAX_SAFE_INTEGER, -1, Number.MAX_SAFE_INTEGER - 1], [1, 2, 3]); // deltas just under 2^53
    roundTrip([0, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER], [1, 2, 3]); // dod = -(2^53 - 1)
  });

  it('refuses a timestamp older than the last one and stays usable; keeps duplicates', () => {
    const appender = new ChunkAppender();
    expect(appender.append(NOW, 1)).toBe(true);
    expect(appender.append(NOW + 10_000, 2)).toBe(true);
    const before = appender.bytes();
    expect(appender.append(NOW + 9_999, 3)).toBe(false);
    expect(appender.append(NOW - HOUR, 3)).toBe(false);
    expect(appender.bytes()).toEqual(before);
    expect(appender.count).toBe(2);
    expect(appender.isFull).toBe(false); // so the caller knows it was the order, not the size
    expect(appender.append(NOW + 10_000, 4)).toBe(true);
    expect(appender.append(NOW + 20_000, 5)).toBe(true);
    const { timestamps, values } = decodeChunk(appender.bytes());
    expect(Array.from(timestamps)).toEqual([NOW, NOW + 10_000, NOW + 10_000, NOW + 20_000]);
    expect(Array.from(values)).toEqual([1, 2, 4, 5]);
    expect(appender.minTime).toBe(NOW);
    expect(appender.maxTime).toBe(NOW + 20_000);

    expect(() => encodeChunk([NOW, NOW - 1], [1, 2])).toThrow(RangeError);
  });

  it('throws a RangeError for timestamps that are not safe integers, storing nothing', () => {
    const appender = new ChunkAppender();
    appender.append(NOW, 1);
    for (const t of [NOW + 0.5, NaN, Infinity, -Infinity, 2 ** 53, -(2 ** 53), 1e300]) {
      expect(() => appender.append(t, 1)).toThrow(RangeError);
    }
    expect(appender.count).toBe(1);
    expect(appender.append(NOW + 1, 2)).toBe(true);
    expect(Array.from(decodeChunk(appender.bytes()).timestamps)).toEqual([NOW, NOW + 1]);
  });

  it('encodes an empty chunk as its header alone', () => {
    const appender = new ChunkAppender();
    expect(appender.count).toBe(0);
    expect(appender.minTime).toBe(Infinity);
    expect(appender.maxTime).toBe(-Infinity);
    expect(appender.isFull).toBe(false);
    const bytes = appender.bytes();
    expect(Array.from(bytes)).toEqual([0]);
    expect(appender.byteLength).toBe(1);
    const { timestamps, values } = decodeChunk(bytes);
    expect(timestamps.length + values.length).toBe(0);
    const it = new ChunkIterator(bytes);
    expect(it.count).toBe(0);
    expect(it.next()).toBe(false);
    expect(it.seek(0)).toBe(false);
    expect(encodeChunk([], [])).toEqual(bytes);
  });

  it('round-trips a single sample', () => {
    for (const [t, v] of [
      [NOW, 0.5],
      [0, -0],
      [-1, NaN],
      [Number.MAX_SAFE_INTEGER, Number.MAX_VALUE],
      [Number.MIN_SAFE_INTEGER, 42],
    ]) {
      const bytes = roundTrip([t], [v]);
      const appender = new ChunkAppender();
      appender.append(t, v);
      expect([appender.minTime, appender.maxTime, appender.count]).toEqual([t, t, 1]);
      expect(bytes.length).toBeLessThanOrEqual(1 + 8 + 9); // header, varint timestamp, mode and value
    }
  });

  it(`is full at ${MAX_CHUNK_SAMPLES} samples and refuses more`, () => {
    const appender = new ChunkAppender();
    for (let i = 0; i < MAX_CHUNK_SAMPLES; i++) {
      expect(appender.isFull).toBe(false);
      expect(appender.append(NOW + i * 10_000, i)).toBe(true);
    }
    expect(appender.isFull).toBe(true);
    expect(appender.append(NOW + MAX_CHUNK_SAMPLES * 10_000, 0)).toBe(false);
    expect(appender.count).toBe(MAX_CHUNK_SAMPLES);
    expect(decodeChunk(appender.bytes()).values.length).toBe(MAX_CHUNK_SAMPLES);

    const small = new ChunkAppender({ maxSamples: 3 });
    append(small, [1, 2, 3], [1, 2, 3]);
    expect(small.append(4, 4)).toBe(false);
  });

  it(`is full once the encoding reaches ${MAX_CHUNK_BYTES} bytes, overshooting by at most one sample`, () => {
    const random = seededRandom(11);
    const appender = new ChunkAppender({ maxSamples: Infinity });
    let t = NOW;
    // Worst case per sample: a 64-bit timestamp escape and a 64-bit XOR window.
    while (appender.append(t, fromBits((random() * 2 ** 32) >>> 0, (random() * 2 ** 32) >>> 0))) t += random() < 0.5 ? 2 ** 40 : 1;
    expect(appender.isFull).toBe(true);
    const bytes = appender.bytes();
    expect(bytes.length).toBe(appender.byteLength);
    expect(bytes.length).toBeGreaterThanOrEqual(MAX_CHUNK_BYTES);
    expect(bytes.length).toBeLessThan(MAX_CHUNK_BYTES + 24);
    expect(decodeChunk(bytes).timestamps.length).toBe(appender.count);
  });

  it('bytes() is a snapshot: the appender continues and the snapshot decodes to the prefix', () => {
    const random = seededRandom(5);
    const timestamps = regular(100, 10_000, 20, random);
    const values = timestamps.map(() => Math.round(random() * 1000) / 10);
    const appender = new ChunkAppender();
    let snapshot: Uint8Array = new Uint8Array(0);
    for (let i = 0; i < 100; i++) {
      appender.append(timestamps[i], values[i]);
      expect(appender.byteLength).toBe(appender.bytes().length);
      if (i === 49) snapshot = appender.bytes();
    }
    expect(Array.from(decodeChunk(snapshot).values)).toEqual(values.slice(0, 50));
    expect(Array.from(decodeChunk(appender.bytes()).values)).toEqual(values);
  });

  it('moves between value modes mid-chunk: more decimals, then floats', () => {
    const values = [3, 4, 4.5, 4.25, 4.125, 4.0625, 0.1 + 0.2, 7, 7, 2 ** 60, 8.5];
    roundTrip(regular(values.length, 10_000), values);
    // Jumps beyond 32 bits at a fixed scale, then back.
    roundTrip(regular(4, 10_000), [0.5, 2 ** 40 + 0.5, 0.5, -(2 ** 45)]);
  });

  it('iterator: seek, reset and readInto at an offset', () => {
    const a = encodeChunk([10, 20, 20, 30, 40], [1, 2, 3, 4, 5]);
    const b = encodeChunk([50, 60], [0.1, -0]);
    const it = new ChunkIterator(a);
    expect(it.seek(15)).toBe(true);
    expect([it.t, it.v]).toEqual([20, 2]);
    expect(it.seek(20)).toBe(true); // already there
    expect(it.v).toBe(2);
    expect(it.seek(21)).toBe(true);
    expect([it.t, it.v]).toEqual([30, 4]);
    // One sample left after it.
    expect(it.next()).toBe(true);
    expect(it.t).toBe(40);
    expect(it.next()).toBe(false);
    expect(it.seek(41)).toBe(false);

    it.reset(a);
    expect(it.next()).toBe(true);
    const timestamps = new Float64Array(6);
    const values = new Float64Array(6);
    expect(it.readInto(timestamps, values)).toBe(4);
    expect([it.t, it.v]).toEqual([40, 5]);
    it.reset(b);
    expect(it.readInto(timestamps, values, 4)).toBe(2);
    expect(Array.from(timestamps)).toEqual([20, 20, 30, 40, 50, 60]);
    expect(Array.from(values)).toEqual([2, 3, 4, 5, 0.1, -0]);
    expect(Object.is(values[5], -0)).toBe(true);
    expect(it.next()).toBe(false);

    it.reset(a);
    expect(() => it.readInto(new Float64Array(4), new Float64Array(4))).toThrow(RangeError);
  });

  it('throws a RangeError for truncated or corrupt chunks', () => {
    const random = seededRandom(9);
    const timestamps = regular(30, 10_000, 30, random);
    const bytes = encodeChunk(
      timestamps,
      timestamps.map((_, i) => (i < 20 ? Math.round(random() * 1000) / 10 : random())),
    );
    for (let length = 0; length < bytes.length; length++) {
      expect(() => decodeChunk(bytes.subarray(0, length))).toThrow(RangeError);
    }
    expect(() => decodeChunk(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]))).toThrow(RangeError);
    expect(() => decodeChunk(new Uint8Array([100, 0, 0, 0]))).toThrow(RangeError);
  });
});

describe('sealChunk (grid timestamps)', () => {
  const isGrid = (bytes: Uint8Array) => bytes.length > 1 && bytes[0] === 0 && bytes[1] === 1;
  /** A value that never changes costs one bit a sample: what is left is the timestamps (a float: packed chunks hold decimals). */
  const sealed = (timestamps: number[]) => {
    const values = new Array<number>(timestamps.length).fill(Math.PI);
    const bytes = roundTrip(timestamps, values);
    return { bytes, sealed: sealChunk(bytes) };
  };
  /** `n` samples every 10 s from NOW plus jitter drawn by `jitter`. */
  const jittered = (n: number, jitter: (i: number) => number) => {
    const out = Array.from({ length: n }, (_, i) => NOW + i * 10_000 + jitter(i));
    return out.map((t, i) => Math.max(t, ...out.slice(0, i)));
  };

  it('puts scheduler jitter (0-40 ms at 10 s) on a grid: ~6 bits a timestamp instead of ~10', () => {
    const random = seededRandom(11);
    const chunk = sealed(jittered(120, () => Math.floor(random() * 40)));
    expect(isGrid(chunk.sealed)).toBe(true);
    expect(isGrid(chunk.bytes)).toBe(false);
    // 119 bits of values and ~8 bytes of first timestamp and grid, 8 of first value; 6 bits per offset.
    expect(chunk.sealed.length).toBeLessThanOrEqual(2 + 1 + 8 + 3 + 8 + Math.ceil((119 * 7) / 8));
    expect(chunk.bytes.length).toBeGreaterThanOrEqual(chunk.sealed.length + 35); // ~9 bits a delta-of-delta
  });

  it('keeps delta-of-delta where it is smaller: clock-aligned, out of grid, huge gaps, few samples', () => {
    expect(isGrid(sealed(jittered(120, () => 0)).sealed)).toBe(true); // width 0: one bit a sample for the value alone
    expect(isGrid(sealed(jittered(2, (i) => i)).sealed)).toBe(false);
    expect(isGrid(sealed([NOW, NOW + 10_000, NOW + 10_000 + 5 * HOUR, NOW + 20_000 + 5 * HOUR]).sealed)).toBe(false);
    // One sample stalled by 30 s costs its whole width to every other sample on a grid.
    const random = seededRandom(12);
    const stalled = jittered(120, (i) => (i === 60 ? 30_000 : Math.floor(random() * 40)));
    expect(isGrid(sealed(stalled).sealed)).toBe(false);
  });

  it('round-trips adversarial grids: negative offsets, duplicates, a changed interval, negative epochs, extremes', () => {
    const random = seededRandom(13);
    const cases: number[][] = [
      jittered(120, () => Math.round(random() * 80) - 40), // offsets on both sides of the grid
      jittered(120, (i) => (i % 10 === 0 ? -9_000 : 0)), // every tenth sample early, clamped to order
      Array.from({ length: 50 }, () => NOW), // interval 0
      Array.from({ length: 60 }, (_, i) => NOW + Math.floor(i / 3) * 1_000), // duplicates in threes
      Array.from({ length: 60 }, (_, i) => NOW + (i < 30 ? i * 10_000 : 300_000 + (i - 30) * 15_000)), // interval changes
      Array.from({ length: 60 }, (_, i) => -NOW + i * 1_000 + (i % 3)), // before 1970
      Array.from({ length: 30 }, (_, i) => Number.MAX_SAFE_INTEGER - 30_000 + i * 1_000), // next to 2^53
      Array.from({ length: 30 }, (_, i) => -Number.MAX_SAFE_INTEGER + i * 1_000),
      Array.from({ length: 30 }, (_, i) => NOW + i * 2 ** 31 + (i % 2) * (2 ** 31 - 1)), // offsets at the widest grid
      Array.from({ length: 30 }, (_, i) => NOW + i * 2 ** 40 + (i % 2) * 2 ** 33), // offsets past it
    ];
    for (const timestamps of cases) {
      const values = timestamps.map((_, i) => (i % 4 === 0 ? random() : Math.round(random() * 1000) / 10));
      expect(() => roundTrip(timestamps, values)).not.toThrow();
      expect(() =>
        roundTrip(
          timestamps,
          values.map((v) => Math.round(v * 10) / 10),
        ),
      ).not.toThrow(); // packed where it may
    }
    expect(cases.map((c) => isGrid(sealed(c).sealed))).toContain(true);
  });

  it('round-trips random jittered series on a grid, of every length and value kind', () => {
    const random = seededRandom(14);
    let grids = 0;
    for (let s = 0; s < 300; s++) {
      const n = 1 + Math.floor(random() * 200);
      const interval = [1_000, 10_000, 60_000][s % 3];
      const jitter = [0, 3, 40, 400][Math.floor(random() * 4)];
      const timestamps = regular(n, interval, jitter, random, Math.round((random() * 2 - 1) * NOW));
      const values = timestamps.map(() => (random() < 0.5 ? Math.round(random() * 1000) / 10 : random() * 1e6));
      const bytes = roundTrip(timestamps, values, { decimal: random() < 0.8 });
      if (isGrid(sealChunk(bytes))) grids++;
    }
    expect(grids).toBeGreaterThan(100);
  });

  it('throws a RangeError for truncated or corrupt grid chunks, and for unknown formats', () => {
    const random = seededRandom(15);
    const timestamps = jittered(60, () => Math.floor(random() * 40));
    const grid = sealChunk(
      encodeChunk(
        timestamps,
        timestamps.map((_, i) => (i < 40 ? Math.round(random() * 1000) / 10 : random())),
      ),
    );
    expect(isGrid(grid)).toBe(true);
    for (let length = 2; length < grid.length; length++) {
      expect(() => decodeChunk(grid.subarray(0, length))).toThrow(RangeError);
    }
    const unknown = Uint8Array.from(grid);
    unknown[1] = 3;
    expect(() => decodeChunk(unknown)).toThrow(RangeError);
  });
});

describe('sealChunk (packed)', () => {
  const random = seededRandom(16);
  const jitter = (n: number) => regular(n, 10_000, 40, random);
  const tenths = (n: number) => Array.from({ length: n }, () => Math.round(random() * 1000) / 10);

  it('packs decimal values at one scale on a grid, and gives them back exactly', () => {
    const timestamps = jitter(120);
    for (const values of [tenths(120), new Array<number>(120).fill(0), tenths(120).map((v, i) => (i % 3 === 0 ? v : v / 100 + 1e6))]) {
      expect(isPacked(sealChunk(encodeChunk(timestamps, values)))).toBe(true);
      expect(() => roundTrip(timestamps, values)).not.toThrow();
    }
  });

  it('takes the largest scale the values need: 1, 1.5 and 1.25 as hundredths', () => {
    const timestamps = jitter(30);
    const values = timestamps.map((_, i) => [1, 1.5, 1.25, -3][i % 4]);
    expect(() => roundTrip(timestamps, values)).not.toThrow();
    expect(isPacked(sealChunk(encodeChunk(timestamps, values)))).toBe(true);
  });

  it('leaves what it cannot pack to the other formats: floats, -0, huge m, timestamps off any grid', () => {
    const timestamps = jitter(60);
    const cases: [number[], number[]][] = [
      [timestamps, timestamps.map((_, i) => (i === 30 ? Math.PI : 1))],
      [timestamps, timestamps.map((_, i) => (i === 30 ? -0 : 1))],
      [timestamps, timestamps.map((_, i) => (i === 30 ? 2 ** 51 : 1))],
      [timestamps, timestamps.map((_, i) => (i === 30 ? 1.0000001 : 1))],
      [timestamps.map((t, i) => (i >= 30 ? t + 5 * HOUR : t)), tenths(60)],
    ];
    for (const [t, v] of cases) {
      expect(isPacked(sealChunk(encodeChunk(t, v)))).toBe(false);
      expect(() => roundTrip(t, v)).not.toThrow();
    }
  });

  it('round-trips random decimal series of every length, scale and jitter, and at the extremes of time', () => {
    let packed = 0;
    for (let s = 0; s < 300; s++) {
      const n = 3 + Math.floor(random() * 200);
      const scale = Math.floor(random() * 7);
      const start = [NOW, -NOW, 2 ** 49, -(2 ** 49)][s % 4];
      const timestamps = regular(n, [1_000, 10_000, 60_000][s % 3], [0, 3, 40, 4_000][Math.floor(random() * 4)], random, start);
      const values = timestamps.map(() => Math.round((random() - 0.5) * 10 ** (3 + scale)) / 10 ** scale);
      roundTrip(timestamps, values);
      if (isPacked(sealChunk(encodeChunk(timestamps, values)))) packed++;
    }
    expect(packed).toBeGreaterThan(200);
  });

  it('throws a RangeError for truncated or corrupt packed chunks', () => {
    const packed = sealChunk(encodeChunk(jitter(60), tenths(60)));
    expect(isPacked(packed)).toBe(true);
    for (let length = 2; length < packed.length; length++) {
      expect(() => decodeChunk(packed.subarray(0, length))).toThrow(RangeError);
    }
    const badScale = sealChunk(encodeChunk(regular(60, 10_000), tenths(60)));
    const scaleAt = 2 + 1 + 6 + 2 + 1; // format, count, t0 (folded: 6 bytes), interval (2), base 0 (1)
    expect(badScale[scaleAt]).toBe(1);
    badScale[scaleAt] = 7;
    expect(() => decodeChunk(badScale)).toThrow(RangeError);
  });
});

describe('chunk compression on realistic data', () => {
  const bytesPerSample = (bytes: Uint8Array, n: number) => bytes.length / n;

  it('a constant gauge every 10 s: 120 samples in 41 bytes', () => {
    // 2 bits a sample (dod '0', value '0') after ~10 bytes for the first timestamp, value and delta.
    const bytes = encodeChunk(regular(120, 10_000), new Array(120).fill(1));
    expect(bytes.length).toBeLessThanOrEqual(41);
  });

  it('a noisy CPU gauge at 1 decimal with +-10 ms jitter: about 2 bytes a sample', () => {
    const random = seededRandom(42);
    const timestamps = regular(120, 10_000, 10, random);
    let v = 35;
    const values = timestamps.map(() => (v = Math.round(Math.min(100, Math.max(0, v + random() * 3 - 1.5)) * 10) / 10));
    const decimal = encodeChunk(timestamps, values);
    const plain = encodeChunk(timestamps, values, { decimal: false });
    expect(bytesPerSample(decimal, 120)).toBeLessThan(2.25); // ~9 bits of timestamp, ~8 of value
    // XOR alone spends ~50 bits on every change of a 1-decimal value.
    expect(bytesPerSample(plain, 120)).toBeGreaterThan(3 * bytesPerSample(decimal, 120));
    // Clock-aligned timestamps leave about one byte for the value.
    expect(bytesPerSample(encodeChunk(regular(120, 10_000), values), 120)).toBeLessThan(1.25);
  });

  it('a memory gauge at 2 decimals and a request counter stay small', () => {
    const random = seededRandom(43);
    const timestamps = regular(120, 10_000, 10, random);
    let memory = 61.5;
    const memoryValues = timestamps.map(() => (memory = Math.round((memory + random() * 0.4 - 0.19) * 100) / 100));
    expect(bytesPerSample(encodeChunk(timestamps, memoryValues), 120)).toBeLessThan(2.25);

    let requests = 123_456_789;
    const counterValues = timestamps.map(() => (requests += Math.round(500 * (0.7 + random() * 0.6))));
    // Increments of 350..650 take the 13-bit delta bucket: the noise itself is ~8 bits.
    expect(bytesPerSample(encodeChunk(timestamps, counterValues), 120)).toBeLessThan(3.3);
  });
});
