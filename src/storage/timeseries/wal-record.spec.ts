import { seededRandom } from '../../../test/support/seeded-random';
import { LedgerResult, SeriesSamples } from './ingest-records';
import { encodeInPieces } from '../wal/document-size';
import { decodeWalGroup, encodeWalGroup, sortedByTime, splitWalEntry, WalEntry } from './wal-record';

const T0 = 1_718_000_000_000;

/** Entries as plain values, sample columns as arrays, for comparison. */
const plain = (entries: WalEntry[]) =>
  entries.map((e) => ({
    environment: e.environment,
    batchId: e.batchId,
    result: e.result,
    series: e.series.map((s) => ({
      agentId: s.agentId,
      metric: s.metric,
      labels: s.labels,
      timestamps: Array.from(s.timestamps),
      values: Array.from(s.values),
    })),
  }));

function samples(agentId: string, metric: string, timestamps: number[], values: number[], labels: SeriesSamples['labels'] = []): SeriesSamples {
  return { agentId, metric, labels, timestamps, values };
}

const result = (accepted: number, errors: LedgerResult['errors'] = []): LedgerResult => ({
  acceptedSamples: accepted,
  rejectedSamples: errors.length,
  acceptedHeartbeats: 1,
  rejectedHeartbeats: 0,
  errors,
});

describe('encodeWalGroup / decodeWalGroup', () => {
  it('round-trips several entries with their batchIds, results, series and labels', () => {
    const entries: WalEntry[] = [
      {
        environment: 'prod',
        batchId: 'batch-1',
        result: result(3),
        series: [
          samples('a1', 'cpu', [T0, T0 + 10_000, T0 + 20_000], [0.5, 0.75, 12], [{ name: 'host', value: 'web-1' }]),
          samples(
            'a2',
            'cpu',
            [T0 + 1],
            [-1e-9],
            [
              { name: 'host', value: 'web-2' },
              { name: 'zone', value: 'eu-west' },
            ],
          ),
        ],
      },
      {
        environment: 'staging',
        batchId: 'batch-2',
        result: result(1, [{ path: 'samples[1].value', code: 'NOT_FINITE', message: 'value must be a finite number' }]),
        series: [samples('a1', 'mem', [T0 + 5], [1024])],
      },
      // No batchId (not idempotent) and no result.
      { environment: 'prod', series: [samples('a3', 'disk', [T0, T0], [1, 2])] },
    ];
    expect(plain(decodeWalGroup(encodeWalGroup(entries)))).toEqual(plain(entries));
  });

  it('keeps entries without batchId or result without them', () => {
    const [entry] = decodeWalGroup(encodeWalGroup([{ environment: 'prod', series: [] }]));
    expect(entry.batchId).toBeUndefined();
    expect(entry.result).toBeUndefined();
    expect(entry.series).toEqual([]);
  });

  it('encodes an empty group, an entry with no series and a series with no samples', () => {
    expect(decodeWalGroup(encodeWalGroup([]))).toEqual([]);
    const entries: WalEntry[] = [
      { environment: 'prod', batchId: 'b', result: result(0), series: [] },
      { environment: 'prod', batchId: 'c', result: result(0), series: [samples('a', 'cpu', [], [])] },
    ];
    expect(plain(decodeWalGroup(encodeWalGroup(entries)))).toEqual(plain(entries));
  });

  it('keeps every value bit-exact: decimals, large and tiny floats, -0, infinities and NaN', () => {
    const values = [0, -0, 0.1, 99.99, -42, 1 / 3, Math.PI * 1e200, 5e-324, Number.MAX_VALUE, Infinity, -Infinity, NaN, 2 ** 53 - 1];
    const timestamps = values.map((_, i) => T0 + i * 1_000);
    const [entry] = decodeWalGroup(encodeWalGroup([{ environment: 'prod', series: [samples('a', 'cpu', timestamps, values)] }]));
    const decoded = Array.from(entry.series[0].values);
    expect(decoded).toHaveLength(values.length);
    decoded.forEach((v, i) => expect(Object.is(v, values[i])).toBe(true));
    expect(Array.from(entry.series[0].timestamps)).toEqual(timestamps);
  });

  it('stores an unsorted series sorted by time, stably for equal timestamps', () => {
    const entries: WalEntry[] = [
      {
        environment: 'prod',
        batchId: 'b',
        series: [samples('a', 'cpu', [T0 + 30, T0 + 10, T0 + 20, T0 + 10, T0 + 30, T0], [1, 2, 3, 4, 5, 6], [{ name: 'host', value: 'h' }])],
      },
    ];
    const [entry] = decodeWalGroup(encodeWalGroup(entries));
    expect(Array.from(entry.series[0].timestamps)).toEqual([T0, T0 + 10, T0 + 10, T0 + 20, T0 + 30, T0 + 30]);
    expect(Array.from(entry.series[0].values)).toEqual([6, 2, 4, 3, 1, 5]);
    expect(entry.series[0].labels).toEqual([{ name: 'host', value: 'h' }]);
    expect(entry.batchId).toBe('b');
  });

  it("leaves the caller's columns as they were", () => {
    const timestamps = [T0 + 2, T0 + 1];
    const values = [2, 1];
    encodeWalGroup([{ environment: 'prod', series: [samples('a', 'cpu', timestamps, values)] }]);
    expect(timestamps).toEqual([T0 + 2, T0 + 1]);
    expect(values).toEqual([2, 1]);
  });

  it('round-trips random groups, sorting each series stably by time', () => {
    const random = seededRandom(31337);
    for (let round = 0; round < 25; round++) {
      const entries: WalEntry[] = [];
      const nEntries = 1 + Math.floor(random() * 6);
      for (let e = 0; e < nEntries; e++) {
        const series: SeriesSamples[] = [];
        const nSeries = Math.floor(random() * 5);
        for (let s = 0; s < nSeries; s++) {
          const n = Math.floor(random() * 300);
          const timestamps = Float64Array.from({ length: n }, () => T0 + Math.floor(random() * 100) * 1_000);
          const values = Float64Array.from({ length: n }, () => (random() < 0.5 ? Math.round(random() * 1e4) / 100 : random() * 1e12 - 5e11));
          const labels = random() < 0.5 ? [] : [{ name: 'host', value: `h-${s}` }];
          series.push({ agentId: `agent-${e}-${s}`, metric: random() < 0.5 ? 'cpu' : 'mem', labels, timestamps, values });
        }
        entries.push({
          environment: random() < 0.5 ? 'prod' : 'staging',
          batchId: random() < 0.8 ? `batch-${round}-${e}` : undefined,
          result: random() < 0.8 ? result(Math.floor(random() * 1000)) : undefined,
          series,
        });
      }

      const expected = plain(entries).map((entry) => ({
        ...entry,
        series: entry.series.map((s) => {
          const order = s.timestamps.map((_, i) => i).sort((a, b) => s.timestamps[a] - s.timestamps[b] || a - b);
          return { ...s, timestamps: order.map((i) => s.timestamps[i]), values: order.map((i) => s.values[i]) };
        }),
      }));
      const encoded = encodeWalGroup(entries);
      expect(plain(decodeWalGroup(encoded))).toEqual(expected);

      // Also from a view at an offset in a larger buffer, as a database driver may hand it over.
      const big = new Uint8Array(encoded.length + 40);
      big.set(encoded, 17);
      expect(plain(decodeWalGroup(big.subarray(17, 17 + encoded.length)))).toEqual(expected);
    }
  });

  it('throws when the samples of a series run past the end', () => {
    const encoded = encodeWalGroup([{ environment: 'prod', series: [samples('a', 'cpu', [T0, T0 + 1_000, T0 + 2_000], [1, 2, 3])] }]);
    expect(() => decodeWalGroup(encoded.subarray(0, encoded.length - 1))).toThrow('write-ahead log record is truncated');
  });
});

