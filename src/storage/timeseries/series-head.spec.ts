import { seededRandom } from '../../../test/support/seeded-random';
import { decodeChunk } from '../chunks/gorilla-chunk';
import { SeriesSamples } from './ingest-records';
import { Head, SeriesHead } from './series-head';
import { periodStart, TIERS } from './tiers';

const HOUR = 3_600_000;
/** An hour boundary (a raw period start) in mid-2024. */
const H = periodStart(1_718_000_000_000, TIERS.raw);

type Sample = [t: number, v: number];

/** Each chunk's samples, decoded from its bytes. */
function chunkSamples(head: SeriesHead): Sample[][] {
  return head.chunks.map((chunk) => {
    const { timestamps, values } = decodeChunk(chunk.bytes());
    return Array.from(timestamps, (t, i): Sample => [t, values[i]]);
  });
}

function read(head: SeriesHead, from: number, to: number): Sample[] {
  const out: Sample[] = [];
  head.forEachSample(from, to, (t, v) => out.push([t, v]));
  return out;
}

function appendSamples(head: SeriesHead, samples: Sample[]): number {
  return head.append(
    samples.map(([t]) => t),
    samples.map(([, v]) => v),
  );
}

const newSeries = () => new SeriesHead('prod', 'cpu', 'agent-1', [{ name: 'host', value: 'a' }]);

const totalBytes = (head: SeriesHead) => head.chunks.reduce((n, c) => n + c.byteLength, 0);

function series(agentId: string, metric: string, samples: Sample[], labels: SeriesSamples['labels'] = []): SeriesSamples {
  return { agentId, metric, labels, timestamps: samples.map(([t]) => t), values: samples.map(([, v]) => v) };
}

