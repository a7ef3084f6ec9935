import { ArgsType, Field, ID, Int } from '@nestjs/graphql';
import { AggregationWindow } from '../models/live-aggregate.model';
import { SeriesAggregate, SeriesFunction } from '../models/series-query.enums';
import { LabelMatcherInput } from './series-selector.input';

@ArgsType()
export class TrendsArgs {
  @Field() environment!: string;
  @Field() metric!: string;
  @Field() from!: Date;
  @Field() to!: Date;
  @Field(() => Int, { nullable: true, description: 'bucket size; default: about 120 buckets over [from, to]' }) stepSeconds?: number;
  @Field(() => [ID], { nullable: true }) agentIds?: string[];
  @Field(() => [LabelMatcherInput], { nullable: true, description: 'all must match; on the series labels, its agent labels and `agent`' })
  matchers?: LabelMatcherInput[];
  @Field(() => SeriesFunction, { nullable: true }) function?: SeriesFunction;
  @Field(() => SeriesAggregate, { nullable: true, description: 'one series per groupBy group (one in all without groupBy); points carry `value`' })
  aggregate?: SeriesAggregate;
  @Field(() => [String], { nullable: true }) groupBy?: string[];
}

@ArgsType()
export class TopSeriesArgs {
  @Field() environment!: string;
  @Field() metric!: string;
  @Field() from!: Date;
  @Field() to!: Date;
  @Field(() => SeriesAggregate) by!: SeriesAggregate;
  @Field(() => Int, { nullable: true, defaultValue: 10 }) limit!: number;
  @Field({ nullable: true, defaultValue: false }) ascending!: boolean;
  @Field(() => [LabelMatcherInput], { nullable: true }) matchers?: LabelMatcherInput[];
  @Field(() => SeriesFunction, { nullable: true }) function?: SeriesFunction;
}

@ArgsType()
export class MetricsArgs {
  @Field() environment!: string;
  @Field({ nullable: true }) prefix?: string;
  @Field(() => Int, { nullable: true, description: 'at most this many names (default 1000)' }) first?: number;
}

@ArgsType()
export class LabelNamesArgs {
  @Field() environment!: string;
  @Field({ nullable: true }) metric?: string;
}

@ArgsType()
export class LabelValuesArgs {
  @Field() environment!: string;
  @Field() name!: string;
  @Field({ nullable: true }) metric?: string;
  @Field({ nullable: true }) prefix?: string;
  @Field(() => Int, { nullable: true, description: 'at most this many values (default 1000)' }) first?: number;
}

@ArgsType()
export class LiveAggregatesArgs {
  @Field() environment!: string;
  @Field() metric!: string;
  @Field(() => AggregationWindow) window!: AggregationWindow;
  @Field(() => [ID], { nullable: true }) agentIds?: string[];
  @Field(() => [LabelMatcherInput], { nullable: true, description: 'all must match; on the series labels, its agent labels and `agent`' })
  matchers?: LabelMatcherInput[];
  @Field(() => [String], { nullable: true, description: 'one message per group per window, carrying the group labels' }) groupBy?: string[];
  @Field({ nullable: true, defaultValue: false, description: 'also updates of the open window, at most once a second (final: false)' })
  inProgress!: boolean;
}

@ArgsType()
export class LiveTopSeriesArgs {
  @Field() environment!: string;
  @Field() metric!: string;
  @Field(() => AggregationWindow) window!: AggregationWindow;
  @Field(() => SeriesAggregate, { nullable: true, defaultValue: SeriesAggregate.AVG }) by!: SeriesAggregate;
  @Field(() => Int, { nullable: true, defaultValue: 10, description: '1..1000' }) limit!: number;
  @Field({ nullable: true, defaultValue: false }) ascending!: boolean;
  @Field(() => [LabelMatcherInput], { nullable: true }) matchers?: LabelMatcherInput[];
}
