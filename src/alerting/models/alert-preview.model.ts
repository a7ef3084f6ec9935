import { ArgsType, Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { AlertRuleInput } from '../dto/alert-rule.input';
import { AlertState } from './alert.model';

@ObjectType()
export class AlertInterval {
  @Field({ description: 'the series, agent or group the alert is about' }) subject!: string;
  @Field(() => AlertState, { description: 'PENDING or FIRING' }) state!: AlertState;
  @Field() start!: Date;
  @Field({ nullable: true, description: 'null while still open at `to`' }) end?: Date;
  @Field(() => Float, { nullable: true, description: 'the evaluated value when it started' }) value?: number;
}

@ObjectType()
export class AlertPreview {
  @Field({ description: 'the stored resolution that answered: raw, 1m, 1h, 1d, or "events" for agent rules' }) resolution!: string;
  @Field(() => Int) evaluations!: number;
  @Field(() => Int, { description: "the interval the preview evaluated at: the rule's, or the resolution's if coarser" }) stepSeconds!: number;
  @Field(() => [AlertInterval]) intervals!: AlertInterval[];
  @Field(() => [String]) warnings!: string[];
}

@ArgsType()
export class PreviewAlertRuleArgs {
  @Field() environment!: string;
  @Field(() => AlertRuleInput) rule!: AlertRuleInput;
  @Field() from!: Date;
  @Field() to!: Date;
}
