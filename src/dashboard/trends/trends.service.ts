import { Inject, Injectable } from '@nestjs/common';
import { Clock, CLOCK } from '../../common/clock/clock';
import { AppConfig } from '../../common/config/app-config';
import { Metrics } from '../../common/metrics/metrics';
import { finiteOrNull } from '../aggregate';
import { PointBudget } from '../../common/graphql/point-budget';
import { AgentLabelIndex } from '../../storage/timeseries/agent-label-index';
import { SeriesCatalog, SeriesEntry } from '../../storage/timeseries/series-catalog';
import { TierMaintenance } from '../../storage/timeseries/tier-maintenance';
import { SeriesRead, TimeSeriesReader } from '../../storage/timeseries/time-series-reader';
import { TIERS } from '../../storage/timeseries/tiers';
import { TopSeriesArgs, TrendsArgs } from '../dto/dashboard.args';
import { RankedSeries, TrendPoint, TrendResult, TrendSeries } from '../models/trend.model';
import { compileMatchers, effectiveLabels, InvalidMatcher, LABEL_NAME_PATTERN, LabelMatcher } from '../query/label-matcher';
import { QuantileBuffer } from '../query/quantile';
import { fitQuery, QueryTooLarge } from '../query/query-cost';
import { aggregateFragments, aggregateSeries, GroupPoints, SeriesGroup } from '../query/series-aggregation';
import { applySeriesFunction } from '../query/series-functions';
import { columnsFromBuckets, columnsFromSamples, StepColumns } from '../query/step-columns';
import { StepGrid, stepGrid, stepStartAt } from '../query/step-grid';
import { topSeries } from '../query/top-series';
import { QueryDeadline } from './query-deadline';
import { InvalidTrendQuery, RequestTooLarge } from './trends.errors';

const DEFAULT_BUCKETS = 120;
export const MAX_TREND_AGENTS = 1_000;

export interface SeriesSelection {
  environment: string;
  metric: string;
  agentIds?: string[] | null;
  matchers?: readonly LabelMatcher[] | null;
}

export interface Selected {
  entry: SeriesEntry;
  labels: Map<string, string>;
  columns: StepColumns;
}

/** What a front end passes along with a query's arguments. */
export interface QueryOptions {
  quantiles?: boolean;
  budget?: PointBudget;
}

interface Range {
  from: number;
  to: number;
  stepMs: number;
  warnings: string[];
}

/**
 * The query front end for GraphQL: selection (catalog + matchers) -> per-series step columns
 * (storage tiers) -> optional function -> optional aggregation, all through dashboard/query.
 */
@Injectable()
export class TrendsService {
  constructor(
    private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly catalog: SeriesCatalog,
    private readonly agentLabels: AgentLabelIndex,
    private readonly reader: TimeSeriesReader,
    private readonly maintenance: TierMaintenance,
    private readonly metrics: Metrics,
  ) {}

  /**
   * `quantiles: false` leaves p50/p95/p99 null (a query that does not select them skips their
   * cost); `budget` is the request's, shared by all its query fields.
   */
  trends(args: TrendsArgs, options: QueryOptions = {}): Promise<TrendResult> {
    return this.metrics.timed(this.metrics.queryDuration, { query: 'trends' }, () => this.trendsOnce(args, options));
  }

  private async trendsOnce(args: TrendsArgs, { quantiles = true, budget }: QueryOptions): Promise<TrendResult> {
    if (args.agentIds != null && args.agentIds.length > MAX_TREND_AGENTS) throw new InvalidTrendQuery(`at most ${MAX_TREND_AGENTS} agentIds`, 'agentIds');
    for (const [i, name] of (args.groupBy ?? []).entries()) {
      if (!LABEL_NAME_PATTERN.test(name)) throw new InvalidTrendQuery(`groupBy[${i}]: invalid label name ${JSON.stringify(name)}`, `groupBy[${i}]`);
    }
    const range = this.range(args.from, args.to, args.stepSeconds, args.function != null);
    const selected = this.select(args.environment, args.metric, args.agentIds, args.matchers);
    this.assertFits(args.aggregate == null ? selected.length : 1, range, budget);
    const deadline = this.deadline();
    const grid = stepGrid(range.from, range.to, range.stepMs);
    const tier = this.reader.tierFor(range.stepMs);
    if (args.aggregate != null && args.function == null && tier.name !== 'raw') {
      // A fleet aggregate of rollups merges the stored fragments directly, without step columns per series.
      const read = this.readOf(args.environment, args.metric, selected, grid, range);
      const labelsOf = new Map(selected.map((s) => [s.entry.id, s.labels]));
      const fragments = (await this.reader.buckets(read)).series.map((s) => ({ labels: labelsOf.get(s.entry.id)!, fragments: s.fragments }));
      await deadline.yield();
      const groups = aggregateFragments(fragments, grid, { aggregate: args.aggregate, groupBy: args.groupBy ?? [] });
      return { ...this.result(args.metric, range, tier.name), series: groups.map((group) => aggregatedSeries(args.metric, grid, group)) };
    }
    const { resolution, series } = await this.columns(args.environment, args.metric, selected, range, args.function != null, deadline);
    await deadline.yield();
    const out: TrendSeries[] =
      args.aggregate == null
        ? series
            .map((s) => ({
              agentId: s.entry.agentId,
              metric: args.metric,
              labels: [...s.entry.labels],
              points: seriesPoints(grid, s.columns, args.function == null ? undefined : applySeriesFunction(args.function, s.columns, range.stepMs), quantiles),
            }))
            .filter((s) => s.points.length > 0)
        : aggregateSeries(series, grid, {
            aggregate: args.aggregate,
            groupBy: args.groupBy ?? [],
            fn: args.function ?? undefined,
            stepMs: range.stepMs,
          }).map((group) => aggregatedSeries(args.metric, grid, group));
    return { ...this.result(args.metric, range, resolution), series: out };
  }

