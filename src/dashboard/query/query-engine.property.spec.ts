import { DDSketch } from '@datadog/sketches-js';
import { SKETCH_RELATIVE_ACCURACY } from '../../storage/rollups/rollup-bucket';
import { seededRandom } from '../../../test/support/seeded-random';
import { LabelPair, compileMatchers, effectiveLabels } from './label-matcher';
import { BucketColumns, sliceBucketColumns } from '../../storage/rollups/bucket-columns';
import { AGGREGATE_QUANTILES, SeriesAggregate, aggregateFragments, aggregateSeries } from './series-aggregation';
import { SeriesFunction, applySeriesFunction } from './series-functions';
import { BucketSpec, bucketColumnsOf } from '../../../test/support/bucket-columns';
import { StepColumns, columnsFromBuckets, columnsFromSamples } from './step-columns';
import { StepGrid, stepGrid } from './step-grid';
import { topSeries } from './top-series';

/**
 * Property tests: random fleets and grids, every aggregate and function of the engine checked against
 * brute force over the raw samples. Exact input (raw samples) must give the brute-force answers up
 * to float rounding; sketch input (rollup buckets with DDSketch bins built from the same samples)
 * the same scalars, and quantiles within the sketch's relative accuracy.
 */

const AGGREGATES: SeriesAggregate[] = ['AVG', 'SUM', 'MIN', 'MAX', 'COUNT', 'P50', 'P95', 'P99'];
const FUNCTIONS: (SeriesFunction | undefined)[] = [undefined, 'INCREASE', 'RATE', 'DELTA'];
const GROUPINGS: string[][] = [[], ['region'], ['region', 'agent'], ['missing']];

interface RawSeries {
  agentId: string;
  agentLabels: LabelPair[];
  labels: LabelPair[];
  times: number[];
  values: number[];
}

function randomFleet(random: () => number, fromMs: number, toMs: number): RawSeries[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const fleet: RawSeries[] = [];
  const agents = 1 + Math.floor(random() * 5);
  for (let a = 0; a < agents; a++) {
    const agentLabels = [{ name: 'region', value: pick(['eu', 'us', '']) }].filter((l) => l.value !== '');
    const perAgent = 1 + Math.floor(random() * 3);
    for (let s = 0; s < perAgent; s++) {
      const kind = pick(['decimals', 'floats', 'counter', 'constant']);
      // Series labels override the agent's on a clash.
      const labels = [{ name: 'disk', value: `d${s}` }, ...(random() < 0.3 ? [{ name: 'region', value: 'ap' }] : [])];
      const times: number[] = [];
      const values: number[] = [];
      const span = toMs - fromMs;
      const density = random() < 0.15 ? 0 : 1 + Math.floor(random() * 60);
      let t = fromMs - span * 0.1 + Math.floor(random() * 1000);
      let counter = Math.floor(random() * 100);
      while (t < toMs + span * 0.1 && density > 0) {
        let v: number;
        if (kind === 'decimals') v = Math.round((random() * 200 - 50) * 100) / 100;
        else if (kind === 'floats') v = (random() - 0.3) * 10 ** Math.floor(random() * 6 - 2);
        else if (kind === 'constant') v = 42.5;
        else {
          counter = random() < 0.08 ? Math.floor(random() * 5) : counter + Math.floor(random() * 20);
          v = counter;
        }
        times.push(t);
        values.push(v);
        t += 1 + Math.floor((random() * 2 * span) / density);
      }
      fleet.push({ agentId: `agent-${a}`, agentLabels, labels, times, values });
    }
  }
  return fleet;
}

/** The values of each step of the grid, in time order. */
function bruteSteps(grid: StepGrid, s: RawSeries): number[][] {
  const steps: number[][] = Array.from({ length: grid.steps }, () => []);
  s.times.forEach((t, i) => {
    if (t >= grid.firstStart && t < grid.endMs) steps[Math.floor((t - grid.firstStart) / grid.stepMs)].push(s.values[i]);
  });
  return steps;
}

function bruteQuantile(samples: number[], q: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = q * (sorted.length - 1);
  const lower = sorted[Math.floor(rank)];
  const upper = sorted[Math.ceil(rank)];
  return lower + (upper - lower) * (rank - Math.floor(rank));
}

