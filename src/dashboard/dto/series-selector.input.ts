import { Field, InputType } from '@nestjs/graphql';
import { MatchOp } from '../models/series-query.enums';

@InputType()
export class LabelMatcherInput {
  @Field({ description: 'a label name; `agent` is the agent id' }) name!: string;
  @Field(() => MatchOp, { nullable: true, defaultValue: MatchOp.EQ }) op?: MatchOp;
  @Field() value!: string;
}
