import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator';
import { Principal } from '../../common/auth/principal';
import { Requires } from '../../common/auth/requires.decorator';
import { InhibitionRuleInput, SilenceInput, SilencesArgs } from './dto/silence.input';
import { InhibitionRule, Silence } from './models/silence.model';
import { SilencesService } from './silences.service';

@Resolver()
export class SilencesResolver {
  constructor(private readonly service: SilencesService) {}

  @Requires('operate')
  @Mutation(() => Silence, { description: 'mutes matching alerts between startsAt and endsAt; author = the token subject' })
  createSilence(@Args('environment') environment: string, @Args('silence') silence: SilenceInput, @CurrentPrincipal() caller: Principal): Promise<Silence> {
    return this.service.create(environment, silence, caller.subject);
  }

  @Requires('operate')
  @Mutation(() => Silence, { description: 'ends a silence now' })
  expireSilence(@Args('environment') environment: string, @Args('id', { type: () => ID }) id: string, @CurrentPrincipal() caller: Principal): Promise<Silence> {
    return this.service.expire(environment, id, caller.subject);
  }

  @Requires('read')
  @Query(() => [Silence], { description: 'newest start first' })
  silences(@Args() args: SilencesArgs): Promise<Silence[]> {
    return this.service.list(args);
  }

  @Requires('operate')
  @Mutation(() => InhibitionRule)
  createInhibitionRule(
    @Args('environment') environment: string,
    @Args('rule') rule: InhibitionRuleInput,
    @CurrentPrincipal() caller: Principal,
  ): Promise<InhibitionRule> {
    return this.service.createInhibition(environment, rule, caller.subject);
  }

  @Requires('operate')
  @Mutation(() => Boolean)
  deleteInhibitionRule(
    @Args('environment') environment: string,
    @Args('id', { type: () => ID }) id: string,
    @CurrentPrincipal() caller: Principal,
  ): Promise<boolean> {
    return this.service.deleteInhibition(environment, id, caller.subject);
  }

  @Requires('read')
  @Query(() => [InhibitionRule])
  inhibitionRules(@Args('environment') environment: string): Promise<InhibitionRule[]> {
    return this.service.inhibitions(environment);
  }
}
