import { stepGrid } from './step-grid';

/**
 * The cost of a query: points = series x steps, what the engine allocates and computes per column.
 * A front end refuses a query over its point limit and names a step that would fit: the smallest
 * "nice" step (1s ... 1d) at least the requested one.
 */
export const NICE_STEPS_SECONDS: readonly number[] = [1, 5, 10, 15, 30, 60, 300, 600, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400];

export interface QueryCost {
  series: number;
  steps: number;
  points: number;
}

export interface QueryFit extends QueryCost {
  limit: number;
  fits: boolean;
  /** When the query does not fit: the smallest nice step (ms) >= the requested one whose query fits; undefined if none does. */
  suggestedStepMs?: number;
}

export function queryCost(series: number, fromMs: number, toMs: number, stepMs: number): QueryCost {
  const { steps } = stepGrid(fromMs, toMs, stepMs);
  return { series, steps, points: series * steps };
}

export function fitQuery(series: number, fromMs: number, toMs: number, stepMs: number, pointLimit: number): QueryFit {
  const cost = queryCost(series, fromMs, toMs, stepMs);
  if (cost.points <= pointLimit) return { ...cost, limit: pointLimit, fits: true };
  for (const seconds of NICE_STEPS_SECONDS) {
    const candidate = seconds * 1000;
    if (candidate < stepMs) continue;
    if (queryCost(series, fromMs, toMs, candidate).points <= pointLimit) return { ...cost, limit: pointLimit, fits: false, suggestedStepMs: candidate };
  }
  return { ...cost, limit: pointLimit, fits: false };
}

/** A query over its point limit; the message says why and what step would fit. */
export class QueryTooLarge extends Error {
  override readonly name = 'QueryTooLarge';
  constructor(readonly fit: QueryFit) {
    const hint = fit.suggestedStepMs === undefined ? 'narrow the selection or the range' : `try stepSeconds=${fit.suggestedStepMs / 1000}`;
    super(`query needs ${fit.points} points (${fit.series} series x ${fit.steps} steps), over the limit of ${fit.limit}: ${hint}`);
  }
}

/** Throws QueryTooLarge unless the query fits `pointLimit`. */
export function assertQueryFits(series: number, fromMs: number, toMs: number, stepMs: number, pointLimit: number): QueryCost {
  const fit = fitQuery(series, fromMs, toMs, stepMs, pointLimit);
  if (!fit.fits) throw new QueryTooLarge(fit);
  return fit;
}
