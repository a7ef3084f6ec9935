import { Args, Context, Info, Query, Resolver, Subscription } from '@nestjs/graphql';
import { GraphQLResolveInfo } from 'graphql';
import { Requires } from '../common/auth/requires.decorator';
import { PointBudget } from '../common/graphql/point-budget';
import type { WebSocket } from 'ws';
import { LabelNamesArgs, LabelValuesArgs, LiveAggregatesArgs, LiveTopSeriesArgs, MetricsArgs, TopSeriesArgs, TrendsArgs } from './dto/dashboard.args';
import { LiveAggregatesService } from './live/live-aggregates.service';
import { LiveAggregate, LiveTopSeries } from './models/live-aggregate.model';
import { RankedSeries, TrendResult } from './models/trend.model';
import { selectsPercentiles } from './trends/selected-fields';
import { SeriesDiscovery } from './trends/series-discovery';
import { TrendsService } from './trends/trends.service';

@Resolver()
export class DashboardResolver {
  constructor(
    private readonly trendsService: TrendsService,
    private readonly discovery: SeriesDiscovery,
    private readonly live: LiveAggregatesService,
  ) {}

  @Requires('read')
  @Query(() => TrendResult)
  trends(@Args() args: TrendsArgs, @Info() info: GraphQLResolveInfo, @Context('pointBudget') budget: PointBudget): Promise<TrendResult> {
    return this.trendsService.trends(args, { quantiles: selectsPercentiles(info.fieldNodes, info.fragments), budget });
  }

  @Requires('read')
  @Query(() => [RankedSeries], { description: 'the series with the highest (or lowest) value of `by` over the range: top offenders' })
  topSeries(@Args() args: TopSeriesArgs, @Context('pointBudget') budget: PointBudget): Promise<RankedSeries[]> {
    return this.trendsService.topSeries(args, { budget });
  }

  @Requires('read')
  @Query(() => [String], { description: 'metric names, sorted' })
  metrics(@Args() args: MetricsArgs): string[] {
    return this.discovery.metrics(args);
  }

  @Requires('read')
  @Query(() => [String], { description: 'label names matchable on the series (of a metric), `agent` included, sorted' })
  labelNames(@Args() args: LabelNamesArgs): string[] {
    return this.discovery.labelNames(args);
  }

  @Requires('read')
  @Query(() => [String], { description: 'values of a label on the series (of a metric), sorted' })
  labelValues(@Args() args: LabelValuesArgs): string[] {
    return this.discovery.labelValues(args);
  }

  @Requires('read')
  @Subscription(() => LiveAggregate, {
    description: 'one message per closed window (per group with groupBy), and with inProgress updates of the open window at most once a second',
    resolve: (message: LiveAggregate) => message,
  })
  liveAggregates(@Args() args: LiveAggregatesArgs, @Context('socket') socket: WebSocket | undefined) {
    return this.live.subscribe(args, socket);
  }

  @Requires('read')
  @Subscription(() => LiveTopSeries, {
    name: 'topSeries',
    description: 'the N highest (or lowest) series of a metric by `by`, per closed window',
    resolve: (message: LiveTopSeries) => message,
  })
  liveTopSeries(@Args() args: LiveTopSeriesArgs, @Context('socket') socket: WebSocket | undefined) {
    return this.live.subscribeTop(args, socket);
  }
}
