import { DDSketch } from '@datadog/sketches-js';
import { bucketStart } from '../../common/time/bucket-start';
import { BucketColumns, BucketColumnsBuilder } from './bucket-columns';
import { RollupBucket, SKETCH_RELATIVE_ACCURACY } from './rollup-bucket';

type DenseStore = DDSketch['store'];

/**
 * Binary encoding of the rollup buckets of one series, stored for every series every minute,
 * so every byte counts. The list must be sorted by start with no two buckets at the same start
 * (mergeBucketLists makes one); the encoder throws a RangeError otherwise, since an unsorted list
 * is a bug upstream that sorting here would hide.
 *
 * Layout (varints: 7-bit groups, least significant first, high bit = more follows):
 *   header   byte FORMAT_VERSION, uvarint bucket count
 *   bucket   byte flags
 *            uvarint |start - previous start| (the first bucket's from 0); in minutes when
 *            START_IN_MINUTES, negative when START_NEGATIVE (only the first can be)
 *            uvarint count; nothing more when 0
 *            UNIFORM (min === max):  number value, then number sum when count > 1
 *            otherwise:              number sum, min, max; bins of the negative store when
 *                                    NEGATIVE_BINS, bins of the positive store when POSITIVE_BINS
 *
 * A uniform bucket (every sparse series' single sample) needs no sketch: it is `count` samples of
 * one value, rebuilt on demand. A count-1 bucket's sum is 0 + value, as `add` computes it.
 *
 * number: agents send gauges rounded to a few decimals, which cost 8 bytes as float64 but 1-3
 * as decimals (as in gorilla-chunk). uvarint x with the scale d in its low 3 bits:
 *   d = 0..6   value = m / 10^d, m zigzag-coded in x >> 3 (the encoder checks the round trip is
 *              bit-exact; -0 never qualifies)
 *   x = 7      a float64 follows, little-endian (sums of decimals often stop being decimal)
 *
 * bins: the sketch's mapping is fixed by SKETCH_RELATIVE_ACCURACY (FORMAT_VERSION changes with
 * it), so a store is its occupied key range and the counts in it, zero runs collapsed:
 *   uvarint span, zigzag uvarint first key, then until `span` keys are covered:
 *   uvarint c > 0 (one bin), or 0 and uvarint n (n + 1 empty bins)
 * The zero bin's count is the bucket count less both stores'. A store of ~13 bins (a gauge at
 * 40 +- 5) takes ~17 bytes, where DDSketch.toProto writes 8 bytes for each of its (128-bin minimum)
 * dense bins plus the mapping, and needs protobufjs, which sketches-js 2.1.1 does not declare.
 */

/** First byte of every encoding; bump it with any change to the layout or the sketch accuracy. */
export const FORMAT_VERSION = 1;

const START_IN_MINUTES = 1;
const START_NEGATIVE = 2;
const UNIFORM = 4;
const NEGATIVE_BINS = 8;
const POSITIVE_BINS = 16;

const MINUTE_MS = 60_000;
const RAW_FLOAT = 7;
const MAX_SCALE = 6;
const POW10 = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];
/** Keeps zigzag(m) * 8 + scale a safe integer. */
const MAX_DECIMAL_MANTISSA = 2 ** 48;

// The keys any finite double maps to; a stored key outside them is corruption, and would
// otherwise make the decoder allocate bins all the way to it.
const mapping = new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY }).mapping;
const MIN_KEY = mapping.key(mapping.minPossible);
const MAX_KEY = mapping.key(Number.MAX_VALUE);

export function encodeBuckets(buckets: RollupBucket[]): Uint8Array {
  assertSorted(buckets, 'encodeBuckets');
  const w = new ByteWriter();
  w.byte(FORMAT_VERSION);
  w.uvarint(buckets.length);
  let previousStart = 0;
  for (const bucket of buckets) {
    const delta = bucket.start - previousStart;
    previousStart = bucket.start;
    const uniform = bucket.count > 0 && bucket.min === bucket.max;
    const sketch = uniform ? undefined : bucket.sketch;
    const negativeStore = sketch?.negativeStore.count ? sketch.negativeStore : undefined;
    const positiveStore = sketch?.store.count ? sketch.store : undefined;
    let flags = 0;
    if (delta % MINUTE_MS === 0) flags |= START_IN_MINUTES;
    if (delta < 0) flags |= START_NEGATIVE;
    if (uniform) flags |= UNIFORM;
    if (negativeStore) flags |= NEGATIVE_BINS;
    if (positiveStore) flags |= POSITIVE_BINS;
    w.byte(flags);
    w.uvarint(Math.abs(flags & START_IN_MINUTES ? delta / MINUTE_MS : delta));
    w.uvarint(bucket.count);
    if (bucket.count === 0) continue;
    if (uniform) {
      w.number(bucket.min);
      if (bucket.count > 1) w.number(bucket.sum);
      continue;
    }
    w.number(bucket.sum);
    w.number(bucket.min);
    w.number(bucket.max);
    if (negativeStore) writeStore(w, negativeStore);
    if (positiveStore) writeStore(w, positiveStore);
  }
  return w.finish();
}