  private result(metric: string, range: Range, resolution: string): Omit<TrendResult, 'series'> {
    return { metric, stepSeconds: range.stepMs / 1000, resolution, warnings: range.warnings };
  }

  topSeries(args: TopSeriesArgs, options: QueryOptions = {}): Promise<RankedSeries[]> {
    return this.metrics.timed(this.metrics.queryDuration, { query: 'topSeries' }, () => this.topSeriesOnce(args, options));
  }

  private async topSeriesOnce(args: TopSeriesArgs, { budget }: QueryOptions): Promise<RankedSeries[]> {
    if (args.limit != null && !(args.limit >= 1 && args.limit <= 1000)) throw new InvalidTrendQuery('limit must be 1..1000', 'limit');
    const span = args.to.getTime() - args.from.getTime();
    // One step over the whole range, unless a function needs steps to work on (then about 120).
    const stepSeconds = args.function == null ? Math.max(1, Math.ceil(span / 1000)) : undefined;
    const range = this.range(args.from, args.to, stepSeconds, args.function != null);
    const selected = this.select(args.environment, args.metric, undefined, args.matchers);
    this.assertFits(selected.length, range, budget);
    const deadline = this.deadline();
    const { series } = await this.columns(args.environment, args.metric, selected, range, args.function != null, deadline);
    await deadline.yield();
    const ranked = topSeries(
      series.map((s) => ({ agentId: s.entry.agentId, labels: s.entry.labels, columns: s.columns })),
      { by: args.by, limit: args.limit ?? 10, ascending: args.ascending ?? false, fn: args.function ?? undefined, stepMs: range.stepMs },
    );
    // A rank value that overflowed the double range is answered as the largest double, keeping its place; one that is not a number is left out.
    return ranked
      .filter(({ value }) => !Number.isNaN(value))
      .map(({ series: s, value }) => ({ agentId: s.agentId, labels: [...s.labels], value: Math.max(-Number.MAX_VALUE, Math.min(Number.MAX_VALUE, value)) }));
  }

  /**
   * Step columns of every selected series over whole steps from `from` to `to`, bounded like any
   * query (points and time): what alert rules evaluate, live and in previews.
   */
  async seriesColumns(
    selection: SeriesSelection,
    from: number,
    to: number,
    stepMs: number,
    needsRaw: boolean,
  ): Promise<{ resolution: string; series: Selected[] }> {
    const selected = this.select(selection.environment, selection.metric, selection.agentIds, selection.matchers);
    const range = { from, to, stepMs, warnings: [] };
    this.assertFits(selected.length, range, undefined);
    return this.columns(selection.environment, selection.metric, selected, range, needsRaw, this.deadline());
  }

  /** The query's range and step, clipped to what retention holds (with a warning saying so). */
  private range(fromDate: Date, toDate: Date, stepSeconds: number | null | undefined, needsRaw: boolean): Range {
    let from = fromDate.getTime();
    const to = toDate.getTime();
    if (!(from < to)) throw new InvalidTrendQuery('from must be before to', 'from');
    const step = stepSeconds ?? Math.max(1, Math.ceil((to - from) / 1000 / DEFAULT_BUCKETS));
    if (!Number.isInteger(step) || step < 1) throw new InvalidTrendQuery('stepSeconds must be a positive integer', 'stepSeconds');
    const warnings: string[] = [];
    const tier = needsRaw ? TIERS.raw : this.reader.tierFor(step * 1000);
    const oldest = this.clock.now() - this.maintenance.retention[tier.name];
    if (from < oldest) {
      from = Math.min(to - 1, oldest);
      warnings.push(`from was clipped to ${new Date(from).toISOString()}: the ${tier.name} tier keeps ${this.maintenance.retention[tier.name] / 3_600_000} h`);
    }
    return { from, to, stepMs: step * 1000, warnings };
  }

  private assertFits(series: number, range: Range, budget: PointBudget | undefined): void {
    const fit = fitQuery(series, range.from, range.to, range.stepMs, this.config.QUERY_MAX_POINTS);
    if (!fit.fits) throw new InvalidTrendQuery(new QueryTooLarge(fit).message, 'stepSeconds');
    if (budget !== undefined && !budget.take(fit.points)) throw new RequestTooLarge(fit.points, budget.remaining, budget.limit);
  }

