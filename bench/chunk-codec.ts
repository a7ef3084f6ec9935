/**
 * Chunk codec throughput and size: encodes and decodes three realistic datasets in chunks
 * of MAX_CHUNK_SAMPLES and prints one JSON object. Deterministic data (seeded PRNG).
 *
 *   npx tsc --outDir /tmp/codecout --module commonjs --target es2022 --strict --skipLibCheck bench/chunk-codec.ts
 *   node /tmp/codecout/bench/chunk-codec.js [seed]
 *
 * Data: SERIES series of SAMPLES samples each, sent every 10 s; each timestamp is its tick plus
 * a uniform integer jitter of +-JITTER_MS, so delta-of-deltas fall within +-4 * JITTER_MS.
 * - gauges: half CPU % (random walk, steps +-1.5, rare spikes, clamped to 0..100, 1 decimal),
 *   half memory % (slow drift plus noise, 2 decimals);
 * - counters: half request counts (integer increments around a per-series rate of 1..200/s),
 *   half byte counts (increments around 10 kB/s..10 MB/s);
 * - constant: half `up`-style flags that never change, half thread counts that change on 5%
 *   of samples by 1..3.
 * Sizes are reported with the decimal value mode (the default) and as plain Gorilla XOR, sealed
 * (sealChunk: packed where the values are decimals at one scale, else grid timestamps where
 * smaller; sealSamplesPerSec is its cost) and as stored: the sealed chunks of PAGE_SERIES series
 * per compressed blob, as parts that are kept. The timestamps alone, as written and on a grid
 * (format 1): the gauges' timestamps, and the storage bench's (0-40 ms of jitter), with a
 * constant float value (one bit a sample and its first 64 bits a chunk, subtracted).
 */
import { loadavg } from 'os';
import { ChunkAppender, ChunkIterator, decodeChunk, MAX_CHUNK_SAMPLES, sealChunk } from '../src/storage/chunks/gorilla-chunk';
import { compressBlob } from '../src/storage/timeseries/blob-compression';
import { seededRandom } from '../test/support/seeded-random';

const SEED = Number(process.argv[2] ?? 20240611);
const SERIES = 5_000;
const SAMPLES = 240;
const INTERVAL_MS = 10_000;
const JITTER_MS = 10;
const RUNS = 5;
const PAGE_SERIES = 1_000;

const random = seededRandom(SEED);
const uniform = (lo: number, hi: number) => lo + (hi - lo) * random();
const round = (x: number, decimals: number) => Math.round(x * 10 ** decimals) / 10 ** decimals;

interface Dataset {
  timestamps: Float64Array;
  values: Float64Array;
}

/** All series back to back; series s occupies [s * SAMPLES, (s + 1) * SAMPLES). */
function dataset(value: (series: number, previous: number, first: boolean) => number): Dataset {
  const timestamps = new Float64Array(SERIES * SAMPLES);
  const values = new Float64Array(SERIES * SAMPLES);
  for (let s = 0; s < SERIES; s++) {
    const start = 1_718_000_000_000 + Math.floor(random() * INTERVAL_MS);
    let v = 0;
    for (let i = 0; i < SAMPLES; i++) {
      const k = s * SAMPLES + i;
      timestamps[k] = start + i * INTERVAL_MS + Math.round(uniform(-JITTER_MS, JITTER_MS));
      v = value(s, v, i === 0);
      values[k] = v;
    }
  }
  return { timestamps, values };
}

const rates = Array.from({ length: SERIES }, () => uniform(0, 1));

const gauges = dataset((s, prev, first) => {
  if (s % 2 === 0) {
    if (first) return round(uniform(5, 60), 1);
    const spike = random() < 0.01 ? uniform(-30, 30) : 0;
    return round(Math.min(100, Math.max(0, prev + uniform(-1.5, 1.5) + spike)), 1);
  }
  if (first) return round(uniform(20, 80), 2);
  return round(Math.min(100, Math.max(0, prev + uniform(-0.05, 0.06) + uniform(-0.2, 0.2))), 2);
});

const counters = dataset((s, prev, first) => {
  if (first) return Math.floor(uniform(0, 1e9));
  const perSecond = s % 2 === 0 ? 1 + 199 * rates[s] : 1e4 * 1000 ** rates[s];
  return prev + Math.max(0, Math.round((INTERVAL_MS / 1000) * perSecond * uniform(0.7, 1.3)));
});

const constant = dataset((s, prev, first) => {
  if (s % 2 === 0) return 1;
  if (first) return Math.floor(uniform(8, 200));
  return random() < 0.05 ? Math.max(1, prev + (random() < 0.5 ? -1 : 1) * Math.ceil(uniform(0, 3))) : prev;
});

