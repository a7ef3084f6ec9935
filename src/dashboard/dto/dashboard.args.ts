import { ArgsType, Field, ID, Int } from '@nestjs/graphql';
import { AggregationWindow } from '../models/live-aggregate.model';

@ArgsType()
export class TrendsArgs {
  @Field() environment!: string;
  @Field() metric!: string;
  @Field() from!: Date;
  @Field() to!: Date;
  @Field(() => Int, { nullable: true, description: 'bucket size; default: about 120 buckets over [from, to]' }) stepSeconds?: number;
  @Field(() => [ID], { nullable: true }) agentIds?: string[];
}

@ArgsType()
export class LiveAggregatesArgs {
  @Field() environment!: string;
  @Field() metric!: string;
  @Field(() => AggregationWindow) window!: AggregationWindow;
  @Field(() => [ID], { nullable: true }) agentIds?: string[];
}
