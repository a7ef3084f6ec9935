/**
 * The points (series x steps) one request may answer in all its query fields together, so that
 * aliases cannot multiply a heavy query past the limit. One per request, in the GraphQL context.
 */
export class PointBudget {
  private used = 0;

  constructor(readonly limit: number) {}

  get remaining(): number {
    return this.limit - this.used;
  }

  /** Takes `points` if they fit in what is left; false (and nothing taken) otherwise. */
  take(points: number): boolean {
    if (points > this.remaining) return false;
    this.used += points;
    return true;
  }
}
