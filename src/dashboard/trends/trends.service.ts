import { Injectable } from '@nestjs/common';
import { badInput } from '../../common/graphql/errors';
import { SampleRepository } from '../../storage/repositories/sample.repository';
import { summarize } from '../aggregate';
import { TrendsArgs } from '../dto/dashboard.args';
import { TrendResult } from '../models/trend.model';
import { TrendBucketer } from './trend-bucketer';

export const MAX_BUCKETS_PER_SERIES = 10_000;
export const MAX_TREND_AGENTS = 1_000;
const DEFAULT_BUCKETS = 120;

@Injectable()
export class TrendsService {
  constructor(private readonly samples: SampleRepository) {}

  async trends(args: TrendsArgs): Promise<TrendResult> {
    const from = args.from.getTime();
    const to = args.to.getTime();
    if (!(from < to)) throw badInput('from must be before to', 'from');
    const stepSeconds = args.stepSeconds ?? Math.max(1, Math.ceil((to - from) / 1000 / DEFAULT_BUCKETS));
    if (!Number.isInteger(stepSeconds) || stepSeconds < 1) throw badInput('stepSeconds must be a positive integer', 'stepSeconds');
    if ((to - from) / (stepSeconds * 1000) > MAX_BUCKETS_PER_SERIES) {
      throw badInput(`[from, to) at stepSeconds=${stepSeconds} is more than ${MAX_BUCKETS_PER_SERIES} buckets: use a larger step`, 'stepSeconds');
    }
    if (args.agentIds != null && args.agentIds.length > MAX_TREND_AGENTS) {
      throw badInput(`at most ${MAX_TREND_AGENTS} agentIds`, 'agentIds');
    }

    const blocks = await this.samples.findBlocks({
      environment: args.environment,
      metric: args.metric,
      from: args.from,
      to: args.to,
      agentIds: args.agentIds ?? undefined,
    });
    const bucketer = new TrendBucketer(from, to, stepSeconds * 1000);
    for (const block of blocks) bucketer.add(block.agentId, block.t, block.v);

    return {
      metric: args.metric,
      stepSeconds,
      resolution: 'raw',
      series: bucketer.result().map(({ agentId, buckets }) => ({
        agentId,
        metric: args.metric,
        points: buckets.map((b) => ({ timestamp: new Date(b.start), ...summarize(b) })),
      })),
    };
  }
}
