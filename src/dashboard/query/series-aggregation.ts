import { LabelPair } from './label-matcher';
import { QuantileBuffer } from './quantile';
import { SeriesFunction, applySeriesFunction } from './series-functions';
import { StepColumns } from './step-columns';

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
export function aggregateSeries(series: readonly AggregationSeries[], steps: number, options: AggregationOptions): SeriesGroup[] {
  const groupBy = options.groupBy ?? [];
  const groups = new Map<string, { values: string[]; members: AggregationSeries[] }>();
  for (const s of series) {
    if (s.columns.steps !== steps) throw new RangeError(`aggregateSeries: a series has ${s.columns.steps} steps, the grid ${steps}`);
    const values = groupBy.map((name) => s.labels.get(name) ?? '');
    const key = JSON.stringify(values);
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = { values, members: [] }));
    group.members.push(s);
  }
  if (groupBy.length === 0 && groups.size === 0) groups.set('[]', { values: [], members: [] });
  const buffer = new QuantileBuffer();
  return [...groups.values()]
    .sort((a, b) => compareStrings(a.values, b.values))
    .map(({ values, members }) => ({
      labels: groupBy.flatMap((name, i) => (values[i] === '' ? [] : [{ name, value: values[i] }])),
      seriesCount: members.length,
      points:
        options.fn === undefined
          ? mergeSteps(members, steps, options.aggregate, buffer)
          : aggregateValues(
              members.map((m) => applySeriesFunction(options.fn!, m.columns, options.stepMs)),
              steps,
              options.aggregate,
              buffer,
            ),
    }));
}

function compareStrings(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

function emptyPoints(steps: number): GroupPoints {
  const nan = () => new Float64Array(steps).fill(NaN);
  return { count: new Float64Array(steps), sum: nan(), min: nan(), max: nan(), avg: nan(), value: nan() };
}

/** The merge of the series' steps (no function). */
function mergeSteps(members: readonly AggregationSeries[], steps: number, aggregate: SeriesAggregate, buffer: QuantileBuffer): GroupPoints {
  const p = emptyPoints(steps);
  const seriesWithData = new Float64Array(steps);
  const sumOfMeans = new Float64Array(steps);
  // Series outside, steps inside: each pass reads a few contiguous columns.
  for (const { columns: c } of members) {
    for (let i = 0; i < steps; i++) {
      const n = c.count[i];
      if (n === 0) continue;
      if (p.count[i] === 0) {
        p.sum[i] = c.sum[i];
        p.min[i] = c.min[i];
        p.max[i] = c.max[i];
      } else {
        p.sum[i] += c.sum[i];
        if (c.min[i] < p.min[i]) p.min[i] = c.min[i];
        if (c.max[i] > p.max[i]) p.max[i] = c.max[i];
      }
      p.count[i] += n;
      seriesWithData[i]++;
      sumOfMeans[i] += c.sum[i] / n;
    }
  }
  const q = AGGREGATE_QUANTILES[aggregate];
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
      default: {
        buffer.clear();
        for (const { columns: c } of members) buffer.addRange(c.values, c.exact ? undefined : c.weights, c.offsets[i], c.offsets[i + 1]);
        p.value[i] = buffer.quantile(q!, p.min[i], p.max[i]);
      }
    }
  }
  return p;
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
