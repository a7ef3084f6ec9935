import { LabelPair } from './label-matcher';
import { QuantileBuffer } from './quantile';
import { SeriesFunction, applySeriesFunction } from './series-functions';
import { BucketColumns } from '../../storage/rollups/bucket-columns';
import { StepColumns } from './step-columns';
import { StepGrid, stepIndex, stepStartAt } from './step-grid';

/**
 * Aggregation across series, per step. Series group by their values of the `groupBy` labels (a
 * missing label counts as ""); a group's labels are the groupBy names with non-empty values. No
 * groupBy: one group of all series (also when there are none).
 *
 * Without a function, a group's step is the MERGE of its series' steps:
 *   count = samples, sum = sum of samples, min = min of mins, max = max of maxes, avg = sum / count;
 *   value by aggregate:
 *     AVG   = sum / count: the sample-weighted mean over the fleet;
 *     SUM   = the sum over series of each series' mean in the step: the fleet total of a gauge
 *             (100 agents at 0.5 CPU each: 50, however many samples each sent);
 *     MIN, MAX = min, max;
 *     COUNT = the number of series with samples in the step;
 *     P50, P95, P99 = the quantile (see quantile.ts) of the merged samples or sketch bins, clamped to
 *             [min, max]: the true fleet percentile, never an average of per-series percentiles.
 * With a function (series-functions.ts), each series contributes its one value per step, and the
 * point is over those values: count = series with a value, sum, min, max, avg = sum / count;
 * value: AVG = avg, SUM = sum, MIN, MAX, COUNT = count, P* = the quantile of the values.
 * A step without data has count 0 and NaN in every other column.
 */
export type SeriesAggregate = 'AVG' | 'SUM' | 'MIN' | 'MAX' | 'COUNT' | 'P50' | 'P95' | 'P99';

/** The quantile of each percentile aggregate. */
export const AGGREGATE_QUANTILES: Readonly<Partial<Record<SeriesAggregate, number>>> = { P50: 0.5, P95: 0.95, P99: 0.99 };

export interface AggregationSeries {
  /** Effective labels (see effectiveLabels). */
  labels: ReadonlyMap<string, string>;
  columns: StepColumns;
}

export interface AggregationOptions {
  aggregate: SeriesAggregate;
  groupBy?: readonly string[];
  fn?: SeriesFunction;
  /** The grid's step, for RATE. */
  stepMs: number;
}

/** Per step of one group; `value` is the chosen aggregate. */
export interface GroupPoints {
  count: Float64Array;
  sum: Float64Array;
  min: Float64Array;
  max: Float64Array;
  avg: Float64Array;
  value: Float64Array;
}

export interface SeriesGroup {
  /** The groupBy labels with non-empty values, in groupBy order. */
  labels: LabelPair[];
  /** How many selected series the group holds. */
  seriesCount: number;
  points: GroupPoints;
}

/** Groups `series` (all on one grid of `steps` steps) and aggregates each group; groups in order of their groupBy values. */
export function aggregateSeries(series: readonly AggregationSeries[], grid: StepGrid, options: AggregationOptions): SeriesGroup[] {
  const buffer = new QuantileBuffer();
  for (const s of series) {
    if (s.columns.steps !== grid.steps) throw new RangeError(`aggregateSeries: a series has ${s.columns.steps} steps, the grid ${grid.steps}`);
  }
  return groupSeries(series, options.groupBy ?? []).map(({ labels, members }) => ({
    labels,
    seriesCount: members.length,
    points:
      options.fn === undefined
        ? mergeFragments(
            members.map((m) => [columnsAsBuckets(grid, m.columns)]),
            grid,
            options.aggregate,
            buffer,
          )
        : aggregateValues(
            members.map((m) => applySeriesFunction(options.fn!, m.columns, options.stepMs)),
            grid.steps,
            options.aggregate,
            buffer,
          ),
  }));
}