/** Decodes `encodeBuckets` output; throws a RangeError on truncated or corrupt input. */
export function decodeBuckets(bytes: Uint8Array): RollupBucket[] {
  const buckets: RollupBucket[] = [];
  readBuckets(bytes, {
    empty: (start) => buckets.push(new RollupBucket(start)),
    uniform: (start, count, sum, value) => buckets.push(RollupBucket.restore({ start, count, sum, min: value, max: value })),
    sketched: (start, count, sum, min, max, r, flags) => {
      const sketch = new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY });
      if (flags & NEGATIVE_BINS) fillStore(sketch.negativeStore, readStore(r));
      if (flags & POSITIVE_BINS) fillStore(sketch.store, readStore(r));
      sketch.zeroCount = count - sketch.negativeStore.count - sketch.store.count;
      if (sketch.zeroCount < 0) throw new RangeError('rollup buckets are corrupt: sketch bins hold more samples than the bucket');
      sketch.count = count;
      buckets.push(RollupBucket.restore({ start, count, sum, min, max }, sketch));
    },
  });
  return buckets;
}

/**
 * Decodes `encodeBuckets` output straight into columns, as queries read it: no bucket or sketch
 * objects; a sketch becomes its bins' representative values (ascending) and counts, a uniform
 * bucket one bin. Same checks as decodeBuckets.
 */
export function decodeBucketColumns(bytes: Uint8Array): BucketColumns {
  const out = new BucketColumnsBuilder();
  readBuckets(bytes, {
    empty: (start) => out.bucket(start, 0, 0, Infinity, -Infinity),
    uniform: (start, count, sum, value) => {
      out.bucket(start, count, sum, value, value);
      // The bin the bucket's sketch would hold (RollupBucket makes it on demand): so a quantile
      // reads the same whether buckets are merged (compaction, rollup) or side by side.
      out.bin(sketchValueOf(value), count);
    },
    sketched: (start, count, sum, min, max, r, flags) => {
      out.bucket(start, count, sum, min, max);
      const none = { keys: [], counts: [] };
      const negative = flags & NEGATIVE_BINS ? readStore(r) : none;
      const positive = flags & POSITIVE_BINS ? readStore(r) : none;
      const zeros = count - sum0(negative.counts) - sum0(positive.counts);
      if (zeros < 0) throw new RangeError('rollup buckets are corrupt: sketch bins hold more samples than the bucket');
      // Ascending values: the negative store from its largest magnitude (key) down, zero, then the positive store.
      for (let i = negative.keys.length - 1; i >= 0; i--) out.bin(-binValue(negative.keys[i]), negative.counts[i]);
      if (zeros > 0) out.bin(0, zeros);
      for (let i = 0; i < positive.keys.length; i++) out.bin(binValue(positive.keys[i]), positive.counts[i]);
    },
  });
  return out.finish();
}

/**
 * Samples in time order as the bucket columns that `decodeBucketColumns(encodeBuckets(...))` gives
 * for the rollup buckets of `bucketMs` they make (so the head reads as it will once saved), built
 * straight from the sketch mapping: no bucket, sketch or encoding per read.
 */
export function bucketColumnsOfSamples(times: ArrayLike<number>, values: ArrayLike<number>, bucketMs: number): BucketColumns {
  const out = new BucketColumnsBuilder();
  const positive = new Map<number, number>();
  const negative = new Map<number, number>();
  let i = 0;
  while (i < times.length) {
    const start = bucketStart(times[i], bucketMs);
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    let zeros = 0;
    positive.clear();
    negative.clear();
    let j = i;
    for (; j < times.length && times[j] < start + bucketMs; j++) {
      const v = values[j];
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
      // As DDSketch.accept files a value.
      if (v > mapping.minPossible) positive.set(mapping.key(v), (positive.get(mapping.key(v)) ?? 0) + 1);
      else if (v < -mapping.minPossible) negative.set(mapping.key(-v), (negative.get(mapping.key(-v)) ?? 0) + 1);
      else zeros++;
    }
    const count = j - i;
    out.bucket(start, count, sum, min, max);
    if (min === max) {
      out.bin(sketchValueOf(min), count);
    } else {
      for (const key of [...negative.keys()].sort((a, b) => b - a)) out.bin(-binValue(key), negative.get(key)!);
      if (zeros > 0) out.bin(0, zeros);
      for (const key of [...positive.keys()].sort((a, b) => a - b)) out.bin(binValue(key), positive.get(key)!);
    }
    i = j;
  }
  return out.finish();
}

