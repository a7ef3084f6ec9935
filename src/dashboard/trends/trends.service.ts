import { Injectable } from '@nestjs/common';
import { RollupBucket } from '../../storage/rollups/rollup-bucket';
import { TimeSeriesReader } from '../../storage/timeseries/time-series-reader';
import { summarize } from '../aggregate';
import { TrendsArgs } from '../dto/dashboard.args';
import { TrendPoint, TrendResult } from '../models/trend.model';
import { InvalidTrendQuery } from './trends.errors';

export const MAX_BUCKETS_PER_SERIES = 10_000;
export const MAX_TREND_AGENTS = 1_000;
const DEFAULT_BUCKETS = 120;

@Injectable()
export class TrendsService {
  constructor(private readonly reader: TimeSeriesReader) {}

  async trends(args: TrendsArgs): Promise<TrendResult> {
    const from = args.from.getTime();
    const to = args.to.getTime();
    if (!(from < to)) throw new InvalidTrendQuery('from must be before to', 'from');
    const stepSeconds = args.stepSeconds ?? Math.max(1, Math.ceil((to - from) / 1000 / DEFAULT_BUCKETS));
    if (!Number.isInteger(stepSeconds) || stepSeconds < 1) throw new InvalidTrendQuery('stepSeconds must be a positive integer', 'stepSeconds');
    if ((to - from) / (stepSeconds * 1000) > MAX_BUCKETS_PER_SERIES) {
      throw new InvalidTrendQuery(`[from, to) at stepSeconds=${stepSeconds} is more than ${MAX_BUCKETS_PER_SERIES} buckets: use a larger step`, 'stepSeconds');
    }
    if (args.agentIds != null && args.agentIds.length > MAX_TREND_AGENTS) {
      throw new InvalidTrendQuery(`at most ${MAX_TREND_AGENTS} agentIds`, 'agentIds');
    }

    const { tier, series } = await this.reader.read({
      environment: args.environment,
      metric: args.metric,
      from,
      to,
      stepMs: stepSeconds * 1000,
      agentIds: args.agentIds ?? undefined,
    });
    return {
      metric: args.metric,
      stepSeconds,
      resolution: tier.name,
      series: series.map(({ agentId, buckets }) => ({ agentId, metric: args.metric, points: buckets.map(toPoint) })),
    };
  }
}

function toPoint(bucket: RollupBucket): TrendPoint {
  return {
    timestamp: new Date(bucket.start),
    ...summarize(bucket),
    p50: bucket.quantile(0.5) ?? null,
    p95: bucket.quantile(0.95) ?? null,
    p99: bucket.quantile(0.99) ?? null,
  };
}