  private deadline(): QueryDeadline {
    return new QueryDeadline(() => performance.now(), this.config.QUERY_TIMEOUT_SECONDS * 1000);
  }

  /** The series of a metric that the agent ids and matchers select, with their effective labels. */
  private select(environment: string, metric: string, agentIds: string[] | null | undefined, matchers: readonly LabelMatcher[] | null | undefined) {
    let match: (lookup: (name: string) => string | undefined) => boolean;
    try {
      match = compileMatchers(matchers ?? []);
    } catch (error) {
      if (error instanceof InvalidMatcher) throw new InvalidTrendQuery(error.message, `matchers[${error.index}]`);
      throw error;
    }
    const agents = agentIds == null ? undefined : new Set(agentIds);
    const out: { entry: SeriesEntry; labels: Map<string, string> }[] = [];
    for (const entry of this.catalog.seriesOf(environment, metric)) {
      if (agents !== undefined && !agents.has(entry.agentId)) continue;
      const labels = effectiveLabels(entry.agentId, this.agentLabels.labelsOf(environment, entry.agentId), entry.labels);
      if (match((name) => labels.get(name))) out.push({ entry, labels });
    }
    return out;
  }

  /** The storage read of a query: whole steps from the grid's first start, up to `to`. */
  private readOf(environment: string, metric: string, selected: { entry: SeriesEntry }[], grid: StepGrid, range: Range): SeriesRead {
    return { environment, metric, from: grid.firstStart, to: range.to, stepMs: range.stepMs, series: selected.map((s) => s.entry) };
  }

  /** Step columns per selected series: from raw samples (also whenever a function needs first/last), else from rollups. */
  private async columns(
    environment: string,
    metric: string,
    selected: { entry: SeriesEntry; labels: Map<string, string> }[],
    range: Range,
    needsRaw: boolean,
    deadline: QueryDeadline,
  ): Promise<{ resolution: string; series: Selected[] }> {
    const grid = stepGrid(range.from, range.to, range.stepMs);
    const read = this.readOf(environment, metric, selected, grid, range);
    const labelsOf = new Map(selected.map((s) => [s.entry.id, s.labels]));
    const tier = this.reader.tierFor(range.stepMs);
    if (needsRaw || tier.name === 'raw') {
      const series: Selected[] = [];
      for (const s of await this.reader.samples(read)) {
        series.push({ entry: s.entry, labels: labelsOf.get(s.entry.id)!, columns: columnsFromSamples(grid, s.times, s.values) });
        await deadline.yield();
      }
      return { resolution: 'raw', series };
    }
    const series: Selected[] = [];
    for (const s of (await this.reader.buckets(read)).series) {
      series.push({ entry: s.entry, labels: labelsOf.get(s.entry.id)!, columns: columnsFromBuckets(grid, s.fragments) });
      await deadline.yield();
    }
    return { resolution: tier.name, series };
  }
}

/** The non-empty steps of one series; `value` is its function's result when one was asked for. */
function seriesPoints(grid: StepGrid, c: StepColumns, value: Float64Array | undefined, quantiles: boolean): TrendPoint[] {
  const points: TrendPoint[] = [];
  const buffer = new QuantileBuffer();
  for (let i = 0; i < grid.steps; i++) {
    if (c.count[i] === 0) continue;
    if (quantiles) {
      buffer.clear();
      buffer.addRange(c.values, c.exact ? undefined : c.weights, c.offsets[i], c.offsets[i + 1]);
    }
    const q = (p: number) => (quantiles ? finiteOrNull(buffer.quantile(p, c.min[i], c.max[i])) : null);
    points.push({
      timestamp: new Date(stepStartAt(grid, i)),
      count: c.count[i],
      sum: finiteOrNull(c.sum[i]),
      avg: finiteOrNull(c.sum[i] / c.count[i]),
      min: c.min[i],
      max: c.max[i],
      p50: q(0.5),
      p95: q(0.95),
      p99: q(0.99),
      value: value === undefined ? null : finiteOrNull(value[i]),
    });
  }
  return points;
}

const aggregatedSeries = (metric: string, grid: StepGrid, group: SeriesGroup): TrendSeries => ({
  agentId: '*',
  metric,
  labels: group.labels,
  points: groupPoints(grid, group.points),
});

/** The non-empty steps of an aggregated group. */
function groupPoints(grid: StepGrid, g: GroupPoints): TrendPoint[] {
  const points: TrendPoint[] = [];
  for (let i = 0; i < grid.steps; i++) {
    if (g.count[i] === 0) continue;
    points.push({
      timestamp: new Date(stepStartAt(grid, i)),
      count: g.count[i],
      sum: finiteOrNull(g.sum[i]),
      avg: finiteOrNull(g.avg[i]),
      min: finiteOrNull(g.min[i]),
      max: finiteOrNull(g.max[i]),
      p50: null,
      p95: null,
      p99: null,
      value: finiteOrNull(g.value[i]),
    });
  }
  return points;
}
