/** A mergeable summary of samples: count, sum, min and max. */
export interface Aggregate {
  count: number;
  sum: number;
  min: number;
  max: number;
}

export const emptyAggregate = (): Aggregate => ({ count: 0, sum: 0, min: Infinity, max: -Infinity });

export function addSample(target: Aggregate, value: number): void {
  target.count++;
  target.sum += value;
  if (value < target.min) target.min = value;
  if (value > target.max) target.max = value;
}

export function mergeInto(target: Aggregate, other: Aggregate): void {
  target.count += other.count;
  target.sum += other.sum;
  if (other.min < target.min) target.min = other.min;
  if (other.max > target.max) target.max = other.max;
}

/**
 * A statistic as the API shows it: GraphQL's Float carries no Infinity or NaN, so one that
 * overflowed the double range (a sum of samples near 1.7e308) is answered as null.
 */
export const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** count/avg/min/max/sum as the API shows them (null statistics for an empty aggregate, and for one that overflowed). */
export function summarize(a: Aggregate): { count: number; sum: number | null; avg: number | null; min: number | null; max: number | null } {
  if (a.count === 0) return { count: 0, sum: null, avg: null, min: null, max: null };
  return { count: a.count, sum: finiteOrNull(a.sum), avg: finiteOrNull(a.sum / a.count), min: a.min, max: a.max };
}
