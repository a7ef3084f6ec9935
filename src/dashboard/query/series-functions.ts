import { counterDelta } from '../../storage/rollups/bucket-columns';
import { StepColumns } from './step-columns';

/**
 * Functions of one series, applied before aggregation: one value per step, NaN where the step has
 * no samples. "The previous step" below is the previous step with samples, on the query's grid
 * (samples before the grid are not read).
 *
 * - INCREASE (counters): the increase from the last sample of the previous step to the last sample
 *   of this step = the counter delta from the previous step's last sample to this step's first
 *   (a drop is a reset: the delta is then the new value) + the increase within this step (the same
 *   rule between consecutive samples). For the first step with samples: the increase within it.
 *   No extrapolation to the step boundaries (unlike PromQL `increase`), so the values of consecutive
 *   steps add up to the increase over the whole range.
 * - RATE (counters): INCREASE / step seconds, per second.
 * - DELTA (gauges): this step's last value - the previous step's last value; for the first step
 *   with samples, its last - its first.
 */
export type SeriesFunction = 'RATE' | 'INCREASE' | 'DELTA';

export function applySeriesFunction(fn: SeriesFunction, columns: StepColumns, stepMs: number): Float64Array {
  const { steps, count, first, last, increase } = columns;
  const out = new Float64Array(steps).fill(NaN);
  const stepSeconds = stepMs / 1000;
  let previous = -1;
  for (let i = 0; i < steps; i++) {
    if (count[i] === 0) continue;
    if (fn === 'DELTA') {
      out[i] = last[i] - (previous < 0 ? first[i] : last[previous]);
    } else {
      const within = increase[i];
      const inc = previous < 0 ? within : counterDelta(last[previous], first[i]) + within;
      out[i] = fn === 'RATE' ? inc / stepSeconds : inc;
    }
    previous = i;
  }
  return out;
}