/**
 * The same aggregation without a function, straight from each series' rollup fragments: no step
 * columns per series, which for a fleet of thousands cost more (allocation, GC) than the merge.
 */
export function aggregateFragments(
  series: readonly { labels: ReadonlyMap<string, string>; fragments: readonly BucketColumns[] }[],
  grid: StepGrid,
  options: { aggregate: SeriesAggregate; groupBy?: readonly string[] },
): SeriesGroup[] {
  const buffer = new QuantileBuffer();
  return groupSeries(series, options.groupBy ?? []).map(({ labels, members }) => ({
    labels,
    seriesCount: members.length,
    points: mergeFragments(
      members.map((m) => m.fragments),
      grid,
      options.aggregate,
      buffer,
    ),
  }));
}

/** Series by their groupBy values, groups sorted by them; no groupBy: one group of all (also of none). */
function groupSeries<T extends { labels: ReadonlyMap<string, string> }>(
  series: readonly T[],
  groupBy: readonly string[],
): { labels: LabelPair[]; members: T[] }[] {
  const groups = new Map<string, { values: string[]; members: T[] }>();
  for (const s of series) {
    const values = groupBy.map((name) => s.labels.get(name) ?? '');
    const key = JSON.stringify(values);
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = { values, members: [] }));
    group.members.push(s);
  }
  if (groupBy.length === 0 && groups.size === 0) groups.set('[]', { values: [], members: [] });
  return [...groups.values()]
    .sort((a, b) => compareStrings(a.values, b.values))
    .map(({ values, members }) => ({ labels: groupBy.flatMap((name, i) => (values[i] === '' ? [] : [{ name, value: values[i] }])), members }));
}

