import { Args, Query, Resolver, Subscription } from '@nestjs/graphql';
import { Requires } from '../common/auth/requires.decorator';
import { LiveAggregatesArgs, TrendsArgs } from './dto/dashboard.args';
import { LiveAggregatesService } from './live/live-aggregates.service';
import { LiveAggregate } from './models/live-aggregate.model';
import { TrendResult } from './models/trend.model';
import { TrendsService } from './trends/trends.service';

@Resolver()
export class DashboardResolver {
  constructor(
    private readonly trendsService: TrendsService,
    private readonly live: LiveAggregatesService,
  ) {}

  @Requires('read')
  @Query(() => TrendResult)
  trends(@Args() args: TrendsArgs): Promise<TrendResult> {
    return this.trendsService.trends(args);
  }

  @Requires('read')
  @Subscription(() => LiveAggregate)
  liveAggregates(@Args() args: LiveAggregatesArgs) {
    return this.live.subscribe(args);
  }
}
