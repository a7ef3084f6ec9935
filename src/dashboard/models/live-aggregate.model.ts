import { Field, Float, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Label } from '../../common/graphql/label.model';
import { SeriesAggregate } from './series-query.enums';
import { RankedSeries } from './trend.model';

export enum AggregationWindow {
  FIVE_SECONDS = 'FIVE_SECONDS',
  ONE_MINUTE = 'ONE_MINUTE',
  FIVE_MINUTES = 'FIVE_MINUTES',
  ONE_HOUR = 'ONE_HOUR',
}
registerEnumType(AggregationWindow, { name: 'AggregationWindow' });

export const WINDOW_MS: Record<AggregationWindow, number> = {
  [AggregationWindow.FIVE_SECONDS]: 5_000,
  [AggregationWindow.ONE_MINUTE]: 60_000,
  [AggregationWindow.FIVE_MINUTES]: 300_000,
  [AggregationWindow.ONE_HOUR]: 3_600_000,
};

@ObjectType()
export class LiveAggregate {
  @Field() environment!: string;
  @Field() metric!: string;
  @Field(() => AggregationWindow) window!: AggregationWindow;
  @Field() windowStart!: Date;
  @Field() windowEnd!: Date;
  @Field(() => Int) count!: number;
  @Field(() => Float, { nullable: true }) avg!: number | null;
  @Field(() => Float, { nullable: true }) min!: number | null;
  @Field(() => Float, { nullable: true }) max!: number | null;
  @Field(() => Float, { nullable: true }) sum!: number | null;
  @Field(() => Float, { nullable: true, description: 'from a mergeable sketch (DDSketch, 1% relative accuracy), clamped to [min, max]' }) p95!: number | null;
  @Field(() => Int, { description: 'distinct agents that reported in the window' }) agents!: number;
  @Field(() => [Label], { description: "the group's labels (groupBy names with non-empty values); empty without groupBy" }) labels!: Label[];
  @Field({ description: 'true for the one message of a closed window; false for an in-progress update of the open window (inProgress: true)' })
  final!: boolean;
  @Field({ description: 'false for the first window of a subscription that started after the window opened: it holds only samples received since' })
  complete!: boolean;
}

@ObjectType({ description: 'The N highest (or lowest) series of a metric by one aggregate over one closed window' })
export class LiveTopSeries {
  @Field() environment!: string;
  @Field() metric!: string;
  @Field(() => AggregationWindow) window!: AggregationWindow;
  @Field() windowStart!: Date;
  @Field() windowEnd!: Date;
  @Field(() => SeriesAggregate) by!: SeriesAggregate;
  @Field(() => [RankedSeries]) series!: RankedSeries[];
  @Field({ description: 'as on LiveAggregate' }) complete!: boolean;
}
