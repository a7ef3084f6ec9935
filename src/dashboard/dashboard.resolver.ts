import { Args, Context, Info, Query, Resolver, Subscription } from '@nestjs/graphql';
import { GraphQLResolveInfo } from 'graphql';
import { Requires } from '../common/auth/requires.decorator';
import { PointBudget } from '../common/graphql/point-budget';
import { LabelNamesArgs, LabelValuesArgs, LiveAggregatesArgs, MetricsArgs, TopSeriesArgs, TrendsArgs } from './dto/dashboard.args';
import { LiveAggregatesService } from './live/live-aggregates.service';
import { LiveAggregate } from './models/live-aggregate.model';
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
  @Subscription(() => LiveAggregate)
  liveAggregates(@Args() args: LiveAggregatesArgs) {
    return this.live.subscribe(args);
  }
}