/** Tolerance of a brute-force quantile over sketch bins: the relative accuracy of the two ranked samples it interpolates. */
function sketchTolerance(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = q * (sorted.length - 1);
  return SKETCH_RELATIVE_ACCURACY * Math.max(Math.abs(sorted[Math.floor(rank)]), Math.abs(sorted[Math.ceil(rank)])) * (1 + 1e-9) + 1e-12;
}

const resetDelta = (prev: number, next: number) => (next < prev ? next : next - prev);

function bruteFunction(fn: SeriesFunction, steps: number[][], stepMs: number): number[] {
  let prevLast: number | undefined;
  return steps.map((vs) => {
    if (vs.length === 0) return NaN;
    let out: number;
    if (fn === 'DELTA') {
      out = vs[vs.length - 1] - (prevLast ?? vs[0]);
    } else {
      const chain = prevLast === undefined ? vs : [prevLast, ...vs];
      let inc = 0;
      for (let i = 1; i < chain.length; i++) inc += resetDelta(chain[i - 1], chain[i]);
      out = fn === 'RATE' ? inc / (stepMs / 1000) : inc;
    }
    prevLast = vs[vs.length - 1];
    return out;
  });
}

function sketchBins(values: number[]): { binValues: number[]; binCounts: number[] } {
  const sketch = new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY });
  for (const v of values) sketch.accept(v);
  const binValues: number[] = [];
  const binCounts: number[] = [];
  const push = (value: number, count: number) => {
    if (count === 0) return;
    binValues.push(value);
    binCounts.push(count);
  };
  const { mapping, negativeStore, store } = sketch;
  negativeStore.bins.forEach((n, i) => push(-mapping.value(i + negativeStore.offset), n));
  push(0, sketch.zeroCount);
  store.bins.forEach((n, i) => push(mapping.value(i + store.offset), n));
  return { binValues, binCounts };
}

/** Rollup buckets of width bucketMs from raw samples, with every part computed by brute force. */
function bruteBuckets(s: RawSeries, bucketMs: number): BucketSpec[] {
  const byStart = new Map<number, number[]>();
  s.times.forEach((t, i) => {
    const start = Math.floor(t / bucketMs) * bucketMs;
    const list = byStart.get(start) ?? [];
    list.push(s.values[i]);
    byStart.set(start, list);
  });
  return [...byStart].map(([start, vs]) => {
    let increase = 0;
    for (let i = 1; i < vs.length; i++) increase += resetDelta(vs[i - 1], vs[i]);
    return {
      start,
      count: vs.length,
      sum: vs.reduce((a, b) => a + b, 0),
      min: Math.min(...vs),
      max: Math.max(...vs),
      first: vs[0],
      last: vs[vs.length - 1],
      increase,
      ...sketchBins(vs),
    };
  });
}

function expectClose(actual: number, expected: number, tolerance: number, what: string): void {
  if (Number.isNaN(expected) && Number.isNaN(actual)) return;
  if (!(Math.abs(actual - expected) <= tolerance)) throw new Error(`${what}: got ${actual}, expected ${expected} (tolerance ${tolerance})`);
}

const sumTolerance = (xs: number[]) => 1e-9 * xs.reduce((a, b) => a + Math.abs(b), 0) + 1e-12;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function bruteAggregate(aggregate: SeriesAggregate, perSeries: number[][]): { value: number; tolerance: number; samples: number[] } {
  const withData = perSeries.filter((vs) => vs.length > 0);
  const samples = withData.flat();
  if (samples.length === 0) return { value: NaN, tolerance: 0, samples };
  const q = AGGREGATE_QUANTILES[aggregate];
  if (q !== undefined) return { value: bruteQuantile(samples, q), tolerance: 1e-12 * Math.max(1, ...samples.map(Math.abs)), samples };
  switch (aggregate) {
    case 'AVG':
      return { value: mean(samples), tolerance: sumTolerance(samples) / samples.length, samples };
    case 'SUM': {
      const means = withData.map(mean);
      return { value: means.reduce((a, b) => a + b, 0), tolerance: sumTolerance(samples), samples };
    }
    case 'MIN':
      return { value: Math.min(...samples), tolerance: 0, samples };
    case 'MAX':
      return { value: Math.max(...samples), tolerance: 0, samples };
    default:
      return { value: withData.length, tolerance: 0, samples };
  }
}

