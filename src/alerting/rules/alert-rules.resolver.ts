import { Args, ArgsType, Field, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator';
import { Principal } from '../../common/auth/principal';
import { Requires } from '../../common/auth/requires.decorator';
import { AlertRuleInput } from '../dto/alert-rule.input';
import { AlertRule } from '../models/alert-rule.model';
import { toAlertRule } from './alert-rule.view';
import { AlertRulesService } from './alert-rules.service';

@ArgsType()
class RuleArgs {
  @Field() environment!: string;
  @Field(() => ID) id!: string;
}

@ArgsType()
class CreateRuleArgs {
  @Field() environment!: string;
  @Field(() => AlertRuleInput) rule!: AlertRuleInput;
}

@ArgsType()
class UpdateRuleArgs extends CreateRuleArgs {
  @Field(() => ID) id!: string;
}

@Resolver()
export class AlertRulesResolver {
  constructor(private readonly rules: AlertRulesService) {}

  @Requires('read')
  @Query(() => [AlertRule], { description: "the environment's rules, the built-in agent-health rules included" })
  async alertRules(@Args('environment') environment: string): Promise<AlertRule[]> {
    return (await this.rules.list(environment)).map(toAlertRule);
  }

  @Requires('read')
  @Query(() => AlertRule)
  async alertRule(@Args() { environment, id }: RuleArgs): Promise<AlertRule> {
    return toAlertRule(await this.rules.get(environment, id));
  }

  @Requires('operate')
  @Mutation(() => AlertRule)
  async createAlertRule(@Args() { environment, rule }: CreateRuleArgs, @CurrentPrincipal() caller: Principal): Promise<AlertRule> {
    return toAlertRule(await this.rules.create(environment, rule, caller.subject));
  }

  @Requires('operate')
  @Mutation(() => AlertRule, { description: 'replaces the definition; built-in rules keep their kind' })
  async updateAlertRule(@Args() { environment, id, rule }: UpdateRuleArgs, @CurrentPrincipal() caller: Principal): Promise<AlertRule> {
    return toAlertRule(await this.rules.update(environment, id, rule, caller.subject));
  }

  @Requires('operate')
  @Mutation(() => Boolean, { description: 'open alerts of the rule resolve; built-in rules can only be disabled' })
  deleteAlertRule(@Args() { environment, id }: RuleArgs, @CurrentPrincipal() caller: Principal): Promise<boolean> {
    return this.rules.delete(environment, id, caller.subject);
  }
}
