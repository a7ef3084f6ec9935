/**
 * Query engine micro-benchmark (in memory, no storage): builds step columns for two fleets and
 * times fleet queries on them, printing one JSON object. Deterministic data (seeded PRNG).
 *
 *   npm run build && node dist/bench/query-engine.js [seed]
 *
 * - wide: 100 series x 1440 steps of 1 min (a day) x 6 samples a step (every 10 s);
 * - tall: 10,000 series x 60 steps of 1 min (an hour) x 6 samples a step.
 * Values: CPU-like random walks in 0.1..100 with 1 decimal; every series has one of 10 regions.
 * Raw tier: columns from samples (exact quantiles). Sketch tier (wide only): one 1-min rollup
 * bucket a step, with DDSketch bins (1% relative accuracy) computed from the same samples.
 * Each figure is the median of RUNS runs, in ms.
 */
import { DDSketch } from '@datadog/sketches-js';
import { SKETCH_RELATIVE_ACCURACY } from '../src/storage/rollups/rollup-bucket';
import { AggregationSeries, SeriesAggregate, aggregateSeries } from '../src/dashboard/query/series-aggregation';
import { StepColumns, columnsFromBuckets, columnsFromSamples } from '../src/dashboard/query/step-columns';
import { BucketSpec, bucketColumnsOf } from '../test/support/bucket-columns';
import { StepGrid, stepGrid } from '../src/dashboard/query/step-grid';
import { topSeries } from '../src/dashboard/query/top-series';
import { seededRandom } from '../test/support/seeded-random';

const SEED = Number(process.argv[2] ?? 20240611);
const STEP_MS = 60_000;
const SAMPLES_PER_STEP = 6;
const REGIONS = 10;
const RUNS = 5;

const random = seededRandom(SEED);

interface RawSeries {
  region: string;
  times: Float64Array;
  values: Float64Array;
}

function fleet(series: number, steps: number): RawSeries[] {
  return Array.from({ length: series }, (_, s) => {
    const n = steps * SAMPLES_PER_STEP;
    const times = new Float64Array(n);
    const values = new Float64Array(n);
    let v = 1 + random() * 80;
    for (let i = 0; i < n; i++) {
      times[i] = i * (STEP_MS / SAMPLES_PER_STEP) + Math.floor(random() * 100);
      v = Math.min(100, Math.max(0.1, v + (random() - 0.5) * 3));
      values[i] = Math.round(v * 10) / 10;
    }
    return { region: `r${s % REGIONS}`, times, values };
  });
}

function buckets(s: RawSeries, steps: number, mapping: DDSketch['mapping']): BucketSpec[] {
  const out: BucketSpec[] = [];
  for (let step = 0; step < steps; step++) {
    const from = step * SAMPLES_PER_STEP;
    const vs = Array.from(s.values.subarray(from, from + SAMPLES_PER_STEP));
    const bins = new Map<number, number>();
    let increase = 0;
    for (let i = 0; i < vs.length; i++) {
      const key = mapping.key(vs[i]);
      bins.set(key, (bins.get(key) ?? 0) + 1);
      if (i > 0) increase += vs[i] >= vs[i - 1] ? vs[i] - vs[i - 1] : vs[i];
    }
    const keys = [...bins.keys()];
    out.push({
      start: step * STEP_MS,
      count: vs.length,
      sum: vs.reduce((a, b) => a + b, 0),
      min: Math.min(...vs),
      max: Math.max(...vs),
      first: vs[0],
      last: vs[vs.length - 1],
      increase,
      binValues: keys.map((k) => mapping.value(k)),
      binCounts: keys.map((k) => bins.get(k)!),
    });
  }
  return out;
}

function median(run: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    run();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[RUNS >> 1] * 100) / 100;
}

function queries(grid: StepGrid, raw: RawSeries[], columns: StepColumns[]): Record<string, number> {
  const input: AggregationSeries[] = raw.map((s, i) => ({ labels: new Map([['region', s.region]]), columns: columns[i] }));
  const ranked = raw.map((s, i) => ({ agentId: `agent-${i}`, labels: [{ name: 'region', value: s.region }], columns: columns[i] }));
  const aggregate = (a: SeriesAggregate, groupBy?: string[], fn?: 'RATE') => () =>
    aggregateSeries(input, grid, { aggregate: a, groupBy, fn, stepMs: grid.stepMs });
  return {
    fleetAvgMs: median(aggregate('AVG')),
    fleetSumMs: median(aggregate('SUM')),
    fleetP95Ms: median(aggregate('P95')),
    byRegionAvgMs: median(aggregate('AVG', ['region'])),
    byRegionP95Ms: median(aggregate('P95', ['region'])),
    fleetRateSumMs: median(aggregate('SUM', [], 'RATE')),
    fleetRateP95Ms: median(aggregate('P95', [], 'RATE')),
    top10AvgMs: median(() => topSeries(ranked, { by: 'AVG', stepMs: grid.stepMs })),
    top10P95Ms: median(() => topSeries(ranked, { by: 'P95', stepMs: grid.stepMs })),
  };
}

function scenario(series: number, steps: number, sketches: boolean): Record<string, unknown> {
  const grid = stepGrid(0, steps * STEP_MS, STEP_MS);
  const raw = fleet(series, steps);
  let columns: StepColumns[] = [];
  const buildRawMs = median(() => (columns = raw.map((s) => columnsFromSamples(grid, s.times, s.values))));
  const result: Record<string, unknown> = {
    series,
    steps,
    samples: series * steps * SAMPLES_PER_STEP,
    raw: { buildColumnsMs: buildRawMs, ...queries(grid, raw, columns) },
  };
  if (sketches) {
    const { mapping } = new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY });
    const rollups = raw.map((s) => bucketColumnsOf(buckets(s, steps, mapping)));
    let sketched: StepColumns[] = [];
    const buildMs = median(() => (sketched = rollups.map((b) => columnsFromBuckets(grid, [b]))));
    result.sketch = { buildColumnsMs: buildMs, bins: sketched.reduce((n, c) => n + c.values.length, 0), ...queries(grid, raw, sketched) };
  }
  return result;
}

console.log(
  JSON.stringify(
    {
      bench: 'query-engine',
      seed: SEED,
      node: process.version,
      runs: RUNS,
      wide: scenario(100, 1440, true),
      tall: scenario(10_000, 60, false),
    },
    null,
    2,
  ),
);
