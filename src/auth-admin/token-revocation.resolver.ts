import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { Principal } from '../common/auth/principal';
import { Requires } from '../common/auth/requires.decorator';
import { RevokeTokenArgs, TokenSelectorArgs } from './dto/token-revocation.args';
import { TokenRevocation } from './models/token-revocation.model';
import { TokenRevocationService } from './token-revocation.service';

/** Admin operations on the token revocation list; they name no environment, so they need a token for every one ("*"). */
@Resolver()
export class TokenRevocationResolver {
  constructor(private readonly revocations: TokenRevocationService) {}

  @Requires('administer')
  @Query(() => [TokenRevocation], { description: 'revocations in force, oldest first' })
  revokedTokens(): Promise<TokenRevocation[]> {
    return this.revocations.list();
  }

  @Requires('administer')
  @Mutation(() => TokenRevocation, { description: 'refuses a token (by jti) or every token of a subject, over HTTP and on open sockets' })
  revokeToken(@Args() args: RevokeTokenArgs, @CurrentPrincipal() admin: Principal): Promise<TokenRevocation> {
    return this.revocations.revoke(args, admin);
  }

  @Requires('administer')
  @Mutation(() => Boolean, { description: 'lifts a revocation; false when there was none' })
  unrevokeToken(@Args() args: TokenSelectorArgs, @CurrentPrincipal() admin: Principal): Promise<boolean> {
    return this.revocations.unrevoke(args, admin);
  }
}
