import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlContextType, GqlExecutionContext } from '@nestjs/graphql';
import { Forbidden } from './auth.errors';
import { GqlContext } from './gql-context';
import { Permission } from './principal';
import { PERMISSION_KEY } from './requires.decorator';
import { TokenVerifier } from './token-verifier';

/**
 * Global guard for GraphQL operations: authenticates the bearer token (from the HTTP header,
 * or from connectionParams mapped into the context for WebSocket subscriptions), puts the
 * caller on req.user, then checks the operation's permission and the environment it names
 * against the token's claims.
 */
@Injectable()
export class GqlAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType<GqlContextType>() !== 'graphql') return true;
    const gql = GqlExecutionContext.create(context);
    const request = gql.getContext<GqlContext>().req;
    const principal = this.verifier.principal(request.headers.authorization);
    request.user = principal;

    const permission = this.reflector.get<Permission | undefined>(PERMISSION_KEY, context.getHandler());
    if (permission === undefined) throw new Forbidden('This operation is not open to any role');
    if (!principal.has(permission)) {
      throw new Forbidden(`Role(s) ${principal.claims.roles.join(', ')} may not perform this operation`);
    }
    const environment = environmentOf(gql.getArgs());
    if (environment !== undefined && !principal.canAccessEnvironment(environment)) {
      throw new Forbidden(`Token does not grant access to environment "${environment}"`);
    }
    return true;
  }
}

function environmentOf(args: Record<string, unknown>): string | undefined {
  if (typeof args.environment === 'string') return args.environment;
  const batch = args.batch as { environment?: unknown } | undefined;
  return typeof batch?.environment === 'string' ? batch.environment : undefined;
}