interface Case {
  grid: StepGrid;
  fleet: RawSeries[];
  raw: StepColumns[];
  /** Each series' rollup buckets as stored fragments, and as step columns. */
  fragments: BucketColumns[][];
  sketched: StepColumns[];
}

const cases = new Map<number, Case>();

function randomCase(seed: number): Case {
  const cached = cases.get(seed);
  if (cached !== undefined) return cached;
  const random = seededRandom(seed);
  const k = [1, 2, 3, 5][Math.floor(random() * 4)];
  const stepMs = k * [1000, 5000, 60_000][Math.floor(random() * 3)];
  const fromMs = Math.floor((random() - 0.5) * 1e9);
  const toMs = fromMs + Math.floor(random() * 40 * stepMs);
  const grid = stepGrid(fromMs, toMs, stepMs);
  const fleet = randomFleet(random, fromMs, Math.max(toMs, fromMs + stepMs));
  const built: Case = {
    grid,
    fleet,
    raw: fleet.map((s) => columnsFromSamples(grid, s.times, s.values)),
    fragments: fleet.map((s) => splitFragments(bucketColumnsOf(bruteBuckets(s, stepMs / k)), random)),
    sketched: [],
  };
  built.sketched = built.fragments.map((fragments) => columnsFromBuckets(grid, fragments));
  cases.set(seed, built);
  return built;
}

/** The buckets as up to three fragments of consecutive buckets, as stored parts and the head hand them over. */
function splitFragments(all: BucketColumns, random: () => number): BucketColumns[] {
  const cuts = [0, Math.floor(random() * all.length), Math.floor(random() * all.length), all.length].sort((a, b) => a - b);
  return cuts.slice(1).map((end, i) => sliceBucketColumns(all, i === 0 ? -Infinity : all.start[cuts[i]], end === all.length ? Infinity : all.start[end]));
}

const SEEDS = Array.from({ length: 40 }, (_, i) => 1000 + i);

describe('aggregation straight from rollup fragments', () => {
  it.each(SEEDS)('seed %i: equals the aggregation over step columns, for every aggregate and grouping', (seed) => {
    const c = randomCase(seed);
    const labels = c.fleet.map((s) => effectiveLabels(s.agentId, s.agentLabels, s.labels));
    for (const groupBy of GROUPINGS) {
      for (const aggregate of AGGREGATES) {
        const fromColumns = aggregateSeries(
          c.fleet.map((_, i) => ({ labels: labels[i], columns: c.sketched[i] })),
          c.grid,
          { aggregate, groupBy, stepMs: c.grid.stepMs },
        );
        const fromFragments = aggregateFragments(
          c.fleet.map((_, i) => ({ labels: labels[i], fragments: c.fragments[i] })),
          c.grid,
          { aggregate, groupBy },
        );
        // The same merge, summed in another order: equal up to float rounding.
        expect(fromFragments.map((g) => [g.labels, g.seriesCount])).toEqual(fromColumns.map((g) => [g.labels, g.seriesCount]));
        fromFragments.forEach((g, gi) => {
          for (const column of ['count', 'sum', 'min', 'max', 'avg', 'value'] as const) {
            const expected = fromColumns[gi].points[column];
            g.points[column].forEach((x, i) => expectClose(x, expected[i], 1e-9 * Math.abs(expected[i]), `seed ${seed} ${aggregate} ${column} step ${i}`));
          }
        });
      }
    }
  });
});

