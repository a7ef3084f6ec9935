import { LabelPair } from './label-matcher';
import { QuantileBuffer } from './quantile';
import { AGGREGATE_QUANTILES, SeriesAggregate } from './series-aggregation';
import { SeriesFunction, applySeriesFunction } from './series-functions';
import { BucketColumns } from '../../storage/rollups/bucket-columns';
import { StepColumns } from './step-columns';

/**
 * Series ranked by one aggregate over the whole range.
 * Without a function, over the merge of all the series' steps: AVG = sum / count of the samples,
 * SUM = sum of the samples, MIN, MAX, COUNT = number of samples, P* = the quantile of the merged
 * distribution (clamped to [min, max]).
 * With a function, over its step values (steps without a value left out): AVG = their mean, SUM =
 * their sum (INCREASE: the increase over the range), MIN, MAX, COUNT = steps with a value, P* =
 * their quantile.
 * Series without data in the range are left out. Order: value descending (ascending on request),
 * ties by agent id, then by labels; at most `limit` series.
 */
export interface RankableSeries {
  agentId: string;
  /** The series' own labels (for the tie-break and for the caller to show). */
  labels: readonly LabelPair[];
  /**
   * The data over the range, one of: step columns (required with a function); the stored rollup
   * fragments; or the raw sample values. The last two rank without building step columns.
   */
  columns?: StepColumns;
  fragments?: readonly BucketColumns[];
  samples?: Float64Array;
}

export interface RankOptions {
  by: SeriesAggregate;
  /** 10 when omitted. */
  limit?: number;
  ascending?: boolean;
  fn?: SeriesFunction;
  stepMs: number;
}

export interface Ranked<T> {
  series: T;
  value: number;
}

export function topSeries<T extends RankableSeries>(series: readonly T[], options: RankOptions): Ranked<T>[] {
  const limit = options.limit ?? 10;
  if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`topSeries: limit must be a non-negative integer, got ${limit}`);
  const buffer = new QuantileBuffer();
  const ranked: (Ranked<T> & { key: string })[] = [];
  for (const s of series) {
    const value =
      options.fn === undefined
        ? rangeValue(s, options.by, buffer)
        : valuesAggregate(applySeriesFunction(options.fn, s.columns!, options.stepMs), options.by, buffer);
    if (!Number.isNaN(value)) ranked.push({ series: s, value, key: labelsKey(s.labels) });
  }
  const direction = options.ascending === true ? 1 : -1;
  ranked.sort(
    (a, b) =>
      (a.value === b.value ? 0 : a.value < b.value ? -direction : direction) ||
      (a.series.agentId === b.series.agentId ? 0 : a.series.agentId < b.series.agentId ? -1 : 1) ||
      (a.key === b.key ? 0 : a.key < b.key ? -1 : 1),
  );
  return ranked.slice(0, limit).map(({ series: s, value }) => ({ series: s, value }));
}

/** Labels in name order as one comparable string. */
function labelsKey(labels: readonly LabelPair[]): string {
  return labels
    .map((l) => `${l.name}\u0001${l.value}`)
    .sort()
    .join('\u0000');
}

/** One aggregate over all of one series' data in the range; NaN without samples. */
function rangeValue(s: RankableSeries, by: SeriesAggregate, buffer: QuantileBuffer): number {
  if (s.samples !== undefined) return valuesAggregate(s.samples, by, buffer);
  const c = s.columns;
  const parts: readonly RangeBuckets[] =
    s.fragments ??
    (c === undefined
      ? []
      : [
          {
            length: c.steps,
            count: c.count,
            sum: c.sum,
            min: c.min,
            max: c.max,
            binOffsets: c.offsets,
            binValues: c.values,
            binCounts: c.exact ? undefined : c.weights,
          },
        ]);
  let count = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const f of parts) {
    for (let i = 0; i < f.length; i++) {
      if (f.count[i] === 0) continue;
      count += f.count[i];
      sum += f.sum[i];
      if (f.min[i] < min) min = f.min[i];
      if (f.max[i] > max) max = f.max[i];
    }
  }
  if (count === 0) return NaN;
  return pick(by, { count, sum, min, max }, (q) => {
    buffer.clear();
    for (const f of parts) buffer.addRange(f.binValues, f.binCounts, f.binOffsets[0], f.binOffsets[f.length]);
    return buffer.quantile(q, min, max);
  });
}

/** Buckets with their bins, as rollup fragments and step columns both have them (no weights: weight 1 each). */
interface RangeBuckets {
  length: number;
  count: ArrayLike<number>;
  sum: ArrayLike<number>;
  min: ArrayLike<number>;
  max: ArrayLike<number>;
  binOffsets: ArrayLike<number>;
  binValues: Float64Array;
  binCounts: Float64Array | undefined;
}

/** One aggregate over the step values of a function (NaN: no value); NaN when there are none. */
function valuesAggregate(values: Float64Array, by: SeriesAggregate, buffer: QuantileBuffer): number {
  buffer.clear();
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    buffer.add(v);
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const count = buffer.length;
  if (count === 0) return NaN;
  return pick(by, { count, sum, min, max }, (q) => buffer.quantile(q));
}

/** The aggregate `by` of a non-empty summary; percentiles come from `quantile`, asked only for them. */
function pick(by: SeriesAggregate, s: { count: number; sum: number; min: number; max: number }, quantile: (q: number) => number): number {
  switch (by) {
    case 'AVG':
      return s.sum / s.count;
    case 'SUM':
      return s.sum;
    case 'MIN':
      return s.min;
    case 'MAX':
      return s.max;
    case 'COUNT':
      return s.count;
    default:
      return quantile(AGGREGATE_QUANTILES[by]!);
  }
}
