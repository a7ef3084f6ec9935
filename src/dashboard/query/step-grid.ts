import { bucketStart } from '../../common/time/bucket-start';

/**
 * The time grid of a query: steps of `stepMs` aligned at multiples of stepMs since the epoch (so two
 * queries with the same step share bucket boundaries, and rollup buckets line up with steps).
 * The steps are the buckets whose start is in [floor(from / step) * step, to): a step is always a
 * whole bucket, so the first step may start before `from` and the last may end after `to`; samples
 * count by the bucket that holds them, the same for raw samples and for rollups.
 */
export interface StepGrid {
  readonly stepMs: number;
  /** Start of step 0: floor(from / step) * step, also for negative times. */
  readonly firstStart: number;
  readonly steps: number;
  /** End of the last step (exclusive): firstStart + steps * stepMs. Samples in [firstStart, endMs) fall on the grid. */
  readonly endMs: number;
}

/** The grid over [fromMs, toMs); an empty range (to === from) has no steps. */
export function stepGrid(fromMs: number, toMs: number, stepMs: number): StepGrid {
  if (!(toMs >= fromMs)) throw new RangeError(`step grid: to (${toMs}) must not be before from (${fromMs})`);
  const firstStart = bucketStart(fromMs, stepMs);
  const steps = toMs === fromMs ? 0 : Math.ceil((toMs - firstStart) / stepMs);
  return { stepMs, firstStart, steps, endMs: firstStart + steps * stepMs };
}

/** The step holding `t`, or -1 when `t` is off the grid. */
export function stepIndex(grid: StepGrid, t: number): number {
  if (!(t >= grid.firstStart && t < grid.endMs)) return -1;
  return Math.floor((t - grid.firstStart) / grid.stepMs);
}

export function stepStartAt(grid: StepGrid, index: number): number {
  return grid.firstStart + index * grid.stepMs;
}