describe('SeriesHead', () => {
  it('keeps in-order samples of one hour in a single chunk', () => {
    const head = newSeries();
    const samples: Sample[] = [
      [H + 1_000, 1.5],
      [H + 11_000, 2.25],
      [H + 21_000, -3],
      [H + 31_000, 1e300],
    ];
    appendSamples(head, samples);
    expect(chunkSamples(head)).toEqual([samples]);
    expect(read(head, -Infinity, Infinity)).toEqual(samples);
  });

  it('keeps samples with equal timestamps in the same chunk, in arrival order', () => {
    const head = newSeries();
    appendSamples(head, [
      [H + 5, 1],
      [H + 5, 2],
      [H + 5, 3],
    ]);
    expect(chunkSamples(head)).toEqual([
      [
        [H + 5, 1],
        [H + 5, 2],
        [H + 5, 3],
      ],
    ]);
  });

  it('cuts a new chunk at a sample older than the last one, keeping every chunk sorted', () => {
    const head = newSeries();
    appendSamples(head, [
      [H + 10, 1],
      [H + 20, 2],
      [H + 15, 3],
      [H + 25, 4],
    ]);
    expect(chunkSamples(head)).toEqual([
      [
        [H + 10, 1],
        [H + 20, 2],
      ],
      [
        [H + 15, 3],
        [H + 25, 4],
      ],
    ]);
    // Reads go chunk by chunk, not merged by time.
    expect(read(head, H, H + HOUR)).toEqual([
      [H + 10, 1],
      [H + 20, 2],
      [H + 15, 3],
      [H + 25, 4],
    ]);
  });

  it('continues the open chunk across append calls, and cuts when a later call goes back in time', () => {
    const head = newSeries();
    appendSamples(head, [[H + 100, 1]]);
    appendSamples(head, [[H + 200, 2]]);
    expect(head.chunks).toHaveLength(1);
    appendSamples(head, [[H + 150, 3]]);
    expect(chunkSamples(head)).toEqual([
      [
        [H + 100, 1],
        [H + 200, 2],
      ],
      [[H + 150, 3]],
    ]);
  });

  it('cuts a new chunk at every hour-period boundary, in either direction', () => {
    const head = newSeries();
    appendSamples(head, [
      [H - 1, 1],
      [H, 2],
      [H + HOUR - 1, 3],
      [H + HOUR, 4],
      [H + 2 * HOUR + 7, 5],
    ]);
    // Back to an earlier hour, then forward again to the latest one.
    appendSamples(head, [
      [H - 500, 6],
      [H + 2 * HOUR + 8, 7],
    ]);
    expect(chunkSamples(head)).toEqual([
      [[H - 1, 1]],
      [
        [H, 2],
        [H + HOUR - 1, 3],
      ],
      [[H + HOUR, 4]],
      [[H + 2 * HOUR + 7, 5]],
      [[H - 500, 6]],
      [[H + 2 * HOUR + 8, 7]],
    ]);
    for (const chunk of head.chunks) {
      expect(periodStart(chunk.minTime, TIERS.raw)).toBe(periodStart(chunk.maxTime, TIERS.raw));
    }
  });

  it('cuts a chunk when it is full of samples', () => {
    const head = newSeries();
    const samples = Array.from({ length: 1_000 }, (_, i): Sample => [H + i * 1_000, i % 50]);
    appendSamples(head, samples);
    const counts = head.chunks.map((c) => c.count);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1_000);
    expect(head.chunks.length).toBeGreaterThan(1);
    for (const chunk of head.chunks.slice(0, -1)) expect(chunk.isFull).toBe(true);
    // Cut for size, not for order or period: all chunks but the last take the same count.
    expect(new Set(counts.slice(0, -1)).size).toBe(1);
    expect(chunkSamples(head).flat()).toEqual(samples);
  });

  it('cuts a chunk when it is full of bytes (incompressible values)', () => {
    const random = seededRandom(7);
    const head = newSeries();
    const samples = Array.from({ length: 1_000 }, (_, i): Sample => [H + i * 1_000, random() * 1e6 - 5e5]);
    appendSamples(head, samples);
    expect(head.chunks.length).toBeGreaterThan(2);
    for (const chunk of head.chunks.slice(0, -1)) expect(chunk.isFull).toBe(true);
    expect(chunkSamples(head).flat()).toEqual(samples);
  });

  it('reads [from, to): from inclusive, to exclusive, nothing outside', () => {
    const head = newSeries();
    const samples = Array.from({ length: 10 }, (_, i): Sample => [H + i * 100, i]);
    appendSamples(head, samples);
    expect(read(head, H + 200, H + 500).map(([t]) => t)).toEqual([H + 200, H + 300, H + 400]);
    expect(read(head, H + 250, H + 251)).toEqual([]);
    expect(read(head, H + 300, H + 300)).toEqual([]);
    expect(read(head, H + 901, Infinity)).toEqual([]);
    expect(read(head, -Infinity, H)).toEqual([]);
    expect(read(head, H + 900, H + 901)).toEqual([[H + 900, 9]]);
  });

  it('reads nothing from an empty head and appending nothing grows nothing', () => {
    const head = newSeries();
    expect(head.append([], [])).toBe(0);
    expect(head.chunks).toHaveLength(0);
    expect(read(head, -Infinity, Infinity)).toEqual([]);
  });

  it('keeps random samples exactly, in arrival order, in sorted single-period chunks', () => {
    const random = seededRandom(20240611);
    for (let round = 0; round < 20; round++) {
      const head = newSeries();
      const all: Sample[] = [];
      let grown = 0;
      let t = H - HOUR + Math.floor(random() * HOUR);
      for (let call = 0; call < 10; call++) {
        const batch: Sample[] = [];
        const n = Math.floor(random() * 200);
        for (let i = 0; i < n; i++) {
          const r = random();
          // Mostly forward, sometimes equal, sometimes back in time, sometimes a jump past an hour.
          if (r < 0.08) t -= Math.floor(random() * 600_000);
          else if (r < 0.12) t += Math.floor(random() * 2 * HOUR);
          else if (r > 0.2) t += Math.floor(random() * 20_000);
          const v = random() < 0.5 ? Math.round(random() * 10_000) / 100 : random() * 1e9;
          batch.push([t, v]);
        }
        grown += appendSamples(head, batch);
        all.push(...batch);
      }

      const chunks = chunkSamples(head);
      expect(chunks.flat()).toEqual(all);
      for (const chunk of chunks) {
        expect(chunk.length).toBeGreaterThan(0);
        for (let i = 1; i < chunk.length; i++) expect(chunk[i][0]).toBeGreaterThanOrEqual(chunk[i - 1][0]);
        expect(periodStart(chunk[0][0], TIERS.raw)).toBe(periodStart(chunk[chunk.length - 1][0], TIERS.raw));
      }
      expect(grown).toBe(totalBytes(head));

      const ts = all.map(([s]) => s);
      const lo = Math.min(...ts);
      const hi = Math.max(...ts);
      for (let q = 0; q < 5; q++) {
        const a = lo + Math.floor(random() * (hi - lo + 1));
        const b = a + Math.floor(random() * (hi - a + 2));
        expect(read(head, a, b)).toEqual(all.filter(([s]) => s >= a && s < b));
      }
      expect(read(head, -Infinity, Infinity)).toEqual(all);
    }
  });
});