function compareStrings(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

function emptyPoints(steps: number): GroupPoints {
  const nan = () => new Float64Array(steps).fill(NaN);
  return { count: new Float64Array(steps), sum: nan(), min: nan(), max: nan(), avg: nan(), value: nan() };
}

/** A series' step columns seen as buckets, one per step, so that one merge serves columns and stored fragments. */
function columnsAsBuckets(grid: StepGrid, c: StepColumns): BucketColumns {
  const start = Float64Array.from({ length: grid.steps }, (_, i) => stepStartAt(grid, i));
  const weights = c.exact ? new Float64Array(c.values.length).fill(1) : c.weights;
  return { ...c, length: c.steps, start, binOffsets: c.offsets, binValues: c.values, binCounts: weights };
}

/**
 * The merge of the series' steps (no function), each series given as its fragments. Two passes
 * over the buckets: scalars and the bins per step first, then, for percentiles only, the bins.
 */
function mergeFragments(members: readonly (readonly BucketColumns[])[], grid: StepGrid, aggregate: SeriesAggregate, buffer: QuantileBuffer): GroupPoints {
  const steps = grid.steps;
  const p = emptyPoints(steps);
  const seriesWithData = new Float64Array(steps);
  const sumOfMeans = new Float64Array(steps);
  const binsPerStep = new Uint32Array(steps);
  // One series' count and sum per step, reset through `touched` after each series.
  const seriesCount = new Float64Array(steps);
  const seriesSum = new Float64Array(steps);
  const touched = new Int32Array(steps);
  for (const fragments of members) {
    let touchedCount = 0;
    for (const f of fragments) {
      for (let b = 0; b < f.length; b++) {
        const n = f.count[b];
        if (n === 0) continue;
        const i = stepIndex(grid, f.start[b]);
        if (i < 0) continue;
        if (seriesCount[i] === 0) touched[touchedCount++] = i;
        seriesCount[i] += n;
        seriesSum[i] += f.sum[b];
        if (p.count[i] === 0) {
          p.sum[i] = f.sum[b];
          p.min[i] = f.min[b];
          p.max[i] = f.max[b];
        } else {
          p.sum[i] += f.sum[b];
          if (f.min[b] < p.min[i]) p.min[i] = f.min[b];
          if (f.max[b] > p.max[i]) p.max[i] = f.max[b];
        }
        p.count[i] += n;
        binsPerStep[i] += f.binOffsets[b + 1] - f.binOffsets[b];
      }
    }
    for (let k = 0; k < touchedCount; k++) {
      const i = touched[k];
      seriesWithData[i]++;
      sumOfMeans[i] += seriesSum[i] / seriesCount[i];
      seriesCount[i] = 0;
      seriesSum[i] = 0;
    }
  }
  const q = AGGREGATE_QUANTILES[aggregate];
  const bins = q === undefined ? undefined : gatherBins(members, grid, binsPerStep);
  for (let i = 0; i < steps; i++) {
    if (p.count[i] === 0) continue;
    p.avg[i] = p.sum[i] / p.count[i];
    switch (aggregate) {
      case 'AVG':
        p.value[i] = p.avg[i];
        break;
      case 'SUM':
        p.value[i] = sumOfMeans[i];
        break;
      case 'MIN':
        p.value[i] = p.min[i];
        break;
      case 'MAX':
        p.value[i] = p.max[i];
        break;
      case 'COUNT':
        p.value[i] = seriesWithData[i];
        break;
      default:
        buffer.clear();
        buffer.addRange(bins!.values, bins!.weights, bins!.offsets[i], bins!.offsets[i + 1]);
        p.value[i] = buffer.quantile(q!, p.min[i], p.max[i]);
    }
  }
  return p;
}

/** Every member's bins, laid out by step (CSR), for the merged quantiles. */
function gatherBins(members: readonly (readonly BucketColumns[])[], grid: StepGrid, binsPerStep: Uint32Array) {
  const offsets = new Uint32Array(grid.steps + 1);
  for (let i = 0; i < grid.steps; i++) offsets[i + 1] = offsets[i] + binsPerStep[i];
  const values = new Float64Array(offsets[grid.steps]);
  const weights = new Float64Array(offsets[grid.steps]);
  const cursor = offsets.slice(0, grid.steps);
  for (const fragments of members) {
    for (const f of fragments) {
      for (let b = 0; b < f.length; b++) {
        if (f.count[b] === 0) continue;
        const i = stepIndex(grid, f.start[b]);
        if (i < 0) continue;
        for (let k = f.binOffsets[b]; k < f.binOffsets[b + 1]; k++) {
          values[cursor[i]] = f.binValues[k];
          weights[cursor[i]++] = f.binCounts[k];
        }
      }
    }
  }
  return { offsets, values, weights };
}

/** The aggregate over one value per series per step (NaN: no value), as with a function. */
export function aggregateValues(perSeries: readonly Float64Array[], steps: number, aggregate: SeriesAggregate, buffer = new QuantileBuffer()): GroupPoints {
  const p = emptyPoints(steps);
  for (const values of perSeries) {
    for (let i = 0; i < steps; i++) {
      const v = values[i];
      if (Number.isNaN(v)) continue;
      if (p.count[i] === 0) {
        p.sum[i] = p.min[i] = p.max[i] = v;
      } else {
        p.sum[i] += v;
        if (v < p.min[i]) p.min[i] = v;
        if (v > p.max[i]) p.max[i] = v;
      }
      p.count[i]++;
    }
  }
  const q = AGGREGATE_QUANTILES[aggregate];
  for (let i = 0; i < steps; i++) {
    if (p.count[i] === 0) continue;
    p.avg[i] = p.sum[i] / p.count[i];
    if (q !== undefined) {
      buffer.clear();
      for (const values of perSeries) if (!Number.isNaN(values[i])) buffer.add(values[i]);
      p.value[i] = buffer.quantile(q);
    } else {
      p.value[i] =
        aggregate === 'AVG' ? p.avg[i] : aggregate === 'SUM' ? p.sum[i] : aggregate === 'MIN' ? p.min[i] : aggregate === 'MAX' ? p.max[i] : p.count[i];
    }
  }
  return p;
}
