import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType()
export class TrendPoint {
  @Field({ description: 'start of the bucket' }) timestamp!: Date;
  @Field(() => Int) count!: number;
  @Field(() => Float, { nullable: true }) avg!: number | null;
  @Field(() => Float, { nullable: true }) min!: number | null;
  @Field(() => Float, { nullable: true }) max!: number | null;
  @Field(() => Float, { nullable: true }) sum!: number | null;
  @Field(() => Float, { nullable: true, description: 'median, within 1% (a DDSketch quantile)' }) p50!: number | null;
  @Field(() => Float, { nullable: true, description: '95th percentile, within 1%' }) p95!: number | null;
  @Field(() => Float, { nullable: true, description: '99th percentile, within 1%' }) p99!: number | null;
}

@ObjectType()
export class TrendSeries {
  @Field(() => ID) agentId!: string;
  @Field() metric!: string;
  @Field(() => [TrendPoint]) points!: TrendPoint[];
}

@ObjectType()
export class TrendResult {
  @Field() metric!: string;
  @Field(() => Int) stepSeconds!: number;
  @Field({ description: 'which stored resolution answered: "raw", "1m", "1h", "1d"' }) resolution!: string;
  @Field(() => [TrendSeries]) series!: TrendSeries[];
}
