import { Field, Float, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

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
  @Field(() => Int, { description: 'distinct agents that reported in the window' }) agents!: number;
  @Field({ description: 'false for the first window of a subscription that started after the window opened: it holds only samples received since' })
  complete!: boolean;
}