describe('Head', () => {
  it('counts samples and encoded bytes over every series', () => {
    const head = new Head(3);
    expect(head.generation).toBe(3);
    expect(head.bytes).toBe(0);
    expect(head.samples).toBe(0);
    head.append(
      'prod',
      series('a1', 'cpu', [
        [H + 1, 1],
        [H + 2, 2],
      ]),
    );
    head.append('prod', series('a2', 'cpu', [[H + 1, 5]]));
    head.append(
      'prod',
      series('a1', 'cpu', [
        [H + 3, 3],
        [H + 1, 0],
      ]),
    );
    head.append(
      'staging',
      series('a1', 'mem', [
        [H + HOUR, 7],
        [H + HOUR + 1, 8.5],
      ]),
    );
    expect(head.samples).toBe(7);
    const all = [...head.series.values()];
    expect(all).toHaveLength(3);
    expect(head.bytes).toBe(all.reduce((n, s) => n + totalBytes(s), 0));
  });

  it('keeps byte accounting exact over many random appends', () => {
    const random = seededRandom(99);
    const head = new Head(1);
    let samples = 0;
    const clock = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      const agentId = `agent-${Math.floor(random() * 5)}`;
      const metric = random() < 0.5 ? 'cpu' : 'mem';
      let t = clock.get(agentId + metric) ?? H;
      const batch: Sample[] = [];
      const n = 1 + Math.floor(random() * 40);
      for (let j = 0; j < n; j++) {
        t += random() < 0.05 ? -Math.floor(random() * 100_000) : Math.floor(random() * 60_000);
        batch.push([t, random() < 0.5 ? Math.floor(random() * 100) : random()]);
      }
      clock.set(agentId + metric, t);
      head.append('prod', series(agentId, metric, batch));
      samples += n;
    }
    expect(head.samples).toBe(samples);
    expect(head.bytes).toBe([...head.series.values()].reduce((n, s) => n + totalBytes(s), 0));
    expect([...head.series.values()].reduce((n, s) => n + s.chunks.reduce((m, c) => m + c.count, 0), 0)).toBe(samples);
  });

  it('appends the samples of one agent and metric to one series head', () => {
    const head = new Head(1);
    head.append('prod', series('a1', 'cpu', [[H + 1, 1]]));
    head.append('prod', series('a1', 'cpu', [[H + 2, 2]]));
    const [only] = head.seriesOf('prod', 'cpu');
    expect(head.seriesOf('prod', 'cpu')).toHaveLength(1);
    expect(only.environment).toBe('prod');
    expect(only.metric).toBe('cpu');
    expect(only.agentId).toBe('a1');
    expect(read(only, -Infinity, Infinity)).toEqual([
      [H + 1, 1],
      [H + 2, 2],
    ]);
  });

  it('finds the series of a metric per environment, optionally only of some agents', () => {
    const head = new Head(1);
    head.append('prod', series('a1', 'cpu', [[H, 1]]));
    head.append('prod', series('a2', 'cpu', [[H, 2]]));
    head.append('prod', series('a3', 'cpu', [[H, 3]]));
    head.append('prod', series('a1', 'mem', [[H, 4]]));
    head.append('staging', series('a1', 'cpu', [[H, 5]]));

    const agents = (list: SeriesHead[]) => list.map((s) => s.agentId).sort();
    expect(agents(head.seriesOf('prod', 'cpu'))).toEqual(['a1', 'a2', 'a3']);
    expect(agents(head.seriesOf('prod', 'cpu', new Set(['a1', 'a3', 'a9'])))).toEqual(['a1', 'a3']);
    expect(head.seriesOf('prod', 'cpu', new Set())).toEqual([]);
    expect(agents(head.seriesOf('prod', 'mem'))).toEqual(['a1']);
    expect(agents(head.seriesOf('staging', 'cpu'))).toEqual(['a1']);
    expect(head.seriesOf('staging', 'cpu')[0].environment).toBe('staging');
    expect(read(head.seriesOf('staging', 'cpu')[0], -Infinity, Infinity)).toEqual([[H, 5]]);
    expect(head.seriesOf('staging', 'mem')).toEqual([]);
    expect(head.seriesOf('dev', 'cpu')).toEqual([]);
  });

  it('groups the series by environment and metric', () => {
    const head = new Head(1);
    head.append('prod', series('a1', 'cpu', [[H, 1]]));
    head.append('prod', series('a1', 'mem', [[H, 1]]));
    head.append('prod', series('a2', 'cpu', [[H, 1]]));
    head.append('staging', series('a1', 'cpu', [[H, 1]]));
    head.append('prod', series('a2', 'cpu', [[H + 1, 1]]));

    const groups = head
      .metrics()
      .map((group) => group.map((s) => `${s.environment}/${s.metric}/${s.agentId}`).sort())
      .sort((a, b) => (a[0] < b[0] ? -1 : 1));
    expect(groups).toEqual([['prod/cpu/a1', 'prod/cpu/a2'], ['prod/mem/a1'], ['staging/cpu/a1']]);
    for (const group of head.metrics()) {
      expect(new Set(group.map((s) => `${s.environment}/${s.metric}`)).size).toBe(1);
    }
    expect(new Head(2).metrics()).toEqual([]);
  });

  it('takes the latest non-empty labels of a series and keeps them when a batch sends none', () => {
    const head = new Head(1);
    head.append('prod', series('a1', 'cpu', [[H, 1]], [{ name: 'host', value: 'one' }]));
    const [s] = head.seriesOf('prod', 'cpu');
    expect(s.labels).toEqual([{ name: 'host', value: 'one' }]);
    head.append('prod', series('a1', 'cpu', [[H + 1, 1]], []));
    expect(s.labels).toEqual([{ name: 'host', value: 'one' }]);
    head.append(
      'prod',
      series(
        'a1',
        'cpu',
        [[H + 2, 1]],
        [
          { name: 'host', value: 'two' },
          { name: 'zone', value: 'eu' },
        ],
      ),
    );
    expect(head.seriesOf('prod', 'cpu')[0].labels).toEqual([
      { name: 'host', value: 'two' },
      { name: 'zone', value: 'eu' },
    ]);
  });
});
