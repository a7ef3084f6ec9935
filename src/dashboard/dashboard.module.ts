import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { DashboardResolver } from './dashboard.resolver';
import { QueryFastPathMiddleware } from './fast-path/query-fast-path.middleware';
import { LiveAggregatesService } from './live/live-aggregates.service';
import { LiveExchange } from './live/live-exchange';
import { SeriesDiscovery } from './trends/series-discovery';
import { TrendsService } from './trends/trends.service';

/** Read queries over stored series (trends) and live window aggregates for subscriptions, with a fast path for trends in front of Apollo. */
@Module({
  providers: [TrendsService, SeriesDiscovery, LiveExchange, LiveAggregatesService, DashboardResolver],
  exports: [LiveAggregatesService, TrendsService],
})
export class DashboardModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(QueryFastPathMiddleware).forRoutes({ path: 'graphql', method: RequestMethod.POST });
  }
}