function encode(data: Dataset, decimal: boolean): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let appender = new ChunkAppender({ decimal });
  for (let k = 0; k < data.timestamps.length; k++) {
    if (k % SAMPLES === 0 || appender.isFull) {
      if (appender.count > 0) chunks.push(appender.bytes());
      appender = new ChunkAppender({ decimal });
    }
    if (!appender.append(data.timestamps[k], data.values[k])) throw new Error(`sample ${k} refused`);
  }
  chunks.push(appender.bytes());
  return chunks;
}

function decodeAll(chunks: Uint8Array[]): number {
  let n = 0;
  for (const chunk of chunks) n += decodeChunk(chunk).timestamps.length;
  return n;
}

function iterateAll(chunks: Uint8Array[]): number {
  const it = new ChunkIterator();
  let sum = 0;
  for (const chunk of chunks) {
    it.reset(chunk);
    while (it.next()) sum += it.v;
  }
  return sum;
}

function verify(data: Dataset, chunks: Uint8Array[]): void {
  let k = 0;
  for (const chunk of chunks) {
    const { timestamps, values } = decodeChunk(chunk);
    for (let i = 0; i < timestamps.length; i++, k++) {
      if (timestamps[i] !== data.timestamps[k] || !Object.is(values[i], data.values[k])) throw new Error(`round trip differs at sample ${k}`);
    }
  }
  if (k !== data.timestamps.length) throw new Error('round trip lost samples');
}

/** Median samples/s over RUNS timed runs, after one untimed warm-up. */
function throughput(samples: number, run: () => unknown): number {
  run();
  const rates: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    run();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    rates.push(samples / seconds);
  }
  rates.sort((a, b) => a - b);
  return Math.round(rates[RUNS >> 1]);
}

function measure(data: Dataset) {
  const samples = data.timestamps.length;
  const chunks = encode(data, true);
  verify(data, chunks);
  const sealed = chunks.map(sealChunk);
  verify(data, sealed);
  const plain = encode(data, false);
  verify(data, plain);
  const size = (list: Uint8Array[]) => list.reduce((total, chunk) => total + chunk.length, 0);
  const perPage = (SAMPLES / MAX_CHUNK_SAMPLES) * PAGE_SERIES;
  let stored = 0;
  for (let i = 0; i < sealed.length; i += perPage) stored += compressBlob(Buffer.concat(sealed.slice(i, i + perPage))).length;
  return {
    bytesPerSample: +(size(chunks) / samples).toFixed(3),
    bytesPerSampleSealed: +(size(sealed) / samples).toFixed(3),
    bytesPerSampleStored: +(stored / samples).toFixed(3),
    bytesPerSamplePlainXor: +(size(plain) / samples).toFixed(3),
    encodeSamplesPerSec: throughput(samples, () => encode(data, true)),
    decodeSamplesPerSec: throughput(samples, () => decodeAll(chunks)),
    iterateSamplesPerSec: throughput(samples, () => iterateAll(chunks)),
    sealSamplesPerSec: throughput(samples, () => chunks.map(sealChunk)),
    decodeSealedSamplesPerSec: throughput(samples, () => decodeAll(sealed)),
    plainXorEncodeSamplesPerSec: throughput(samples, () => encode(data, false)),
    plainXorDecodeSamplesPerSec: throughput(samples, () => decodeAll(plain)),
  };
}

/** Bytes a sample of the timestamps alone, as written and as stored. */
function timestampBytes(timestamps: Float64Array) {
  const data = { timestamps, values: new Float64Array(timestamps.length).fill(Math.PI) };
  const chunks = encode(data, true);
  const sealed = chunks.map(sealChunk);
  verify(data, sealed);
  // Less a bit a sample for the value and its first 64 bits in each chunk.
  const perSample = (list: Uint8Array[]) =>
    +((list.reduce((total, chunk) => total + chunk.length, 0) - 8 * list.length) / timestamps.length - 1 / 8).toFixed(3);
  return { deltaOfDelta: perSample(chunks), sealed: perSample(sealed) };
}

const jitter40 = Float64Array.from(gauges.timestamps, (_, k) => 1_718_000_000_000 + (k % SAMPLES) * INTERVAL_MS + Math.floor(random() * 40));

console.log(
  JSON.stringify({
    benchmark: 'chunk-codec',
    seed: SEED,
    node: process.version,
    loadAverage1m: +loadavg()[0].toFixed(2),
    series: SERIES,
    samplesPerSeries: SAMPLES,
    chunkSamples: MAX_CHUNK_SAMPLES,
    intervalMs: INTERVAL_MS,
    jitterMs: JITTER_MS,
    datasets: { gauges: measure(gauges), counters: measure(counters), constant: measure(constant) },
    timestampBytesPerSample: { jitter10: timestampBytes(gauges.timestamps), jitter0to40: timestampBytes(jitter40) },
  }),
);