interface BucketVisitor {
  empty(start: number): void;
  uniform(start: number, count: number, sum: number, value: number): void;
  /** Reads the bucket's stores from `r` (per `flags`) before returning. */
  sketched(start: number, count: number, sum: number, min: number, max: number, r: ByteReader, flags: number): void;
}

function readBuckets(bytes: Uint8Array, visit: BucketVisitor): void {
  const r = new ByteReader(bytes);
  const version = r.byte();
  if (version !== FORMAT_VERSION) throw new RangeError(`rollup buckets: unknown format version ${version}`);
  const n = r.uvarint();
  let start = 0;
  for (let i = 0; i < n; i++) {
    const flags = r.byte();
    if (flags >= POSITIVE_BINS * 2) throw new RangeError(`rollup buckets are corrupt: unknown flags ${flags}`);
    const delta = r.uvarint() * (flags & START_IN_MINUTES ? MINUTE_MS : 1);
    if (i > 0 && (delta === 0 || flags & START_NEGATIVE)) throw new RangeError('rollup buckets are corrupt: starts do not increase');
    start += flags & START_NEGATIVE ? -delta : delta;
    if (!Number.isSafeInteger(start)) throw new RangeError('rollup buckets are corrupt: start is not a safe integer');
    const count = r.uvarint();
    if (count === 0) {
      visit.empty(start);
    } else if (flags & UNIFORM) {
      const value = r.number();
      visit.uniform(start, count, count > 1 ? r.number() : 0 + value, value);
    } else {
      const sum = r.number();
      const min = r.number();
      const max = r.number();
      visit.sketched(start, count, sum, min, max, r, flags);
    }
  }
  if (!r.done) throw new RangeError(`rollup buckets are corrupt: ${bytes.length - r.offset} bytes after the last bucket`);
}

/**
 * Merges two lists sorted as encodeBuckets requires into one, merging buckets with equal starts
 * into new buckets. The inputs are not modified; a bucket found in only one list is shared, not copied.
 */
export function mergeBucketLists(a: RollupBucket[], b: RollupBucket[]): RollupBucket[] {
  assertSorted(a, 'mergeBucketLists (first list)');
  assertSorted(b, 'mergeBucketLists (second list)');
  const merged: RollupBucket[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i].start < b[j].start) {
      merged.push(a[i++]);
    } else if (a[i].start > b[j].start) {
      merged.push(b[j++]);
    } else {
      const both = a[i++].clone();
      both.merge(b[j++]);
      merged.push(both);
    }
  }
  return merged.concat(a.slice(i), b.slice(j));
}

function assertSorted(buckets: RollupBucket[], where: string): void {
  for (let i = 1; i < buckets.length; i++) {
    if (buckets[i].start <= buckets[i - 1].start) {
      throw new RangeError(`${where}: buckets must have increasing starts, got ${buckets[i - 1].start} then ${buckets[i].start}`);
    }
  }
}

function writeStore(w: ByteWriter, store: DenseStore): void {
  // minKey and maxKey are keys of added samples, so the range starts and ends with occupied bins.
  w.uvarint(store.maxKey - store.minKey + 1);
  w.uvarint(zigzag(store.minKey));
  for (let key = store.minKey; key <= store.maxKey; key++) {
    const count = store.bins[key - store.offset];
    if (count !== 0) {
      w.uvarint(count);
      continue;
    }
    let empty = 1;
    while (key + empty < store.maxKey && store.bins[key + empty - store.offset] === 0) empty++;
    w.byte(0);
    w.uvarint(empty - 1);
    key += empty - 1;
  }
}