describe('sortedByTime', () => {
  it('returns sorted input as it is', () => {
    const timestamps = [1, 2, 2, 3];
    const values = [4, 3, 2, 1];
    const sorted = sortedByTime(timestamps, values);
    expect(sorted.timestamps).toBe(timestamps);
    expect(sorted.values).toBe(values);
  });

  it('sorts by time, keeping the order of equal timestamps', () => {
    const sorted = sortedByTime([3, 1, 2, 1, 3], [10, 20, 30, 40, 50]);
    expect(Array.from(sorted.timestamps)).toEqual([1, 1, 2, 3, 3]);
    expect(Array.from(sorted.values)).toEqual([20, 40, 30, 10, 50]);
  });
});

describe('splitWalEntry', () => {
  it('splits a group over the document limit into pieces that replay as the group, the batch result last', () => {
    const labels = Array.from({ length: 32 }, (_, i) => ({ name: `label_${i}`, value: '€'.repeat(256) }));
    const entries: WalEntry[] = [
      {
        environment: 'prod',
        batchId: 'b1',
        result: result(40),
        series: Array.from({ length: 40 }, (_, i) => samples(`agent-${i}`, 'cpu', [T0, T0 + 1_000], [i, i + 1], labels)),
      },
      { environment: 'prod', series: [samples('solo', 'cpu', [T0, T0 + 1, T0 + 2, T0 + 3], [1, 2, 3, 4])] },
    ];
    const pieces = encodeInPieces(entries, encodeWalGroup, 64 * 1024, splitWalEntry);
    expect(pieces.length).toBeGreaterThan(10);
    expect(pieces.every((p) => p.blob.length <= 64 * 1024)).toBe(true);
    const replayed = pieces.flatMap((p) => decodeWalGroup(p.blob));
    expect(replayed.filter((e) => e.batchId !== undefined)).toEqual([expect.objectContaining({ batchId: 'b1', result: result(40) })]);
    expect(replayed.findIndex((e) => e.batchId === 'b1')).toBe(replayed.filter((e) => e.series[0]?.agentId.startsWith('agent-')).length - 1);
    expect(plain(replayed).flatMap((e) => e.series)).toEqual(plain(entries).flatMap((e) => e.series));
  });

  it('splits a lone series by its samples, and cannot split one sample', () => {
    const entry: WalEntry = { environment: 'prod', batchId: 'b', result: result(4), series: [samples('a', 'cpu', [T0, T0 + 1, T0 + 2, T0 + 3], [1, 2, 3, 4])] };
    const [first, second] = splitWalEntry(entry)!;
    expect([first.batchId, second.batchId]).toEqual([undefined, 'b']);
    expect([...Array.from(first.series[0].values), ...Array.from(second.series[0].values)]).toEqual([1, 2, 3, 4]);
    expect(splitWalEntry({ environment: 'prod', series: [samples('a', 'cpu', [T0], [1])] })).toBeUndefined();
  });
});
