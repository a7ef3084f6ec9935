import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { MatchOp } from '../../../dashboard/models/series-query.enums';

export enum SilenceState {
  ACTIVE = 'ACTIVE',
  PENDING = 'PENDING',
  EXPIRED = 'EXPIRED',
}
registerEnumType(SilenceState, { name: 'SilenceState', description: 'PENDING before startsAt, ACTIVE until endsAt, then EXPIRED' });

@ObjectType({ description: 'A label matcher of a silence or an inhibition rule, on alert labels' })
export class AlertMatcher {
  @Field() name!: string;
  @Field(() => MatchOp) op!: MatchOp;
  @Field() value!: string;
}

@ObjectType({ description: 'Alerts matching every matcher (and the rule, if given) notify nobody while the silence is ACTIVE' })
export class Silence {
  @Field(() => ID) id!: string;
  @Field() environment!: string;
  @Field(() => [AlertMatcher]) matchers!: AlertMatcher[];
  @Field(() => ID, { nullable: true }) ruleId?: string;
  @Field() startsAt!: Date;
  @Field() endsAt!: Date;
  @Field(() => SilenceState) state!: SilenceState;
  @Field({ description: 'the token subject that created it' }) createdBy!: string;
  @Field() comment!: string;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
}

@ObjectType({ description: 'While an alert matching sourceMatchers fires, alerts matching targetMatchers with the same values of `equal` notify nobody' })
export class InhibitionRule {
  @Field(() => ID) id!: string;
  @Field() environment!: string;
  @Field(() => [AlertMatcher]) sourceMatchers!: AlertMatcher[];
  @Field(() => [AlertMatcher]) targetMatchers!: AlertMatcher[];
  @Field(() => [String]) equal!: string[];
  @Field({ nullable: true }) comment?: string;
  @Field() createdBy!: string;
  @Field() createdAt!: Date;
}
