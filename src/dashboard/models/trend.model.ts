import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { Label } from '../../common/graphql/label.model';

@ObjectType()
export class TrendPoint {
  @Field({ description: 'start of the bucket' }) timestamp!: Date;
  @Field(() => Int, { description: 'samples in the bucket (with a function and an aggregate: series with a value)' }) count!: number;
  @Field(() => Float, { nullable: true }) avg!: number | null;
  @Field(() => Float, { nullable: true }) min!: number | null;
  @Field(() => Float, { nullable: true }) max!: number | null;
  @Field(() => Float, { nullable: true }) sum!: number | null;
  @Field(() => Float, { nullable: true, description: 'median (interpolated between ranks; within 1% on rollups)' }) p50!: number | null;
  @Field(() => Float, { nullable: true, description: '95th percentile (interpolated between ranks; within 1% on rollups)' }) p95!: number | null;
  @Field(() => Float, { nullable: true, description: '99th percentile (interpolated between ranks; within 1% on rollups)' }) p99!: number | null;
  @Field(() => Float, { nullable: true, description: 'the `aggregate` of the group, or the `function` of the series; null otherwise' })
  value!: number | null;
}

@ObjectType()
export class TrendSeries {
  @Field(() => ID, { description: 'the agent id; "*" for an aggregated series' }) agentId!: string;
  @Field() metric!: string;
  @Field(() => [Label], { description: "the series' labels; for an aggregated series, its group's" }) labels!: Label[];
  @Field(() => [TrendPoint]) points!: TrendPoint[];
}

@ObjectType()
export class TrendResult {
  @Field() metric!: string;
  @Field(() => Int) stepSeconds!: number;
  @Field({ description: 'which stored resolution answered: "raw", "1m", "1h", "1d"' }) resolution!: string;
  @Field(() => [TrendSeries]) series!: TrendSeries[];
  @Field(() => [String], { description: 'e.g. the range was clipped to what retention holds' }) warnings!: string[];
}

@ObjectType()
export class RankedSeries {
  @Field(() => ID) agentId!: string;
  @Field(() => [Label]) labels!: Label[];
  @Field(() => Float) value!: number;
}
