import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { LabelMatcherInput } from '../../../dashboard/dto/series-selector.input';
import { SilenceState } from '../models/silence.model';

@InputType()
export class SilenceInput {
  @Field(() => [LabelMatcherInput], { nullable: true, description: 'on alert labels: alertname, severity, environment, agent, group and rule labels' })
  matchers?: LabelMatcherInput[];
  @Field(() => ID, { nullable: true, description: 'only alerts of this rule' }) ruleId?: string;
  @Field({ nullable: true, description: 'now when absent' }) startsAt?: Date;
  @Field() endsAt!: Date;
  @Field() comment!: string;
}

@InputType()
export class InhibitionRuleInput {
  @Field(() => [LabelMatcherInput]) sourceMatchers!: LabelMatcherInput[];
  @Field(() => [LabelMatcherInput]) targetMatchers!: LabelMatcherInput[];
  @Field(() => [String], { nullable: true, description: 'labels whose values source and target must share' }) equal?: string[];
  @Field({ nullable: true }) comment?: string;
}

@ArgsType()
export class SilencesArgs {
  @Field() environment!: string;
  @Field(() => [SilenceState], { nullable: true, description: 'all states when absent' }) state?: SilenceState[];
}
