import { BucketColumns, counterDelta } from '../../storage/rollups/bucket-columns';
import { StepGrid, stepIndex } from './step-grid';

/**
 * One series on a step grid, column by column (typed arrays of length `steps`). Per step:
 * - count, sum, min, max of the samples; first and last: the values of the earliest and the latest
 *   sample in the step;
 * - increase: the counter increase within the step, the sum of the deltas between consecutive
 *   samples where a drop counts as a counter reset and adds the new value (as Prometheus does); 0 for
 *   a step with one sample;
 * - the distribution for quantiles, in CSR form: step i owns values/weights [offsets[i], offsets[i+1]).
 *   Raw samples give exact values of weight 1 (`exact`); rollups give sketch bins (representative
 *   value, count).
 * A step without samples has count 0, sum 0 and NaN in min, max, first, last and increase.
 */
export interface StepColumns {
  readonly steps: number;
  readonly count: Float64Array;
  readonly sum: Float64Array;
  readonly min: Float64Array;
  readonly max: Float64Array;
  readonly first: Float64Array;
  readonly last: Float64Array;
  readonly increase: Float64Array;
  readonly offsets: Uint32Array;
  readonly values: Float64Array;
  readonly weights: Float64Array;
  /** True when the distribution holds the samples themselves (weight 1 each), false for sketch bins. */
  readonly exact: boolean;
}

function emptyColumns(steps: number, distributionSize: number, exact: boolean): StepColumns {
  const nan = () => new Float64Array(steps).fill(NaN);
  return {
    steps,
    count: new Float64Array(steps),
    sum: new Float64Array(steps),
    min: nan(),
    max: nan(),
    first: nan(),
    last: nan(),
    increase: nan(),
    offsets: new Uint32Array(steps + 1),
    values: new Float64Array(distributionSize),
    weights: new Float64Array(distributionSize),
    exact,
  };
}

/**
 * Raw tier: samples (times[i], values[i]) of one series in time order. Samples off the grid are
 * ignored, and so are NaN values (no sample: they would poison sums and quantile order).
 */
export function columnsFromSamples(grid: StepGrid, times: ArrayLike<number>, values: ArrayLike<number>): StepColumns {
  if (times.length !== values.length) throw new RangeError(`columnsFromSamples: ${times.length} times but ${values.length} values`);
  let lo = 0;
  while (lo < times.length && times[lo] < grid.firstStart) lo++;
  let hi = lo;
  let onGrid = 0;
  while (hi < times.length && times[hi] < grid.endMs) {
    if (!Number.isNaN(values[hi])) onGrid++;
    hi++;
  }
  const c = emptyColumns(grid.steps, onGrid, true);
  c.weights.fill(1);
  // One step at a time in locals, written out when the next step starts: typed-array writes per sample cost more.
  let at = 0;
  let step = -1;
  let stepEnd = -Infinity;
  let n = 0;
  let sum = 0;
  let min = NaN;
  let max = NaN;
  let first = NaN;
  let last = NaN;
  let increase = 0;
  for (let i = lo; i < hi; i++) {
    const t = times[i];
    if (i > lo && t < times[i - 1]) throw new RangeError('columnsFromSamples: samples must be in time order');
    const v = values[i];
    if (Number.isNaN(v)) continue;
    if (t >= stepEnd) {
      if (n > 0) writeStep(c, step, n, sum, min, max, first, last, increase);
      const s = stepIndex(grid, t);
      for (let k = step + 1; k <= s; k++) c.offsets[k] = at;
      step = s;
      stepEnd = grid.firstStart + (s + 1) * grid.stepMs;
      n = 1;
      sum = min = max = first = last = v;
      increase = 0;
    } else {
      n++;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
      increase += counterDelta(last, v);
      last = v;
    }
    c.values[at++] = v;
  }
  if (n > 0) writeStep(c, step, n, sum, min, max, first, last, increase);
  for (let k = step + 1; k <= grid.steps; k++) c.offsets[k] = at;
  return c;
}

function writeStep(c: StepColumns, s: number, n: number, sum: number, min: number, max: number, first: number, last: number, increase: number): void {
  c.count[s] = n;
  c.sum[s] = sum;
  c.min[s] = min;
  c.max[s] = max;
  c.first[s] = first;
  c.last[s] = last;
  c.increase[s] = increase;
}

/**
 * Rollup tiers: the buckets of one series, as one or more fragments (stored parts, the unsaved
 * head). Buckets on one step merge: count, sum, min, max and bins in any order; first, last and
 * increase (NaN where the tier keeps none) in the order given, fragment by fragment.
 */
export function columnsFromBuckets(grid: StepGrid, fragments: readonly BucketColumns[]): StepColumns {
  const binsPerStep = new Uint32Array(grid.steps);
  for (const f of fragments) {
    for (let b = 0; b < f.length; b++) {
      const s = f.count[b] > 0 ? stepIndex(grid, f.start[b]) : -1;
      if (s >= 0) binsPerStep[s] += f.binOffsets[b + 1] - f.binOffsets[b];
    }
  }
  let total = 0;
  for (let s = 0; s < grid.steps; s++) total += binsPerStep[s];
  const c = emptyColumns(grid.steps, total, false);
  for (let s = 0; s < grid.steps; s++) c.offsets[s + 1] = c.offsets[s] + binsPerStep[s];
  const cursor = c.offsets.slice(0, grid.steps);
  for (const f of fragments) {
    for (let b = 0; b < f.length; b++) {
      if (f.count[b] === 0) continue;
      const s = stepIndex(grid, f.start[b]);
      if (s < 0) continue;
      if (c.count[s] === 0) {
        c.first[s] = f.first[b];
        c.min[s] = f.min[b];
        c.max[s] = f.max[b];
        c.increase[s] = f.increase[b];
      } else {
        c.increase[s] += counterDelta(c.last[s], f.first[b]) + f.increase[b];
        if (f.min[b] < c.min[s]) c.min[s] = f.min[b];
        if (f.max[b] > c.max[s]) c.max[s] = f.max[b];
      }
      c.count[s] += f.count[b];
      c.sum[s] += f.sum[b];
      c.last[s] = f.last[b];
      for (let k = f.binOffsets[b]; k < f.binOffsets[b + 1]; k++) {
        c.values[cursor[s]] = f.binValues[k];
        c.weights[cursor[s]++] = f.binCounts[k];
      }
    }
  }
  return c;
}