describe.each([
  ['raw samples', false],
  ['sketch bins', true],
])('query engine against brute force, over %s', (_, sketched) => {
  it.each(SEEDS)('seed %i: step columns and functions', (seed) => {
    const c = randomCase(seed);
    c.fleet.forEach((s, si) => {
      const columns = sketched ? c.sketched[si] : c.raw[si];
      const steps = bruteSteps(c.grid, s);
      expect(columns.steps).toBe(c.grid.steps);
      steps.forEach((vs, i) => {
        const what = `seed ${seed} series ${si} step ${i}`;
        expect(columns.count[i]).toBe(vs.length);
        expectClose(columns.sum[i], vs.length === 0 ? 0 : vs.reduce((a, b) => a + b, 0), sumTolerance(vs), `${what} sum`);
        expectClose(columns.min[i], vs.length === 0 ? NaN : Math.min(...vs), 0, `${what} min`);
        expectClose(columns.max[i], vs.length === 0 ? NaN : Math.max(...vs), 0, `${what} max`);
        expectClose(columns.first[i], vs.length === 0 ? NaN : vs[0], 0, `${what} first`);
        expectClose(columns.last[i], vs.length === 0 ? NaN : vs[vs.length - 1], 0, `${what} last`);
        const weight = columns.weights.subarray(columns.offsets[i], columns.offsets[i + 1]).reduce((a, b) => a + b, 0);
        expect(weight).toBe(vs.length);
      });
      for (const fn of ['INCREASE', 'RATE', 'DELTA'] as const) {
        const expected = bruteFunction(fn, steps, c.grid.stepMs);
        const actual = applySeriesFunction(fn, columns, c.grid.stepMs);
        const scale = sumTolerance(steps.flat()) * 4;
        expected.forEach((e, i) => expectClose(actual[i], e, scale, `seed ${seed} series ${si} ${fn} step ${i}`));
      }
    });
  });

  it.each(SEEDS)('seed %i: every aggregate, function and grouping', (seed) => {
    const c = randomCase(seed);
    const columns = sketched ? c.sketched : c.raw;
    const labels = c.fleet.map((s) => effectiveLabels(s.agentId, s.agentLabels, s.labels));
    const input = c.fleet.map((_, i) => ({ labels: labels[i], columns: columns[i] }));
    const brute = c.fleet.map((s) => bruteSteps(c.grid, s));
    // Function values are differences of sums: their rounding scales with the magnitude of the data.
    const fnTolerance = sumTolerance(brute.flat(2)) * 4;
    for (const groupBy of GROUPINGS) {
      const keyOf = (i: number) => JSON.stringify(groupBy.map((name) => labels[i].get(name) ?? ''));
      const members = new Map<string, number[]>();
      c.fleet.forEach((_, i) => members.set(keyOf(i), [...(members.get(keyOf(i)) ?? []), i]));
      for (const fn of FUNCTIONS) {
        const perSeries = fn === undefined ? undefined : brute.map((steps) => bruteFunction(fn, steps, c.grid.stepMs));
        const results = AGGREGATES.map((aggregate) => aggregateSeries(input, c.grid, { aggregate, groupBy, fn, stepMs: c.grid.stepMs }));
        const expectedGroups = groupBy.length === 0 && members.size === 0 ? 1 : members.size;
        for (const groups of results) expect(groups.length).toBe(expectedGroups);
        results[0].forEach((group, g) => {
          const key = JSON.stringify(groupBy.map((name) => group.labels.find((l) => l.name === name)?.value ?? ''));
          const ids = members.get(key) ?? [];
          expect(group.seriesCount).toBe(ids.length);
          for (let step = 0; step < c.grid.steps; step++) {
            // With a function, each series contributes its one value; without, its samples.
            const contributions = ids.map((i) => (perSeries === undefined ? brute[i][step] : Number.isNaN(perSeries[i][step]) ? [] : [perSeries[i][step]]));
            AGGREGATES.forEach((aggregate, a) => {
              const points = results[a][g].points;
              const what = `seed ${seed} groupBy [${groupBy.join()}] ${fn ?? '-'} ${aggregate} group ${key} step ${step}`;
              const expected = bruteAggregate(aggregate, contributions);
              const q = AGGREGATE_QUANTILES[aggregate];
              const tolerance =
                sketched && q !== undefined && fn === undefined && expected.samples.length > 0 ? sketchTolerance(expected.samples, q) : expected.tolerance;
              expectClose(points.value[step], expected.value, fn === undefined ? tolerance : tolerance * 8 + fnTolerance, `${what} value`);
              const count = perSeries === undefined ? expected.samples.length : contributions.filter((x) => x.length > 0).length;
              expectClose(points.count[step], count, 0, `${what} count`);
              if (expected.samples.length > 0) {
                const slack = fn === undefined ? 0 : fnTolerance;
                expectClose(points.min[step], Math.min(...expected.samples), slack, `${what} min`);
                expectClose(points.max[step], Math.max(...expected.samples), slack, `${what} max`);
                expectClose(points.avg[step], mean(expected.samples), fn === undefined ? sumTolerance(expected.samples) : fnTolerance, `${what} avg`);
              }
            });
          }
        });
      }
    }
  });

  it.each(SEEDS)('seed %i: top series', (seed) => {
    const c = randomCase(seed);
    const columns = sketched ? c.sketched : c.raw;
    const ranked = c.fleet.map((s, i) => ({ agentId: s.agentId, labels: s.labels, columns: columns[i], index: i }));
    const brute = c.fleet.map((s) => bruteSteps(c.grid, s));
    const labelsKey = (ls: LabelPair[]) =>
      ls
        .map((l) => `${l.name}\u0001${l.value}`)
        .sort()
        .join('\u0000');
    for (const fn of FUNCTIONS) {
      for (const by of AGGREGATES) {
        for (const ascending of [false, true]) {
          const limit = 1 + Math.floor(c.fleet.length / 2);
          const top = topSeries(ranked, { by, fn, ascending, limit, stepMs: c.grid.stepMs });
          const expected = brute.map((steps) => {
            const values = fn === undefined ? steps.flat() : bruteFunction(fn, steps, c.grid.stepMs).filter((v) => !Number.isNaN(v));
            if (values.length === 0) return { value: NaN, tolerance: 0 };
            const q = AGGREGATE_QUANTILES[by];
            if (q !== undefined) {
              return {
                value: bruteQuantile(values, q),
                tolerance: sketched && fn === undefined ? sketchTolerance(values, q) : 1e-9 * Math.max(1, ...values.map(Math.abs)),
              };
            }
            const tolerance = sumTolerance(steps.flat()) * 8;
            if (by === 'AVG') return { value: mean(values), tolerance };
            if (by === 'SUM') return { value: values.reduce((a, b) => a + b, 0), tolerance };
            if (by === 'MIN') return { value: Math.min(...values), tolerance };
            if (by === 'MAX') return { value: Math.max(...values), tolerance };
            return { value: values.length, tolerance: 0 };
          });
          const what = `seed ${seed} top ${fn ?? '-'} ${by} ${ascending ? 'asc' : 'desc'}`;
          const withData = expected.filter((e) => !Number.isNaN(e.value)).length;
          expect(top.length).toBe(Math.min(limit, withData));
          top.forEach((r, i) => {
            expectClose(r.value, expected[r.series.index].value, expected[r.series.index].tolerance, `${what} #${i}`);
            if (i === 0) return;
            const prev = top[i - 1];
            const order = ascending ? r.value - prev.value : prev.value - r.value;
            expect(order).toBeGreaterThanOrEqual(0);
            if (order === 0) {
              const tie = prev.series.agentId.localeCompare(r.series.agentId, 'en') || (labelsKey(prev.series.labels) < labelsKey(r.series.labels) ? -1 : 1);
              expect(tie).toBeLessThan(0);
            }
          });
          // Everything left out ranks no better than the last one in (up to the tolerance).
          const cut = top[top.length - 1];
          expected.forEach((e, i) => {
            if (cut === undefined || Number.isNaN(e.value) || top.some((r) => r.series.index === i)) return;
            const slack = e.tolerance + expected[cut.series.index].tolerance;
            if (ascending) expect(e.value).toBeGreaterThanOrEqual(cut.value - slack);
            else expect(e.value).toBeLessThanOrEqual(cut.value + slack);
          });
        }
      }
    }
  });

  it.each(SEEDS.slice(0, 10))('seed %i: selection by matchers agrees with a direct check', (seed) => {
    const c = randomCase(seed);
    const random = seededRandom(seed);
    const values = ['eu', 'us', 'ap', '', 'e.*', '(eu|us)', 'agent-[0-2]'];
    for (let round = 0; round < 30; round++) {
      const name = ['region', 'agent', 'disk', 'missing'][Math.floor(random() * 4)];
      const op = (['EQ', 'NEQ', 'REGEX', 'NOT_REGEX'] as const)[Math.floor(random() * 4)];
      const value = values[Math.floor(random() * values.length)];
      const predicate = compileMatchers([{ name, op, value }]);
      for (const s of c.fleet) {
        const labels = effectiveLabels(s.agentId, s.agentLabels, s.labels);
        const actual = labels.get(name) ?? '';
        const regexMatch = new RegExp(`^(?:${value})$`).test(actual);
        const expected = op === 'EQ' ? actual === value : op === 'NEQ' ? actual !== value : op === 'REGEX' ? regexMatch : !regexMatch;
        expect(predicate((n) => labels.get(n))).toBe(expected);
      }
    }
  });
});