/** One store's occupied bins, in key order. */
function readStore(r: ByteReader): { keys: number[]; counts: number[] } {
  const span = r.uvarint();
  const first = unzigzag(r.uvarint());
  const end = first + span;
  if (span === 0 || first < MIN_KEY || end - 1 > MAX_KEY) throw new RangeError(`rollup buckets are corrupt: sketch keys ${first} to ${end - 1}`);
  const keys: number[] = [];
  const counts: number[] = [];
  let key = first;
  while (key < end) {
    const count = r.uvarint();
    if (count > 0) {
      keys.push(key++);
      counts.push(count);
    } else {
      key += r.uvarint() + 1;
    }
  }
  if (key !== end || keys.length === 0) throw new RangeError('rollup buckets are corrupt: sketch bins do not fill their key range');
  return { keys, counts };
}

function fillStore(store: DenseStore, { keys, counts }: { keys: number[]; counts: number[] }): void {
  // The last key first, then the first: the store sizes its bins once, where adding in key order
  // would regrow and shift them every 128 keys (quadratic for a sketch spanning 1e-300..1e300).
  const last = keys.length - 1;
  store.add(keys[last], counts[last]);
  for (let i = 0; i < last; i++) store.add(keys[i], counts[i]);
}

/** The representative value of the sketch bin that holds `value` (0 for magnitudes the sketch counts as zero). */
function sketchValueOf(value: number): number {
  const magnitude = Math.abs(value);
  if (!(magnitude > mapping.minPossible)) return 0;
  const representative = binValue(mapping.key(magnitude));
  return value < 0 ? -representative : representative;
}

const sum0 = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** The representative value of a positive sketch key, computed once per key. */
const binValues = new Map<number, number>();
function binValue(key: number): number {
  let value = binValues.get(key);
  if (value === undefined) binValues.set(key, (value = mapping.value(key)));
  return value;
}

/** Small integers of either sign as small unsigned ones: 0, -1, 1, -2, ... as 0, 1, 2, 3, ... */
function zigzag(x: number): number {
  return x >= 0 ? 2 * x : -2 * x - 1;
}

function unzigzag(z: number): number {
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
}

/** The decimal m / 10^d that is exactly `v` with the smallest d, as zigzag(m) * 8 + d; undefined if none. */
function decimalCode(v: number): number | undefined {
  // -0 would come back as +0.
  if (v === 0 && 1 / v < 0) return undefined;
  for (let scale = 0; scale <= MAX_SCALE; scale++) {
    const p = POW10[scale];
    const m = Math.round(v * p);
    if (Math.abs(m) > MAX_DECIMAL_MANTISSA) return undefined;
    if (m / p === v) return zigzag(m) * 8 + scale;
  }
  return undefined;
}

/** Appends to a growable buffer. */
class ByteWriter {
  private buf = new Uint8Array(64);
  private view = new DataView(this.buf.buffer);
  private length = 0;

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.length++] = b;
  }

  /** A non-negative safe integer; anything else would be written as garbage. */
  uvarint(x: number): void {
    if (!Number.isSafeInteger(x) || x < 0) throw new RangeError(`rollup buckets: cannot encode ${x} as a varint`);
    while (x >= 128) {
      this.byte((x % 128) | 128);
      x = Math.floor(x / 128);
    }
    this.byte(x);
  }

  number(v: number): void {
    const code = decimalCode(v);
    if (code !== undefined) return this.uvarint(code);
    this.byte(RAW_FLOAT);
    this.reserve(8);
    this.view.setFloat64(this.length, v, true);
    this.length += 8;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    grown.set(this.buf);
    this.buf = grown;
    this.view = new DataView(grown.buffer);
  }
}

/** Reads what ByteWriter wrote; reading past the end throws, so truncated input never decodes. */
class ByteReader {
  offset = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get done(): boolean {
    return this.offset === this.bytes.length;
  }

  byte(): number {
    if (this.offset >= this.bytes.length) throw this.truncated();
    return this.bytes[this.offset++];
  }

  uvarint(): number {
    let x = 0;
    for (let weight = 1; weight <= 2 ** 49; weight *= 128) {
      const b = this.byte();
      x += (b & 127) * weight;
      if (b < 128) return x;
    }
    throw new RangeError('rollup buckets are corrupt: varint longer than 8 bytes');
  }

  number(): number {
    const code = this.uvarint();
    const scale = code % 8;
    if (scale <= MAX_SCALE) return unzigzag(Math.floor(code / 8)) / POW10[scale];
    if (code !== RAW_FLOAT) throw new RangeError(`rollup buckets are corrupt: bad number code ${code}`);
    if (this.offset + 8 > this.bytes.length) throw this.truncated();
    const v = this.view.getFloat64(this.offset, true);
    this.offset += 8;
    return v;
  }

  private truncated(): RangeError {
    return new RangeError(`rollup buckets are truncated: input ends at byte ${this.bytes.length}`);
  }
}
