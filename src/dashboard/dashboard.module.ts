import { Module } from '@nestjs/common';
import { DashboardResolver } from './dashboard.resolver';
import { LiveAggregatesService } from './live/live-aggregates.service';
import { SeriesDiscovery } from './trends/series-discovery';
import { TrendsService } from './trends/trends.service';

/** Read queries over stored series (trends) and live window aggregates for subscriptions. */
@Module({
  providers: [TrendsService, SeriesDiscovery, LiveAggregatesService, DashboardResolver],
  exports: [LiveAggregatesService],
})
export class DashboardModule {}
